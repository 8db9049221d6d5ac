package web

import (
	"time"

	"github.com/basewatch/basewatch/bot/notify"
	"github.com/basewatch/basewatch/bot/store"
)

// Snapshot is what the status page shows: the daemon's status at one moment.
// Its fields mirror those of the daemon's status so that the adapter is a
// field-by-field copy.
type Snapshot struct {
	Now         time.Time // the moment of the snapshot; Options.Now when zero
	Feeds       []FeedHealth
	Latest      []store.Incident // newest first
	OnThisDate  notify.Recap
	Pending     int           // deliveries waiting in the outbox
	Failed      int           // deliveries failed for good
	OldestAge   time.Duration // age of the oldest pending delivery
	FailedItems []store.Delivery
	Down        map[string]string // output name -> why it is down
}

// FeedHealth is one feed's line on the page. It has the same fields, in the
// same order, as the daemon's, so that one converts to the other.
type FeedHealth struct {
	Name        string
	URL         string
	Schedule    string
	LastPoll    time.Time // last attempt; zero when never polled
	LastSuccess time.Time
	LastError   string
	Failures    int       // consecutive failures
	NextPoll    time.Time // zero: on its schedule
	Items       int
	Healthy     bool
}
