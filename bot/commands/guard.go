package commands

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Defaults of the HTTP handlers.
const (
	DefaultMaxBody  = 64 << 10                // bytes of a request body
	DefaultDeadline = 2500 * time.Millisecond // wait before answering "working on it"
	DefaultTimeout  = 30 * time.Second        // bound of one command, slow answer included
	// SignatureWindow is how old a signed request may be: Slack's own
	// five minutes, also applied to Discord's timestamps.
	SignatureWindow = 5 * time.Minute
)

// errTooLarge is returned by readBody for a body over the limit.
var errTooLarge = errors.New("request body too large")

// readBody reads at most max bytes of r's body.
func readBody(r *http.Request, max int64) ([]byte, error) {
	if r.ContentLength > max {
		return nil, errTooLarge
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(len(b)) > max {
		return nil, errTooLarge
	}
	return b, nil
}

// replayGuard remembers the signatures of the requests accepted within the
// signature window, so that a captured request sent again is refused even
// while its timestamp is fresh. Signatures cannot be made without the
// secret, so only the platform can fill it.
type replayGuard struct {
	mu     sync.Mutex
	seen   map[string]time.Time // signature -> when it stops mattering
	max    int
	window time.Duration
	now    func() time.Time
}

func newReplayGuard(now func() time.Time) *replayGuard {
	if now == nil {
		now = time.Now
	}
	return &replayGuard{seen: map[string]time.Time{}, max: 100000, window: 2 * SignatureWindow, now: now}
}

// first records sig and reports whether it had not been seen.
func (g *replayGuard) first(sig string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	if until, ok := g.seen[sig]; ok && now.Before(until) {
		return false
	}
	if len(g.seen) >= g.max {
		for k, until := range g.seen {
			if !now.Before(until) {
				delete(g.seen, k)
			}
		}
		if len(g.seen) >= g.max {
			// Only the platform can sign; a flood this size means the
			// window is long past for the oldest.
			clear(g.seen)
		}
	}
	g.seen[sig] = now.Add(g.window)
	return true
}

// responseURLChecker allows only the hosts a platform posts answers from.
type responseURLChecker struct {
	base string // extra allowed prefix, e.g. a test server's URL; "" for none
}

// check returns an error unless u is https://hooks.slack.com/... or under
// the configured base.
func (c responseURLChecker) check(u string) error {
	p, err := url.Parse(u)
	if err != nil {
		return fmt.Errorf("response_url: %w", err)
	}
	if p.Scheme == "https" && p.Host == "hooks.slack.com" && p.User == nil {
		return nil
	}
	if c.base != "" && strings.HasPrefix(u, strings.TrimSuffix(c.base, "/")+"/") && p.User == nil {
		return nil
	}
	return fmt.Errorf("response_url host %q is not hooks.slack.com", p.Host)
}
