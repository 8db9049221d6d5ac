package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/basewatch/basewatch/bot/notify"
)

// Update modes: what Update does with a changed incident.
const (
	ModeEdit   = "edit"   // edit the original message only
	ModeThread = "thread" // reply to the original message only
	ModeBoth   = "both"   // do both (the default)
)

// Config is what an Output needs.
type Config struct {
	Token string // bot token; the "Bot " prefix is added when missing
	// APIURL replaces Discord's API base (https://discord.com/api/v9/) for
	// this output only, e.g. a proxy or a test server; it must end in "/"
	// and include the API version path the server expects.
	APIURL     string
	Mode       string         // ModeEdit, ModeThread or ModeBoth (default)
	Location   *time.Location // channel time zone for headlines; UTC when nil
	Now        func() time.Time
	HTTPClient *http.Client // nil: a client with a 30 s timeout; its Transport is wrapped, not changed

	// Sleep waits between messages to one channel (at most five every five
	// seconds, Discord's per-channel limit); nil waits on the real clock.
	Sleep func(context.Context, time.Duration) error
	// FindDepth is how many recent channel messages Find and Update look
	// through for an earlier attempt; 200 when zero.
	FindDepth int
}

// Output posts to Discord. It is safe for concurrent use.
type Output struct {
	s         *discordgo.Session
	mode      string
	loc       *time.Location
	now       func() time.Time
	pacer     *notify.Pacer
	findDepth int
}

