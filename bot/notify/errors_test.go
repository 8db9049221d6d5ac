package notify

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       error
		retryable bool
		auth      bool
	}{
		{"rate limit", &RateLimitError{RetryAfter: time.Second, Err: errors.New("429")}, true, false},
		{"wrapped rate limit", fmt.Errorf("slack: %w", &RateLimitError{RetryAfter: time.Second}), true, false},
		{"auth", fmt.Errorf("slack chat.postMessage: %w: invalid_auth", ErrAuth), false, true},
		{"rejected", fmt.Errorf("discord: %w: 404", ErrRejected), false, false},
		{"5xx", fmt.Errorf("x: %w", ErrUnavailable), true, false},
		{"deadline", context.DeadlineExceeded, true, false},
		{"unknown", errors.New("connection reset by peer"), true, false},
		{"nil", nil, false, false},
	} {
		if got := Retryable(tc.err); got != tc.retryable {
			t.Errorf("%s: Retryable = %v", tc.name, got)
		}
		if got := IsAuth(tc.err); got != tc.auth {
			t.Errorf("%s: IsAuth = %v", tc.name, got)
		}
	}
}

func TestStatusError(t *testing.T) {
	for status, want := range map[int]error{200: nil, 204: nil, 401: ErrAuth, 403: ErrAuth, 404: ErrRejected,
		400: ErrRejected, 408: ErrUnavailable, 429: nil, 500: ErrUnavailable, 503: ErrUnavailable} {
		if got := StatusError(status); got != want {
			t.Errorf("StatusError(%d) = %v, want %v", status, got, want)
		}
	}
}
