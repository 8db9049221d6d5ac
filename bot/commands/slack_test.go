package commands

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot/store"
)

const testSigningSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// signSlack signs a request body as Slack does: v0 HMAC-SHA256 of
// "v0:timestamp:body" with the signing secret.
func signSlack(secret string, ts int64, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "v0:%d:%s", ts, body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

func slackRequest(path, body string, ts int64, sig string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if ts != 0 {
		r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	}
	if sig != "" {
		r.Header.Set("X-Slack-Signature", sig)
	}
	return r
}

// signed is a request signed now with the test secret.
func signed(path, body string) *http.Request {
	ts := time.Now().Unix()
	return slackRequest(path, body, ts, signSlack(testSigningSecret, ts, body))
}

func commandBody(text, user, responseURL string) string {
	return url.Values{
		"token": {"legacy-verification-token"}, "team_id": {"T0TEAM"}, "team_domain": {"newsroom"},
		"channel_id": {"C0DESK"}, "channel_name": {"desk"}, "user_id": {user}, "user_name": {"reporter"},
		"command": {"/incidents"}, "text": {text}, "api_app_id": {"A0APP"},
		"response_url": {responseURL}, "trigger_id": {"13345224609.738474920.8088930838d88f008e0"},
	}.Encode()
}

// hooks is a fake of Slack's response_url endpoint: it takes the JSON
// message as Slack does and answers "ok".
type hooks struct {
	srv  *httptest.Server
	msgs chan hookPost
}

type hookPost struct {
	path string
	msg  map[string]any
}

func newHooks(t *testing.T) *hooks {
	h := &hooks{msgs: make(chan hookPost, 10)}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "invalid_payload", http.StatusBadRequest)
			return
		}
		var m map[string]any
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			http.Error(w, "invalid_payload", http.StatusBadRequest)
			return
		}
		h.msgs <- hookPost{r.URL.Path, m}
		io.WriteString(w, "ok")
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hooks) url(path string) string { return h.srv.URL + path }

// next waits for the next post, generously.
func (h *hooks) next(t *testing.T) hookPost {
	t.Helper()
	select {
	case p := <-h.msgs:
		return p
	case <-time.After(20 * time.Second):
		t.Fatal("no post at the response_url")
	}
	return hookPost{}
}

func (h *hooks) none(t *testing.T) {
	t.Helper()
	select {
	case p := <-h.msgs:
		t.Fatalf("unexpected post at the response_url: %v", p.msg)
	default:
	}
}

func newSlackHandler(t *testing.T, f *fixture, h *hooks, deadline time.Duration) *SlackHandler {
	t.Helper()
	sh := NewSlackHandler(SlackOptions{Core: f.core, SigningSecret: testSigningSecret, ResponseURLBase: h.url("/"),
		Deadline: deadline, HTTPClient: h.srv.Client(), Logger: f.core.log})
	t.Cleanup(sh.Wait)
	return sh
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func decodeMsg(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("%v: %s", err, w.Body)
	}
	return m
}

// blockText joins the texts of a message's blocks, to look for words.
func blockText(m map[string]any) string {
	b, _ := json.Marshal(m["blocks"])
	return string(b)
}

func TestSlackCommandAnswersInline(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	h := newHooks(t)
	sh := newSlackHandler(t, f, h, time.Minute)
	w := serve(sh, signed(SlackCommandsPath, commandBody("recent", "U0READER1", h.url("/commands/T0TEAM/1/abc"))))
	m := decodeMsg(t, w)
	if m["response_type"] != "ephemeral" {
		t.Errorf("response_type %v, want ephemeral", m["response_type"])
	}
	text := blockText(m)
	for _, want := range []string{"Incidents in the last 7 days", "2025-03-13-erbil-air-base", "bw_share"} {
		if !strings.Contains(text, want) {
			t.Errorf("answer lacks %q: %s", want, text)
		}
	}
	sh.Wait()
	h.none(t)
}

// slowStore is the real store made slow: every read waits until the test
// opens the gate (or the read's context ends), like a database under load.
type slowStore struct {
	store.Store
	gate chan struct{}
}

