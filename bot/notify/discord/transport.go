package discord

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/basewatch/basewatch/bot/notify"
)

// transport rebases discordgo's request URLs onto the configured API URL and
// moves Discord's rate-limit headers from discordgo's bucket limiter, which
// sleeps without a context, to the output's pacer, which does not.
type transport struct {
	from  string // discordgo's API base
	to    string // the configured base; "" keeps discordgo's
	next  http.RoundTripper
	pacer *notify.Pacer
}

// answer is what the transport saw of a response, for classifying errors
// that discordgo reports without the status (a 502, an unreadable 429).
type answer struct {
	status     int
	retryAfter time.Duration
	global     bool
}

type answerKey struct{}

func withAnswer(ctx context.Context) (context.Context, *answer) {
	a := &answer{}
	return context.WithValue(ctx, answerKey{}, a), a
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.to != "" {
		if s := req.URL.String(); strings.HasPrefix(s, t.from) {
			u, err := url.Parse(t.to + strings.TrimPrefix(s, t.from))
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.URL = u
			req.Host = u.Host
		}
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	h := resp.Header
	global := h.Get("X-RateLimit-Global") != "" || h.Get("X-RateLimit-Scope") == "global"
	resetAfter := seconds(h.Get("X-RateLimit-Reset-After"))
	channel := channelOf(req.URL.Path)
	if h.Get("X-RateLimit-Remaining") == "0" && resetAfter > 0 && channel != "" && !global {
		t.pacer.Hold(channel, resetAfter)
	}
	if a, ok := req.Context().Value(answerKey{}).(*answer); ok {
		a.status = resp.StatusCode
		if resp.StatusCode == http.StatusTooManyRequests {
			a.retryAfter = seconds(h.Get("Retry-After"))
			if a.retryAfter == 0 {
				a.retryAfter = resetAfter
			}
			a.global = global
		}
	}
	for _, k := range []string{"X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Reset-After", "X-RateLimit-Global", "X-RateLimit-Limit", "X-RateLimit-Bucket", "X-RateLimit-Scope"} {
		h.Del(k)
	}
	return resp, nil
}

// channelOf returns the channel ID in an API path such as
// /api/v9/channels/123/messages/456, or "".
func channelOf(path string) string {
	_, rest, ok := strings.Cut(path, "/channels/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	return id
}

// seconds parses a header holding seconds, fractions allowed.
func seconds(s string) time.Duration {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f <= 0 || f > 24*3600 {
		return 0
	}
	return time.Duration(f * float64(time.Second))
}
