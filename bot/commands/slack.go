package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// Paths the Slack handler serves; point the Slack app's slash command and
// interactivity request URLs at them.
const (
	SlackCommandsPath     = "/slack/commands"
	SlackInteractionsPath = "/slack/interactions"
)

// SlackOptions configure the Slack side of the commands.
type SlackOptions struct {
	Core          *Core
	SigningSecret string // the app's signing secret (HTTP mode)
	AppToken      string // xapp-... app-level token (Socket Mode)
	// APIURL replaces Slack's Web API base (Socket Mode's
	// apps.connections.open) for tests and proxies; must end in "/".
	APIURL string
	// ResponseURLBase allows response_urls under this URL besides
	// https://hooks.slack.com/ (a test server).
	ResponseURLBase string
	Deadline        time.Duration // answer "working on it" after this; default DefaultDeadline
	Timeout         time.Duration // bound of one command; default DefaultTimeout
	MaxBody         int64         // default DefaultMaxBody
	HTTPClient      *http.Client  // posts to response_urls; default a client with a 10 s timeout
	Logger          *slog.Logger
}

// slackCore is what the HTTP handler and Socket Mode share: running a
// command within Slack's deadline and posting late answers.
type slackCore struct {
	core     *Core
	deadline time.Duration
	timeout  time.Duration
	client   *http.Client
	urls     responseURLChecker
	log      *slog.Logger
	wg       sync.WaitGroup
}