func (s slowStore) wait(ctx context.Context) error {
	select {
	case <-s.gate:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s slowStore) Incidents(ctx context.Context, from, to time.Time, siteID string, limit int) ([]store.Incident, error) {
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	return s.Store.Incidents(ctx, from, to, siteID, limit)
}

func (s slowStore) Incident(ctx context.Context, id string) (store.Incident, error) {
	if err := s.wait(ctx); err != nil {
		return store.Incident{}, err
	}
	return s.Store.Incident(ctx, id)
}

func (s slowStore) Reports(ctx context.Context, id string) ([]store.Report, error) {
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	return s.Store.Reports(ctx, id)
}

func (s slowStore) IncidentsOnDay(ctx context.Context, m time.Month, d int) ([]store.Incident, error) {
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	return s.Store.IncidentsOnDay(ctx, m, d)
}

func (s slowStore) FeedStates(ctx context.Context) ([]store.FeedState, error) {
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	return s.Store.FeedStates(ctx)
}

func (s slowStore) Mutes(ctx context.Context, now time.Time) ([]store.Mute, error) {
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	return s.Store.Mutes(ctx, now)
}

// slowFixture returns a fixture over a slow store, and the function that
// opens its gate (also called at the end of the test).
func slowFixture(t *testing.T) (*fixture, func()) {
	gate := make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(gate) }) }
	f := newFixture(t, fixtureOptions{wrap: func(s store.Store) store.Store { return slowStore{s, gate} }})
	t.Cleanup(open) // before the fixture's own cleanups: they run last in, first out
	return f, open
}

// TestSlackSlowAnswerGoesToResponseURL: a command slower than the deadline
// is answered "working on it" at once, and its answer is posted to the
// response_url when the store has answered.
func TestSlackSlowAnswerGoesToResponseURL(t *testing.T) {
	f, open := slowFixture(t)
	h := newHooks(t)
	sh := newSlackHandler(t, f, h, 20*time.Millisecond)
	w := serve(sh, signed(SlackCommandsPath, commandBody("recent 30", "U0READER1", h.url("/commands/T0TEAM/1/abc"))))
	m := decodeMsg(t, w)
	if m["text"] != "Working on it…" || m["response_type"] != "ephemeral" {
		t.Fatalf("immediate answer %v, want an ephemeral \"Working on it…\"", m)
	}
	h.none(t) // the store has not answered yet
	open()
	p := h.next(t)
	if p.path != "/commands/T0TEAM/1/abc" {
		t.Errorf("posted to %s", p.path)
	}
	if p.msg["replace_original"] != true || p.msg["response_type"] != "ephemeral" {
		t.Errorf("late answer: replace_original %v, response_type %v", p.msg["replace_original"], p.msg["response_type"])
	}
	if text := blockText(p.msg); !strings.Contains(text, "Incidents in the last 30 days") || !strings.Contains(text, "2025-02-20-harir") {
		t.Errorf("late answer lacks the incidents: %s", text)
	}
}

// TestSlackSlowAnswerTimesOut: a store that never answers ends in an
// apology at the response_url, not silence.
func TestSlackSlowAnswerTimesOut(t *testing.T) {
	f, _ := slowFixture(t)
	h := newHooks(t)
	sh := NewSlackHandler(SlackOptions{Core: f.core, SigningSecret: testSigningSecret, ResponseURLBase: h.url("/"),
		Deadline: 10 * time.Millisecond, Timeout: 200 * time.Millisecond, HTTPClient: h.srv.Client(), Logger: f.core.log})
	t.Cleanup(sh.Wait)
	m := decodeMsg(t, serve(sh, signed(SlackCommandsPath, commandBody("feeds", "U0READER1", h.url("/r/1")))))
	if m["text"] != "Working on it…" {
		t.Fatalf("immediate answer %v", m)
	}
	p := h.next(t)
	if text := blockText(p.msg); !strings.Contains(text, "took too long") {
		t.Errorf("late answer %s, want an apology", text)
	}
}

func TestSlackSignatures(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	h := newHooks(t)
	body := commandBody("help MARKER-7f3a", "U0READER1", h.url("/r/1"))
	now := time.Now().Unix()
	tests := []struct {
		name string
		req  *http.Request
		code int
	}{
		{"signed", slackRequest(SlackCommandsPath, body, now, signSlack(testSigningSecret, now, body)), http.StatusOK},
		{"unsigned", slackRequest(SlackCommandsPath, body, 0, ""), http.StatusUnauthorized},
		{"no timestamp", slackRequest(SlackCommandsPath, body, 0, signSlack(testSigningSecret, now, body)), http.StatusUnauthorized},
		{"other secret", slackRequest(SlackCommandsPath, body, now, signSlack("not-the-secret", now, body)), http.StatusUnauthorized},
		{"body changed", slackRequest(SlackCommandsPath, strings.Replace(body, "help", "mute", 1), now, signSlack(testSigningSecret, now, body)), http.StatusUnauthorized},
		{"timestamp changed", slackRequest(SlackCommandsPath, body, now+1, signSlack(testSigningSecret, now, body)), http.StatusUnauthorized},
		{"stale", slackRequest(SlackCommandsPath, body, now-6*60, signSlack(testSigningSecret, now-6*60, body)), http.StatusUnauthorized},
		{"future", slackRequest(SlackCommandsPath, body, now+6*60, signSlack(testSigningSecret, now+6*60, body)), http.StatusUnauthorized},
		{"not hex", slackRequest(SlackCommandsPath, body, now, "v0=zzzz"), http.StatusUnauthorized},
		{"v1", slackRequest(SlackCommandsPath, body, now, "v1="+strings.TrimPrefix(signSlack(testSigningSecret, now, body), "v0=")), http.StatusUnauthorized},
		{"interaction unsigned", slackRequest(SlackInteractionsPath, "payload=%7B%7D", 0, ""), http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sh := newSlackHandler(t, f, h, time.Minute)
			w := serve(sh, tt.req)
			if w.Code != tt.code {
				t.Errorf("status %d, want %d: %s", w.Code, tt.code, w.Body)
			}
		})
	}
	logs := f.logs.String()
	if strings.Count(logs, "not signed by Slack") != len(tests)-1 {
		t.Errorf("want %d refusals logged, got:\n%s", len(tests)-1, logs)
	}
	if strings.Contains(logs, "MARKER-7f3a") || strings.Contains(logs, "help+") {
		t.Errorf("a refused request's body reached the log:\n%s", logs)
	}
}

