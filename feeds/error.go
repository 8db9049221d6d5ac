package feeds

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrTooLarge is wrapped by every error about a body (HTTP or file) that is
// larger than the request's MaxBytes. The message names the cap.
var ErrTooLarge = errors.New("body exceeds the size cap")

// Error is returned by Fetch for every failed HTTP request: a network error,
// a timeout, a status other than 2xx or 304, or a 2xx body that could not be
// read within the caps.
//
// Status is 0 when no response arrived. RetryAfter is the server's
// Retry-After on a 429 or 503 (given in seconds or as an HTTP date), 0 when
// it sent none; callers use it as the earliest next poll. URL is the
// requested URL with any password removed, so the error can be logged.
type Error struct {
	URL        string
	Status     int
	RetryAfter time.Duration
	Err        error
}

// Error reads as one log line, for example
// `GET https://example.com/feed: HTTP 503 Service Unavailable (retry after 2m0s)`.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("GET ")
	b.WriteString(e.URL)
	if e.Status != 0 {
		b.WriteString(": HTTP ")
		b.WriteString(strconv.Itoa(e.Status))
		if text := http.StatusText(e.Status); text != "" {
			b.WriteString(" ")
			b.WriteString(text)
		}
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// Unwrap returns the cause, so errors.Is(err, context.DeadlineExceeded) and
// errors.Is(err, ErrTooLarge) work through an *Error.
func (e *Error) Unwrap() error { return e.Err }

// parseRetryAfter reads a Retry-After value: delay-seconds or an HTTP date.
// Anything unreadable, negative or in the past is 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		// Clamp before multiplying so a silly value cannot overflow.
		const maxSecs = int64((1<<63 - 1) / int64(time.Second))
		if secs > maxSecs {
			secs = maxSecs
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d.Round(time.Second)
		}
	}
	return 0
}

// parseMaxAge returns the max-age of a Cache-Control header, 0 when absent,
// unreadable or overridden by no-store / no-cache.
func parseMaxAge(cc string) time.Duration {
	var maxAge time.Duration
	for _, dir := range strings.Split(cc, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(dir), "=")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "no-store", "no-cache":
			return 0
		case "max-age":
			secs, err := strconv.ParseInt(strings.Trim(strings.TrimSpace(value), `"`), 10, 64)
			if err != nil || secs <= 0 {
				continue
			}
			if secs > 365*24*3600 {
				secs = 365 * 24 * 3600
			}
			maxAge = time.Duration(secs) * time.Second
		}
	}
	return maxAge
}

// byteSize formats a size cap the way people write it in config.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	default:
		return strconv.FormatInt(n, 10) + " bytes"
	}
}

// tooLarge is the error for a body over the cap.
func tooLarge(limit int64) error {
	return fmt.Errorf("%w of %s (raise the feed's max size if the feed is really this big)", ErrTooLarge, byteSize(limit))
}
