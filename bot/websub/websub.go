package websub

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Defaults applied to zero fields of Options.
const (
	DefaultLease   = 7 * 24 * time.Hour // asked of the hub; hubs may grant less
	DefaultMaxBody = 10 << 20           // pushes larger than this are refused
	DefaultRetry   = 15 * time.Minute   // a refused or unverified request is tried again after this
)

// States of a subscription.
const (
	StatePending       = "pending"       // asked; the hub has not verified it yet
	StateActive        = "active"        // verified; pushes are accepted until Expires
	StateDenied        = "denied"        // the hub said no (LastError says why)
	StateFailed        = "failed"        // the hub refused the request or could not be reached
	StateUnsubscribing = "unsubscribing" // asked to stop; pushes are refused
)

// Options configure a Subscriber.
type Options struct {
	// Callback is the absolute http(s) URL under which hubs reach the
	// Subscriber's handler; feed F's callback is Callback + "/" + F.
	Callback string
	// OnContent receives every verified push: the feed's name, the body
	// and its Content-Type. It runs in the hub's request, so it should be
	// quick (parse and process the items, or hand them off).
	OnContent func(feed string, body []byte, contentType string)
	Client    *http.Client     // for requests to hubs; nil: a client with a 30 s timeout
	Now       func() time.Time // nil: time.Now
	Logger    *slog.Logger     // nil: slog.Default()
	Lease     time.Duration    // lease asked of hubs; default DefaultLease
	MaxBody   int64            // cap on a push's body; default DefaultMaxBody
	Retry     time.Duration    // wait before asking again after a failure; default DefaultRetry
	Random    io.Reader        // source of secrets; nil: crypto/rand
}

// Subscription is what a Subscriber knows of one feed's subscription. It
// never holds the secret.
type Subscription struct {
	Feed      string
	Hub       string
	Topic     string
	Callback  string
	State     string
	Requested time.Time // last request sent to the hub
	Verified  time.Time // last verification of intent by the hub
	Expires   time.Time // end of the lease the hub granted; zero until verified
	LastError string    // why the last request failed, or the hub's reason for a denial
	Pushes    int       // verified pushes handed to OnContent
	Dropped   int       // pushes dropped: bad or missing signature, or too large
}

type sub struct {
	Subscription
	mode   string // the mode last asked for: subscribe or unsubscribe
	secret string
	lease  time.Duration // granted
}

// Subscriber subscribes feeds to their WebSub hubs and is the http.Handler
// of their callbacks. It is safe for concurrent use.
type Subscriber struct {
	callback *url.URL
	onPush   func(string, []byte, string)
	client   *http.Client
	now      func() time.Time
	log      *slog.Logger
	lease    time.Duration
	maxBody  int64
	retry    time.Duration
	random   io.Reader

	mu   sync.Mutex
	subs map[string]*sub // by feed name
}

