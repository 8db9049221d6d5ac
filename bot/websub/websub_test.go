package websub_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot/websub"
)

// hub is an httptest WebSub hub: it takes subscription requests, answers
// 202 (or what a test queues), verifies intent by calling the callback
// with a challenge, and pushes content signed with the subscriber's secret.
type hub struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	requests []url.Values          // subscription requests, in order
	subs     map[string]url.Values // verified, by topic
	refuse   []int                 // statuses for the next requests
	verified chan string           // topic of each verification that got its challenge back
	lease    int                   // lease_seconds granted; 0: as asked
}

func newHub(t *testing.T) *hub {
	h := &hub{t: t, subs: map[string]url.Values{}, verified: make(chan string, 16)}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hub) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	form := r.PostForm
	h.mu.Lock()
	h.requests = append(h.requests, form)
	if len(h.refuse) > 0 {
		status := h.refuse[0]
		h.refuse = h.refuse[1:]
		h.mu.Unlock()
		http.Error(w, "hub.topic is not allowed here", status)
		return
	}
	lease := h.lease
	h.mu.Unlock()
	if form.Get("hub.callback") == "" || form.Get("hub.topic") == "" {
		http.Error(w, "missing hub.callback or hub.topic", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusAccepted)
	// Verify after answering, as hubs do.
	go h.verify(form, lease)
}

func (h *hub) verify(form url.Values, lease int) {
	challenge := fmt.Sprintf("challenge-%d", time.Now().UnixNano())
	q := url.Values{"hub.mode": {form.Get("hub.mode")}, "hub.topic": {form.Get("hub.topic")}, "hub.challenge": {challenge}}
	if form.Get("hub.mode") == "subscribe" {
		if lease == 0 {
			lease, _ = strconv.Atoi(form.Get("hub.lease_seconds"))
		}
		q.Set("hub.lease_seconds", strconv.Itoa(lease))
	}
	resp, err := http.Get(form.Get("hub.callback") + "?" + q.Encode())
	if err != nil {
		h.t.Errorf("hub: verify: %v", err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 || string(body) != challenge {
		h.t.Errorf("hub: verification of %s got %d %q, want the challenge %q", form.Get("hub.topic"), resp.StatusCode, body, challenge)
		return
	}
	h.mu.Lock()
	if form.Get("hub.mode") == "subscribe" {
		h.subs[form.Get("hub.topic")] = form
	} else {
		delete(h.subs, form.Get("hub.topic"))
	}
	h.mu.Unlock()
	h.verified <- form.Get("hub.mode") + " " + form.Get("hub.topic")
}

// waitVerified waits for the hub to verify want ("subscribe TOPIC").
func (h *hub) waitVerified(want string) {
	h.t.Helper()
	select {
	case got := <-h.verified:
		if got != want {
			h.t.Fatalf("hub verified %q, want %q", got, want)
		}
	case <-time.After(5 * time.Second):
		h.t.Fatalf("hub never verified %q", want)
	}
}

// publish pushes body for topic to its subscriber, signed with method
// (empty: no signature) and the secret the subscriber gave, or with
// secret when not empty.
func (h *hub) publish(topic, body, method, secret string) *http.Response {
	h.t.Helper()
	h.mu.Lock()
	sub, ok := h.subs[topic]
	h.mu.Unlock()
	if !ok {
		h.t.Fatalf("hub: no verified subscription to %s", topic)
	}
	if secret == "" {
		secret = sub.Get("hub.secret")
	}
	req, _ := http.NewRequest(http.MethodPost, sub.Get("hub.callback"), strings.NewReader(body))
	req.Header.Set("Content-Type", "application/rss+xml")
	req.Header.Add("Link", "<"+h.srv.URL+">; rel=hub")
	req.Header.Add("Link", "<"+topic+">; rel=self")
	if method != "" {
		req.Header.Set("X-Hub-Signature", method+"="+sign(method, secret, body))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func sign(method, secret, body string) string {
	var f func() hash.Hash
	switch method {
	case "sha1":
		f = sha1.New
	case "sha384":
		f = sha512.New384
	case "sha512":
		f = sha512.New
	default:
		f = sha256.New
	}
	m := hmac.New(f, []byte(secret))
	m.Write([]byte(body))
	return hex.EncodeToString(m.Sum(nil))
}

// push is one body handed to OnContent.
type push struct{ feed, body, contentType string }

// env is a Subscriber behind an httptest server, with a settable clock.
type env struct {
	sub    *websub.Subscriber
	srv    *httptest.Server
	mu     sync.Mutex
	pushes []push
	now    time.Time
	logs   *bytes.Buffer
}

func newEnv(t *testing.T, opts websub.Options) *env {
	e := &env{now: time.Date(2024, 2, 2, 8, 0, 0, 0, time.UTC), logs: &bytes.Buffer{}}
	var s *websub.Subscriber
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.ServeHTTP(w, r) }))
	t.Cleanup(e.srv.Close)
	opts.Callback = e.srv.URL + "/websub"
	opts.OnContent = func(feed string, body []byte, ct string) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.pushes = append(e.pushes, push{feed, string(body), ct})
	}
	opts.Now = e.clock
	opts.Logger = slog.New(slog.NewTextHandler(lockedWriter{&e.mu, e.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var err error
	if s, err = websub.New(opts); err != nil {
		t.Fatal(err)
	}
	e.sub = s
	return e
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (e *env) clock() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }
func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(d)
}

func (e *env) got() []push {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]push(nil), e.pushes...)
}