// New returns a Discord output. It opens no gateway connection.
func New(cfg Config) (*Output, error) {
	token := strings.TrimSpace(cfg.Token)
	if token == "" {
		return nil, errors.New("discord: no token: set the bot token of the output")
	}
	if !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	mode := cfg.Mode
	switch mode {
	case "":
		mode = ModeBoth
	case ModeEdit, ModeThread, ModeBoth:
	default:
		return nil, fmt.Errorf("discord: mode %q: want %q, %q or %q", cfg.Mode, ModeEdit, ModeThread, ModeBoth)
	}
	if cfg.APIURL != "" {
		if !strings.HasPrefix(cfg.APIURL, "http://") && !strings.HasPrefix(cfg.APIURL, "https://") {
			return nil, fmt.Errorf("discord: api_url %q: want an http or https URL", cfg.APIURL)
		}
		if !strings.HasSuffix(cfg.APIURL, "/") {
			return nil, fmt.Errorf("discord: api_url %q: must end with \"/\" (e.g. https://proxy.example/api/v9/)", cfg.APIURL)
		}
	}
	o := &Output{mode: mode, loc: cfg.Location, now: cfg.Now, findDepth: cfg.FindDepth}
	if o.loc == nil {
		o.loc = time.UTC
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.findDepth <= 0 {
		o.findDepth = 200
	}
	o.pacer = notify.NewPacer(5, 5*time.Second, o.now, cfg.Sleep)

	base := cfg.HTTPClient
	if base == nil {
		base = &http.Client{Timeout: 30 * time.Second}
	}
	next := base.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	client := *base
	client.Transport = &transport{from: discordgo.EndpointAPI, to: cfg.APIURL, next: next, pacer: o.pacer}

	s, err := discordgo.New(token)
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	s.Client = &client
	s.ShouldRetryOnRateLimit = false // a 429 comes back to the outbox as a RateLimitError
	s.MaxRestRetries = 0             // the outbox retries, with backoff
	s.StateEnabled = false
	s.LogLevel = -1 // every failure comes back as an error; discordgo's own log lines would bypass slog
	s.UserAgent = "DiscordBot (https://github.com/basewatch/basewatch, 1) basewatch"
	o.s = s
	return o, nil
}

// messageSend is discordgo's MessageSend plus the nonce fields that v0.29
// lacks.
type messageSend struct {
	Content         string                            `json:"content,omitempty"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	Reference       *discordgo.MessageReference       `json:"message_reference,omitempty"`
	Nonce           string                            `json:"nonce,omitempty"`
	EnforceNonce    bool                              `json:"enforce_nonce,omitempty"`
}

// noMentions lets nothing in a message ping anyone, the replied-to author
// included.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// Post posts a new alert and returns "channelID|messageID".
func (o *Output) Post(ctx context.Context, channel string, a notify.Alert, key string) (string, error) {
	a.Kind = "alert"
	v := notify.NewView(a, o.loc, o.now())
	return o.send(ctx, channel, "", alertEmbed(v, Tag(key), ""), key)
}

// Update brings an earlier alert up to date according to the mode: it edits
// the original message (ref) and/or replies to it. It returns the reply's
// reference, or ref itself in edit mode. A reply with key that is already in
// the channel is not posted again.
func (o *Output) Update(ctx context.Context, channel, ref string, a notify.Alert, key string) (string, error) {
	ch, id, err := splitRef(ref)
	if err != nil {
		return "", err
	}
	now := o.now()
	if o.mode == ModeEdit || o.mode == ModeBoth {
		orig := a
		orig.Kind = "alert"
		v := notify.NewView(orig, o.loc, now)
		embeds := []*discordgo.MessageEmbed{alertEmbed(v, Tag(key), "Updated "+now.In(o.loc).Format("Mon 2 Jan 15:04 MST"))}
		if err := o.pacer.Wait(ctx, ch); err != nil {
			return "", err
		}
		actx, ans := withAnswer(ctx)
		_, err := o.s.ChannelMessageEditComplex(&discordgo.MessageEdit{
			ID: id, Channel: ch, Embeds: &embeds, AllowedMentions: noMentions(),
		}, discordgo.WithContext(actx))
		if err != nil {
			return "", o.classify("edit message", ch, err, ans)
		}
		if o.mode == ModeEdit {
			return ref, nil
		}
	}
	if found, err := o.find(ctx, ch, key, id); err != nil || found != "" {
		return found, err
	}
	a.Kind = "update"
	v := notify.NewView(a, o.loc, now)
	return o.send(ctx, ch, id, updateEmbed(v, Tag(key)), key)
}

// PostRecap posts an "on this date" recap. With no lines and no Empty text
// it posts nothing and returns "".
func (o *Output) PostRecap(ctx context.Context, channel string, r notify.Recap, key string) (string, error) {
	if len(r.Lines) == 0 && strings.TrimSpace(r.Empty) == "" {
		return "", nil
	}
	return o.send(ctx, channel, "", recapEmbed(r, Tag(key)), key)
}

// Find looks through the channel's recent messages (Config.FindDepth) for
// one posted with key and returns its reference, or "" when there is none.
func (o *Output) Find(ctx context.Context, channel, key string) (string, error) {
	return o.find(ctx, channel, key, "")
}

// find pages back through the channel from the newest message, or forward
// from after when it is set, looking for a bot message tagged with key.
func (o *Output) find(ctx context.Context, channel, key, after string) (string, error) {
	tag := Tag(key)
	before := ""
	for seen := 0; seen < o.findDepth; {
		actx, ans := withAnswer(ctx)
		msgs, err := o.s.ChannelMessages(channel, min(100, o.findDepth-seen), before, after, "", discordgo.WithContext(actx))
		if err != nil {
			return "", o.classify("read messages", channel, err, ans)
		}
		for _, m := range msgs {
			if tagged(m, tag) {
				return channel + "|" + m.ID, nil
			}
		}
		if len(msgs) < min(100, o.findDepth-seen) {
			break
		}
		seen += len(msgs)
		// Messages come newest first: go on past the oldest, or past the
		// newest when reading forward.
		if after != "" {
			after = msgs[0].ID
		} else {
			before = msgs[len(msgs)-1].ID
		}
	}
	return "", nil
}

func tagged(m *discordgo.Message, tag string) bool {
	if m.Author == nil || !m.Author.Bot {
		return false
	}
	for _, e := range m.Embeds {
		if e.Footer != nil && strings.HasSuffix(e.Footer.Text, tagPrefix+tag) {
			return true
		}
	}
	return false
}

func (o *Output) send(ctx context.Context, channel, replyTo string, embed *discordgo.MessageEmbed, key string) (string, error) {
	if err := o.pacer.Wait(ctx, channel); err != nil {
		return "", err
	}
	data := messageSend{
		Embeds:          []*discordgo.MessageEmbed{embed},
		AllowedMentions: noMentions(),
		Nonce:           Nonce(key),
		EnforceNonce:    true,
	}
	op := "send message"
	if replyTo != "" {
		no := false
		data.Reference = &discordgo.MessageReference{MessageID: replyTo, ChannelID: channel, FailIfNotExists: &no}
		op = "reply"
	}
	endpoint := discordgo.EndpointChannelMessages(channel)
	actx, ans := withAnswer(ctx)
	body, err := o.s.RequestWithBucketID(http.MethodPost, endpoint, data, endpoint, discordgo.WithContext(actx))
	if err != nil {
		return "", o.classify(op, channel, err, ans)
	}
	var m discordgo.Message
	if err := json.Unmarshal(body, &m); err != nil || m.ID == "" {
		return "", fmt.Errorf("discord %s %s: unreadable answer: %w: %v", op, channel, notify.ErrUnavailable, err)
	}
	ch := m.ChannelID
	if ch == "" {
		ch = channel
	}
	return ch + "|" + m.ID, nil
}

// Nonce is the message nonce for a delivery key: Discord takes at most 25
// characters, so it is a hash of the key.
func Nonce(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])[:25]
}

// tagPrefix introduces the delivery tag at the end of an embed footer.
const tagPrefix = "· ref "

// Tag is the short delivery tag shown at the end of each embed footer, by
// which Find recognises a message after a restart (Discord does not return
// nonces when messages are read back).
func Tag(key string) string {
	return Nonce(key)[:12]
}

func splitRef(ref string) (channel, id string, err error) {
	channel, id, ok := strings.Cut(ref, "|")
	if !ok || channel == "" || id == "" {
		return "", "", fmt.Errorf("discord: reference %q: want \"channelID|messageID\": %w", ref, notify.ErrRejected)
	}
	return channel, id, nil
}

// classify wraps a discordgo error with the operation, the channel and the
// notify class the outbox acts on. A rate limit also holds the channel (or
// every channel, for Discord's global limit) in the pacer.
func (o *Output) classify(op, channel string, err error, ans *answer) error {
	wrap := func(class error) error {
		if class == nil {
			return fmt.Errorf("discord %s %s: %w", op, channel, err)
		}
		return fmt.Errorf("discord %s %s: %w: %w", op, channel, class, err)
	}
	var rl *discordgo.RateLimitError
	var re *discordgo.RESTError
	switch {
	case errors.As(err, &rl) || ans.status == http.StatusTooManyRequests:
		wait := ans.retryAfter
		if rl != nil && rl.TooManyRequests != nil && rl.RetryAfter > 0 {
			wait = rl.RetryAfter
		}
		if wait <= 0 {
			wait = time.Second
		}
		if ans.global {
			o.pacer.HoldAll(wait)
		} else {
			o.pacer.Hold(channel, wait)
		}
		return &notify.RateLimitError{RetryAfter: wait, Err: wrap(nil)}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return wrap(nil)
	case errors.As(err, &re) && re.Response != nil:
		if class := notify.StatusError(re.Response.StatusCode); class != nil {
			if class == notify.ErrAuth {
				return fmt.Errorf("discord %s %s: %w: %w (check the bot token and the bot's permissions in the channel)", op, channel, class, err)
			}
			return wrap(class)
		}
	case ans.status != 0:
		if class := notify.StatusError(ans.status); class != nil {
			return wrap(class)
		}
	}
	return wrap(notify.ErrUnavailable)
}