// New returns a Subscriber.
func New(opts Options) (*Subscriber, error) {
	cb, err := url.Parse(strings.TrimRight(opts.Callback, "/"))
	if err != nil || (cb.Scheme != "http" && cb.Scheme != "https") || cb.Host == "" {
		return nil, fmt.Errorf("websub: callback %q: want the absolute http(s) URL at which hubs reach this process", opts.Callback)
	}
	if opts.OnContent == nil {
		return nil, errors.New("websub: no OnContent: pushes would have nowhere to go")
	}
	s := &Subscriber{
		callback: cb, onPush: opts.OnContent, client: opts.Client, now: opts.Now, log: opts.Logger,
		lease: opts.Lease, maxBody: opts.MaxBody, retry: opts.Retry, random: opts.Random,
		subs: map[string]*sub{},
	}
	if s.client == nil {
		s.client = &http.Client{Timeout: 30 * time.Second}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.lease <= 0 {
		s.lease = DefaultLease
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	if s.retry <= 0 {
		s.retry = DefaultRetry
	}
	if s.random == nil {
		s.random = rand.Reader
	}
	return s, nil
}

// CallbackURL is the callback of feed's subscription.
func (s *Subscriber) CallbackURL(feed string) string {
	return s.callback.String() + "/" + url.PathEscape(feed)
}

// Subscribe asks hub to push topic (the feed's self URL) to feed's
// callback. It returns once the hub has accepted the request; the
// subscription becomes active when the hub verifies it, which may happen
// before or after. Subscribing a feed again renews it (with the same
// secret while the hub and topic stay the same).
func (s *Subscriber) Subscribe(ctx context.Context, hub, topic, feed string) error {
	if err := checkURL("hub", hub); err != nil {
		return fmt.Errorf("websub: subscribe %s: %w", feed, err)
	}
	if err := checkURL("topic", topic); err != nil {
		return fmt.Errorf("websub: subscribe %s: %w", feed, err)
	}
	if feed == "" {
		return errors.New("websub: subscribe: empty feed name")
	}
	s.mu.Lock()
	cur := s.subs[feed]
	secret := ""
	if cur != nil && cur.Hub == hub && cur.Topic == topic && cur.secret != "" {
		secret = cur.secret
	}
	s.mu.Unlock()
	if secret == "" {
		var err error
		if secret, err = s.newSecret(); err != nil {
			return fmt.Errorf("websub: subscribe %s: secret: %w", feed, err)
		}
	}
	now := s.now()
	s.mu.Lock()
	if cur = s.subs[feed]; cur == nil || cur.Hub != hub || cur.Topic != topic {
		cur = &sub{Subscription: Subscription{Feed: feed, Hub: hub, Topic: topic, Callback: s.CallbackURL(feed)}}
		s.subs[feed] = cur
	}
	// Set before asking: a hub may verify before it answers.
	cur.mode, cur.secret, cur.Requested = "subscribe", secret, now
	if cur.State != StateActive {
		cur.State = StatePending
	}
	s.mu.Unlock()

	form := url.Values{
		"hub.mode":          {"subscribe"},
		"hub.topic":         {topic},
		"hub.callback":      {s.CallbackURL(feed)},
		"hub.lease_seconds": {strconv.Itoa(int(s.lease / time.Second))},
		"hub.secret":        {secret},
	}
	if err := s.ask(ctx, hub, form); err != nil {
		s.mu.Lock()
		if c := s.subs[feed]; c == cur {
			c.LastError = err.Error()
			if c.State != StateActive {
				c.State = StateFailed
			}
		}
		s.mu.Unlock()
		s.log.Warn("websub: subscribe failed", slog.String("feed", feed), slog.String("hub", redactURL(hub)), slog.Any("err", err))
		return fmt.Errorf("websub: subscribe %s at hub %s: %w", feed, redactURL(hub), err)
	}
	s.mu.Lock()
	cur.LastError = ""
	s.mu.Unlock()
	s.log.Debug("websub: subscription requested", slog.String("feed", feed), slog.String("hub", redactURL(hub)))
	return nil
}

// Unsubscribe asks feed's hub to stop pushing. Pushes are refused from now
// on; the subscription is forgotten when the hub verifies the request.
func (s *Subscriber) Unsubscribe(ctx context.Context, feed string) error {
	s.mu.Lock()
	cur := s.subs[feed]
	if cur == nil {
		s.mu.Unlock()
		return fmt.Errorf("websub: unsubscribe %s: no subscription", feed)
	}
	cur.mode, cur.State, cur.Requested = "unsubscribe", StateUnsubscribing, s.now()
	hub, topic := cur.Hub, cur.Topic
	s.mu.Unlock()
	form := url.Values{"hub.mode": {"unsubscribe"}, "hub.topic": {topic}, "hub.callback": {s.CallbackURL(feed)}}
	if err := s.ask(ctx, hub, form); err != nil {
		return fmt.Errorf("websub: unsubscribe %s at hub %s: %w", feed, redactURL(hub), err)
	}
	return nil
}

// ask posts a subscription request to hub; any 2xx is an acceptance.
func (s *Subscriber) ask(ctx context.Context, hub string, form url.Values) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hub, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is named by the caller, redacted
		}
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return fmt.Errorf("hub answered %s%s", resp.Status, excerpt(b))
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return nil
}

// Renew renews every active subscription whose lease has less than a fifth
// left, and asks again for those refused, denied or left unverified longer
// than Options.Retry. It returns how many requests it sent.
func (s *Subscriber) Renew(ctx context.Context) (int, error) {
	now := s.now()
	type due struct{ hub, topic, feed string }
	var todo []due
	s.mu.Lock()
	for _, c := range s.subs {
		switch c.State {
		case StateActive:
			if c.Expires.Sub(now) <= c.lease/5 {
				todo = append(todo, due{c.Hub, c.Topic, c.Feed})
			}
		case StatePending, StateFailed, StateDenied:
			if now.Sub(c.Requested) >= s.retry {
				todo = append(todo, due{c.Hub, c.Topic, c.Feed})
			}
		}
	}
	s.mu.Unlock()
	sort.Slice(todo, func(i, j int) bool { return todo[i].feed < todo[j].feed })
	var errs []error
	for _, d := range todo {
		if err := s.Subscribe(ctx, d.hub, d.topic, d.feed); err != nil {
			errs = append(errs, err)
		}
	}
	return len(todo), errors.Join(errs...)
}

// Run calls Renew every interval (a minute when 0) until ctx ends.
func (s *Subscriber) Run(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = time.Minute
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.Renew(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("websub: renew", slog.Any("err", err))
			}
		}
	}
}

// Subscriptions lists the subscriptions by feed name.
func (s *Subscriber) Subscriptions() []Subscription {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Subscription, 0, len(s.subs))
	for _, c := range s.subs {
		out = append(out, c.Subscription)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Feed < out[j].Feed })
	return out
}