func (e *env) state(t *testing.T, feed string) websub.Subscription {
	t.Helper()
	for _, s := range e.sub.Subscriptions() {
		if s.Feed == feed {
			return s
		}
	}
	t.Fatalf("no subscription of %s", feed)
	return websub.Subscription{}
}

const feedBody = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>Rockets hit a base</title><guid>1</guid></item></channel></rss>`

func TestSubscribeVerifyPush(t *testing.T) {
	h := newHub(t)
	e := newEnv(t, websub.Options{Lease: 48 * time.Hour})
	ctx := context.Background()
	topic := "https://news.example/feed.xml"
	if err := e.sub.Subscribe(ctx, h.srv.URL, topic, "levant wire"); err != nil {
		t.Fatal(err)
	}
	h.waitVerified("subscribe " + topic)

	h.mu.Lock()
	req := h.requests[0]
	h.mu.Unlock()
	if got, want := req.Get("hub.callback"), e.srv.URL+"/websub/levant%20wire"; got != want {
		t.Errorf("hub.callback = %q, want %q", got, want)
	}
	if got := req.Get("hub.lease_seconds"); got != "172800" {
		t.Errorf("hub.lease_seconds = %q, want 172800", got)
	}
	if len(req.Get("hub.secret")) != 64 {
		t.Errorf("hub.secret %q: want 64 hex characters", req.Get("hub.secret"))
	}
	st := e.state(t, "levant wire")
	if st.State != websub.StateActive || !st.Expires.Equal(e.clock().Add(48*time.Hour)) {
		t.Errorf("after verification: %+v", st)
	}

	for _, method := range []string{"sha1", "sha256", "sha384", "sha512"} {
		if resp := h.publish(topic, feedBody+method, method, ""); resp.StatusCode/100 != 2 {
			t.Errorf("%s push answered %d", method, resp.StatusCode)
		}
	}
	got := e.got()
	if len(got) != 4 {
		t.Fatalf("OnContent got %d pushes, want 4: %+v", len(got), got)
	}
	if got[1] != (push{"levant wire", feedBody + "sha256", "application/rss+xml"}) {
		t.Errorf("push = %+v", got[1])
	}
	if strings.Contains(e.logs.String(), req.Get("hub.secret")) {
		t.Error("the secret was logged")
	}
	for _, s := range e.sub.Subscriptions() {
		if strings.Contains(fmt.Sprintf("%+v", s), req.Get("hub.secret")) {
			t.Error("Subscriptions shows the secret")
		}
	}
}

func TestPushesThatAreDropped(t *testing.T) {
	h := newHub(t)
	e := newEnv(t, websub.Options{MaxBody: 1024})
	ctx := context.Background()
	topic := "https://news.example/feed.xml"
	if err := e.sub.Subscribe(ctx, h.srv.URL, topic, "wire"); err != nil {
		t.Fatal(err)
	}
	h.waitVerified("subscribe " + topic)

	for _, c := range []struct {
		name, body, method, secret string
		status                     int
	}{
		{name: "unsigned", body: feedBody, status: http.StatusAccepted},
		{name: "wrong secret", body: feedBody, method: "sha256", secret: "not-the-secret", status: http.StatusAccepted},
		{name: "md5 is not a WebSub method", body: feedBody, method: "md5", status: http.StatusAccepted},
		{name: "over the cap", body: strings.Repeat("x", 2048), method: "sha256", status: http.StatusRequestEntityTooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			if resp := h.publish(topic, c.body, c.method, c.secret); resp.StatusCode != c.status {
				t.Errorf("answered %d, want %d", resp.StatusCode, c.status)
			}
		})
	}
	if got := e.got(); len(got) != 0 {
		t.Errorf("OnContent got %d pushes, want none", len(got))
	}
	if st := e.state(t, "wire"); st.Dropped != 4 || st.Pushes != 0 {
		t.Errorf("Dropped %d, Pushes %d; want 4, 0", st.Dropped, st.Pushes)
	}
	// A signature made over a different body does not pass either.
	req, _ := http.NewRequest(http.MethodPost, e.sub.CallbackURL("wire"), strings.NewReader(feedBody+" tampered"))
	h.mu.Lock()
	secret := h.subs[topic].Get("hub.secret")
	h.mu.Unlock()
	req.Header.Set("X-Hub-Signature", "sha256="+sign("sha256", secret, feedBody))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(e.got()) != 0 {
		t.Error("a tampered body was handed on")
	}
}

func TestVerificationOnlyForWhatWeAsked(t *testing.T) {
	h := newHub(t)
	e := newEnv(t, websub.Options{})
	topic := "https://news.example/feed.xml"
	if err := e.sub.Subscribe(context.Background(), h.srv.URL, topic, "wire"); err != nil {
		t.Fatal(err)
	}
	h.waitVerified("subscribe " + topic)
	for _, c := range []struct {
		name, feed string
		query      url.Values
		status     int
		body       string
	}{
		{"our topic", "wire", url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.challenge": {"c1"}, "hub.lease_seconds": {"60"}}, 200, "c1"},
		{"another topic", "wire", url.Values{"hub.mode": {"subscribe"}, "hub.topic": {"https://evil.example/feed"}, "hub.challenge": {"c2"}}, 404, ""},
		{"unknown feed", "other", url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.challenge": {"c3"}}, 404, ""},
		{"unsubscribe we did not ask for", "wire", url.Values{"hub.mode": {"unsubscribe"}, "hub.topic": {topic}, "hub.challenge": {"c4"}}, 404, ""},
		{"no challenge", "wire", url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}}, 404, ""},
		{"unknown mode", "wire", url.Values{"hub.mode": {"publish"}, "hub.topic": {topic}, "hub.challenge": {"c5"}}, 400, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, err := http.Get(e.sub.CallbackURL(c.feed) + "?" + c.query.Encode())
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status {
				t.Errorf("status %d, want %d", resp.StatusCode, c.status)
			}
			if c.status == 200 && string(b) != c.body {
				t.Errorf("body %q, want the challenge %q", b, c.body)
			}
			if ch := c.query.Get("hub.challenge"); c.status != 200 && ch != "" && strings.Contains(string(b), ch) {
				t.Errorf("refusal echoed the challenge: %q", b)
			}
		})
	}
}

func TestDenied(t *testing.T) {
	h := newHub(t)
	e := newEnv(t, websub.Options{})
	topic := "https://news.example/feed.xml"
	if err := e.sub.Subscribe(context.Background(), h.srv.URL, topic, "wire"); err != nil {
		t.Fatal(err)
	}
	h.waitVerified("subscribe " + topic)
	q := url.Values{"hub.mode": {"denied"}, "hub.topic": {topic}, "hub.reason": {"publisher blocked this callback"}}
	resp, err := http.Get(e.sub.CallbackURL("wire") + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("denial answered %d, want 200", resp.StatusCode)
	}
	st := e.state(t, "wire")
	if st.State != websub.StateDenied || !strings.Contains(st.LastError, "publisher blocked this callback") {
		t.Errorf("after denial: %+v", st)
	}
}

func TestHubRefusesThenRetry(t *testing.T) {
	h := newHub(t)
	h.refuse = []int{http.StatusBadRequest}
	e := newEnv(t, websub.Options{Retry: 10 * time.Minute})
	ctx := context.Background()
	topic := "https://news.example/feed.xml"
	err := e.sub.Subscribe(ctx, h.srv.URL, topic, "wire")
	if err == nil || !strings.Contains(err.Error(), "400") || !strings.Contains(err.Error(), "hub.topic is not allowed here") || !strings.Contains(err.Error(), "wire") {
		t.Fatalf("err = %v; want the feed, the hub's status and its words", err)
	}
	if st := e.state(t, "wire"); st.State != websub.StateFailed {
		t.Errorf("state %s, want failed", st.State)
	}
	if n, err := e.sub.Renew(ctx); n != 0 || err != nil {
		t.Errorf("Renew at once: %d requests, %v; want none before Retry", n, err)
	}
	e.advance(10 * time.Minute)
	if n, err := e.sub.Renew(ctx); n != 1 || err != nil {
		t.Fatalf("Renew after Retry: %d requests, %v", n, err)
	}
	h.waitVerified("subscribe " + topic)
	if st := e.state(t, "wire"); st.State != websub.StateActive || st.LastError != "" {
		t.Errorf("after the retry: %+v", st)
	}
}

func TestRenewBeforeExpiry(t *testing.T) {
	h := newHub(t)
	h.lease = 3600 // the hub grants an hour whatever we ask
	e := newEnv(t, websub.Options{Lease: 10 * 24 * time.Hour})
	ctx := context.Background()
	topic := "https://news.example/feed.xml"
	if err := e.sub.Subscribe(ctx, h.srv.URL, topic, "wire"); err != nil {
		t.Fatal(err)
	}
	h.waitVerified("subscribe " + topic)
	first := e.state(t, "wire")
	if want := e.clock().Add(time.Hour); !first.Expires.Equal(want) {
		t.Fatalf("expires %v, want the granted hour: %v", first.Expires, want)
	}
	e.advance(47 * time.Minute)
	if n, _ := e.sub.Renew(ctx); n != 0 {
		t.Errorf("renewed with 13 of 60 minutes left; want to wait until a fifth is left")
	}
	e.advance(2 * time.Minute)
	if n, err := e.sub.Renew(ctx); n != 1 || err != nil {
		t.Fatalf("Renew with 11 minutes left: %d requests, %v", n, err)
	}
	h.waitVerified("subscribe " + topic)
	h.mu.Lock()
	reqs := h.requests
	h.mu.Unlock()
	if len(reqs) != 2 || reqs[1].Get("hub.secret") != reqs[0].Get("hub.secret") {
		t.Errorf("renewal should keep the secret, so pushes signed meanwhile still pass")
	}
	if st := e.state(t, "wire"); !st.Expires.Equal(e.clock().Add(time.Hour)) || st.State != websub.StateActive {
		t.Errorf("after renewal: %+v", st)
	}
	// Pushes still pass after the renewal.
	h.publish(topic, feedBody, "sha256", "")
	if len(e.got()) != 1 {
		t.Error("push after renewal was not handed on")
	}
}

func TestUnsubscribe(t *testing.T) {
	h := newHub(t)
	e := newEnv(t, websub.Options{})
	ctx := context.Background()
	topic := "https://news.example/feed.xml"
	if err := e.sub.Subscribe(ctx, h.srv.URL, topic, "wire"); err != nil {
		t.Fatal(err)
	}
	h.waitVerified("subscribe " + topic)
	h.mu.Lock()
	saved := h.subs[topic]
	h.mu.Unlock()
	if err := e.sub.Unsubscribe(ctx, "wire"); err != nil {
		t.Fatal(err)
	}
	h.waitVerified("unsubscribe " + topic)
	if n := len(e.sub.Subscriptions()); n != 0 {
		t.Errorf("%d subscriptions after unsubscribing", n)
	}
	// A late push is refused with 410 Gone.
	h.mu.Lock()
	h.subs[topic] = saved
	h.mu.Unlock()
	if resp := h.publish(topic, feedBody, "sha256", ""); resp.StatusCode != http.StatusGone {
		t.Errorf("push after unsubscribing answered %d, want 410", resp.StatusCode)
	}
	if len(e.got()) != 0 {
		t.Error("push after unsubscribing was handed on")
	}
}

func TestNewAndSubscribeErrors(t *testing.T) {
	on := func(string, []byte, string) {}
	for _, c := range []struct {
		opts websub.Options
		want string
	}{
		{websub.Options{Callback: "/websub", OnContent: on}, "absolute http(s) URL"},
		{websub.Options{Callback: "ftp://x/websub", OnContent: on}, "absolute http(s) URL"},
		{websub.Options{Callback: "https://bot.example/websub"}, "OnContent"},
	} {
		if _, err := websub.New(c.opts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, want an error about %q", c.opts.Callback, err, c.want)
		}
	}
	s, err := websub.New(websub.Options{Callback: "https://bot.example/websub/", OnContent: on, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.CallbackURL("a/b"); got != "https://bot.example/websub/a%2Fb" {
		t.Errorf("CallbackURL = %q", got)
	}
	ctx := context.Background()
	for _, c := range []struct{ hub, topic, feed, want string }{
		{"hub.example", "https://n.example/f", "f", "hub URL"},
		{"https://hub.example", "f.xml", "f", "topic URL"},
		{"https://hub.example", "https://n.example/f", "", "empty feed name"},
	} {
		if err := s.Subscribe(ctx, c.hub, c.topic, c.feed); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Subscribe(%q, %q, %q) = %v, want an error about %q", c.hub, c.topic, c.feed, err, c.want)
		}
	}
	// An unreachable hub: the error names the hub without its password.
	err = s.Subscribe(ctx, "http://user:hunter2@127.0.0.1:1/hub", "https://n.example/f", "f")
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("unreachable hub: %v", err)
	}
}