// TestSlackReplay: the same signed request sent again within the window
// is refused, and so is it after the window.
func TestSlackReplay(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	h := newHooks(t)
	sh := newSlackHandler(t, f, h, time.Minute)
	body := commandBody("feeds", "U0READER1", h.url("/r/1"))
	ts := time.Now().Unix()
	sig := signSlack(testSigningSecret, ts, body)
	if w := serve(sh, slackRequest(SlackCommandsPath, body, ts, sig)); w.Code != http.StatusOK {
		t.Fatalf("first: %d %s", w.Code, w.Body)
	}
	if w := serve(sh, slackRequest(SlackCommandsPath, body, ts, sig)); w.Code != http.StatusUnauthorized {
		t.Errorf("replayed within the window: %d, want 401", w.Code)
	}
	// A request captured six minutes ago, replayed now: stale.
	old := ts - 6*60
	if w := serve(sh, slackRequest(SlackCommandsPath, body, old, signSlack(testSigningSecret, old, body))); w.Code != http.StatusUnauthorized {
		t.Errorf("replayed after the window: %d, want 401", w.Code)
	}
	if !strings.Contains(f.logs.String(), "replayed") {
		t.Error("the replay is not logged as one")
	}
}

func TestSlackBodyLimit(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	h := newHooks(t)
	sh := newSlackHandler(t, f, h, time.Minute)
	big := commandBody("help", "U0READER1", h.url("/r/1")) + "&pad=" + strings.Repeat("x", DefaultMaxBody)
	if w := serve(sh, signed(SlackCommandsPath, big)); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("signed oversized body: %d, want 413", w.Code)
	}
	// Without a Content-Length (chunked), the read is still capped.
	r := signed(SlackCommandsPath, big)
	r.ContentLength = -1
	r.Body = io.NopCloser(strings.NewReader(big))
	if w := serve(sh, r); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked oversized body: %d, want 413", w.Code)
	}
	// Just under the limit is read (and judged by its signature).
	r = slackRequest(SlackCommandsPath, strings.Repeat("x", DefaultMaxBody), time.Now().Unix(), "v0=00")
	if w := serve(sh, r); w.Code != http.StatusUnauthorized {
		t.Errorf("body at the limit: %d, want 401", w.Code)
	}
}

func TestSlackMethodPathAndForm(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	h := newHooks(t)
	sh := newSlackHandler(t, f, h, time.Minute)
	if w := serve(sh, httptest.NewRequest(http.MethodGet, SlackCommandsPath, nil)); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", w.Code)
	}
	if w := serve(sh, signed("/slack/other", "a=b")); w.Code != http.StatusNotFound {
		t.Errorf("other path: %d", w.Code)
	}
	for _, bad := range []string{"https://evil.example/hook", "http://hooks.slack.com/commands/1", "https://hooks.slack.com.evil.example/x",
		"https://user@hooks.slack.com/x", "", "::"} {
		if w := serve(sh, signed(SlackCommandsPath, commandBody("help", "U0READER1", bad))); w.Code != http.StatusBadRequest {
			t.Errorf("response_url %q: %d, want 400", bad, w.Code)
		}
	}
	if w := serve(sh, signed(SlackCommandsPath, commandBody("help", "U0READER1", "https://hooks.slack.com/commands/T0/1/x"))); w.Code != http.StatusOK {
		t.Errorf("hooks.slack.com response_url: %d, want 200", w.Code)
	}
}