// ServeHTTP is the callback of every subscription: a GET is the hub's
// verification of intent (or its denial), a POST is a push.
func (s *Subscriber) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	feed, err := url.PathUnescape(path.Base(r.URL.EscapedPath()))
	if err != nil || feed == "" || feed == "/" || feed == "." {
		http.Error(w, "no such subscription", http.StatusNotFound)
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.verify(w, r, feed)
	case http.MethodPost:
		s.push(w, r, feed)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// verify answers the hub's verification of intent: the challenge is echoed
// only for the mode and topic this Subscriber asked for.
func (s *Subscriber) verify(w http.ResponseWriter, r *http.Request, feed string) {
	q := r.URL.Query()
	mode, topic, challenge := q.Get("hub.mode"), q.Get("hub.topic"), q.Get("hub.challenge")
	log := s.log.With(slog.String("feed", feed), slog.String("mode", mode))
	now := s.now()
	s.mu.Lock()
	c := s.subs[feed]
	if c == nil || topic != c.Topic {
		s.mu.Unlock()
		log.Warn("websub: verification refused: not a topic we asked for", slog.String("topic", topic))
		http.Error(w, "no such subscription", http.StatusNotFound)
		return
	}
	switch mode {
	case "denied":
		c.State, c.LastError = StateDenied, "hub denied the subscription"
		if reason := q.Get("hub.reason"); reason != "" {
			c.LastError += ": " + reason
		}
		s.mu.Unlock()
		log.Warn("websub: subscription denied", slog.String("reason", q.Get("hub.reason")))
		w.WriteHeader(http.StatusOK)
		return
	case "subscribe", "unsubscribe":
	default:
		s.mu.Unlock()
		http.Error(w, "unknown hub.mode", http.StatusBadRequest)
		return
	}
	if mode != c.mode || challenge == "" {
		s.mu.Unlock()
		log.Warn("websub: verification refused: we did not ask for this")
		http.Error(w, "not requested", http.StatusNotFound)
		return
	}
	var expires time.Time
	if mode == "unsubscribe" {
		delete(s.subs, feed)
	} else {
		// lease_seconds is required of the hub; without it, assume the
		// lease asked for.
		lease := s.lease
		if n, err := strconv.Atoi(q.Get("hub.lease_seconds")); err == nil && n > 0 {
			lease = time.Duration(n) * time.Second
		}
		expires = now.Add(lease)
		c.State, c.Verified, c.Expires, c.lease, c.LastError = StateActive, now, expires, lease, ""
	}
	s.mu.Unlock()
	log.Info("websub: verified", slog.Time("expires", expires))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, challenge)
}

// push checks a pushed body's signature and hands it to OnContent. A push
// that fails the check is acknowledged and dropped, as WebSub requires, so
// that the hub does not retry it.
func (s *Subscriber) push(w http.ResponseWriter, r *http.Request, feed string) {
	log := s.log.With(slog.String("feed", feed))
	s.mu.Lock()
	c := s.subs[feed]
	secret, mode := "", ""
	if c != nil {
		secret, mode = c.secret, c.mode
	}
	s.mu.Unlock()
	if c == nil || mode != "subscribe" {
		// 410 tells the hub that this callback wants no more.
		http.Error(w, "not subscribed", http.StatusGone)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		s.dropped(feed)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			log.Warn("websub: push dropped: body over the cap", slog.Int64("max_bytes", s.maxBody))
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		log.Warn("websub: push dropped: reading the body", slog.Any("err", err))
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	if why := checkSignature(r.Header.Get("X-Hub-Signature"), secret, body); why != "" {
		s.dropped(feed)
		log.Warn("websub: push dropped: " + why)
		w.WriteHeader(http.StatusAccepted)
		return
	}
	s.mu.Lock()
	if c := s.subs[feed]; c != nil {
		c.Pushes++
	}
	s.mu.Unlock()
	log.Debug("websub: push", slog.Int("bytes", len(body)))
	s.onPush(feed, body, r.Header.Get("Content-Type"))
	w.WriteHeader(http.StatusNoContent)
}

func (s *Subscriber) dropped(feed string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.subs[feed]; c != nil {
		c.Dropped++
	}
}

// checkSignature returns why header is not a valid signature of body with
// secret, or "" when it is.
func checkSignature(header, secret string, body []byte) string {
	if header == "" {
		return "no X-Hub-Signature"
	}
	method, sig, ok := strings.Cut(strings.TrimSpace(header), "=")
	if !ok {
		return "malformed X-Hub-Signature"
	}
	var h func() hash.Hash
	switch strings.ToLower(method) {
	case "sha1":
		h = sha1.New
	case "sha256":
		h = sha256.New
	case "sha384":
		h = sha512.New384
	case "sha512":
		h = sha512.New
	default:
		return fmt.Sprintf("X-Hub-Signature method %.20q is not sha1, sha256, sha384 or sha512", method)
	}
	got, err := hex.DecodeString(sig)
	if err != nil {
		return "X-Hub-Signature is not hexadecimal"
	}
	mac := hmac.New(h, []byte(secret))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return "X-Hub-Signature does not match the body"
	}
	return ""
}

func (s *Subscriber) newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(s.random, b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

func checkURL(what, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%s URL %q: %w", what, raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s URL %q: want an absolute http(s) URL", what, u.Redacted())
	}
	return nil
}

// redactURL hides a password in a hub URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// excerpt is a short, printable quote of a hub's error body.
func excerpt(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if s == "" || !utf8.ValidString(s) {
		return ""
	}
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return ": " + s
}
