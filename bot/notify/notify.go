// Package notify holds what every output renders — an alert about an
// incident, an update to it, an "on this date" recap — and the errors outputs
// return so that the outbox knows whether and when to retry. One sub-package
// per platform (console, slack, discord) turns these into messages.
package notify

import (
	"errors"
	"fmt"
	"time"
)

// Source is one report of an incident, linked from the message.
type Source struct {
	Feed  string
	Title string
	Link  string
}

// Alert is the content of a message about one incident: the first alert, or
// an update when Kind is "update".
type Alert struct {
	Kind        string // "alert" or "update"
	IncidentID  string
	Rule        string // rule that matched
	Reason      string // one line: why it matched
	Weapon      string // rocket, drone, ballistic missile, mortar, ied, ... or "attack"
	Site        string // display name, or region when Unconfirmed
	SiteID      string
	Country     string
	Region      string
	Unconfirmed bool
	Latitude    float64 // 0,0 when unknown
	Longitude   float64
	EventDate   time.Time // civil date of the attack
	ReportedAt  time.Time // time of the first report
	Projectiles int       // 0 when not given
	Killed      int       // -1 when not given
	Wounded     int       // -1 when not given
	Victims     string
	Actor       string
	ActorRole   string // "claimed" or "blamed"
	Title       string // title of the first report
	Summary     string
	Sources     []Source // first few reports, oldest first
	SourceCount int      // all reports
	Changes     []string // for updates: what changed, one line each
}

// RecapLine is one past incident in an "on this date" recap.
type RecapLine struct {
	IncidentID string
	Year       int
	Site       string
	Weapon     string
	Killed     int
	Wounded    int
	Link       string
}

// Recap is an "on this date" message: the incidents of this month and day in
// earlier years, oldest first. With no lines, Empty is the text to post, or
// nothing at all when Empty is empty.
type Recap struct {
	Date  time.Time
	Lines []RecapLine
	Empty string
}

// RateLimitError says the platform asked to wait before the next request.
// The outbox waits exactly RetryAfter and never drops the delivery.
type RateLimitError struct {
	RetryAfter time.Duration
	Err        error
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limited, retry after %s: %v", e.RetryAfter, e.Err)
}

func (e *RateLimitError) Unwrap() error { return e.Err }

// RetryAfter returns the wait a rate-limited error asks for.
func RetryAfter(err error) (time.Duration, bool) {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl.RetryAfter, true
	}
	return 0, false
}
