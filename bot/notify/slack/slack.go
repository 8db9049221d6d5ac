package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/basewatch/basewatch/bot/notify"
)

// DefaultAPIURL is Slack's Web API base.
const DefaultAPIURL = "https://slack.com/api/"

// EventType is the metadata event type of every message basewatch posts.
const EventType = "basewatch_delivery"

// Update modes: what Update does with a changed incident.
const (
	ModeEdit   = "edit"   // edit the original message only
	ModeThread = "thread" // reply in the original message's thread only
	ModeBoth   = "both"   // do both (the default)
)

// Config is what an Output needs.
type Config struct {
	Token      string         // bot token, xoxb-…
	APIURL     string         // Web API base; DefaultAPIURL when empty; a trailing "/" is added when missing
	Mode       string         // ModeEdit, ModeThread or ModeBoth (default)
	Location   *time.Location // channel time zone for headlines; UTC when nil
	Now        func() time.Time
	HTTPClient *http.Client // nil: a client with a 30 s timeout

	// Sleep waits between messages to one channel (at most one a second,
	// Slack's published limit); nil waits on the real clock. Tests pass a
	// sleep that advances their clock.
	Sleep func(context.Context, time.Duration) error
	// FindDepth is how many recent channel messages Find looks through;
	// 200 when zero.
	FindDepth int
}

// Output posts to Slack. It is safe for concurrent use.
type Output struct {
	api       *slack.Client
	mode      string
	loc       *time.Location
	now       func() time.Time
	pacer     *notify.Pacer
	findDepth int
}

// New returns a Slack output. opts are passed to the slack-go client after
// the ones built from cfg (for example slack.OptionDebug).
func New(cfg Config, opts ...slack.Option) (*Output, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("slack: no token: set the bot token (xoxb-…) of the output")
	}
	mode := cfg.Mode
	switch mode {
	case "":
		mode = ModeBoth
	case ModeEdit, ModeThread, ModeBoth:
	default:
		return nil, fmt.Errorf("slack: mode %q: want %q, %q or %q", cfg.Mode, ModeEdit, ModeThread, ModeBoth)
	}
	apiURL := cfg.APIURL
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	if !strings.HasPrefix(apiURL, "http://") && !strings.HasPrefix(apiURL, "https://") {
		return nil, fmt.Errorf("slack: api_url %q: want an http or https URL", cfg.APIURL)
	}
	if !strings.HasSuffix(apiURL, "/") {
		apiURL += "/"
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	o := &Output{
		mode:      mode,
		loc:       cfg.Location,
		now:       cfg.Now,
		findDepth: cfg.FindDepth,
	}
	if o.loc == nil {
		o.loc = time.UTC
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.findDepth <= 0 {
		o.findDepth = 200
	}
	o.pacer = notify.NewPacer(1, time.Second, o.now, cfg.Sleep)
	all := append([]slack.Option{slack.OptionAPIURL(apiURL), slack.OptionHTTPClient(client)}, opts...)
	o.api = slack.New(cfg.Token, all...)
	return o, nil
}

// Post posts a new alert and returns "channelID|ts".
func (o *Output) Post(ctx context.Context, channel string, a notify.Alert, key string) (string, error) {
	a.Kind = "alert"
	v := notify.NewView(a, o.loc, o.now())
	return o.post(ctx, "chat.postMessage", channel, "", fallback(v), alertBlocks(v, ""), meta("alert", a.IncidentID, key))
}

// Update brings an earlier alert up to date according to the mode: it edits
// the original message (ref) and/or replies in its thread. It returns the
// reply's reference, or ref itself in edit mode. A reply carrying key that is
// already in the thread is not posted again.
func (o *Output) Update(ctx context.Context, channel, ref string, a notify.Alert, key string) (string, error) {
	ch, ts, err := splitRef(ref)
	if err != nil {
		return "", err
	}
	now := o.now()
	if o.mode == ModeEdit || o.mode == ModeBoth {
		orig := a
		orig.Kind = "alert"
		v := notify.NewView(orig, o.loc, now)
		updated := "Updated " + now.In(o.loc).Format("Mon 2 Jan 15:04 MST")
		if err := o.pacer.Wait(ctx, ch); err != nil {
			return "", err
		}
		// No metadata option: Slack keeps the original's, so Find still
		// knows the alert by the key it was posted with.
		_, _, _, err := o.api.UpdateMessageContext(ctx, ch, ts,
			slack.MsgOptionText(fallback(v), false),
			slack.MsgOptionBlocks(alertBlocks(v, updated)...))
		if err != nil {
			return "", o.classify("chat.update", ch, err)
		}
		if o.mode == ModeEdit {
			return ref, nil
		}
	}
	if found, err := o.findReply(ctx, ch, ts, key); err != nil || found != "" {
		return found, err
	}
	a.Kind = "update"
	v := notify.NewView(a, o.loc, now)
	return o.post(ctx, "chat.postMessage", ch, ts, fallback(v), updateBlocks(v), meta("update", a.IncidentID, key))
}

// PostRecap posts an "on this date" recap. With no lines and no Empty text
// it posts nothing and returns "".
func (o *Output) PostRecap(ctx context.Context, channel string, r notify.Recap, key string) (string, error) {
	if len(r.Lines) == 0 && strings.TrimSpace(r.Empty) == "" {
		return "", nil
	}
	text := notify.RecapHeader(r)
	return o.post(ctx, "chat.postMessage", channel, "", escape(text), recapBlocks(r), meta("recap", "", key))
}

// Find looks through the channel's recent messages (Config.FindDepth) for
// one posted with key and returns its reference, or "" when there is none.
// channel must be a channel ID (C…), as conversations.history requires.
func (o *Output) Find(ctx context.Context, channel, key string) (string, error) {
	cursor := ""
	seen := 0
	for seen < o.findDepth {
		resp, err := o.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID:          channel,
			Cursor:             cursor,
			Limit:              min(200, o.findDepth-seen),
			IncludeAllMetadata: true,
		})
		if err != nil {
			return "", o.classify("conversations.history", channel, err)
		}
		for _, m := range resp.Messages {
			if hasKey(m, key) {
				return channel + "|" + m.Timestamp, nil
			}
		}
		seen += len(resp.Messages)
		cursor = resp.ResponseMetaData.NextCursor
		if !resp.HasMore || cursor == "" || len(resp.Messages) == 0 {
			break
		}
	}
	return "", nil
}

