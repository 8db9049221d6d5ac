package notify

import (
	"context"
	"errors"
)

// ErrAuth marks a failure the output cannot recover from by itself: the token
// is missing, invalid or revoked, or the bot may not post in the channel. The
// outbox marks the output down instead of retrying.
var ErrAuth = errors.New("output not authorised")

// ErrRejected marks a request the platform refused for good (a bad channel,
// a malformed message, a deleted message to edit): retrying the same request
// cannot succeed.
var ErrRejected = errors.New("rejected by the platform")

// ErrUnavailable marks a failure worth retrying later: a 5xx answer, a
// timeout, a broken connection.
var ErrUnavailable = errors.New("platform unavailable")

// IsAuth reports whether err says the output's credentials or permissions
// are wrong, so that the output should be marked down until someone fixes
// its configuration.
func IsAuth(err error) bool {
	return errors.Is(err, ErrAuth)
}

// Retryable reports whether the delivery that failed with err may succeed if
// tried again later. Rate limits, 5xx answers, timeouts, network errors and
// cancelled contexts (the process is stopping) are retryable; authorisation
// failures and requests the platform rejected are not. An error nobody
// classified is treated as retryable: the outbox caps the attempts.
func Retryable(err error) bool {
	if err == nil {
		return false
	}
	var rl *RateLimitError
	switch {
	case errors.As(err, &rl):
		return true
	case errors.Is(err, ErrAuth), errors.Is(err, ErrRejected):
		return false
	case errors.Is(err, ErrUnavailable),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return true
	}
	return true
}

// StatusError classifies an HTTP status from a platform: 401 and 403 are
// ErrAuth, 5xx and 408 are ErrUnavailable, other 4xx are ErrRejected. It
// returns nil for statuses below 400 and for 429, which outputs turn into a
// RateLimitError carrying the wait.
func StatusError(status int) error {
	switch {
	case status == 401 || status == 403:
		return ErrAuth
	case status == 408 || status >= 500:
		return ErrUnavailable
	case status == 429 || status < 400:
		return nil
	default:
		return ErrRejected
	}
}