func interactionBody(t *testing.T, user, actionID, value, responseURL string) string {
	t.Helper()
	payload := map[string]any{
		"type": "block_actions", "user": map[string]any{"id": user, "username": "reporter"},
		"api_app_id": "A0APP", "team": map[string]any{"id": "T0TEAM"}, "trigger_id": "1.2.3",
		"container":    map[string]any{"type": "message", "message_ts": "1710408600.000100", "is_ephemeral": true},
		"response_url": responseURL,
		"actions": []map[string]any{{"type": "button", "action_id": actionID, "block_id": "bw_actions", "value": value,
			"text": map[string]any{"type": "plain_text", "text": "Next page"}, "action_ts": "1710408700.000200"}},
	}
	b, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	return url.Values{"payload": {string(b)}}.Encode()
}

func TestSlackInteractions(t *testing.T) {
	f := newFixture(t, fixtureOptions{pageSize: 1})
	h := newHooks(t)
	sh := newSlackHandler(t, f, h, time.Minute)
	first := decodeMsg(t, serve(sh, signed(SlackCommandsPath, commandBody("recent 30", "U0READER1", h.url("/r/0")))))
	// Find the "Next page" button's value in the answer, as Slack would.
	var next string
	for _, b := range first["blocks"].([]any) {
		bm := b.(map[string]any)
		if bm["type"] != "actions" {
			continue
		}
		for _, e := range bm["elements"].([]any) {
			em := e.(map[string]any)
			if em["action_id"] == slackActionPage {
				next = em["value"].(string)
			}
		}
	}
	if next == "" {
		t.Fatalf("no next page button in %s", blockText(first))
	}

	w := serve(sh, signed(SlackInteractionsPath, interactionBody(t, "U0READER1", slackActionPage, next, h.url("/actions/1"))))
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Fatalf("page: %d %q", w.Code, w.Body)
	}
	p := h.next(t)
	if p.msg["replace_original"] != true || p.msg["response_type"] != "ephemeral" || !strings.Contains(blockText(p.msg), "Page 2 of 3") {
		t.Errorf("page 2: %v", p.msg)
	}

	w = serve(sh, signed(SlackInteractionsPath, interactionBody(t, "U0READER1", slackActionShare, "2:recent 30", h.url("/actions/2"))))
	if w.Code != http.StatusOK {
		t.Fatalf("share: %d", w.Code)
	}
	p = h.next(t)
	if p.msg["response_type"] != "in_channel" || p.msg["replace_original"] != false {
		t.Errorf("share: response_type %v, replace_original %v", p.msg["response_type"], p.msg["replace_original"])
	}
	text := blockText(p.msg)
	if strings.Contains(text, slackActionShare) || !strings.Contains(text, slackActionPagePublic) {
		t.Errorf("shared answer: want page buttons for the channel and no share button: %s", text)
	}

	for _, bad := range []struct{ action, value string }{
		{slackActionPage, "1:mute rule attacks 1h"}, // a button never mutes
		{"bw_other", "1:recent 7"},
		{slackActionShare, "not a value"},
	} {
		w := serve(sh, signed(SlackInteractionsPath, interactionBody(t, "U0READER1", bad.action, bad.value, h.url("/actions/3"))))
		if w.Code != http.StatusBadRequest {
			t.Errorf("%s %q: %d, want 400", bad.action, bad.value, w.Code)
		}
	}
	if ms, _ := f.st.Mutes(context.Background(), testNow); len(ms) != 0 {
		t.Errorf("a button muted: %+v", ms)
	}
	sh.Wait()
	h.none(t)
}

func TestSlackMuteOverHTTP(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	h := newHooks(t)
	sh := newSlackHandler(t, f, h, time.Minute)
	m := decodeMsg(t, serve(sh, signed(SlackCommandsPath, commandBody("mute site taji 2h", "U0READER1", h.url("/r/1")))))
	if !strings.Contains(blockText(m), "Only admins") {
		t.Errorf("reader's mute: %s", blockText(m))
	}
	m = decodeMsg(t, serve(sh, signed(SlackCommandsPath, commandBody("mute site taji 2h", slackAdmin, h.url("/r/2")))))
	if !strings.Contains(blockText(m), "Muted site Camp Taji") || strings.Contains(blockText(m), "bw_share") {
		t.Errorf("admin's mute: %s", blockText(m))
	}
	ms, err := f.st.Mutes(context.Background(), testNow)
	if err != nil || len(ms) != 1 || ms[0].Target != "taji" || ms[0].CreatedBy != "slack:"+slackAdmin {
		t.Errorf("mutes %+v, %v", ms, err)
	}
}

func TestSlackUnescape(t *testing.T) {
	for in, want := range map[string]string{
		"site Erbil &amp; Harir": "site Erbil & Harir",
		"site &lt;taji&gt;":      "site <taji>",
		"site &amp;lt;":          "site &lt;",
		"recent 7":               "recent 7",
	} {
		if got := slackUnescape(in); got != want {
			t.Errorf("slackUnescape(%q) = %q, want %q", in, got, want)
		}
	}
}