// findReply looks in the thread of ts for a reply carrying key.
func (o *Output) findReply(ctx context.Context, channel, ts, key string) (string, error) {
	cursor := ""
	for range 5 {
		msgs, more, next, err := o.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
			ChannelID:          channel,
			Timestamp:          ts,
			Cursor:             cursor,
			Limit:              200,
			IncludeAllMetadata: true,
		})
		if err != nil {
			return "", o.classify("conversations.replies", channel, err)
		}
		for _, m := range msgs {
			if m.Timestamp != ts && hasKey(m, key) {
				return channel + "|" + m.Timestamp, nil
			}
		}
		if !more || next == "" {
			break
		}
		cursor = next
	}
	return "", nil
}

func (o *Output) post(ctx context.Context, op, channel, threadTS, text string, blocks []slack.Block, md slack.SlackMetadata) (string, error) {
	if err := o.pacer.Wait(ctx, channel); err != nil {
		return "", err
	}
	opts := []slack.MsgOption{
		slack.MsgOptionText(text, false),
		slack.MsgOptionBlocks(blocks...),
		slack.MsgOptionMetadata(md),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
	}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	ch, ts, err := o.api.PostMessageContext(ctx, channel, opts...)
	if err != nil {
		return "", o.classify(op, channel, err)
	}
	if ch == "" {
		ch = channel
	}
	return ch + "|" + ts, nil
}

func meta(kind, incidentID, key string) slack.SlackMetadata {
	p := map[string]any{"kind": kind, "key": key}
	if incidentID != "" {
		p["incident_id"] = incidentID
	}
	return slack.SlackMetadata{EventType: EventType, EventPayload: p}
}

func hasKey(m slack.Message, key string) bool {
	if m.Metadata.EventType != EventType {
		return false
	}
	k, _ := m.Metadata.EventPayload["key"].(string)
	return k == key
}

func splitRef(ref string) (channel, ts string, err error) {
	channel, ts, ok := strings.Cut(ref, "|")
	if !ok || channel == "" || ts == "" {
		return "", "", fmt.Errorf("slack: reference %q: want \"channel|ts\": %w", ref, notify.ErrRejected)
	}
	return channel, ts, nil
}

// authErrors are Slack error codes that mean the token or the app's scopes
// are wrong for every channel: the output is down until someone fixes it.
var authErrors = map[string]bool{
	"not_authed": true, "invalid_auth": true, "account_inactive": true, "token_revoked": true,
	"token_expired": true, "no_permission": true, "missing_scope": true, "not_allowed_token_type": true,
	"org_login_required": true, "ekm_access_denied": true, "team_access_not_granted": true,
	"access_denied": true, "two_factor_setup_required": true,
	// The app was removed from the channel: kept until someone invites it back.
	"not_in_channel": true,
}

// tempErrors are Slack error codes worth retrying.
var tempErrors = map[string]bool{
	"internal_error": true, "fatal_error": true, "service_unavailable": true,
	"request_timeout": true, "ratelimited": true, "team_added_to_org": true,
}

// classify wraps a slack-go error with the operation and channel and with
// the notify class the outbox acts on. A rate limit also holds the channel
// in the pacer for the wait Slack asked for.
func (o *Output) classify(op, channel string, err error) error {
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &rl):
		o.pacer.Hold(channel, rl.RetryAfter)
		return &notify.RateLimitError{RetryAfter: rl.RetryAfter, Err: fmt.Errorf("slack %s %s: %w", op, channel, err)}
	case errors.As(err, &sc):
		if sc.Code == http.StatusTooManyRequests {
			// A 429 without Retry-After: wait Slack's per-channel second.
			o.pacer.Hold(channel, time.Second)
			return &notify.RateLimitError{RetryAfter: time.Second, Err: fmt.Errorf("slack %s %s: %w", op, channel, err)}
		}
		if class := notify.StatusError(sc.Code); class != nil {
			return fmt.Errorf("slack %s %s: %w: %w", op, channel, class, err)
		}
	case errors.As(err, &se):
		switch {
		case authErrors[se.Err]:
			return fmt.Errorf("slack %s %s: %w: %w (check the token, the app's scopes and that the app is in the channel)", op, channel, notify.ErrAuth, err)
		case tempErrors[se.Err]:
			return fmt.Errorf("slack %s %s: %w: %w", op, channel, notify.ErrUnavailable, err)
		case se.Err == "channel_not_found" || se.Err == "is_archived":
			return fmt.Errorf("slack %s %s: %w: %w (check the channel ID)", op, channel, notify.ErrRejected, err)
		default:
			return fmt.Errorf("slack %s %s: %w: %w", op, channel, notify.ErrRejected, err)
		}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("slack %s %s: %w", op, channel, err)
	}
	return fmt.Errorf("slack %s %s: %w: %w", op, channel, notify.ErrUnavailable, err)
}