func newSlackCore(opts SlackOptions) *slackCore {
	c := &slackCore{core: opts.Core, deadline: opts.Deadline, timeout: opts.Timeout, client: opts.HTTPClient,
		urls: responseURLChecker{base: opts.ResponseURLBase}, log: opts.Logger}
	if c.deadline <= 0 {
		c.deadline = DefaultDeadline
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.client == nil {
		c.client = &http.Client{Timeout: 10 * time.Second}
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	return c
}

// SlackHandler serves Slack's slash command and interaction requests over
// HTTP. Its ServeHTTP answers within Slack's three seconds; slower answers
// are posted to the response_url by goroutines that Wait waits for.
type SlackHandler struct {
	sc      *slackCore
	secret  string
	maxBody int64
	replay  *replayGuard
}

// NewSlackHandler returns the handler of SlackCommandsPath and
// SlackInteractionsPath. Every request must carry Slack's signature of the
// signing secret, made within SignatureWindow and not seen before.
func NewSlackHandler(opts SlackOptions) *SlackHandler {
	h := &SlackHandler{sc: newSlackCore(opts), secret: opts.SigningSecret, maxBody: opts.MaxBody, replay: newReplayGuard(nil)}
	if h.maxBody <= 0 {
		h.maxBody = DefaultMaxBody
	}
	return h
}

// Wait waits for the answers still being posted to response_urls.
func (h *SlackHandler) Wait() { h.sc.wg.Wait() }

func (h *SlackHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != SlackCommandsPath && r.URL.Path != SlackInteractionsPath {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	log := h.sc.log.With(slog.String("path", r.URL.Path), slog.String("remote", r.RemoteAddr))
	body, err := readBody(r, h.maxBody)
	if errors.Is(err, errTooLarge) {
		log.Warn("slack request refused: body too large", slog.Int64("max", h.maxBody))
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if err != nil {
		log.Warn("slack request refused", slog.Any("err", err))
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if err := h.verify(r.Header, body); err != nil {
		// The body is not logged: it may be anything.
		log.Warn("slack request refused: not signed by Slack", slog.String("why", err.Error()))
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		log.Warn("slack request refused: bad form", slog.Any("err", err))
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if r.URL.Path == SlackCommandsPath {
		h.command(r.Context(), w, form, log)
		return
	}
	h.interaction(w, form, log)
}

// verify checks the signature, its age and that it was not seen before.
func (h *SlackHandler) verify(header http.Header, body []byte) error {
	sv, err := slack.NewSecretsVerifier(header, h.secret)
	if err != nil {
		return err
	}
	if _, err := sv.Write(body); err != nil {
		return err
	}
	if err := sv.Ensure(); err != nil {
		return err
	}
	if !h.replay.first(header.Get("X-Slack-Signature")) {
		return errors.New("replayed: signature seen before")
	}
	return nil
}

func (h *SlackHandler) command(ctx context.Context, w http.ResponseWriter, form url.Values, log *slog.Logger) {
	cmd := slack.SlashCommand{
		Command: form.Get("command"), Text: form.Get("text"), UserID: form.Get("user_id"),
		ChannelID: form.Get("channel_id"), TeamID: form.Get("team_id"), ResponseURL: form.Get("response_url"),
	}
	msg, err := h.sc.command(ctx, cmd)
	if err != nil {
		log.Warn("slack command refused", slog.Any("err", err))
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	writeJSON(w, msg)
}

func (h *SlackHandler) interaction(w http.ResponseWriter, form url.Values, log *slog.Logger) {
	var ic slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &ic); err != nil {
		log.Warn("slack interaction refused: bad payload", slog.Any("err", err))
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if err := h.sc.interaction(ic); err != nil {
		log.Warn("slack interaction refused", slog.Any("err", err))
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// command runs a slash command. It returns the answer when it comes
// within the deadline, else "working on it", and then posts the answer
// to the command's response_url when it comes.
func (sc *slackCore) command(ctx context.Context, cmd slack.SlashCommand) (*slack.WebhookMessage, error) {
	if err := sc.urls.check(cmd.ResponseURL); err != nil {
		return nil, err
	}
	who := Caller{Platform: "slack", UserID: cmd.UserID}
	text := slackUnescape(cmd.Text)
	done := sc.start(ctx, func(ctx context.Context) Answer { return sc.core.Handle(ctx, text, who) })
	t := time.NewTimer(sc.deadline)
	defer t.Stop()
	select {
	case a := <-done:
		return slackMessage(a, false), nil
	case <-t.C:
	}
	sc.later(done, cmd.ResponseURL, func(a Answer) *slack.WebhookMessage {
		m := slackMessage(a, false)
		m.ReplaceOriginal = true
		return m
	})
	return slackWorking(), nil
}

// interaction handles a button: another page, or sharing in the channel.
// Its answer always goes to the response_url.
func (sc *slackCore) interaction(ic slack.InteractionCallback) error {
	if ic.Type != slack.InteractionTypeBlockActions {
		return fmt.Errorf("interaction type %q not handled", ic.Type)
	}
	if len(ic.ActionCallback.BlockActions) == 0 {
		return errors.New("no action")
	}
	act := ic.ActionCallback.BlockActions[0]
	if err := sc.urls.check(ic.ResponseURL); err != nil {
		return err
	}
	req, err := decode(act.Value)
	if err != nil {
		return err
	}
	var shape func(Answer) *slack.WebhookMessage
	switch act.ActionID {
	case slackActionPage, slackActionPagePublic:
		public := act.ActionID == slackActionPagePublic
		shape = func(a Answer) *slack.WebhookMessage {
			m := slackMessage(a, public)
			m.ReplaceOriginal = true
			return m
		}
	case slackActionShare:
		shape = func(a Answer) *slack.WebhookMessage {
			if a.Failed {
				return slackMessage(a, false)
			}
			return slackMessage(a, true)
		}
	default:
		return fmt.Errorf("action %q not handled", act.ActionID)
	}
	who := Caller{Platform: "slack", UserID: ic.User.ID}
	done := sc.start(context.Background(), func(ctx context.Context) Answer { return sc.core.Run(ctx, req, who) })
	sc.later(done, ic.ResponseURL, shape)
	return nil
}

// start runs fn in a goroutine bounded by the timeout, detached from ctx's
// cancellation (the HTTP request ends before a slow answer does).
func (sc *slackCore) start(ctx context.Context, fn func(context.Context) Answer) <-chan Answer {
	done := make(chan Answer, 1)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sc.timeout)
	sc.wg.Add(1)
	go func() {
		defer sc.wg.Done()
		defer cancel()
		done <- fn(ctx)
	}()
	return done
}

// later posts the answer from done to the response_url.
func (sc *slackCore) later(done <-chan Answer, responseURL string, shape func(Answer) *slack.WebhookMessage) {
	sc.wg.Add(1)
	go func() {
		defer sc.wg.Done()
		a := <-done
		ctx, cancel := context.WithTimeout(context.Background(), sc.timeout)
		defer cancel()
		if err := slack.PostWebhookCustomHTTPContext(ctx, responseURL, sc.client, shape(a)); err != nil {
			sc.log.Error("slack: post to response_url", slog.String("host", hostOf(responseURL)), slog.Any("err", err))
		}
	}()
}

// slackUnescaper undoes the escaping of &, < and > that Slack applies to
// what a user types after a slash command.
var slackUnescaper = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

func slackUnescape(s string) string { return slackUnescaper.Replace(s) }

func hostOf(u string) string {
	if p, err := url.Parse(u); err == nil {
		return p.Host
	}
	return ""
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}
