// Package store keeps everything basewatch must not forget: the state of each
// feed, the items already handed to the rules, incidents and their reports,
// and the outbox of deliveries to chat platforms.
//
// There are two implementations of the one Store interface: SQLite (the
// embedded default, pure Go) and PostgreSQL (for several processes sharing
// state). Both apply the same ordered list of embedded migrations at open and
// pass the same contract tests. The package knows nothing of feeds parsing,
// rules or chat platforms: it stores plain rows.
//
// Writes are serialised: on SQLite by one writer connection whose
// transactions are BEGIN IMMEDIATE (WAL lets readers run alongside), on
// PostgreSQL by an advisory lock taken at the start of every Update, so
// that two processes deciding the same attack take turns. Deliveries are
// claimed with leases (FOR UPDATE SKIP LOCKED on PostgreSQL), feeds are
// leased to one owner at a time. Busy databases and serialisation failures
// are retried a few times; other errors name the operation and the
// database (never a password) and say what is likely wrong, such as a full
// disk.
//
// Times are stored in UTC with microsecond precision (INTEGER unix
// microseconds in SQLite, timestamptz in PostgreSQL), the zero time as
// NULL, and come back in UTC.
package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned when a row asked for by key does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrExists is returned by CreateIncident when an incident with the same ID
// already exists.
var ErrExists = errors.New("store: already exists")

// FeedState is what basewatch remembers about one feed between polls and
// across restarts.
type FeedState struct {
	Name         string
	ETag         string
	LastModified string
	LastPoll     time.Time // last attempt, success or not
	LastSuccess  time.Time
	LastError    string // empty after a success
	LastErrorAt  time.Time
	Failures     int       // consecutive failures; 0 after a success
	NextPoll     time.Time // earliest time of the next poll (backoff, Retry-After, max-age)
	Items        int       // items seen in the last successful parse
}

// Incident is one real attack, however many reports it has. Field names
// follow ACLED's where they exist.
type Incident struct {
	ID           string
	SiteID       string // gazetteer id; empty when only the region is known
	Location     string // site display name, or the region when SiteID is empty
	Region       string
	Country      string
	Latitude     float64
	Longitude    float64
	Unconfirmed  bool      // site not confirmed (region only, or inferred)
	EventDate    time.Time // civil date, UTC midnight
	WindowStart  time.Time // earliest time the attack may have happened
	WindowEnd    time.Time // latest time
	SubEventType string    // weapon kind: rocket, drone, ballistic missile, mortar, ied, ...
	Projectiles  int
	Fatalities   int
	Wounded      int
	Victims      string // who the killed and wounded were, when given
	Actor        string // group that claimed it or was blamed
	ActorRole    string // "claimed" or "blamed" or ""
	Summary      string
	Source       string // first report's link, or the import's source
	Known        bool   // imported as known: never alerts
	Alerted      bool   // an alert was queued for it
	Rule         string // rule that alerted
	FirstReport  string // item id of the first report
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Report is one item that reported an incident.
type Report struct {
	IncidentID string
	ItemID     string
	Feed       string
	Link       string
	Title      string
	Published  time.Time
	Action     string // alert, update, duplicate, known
	Added      string // what this report added, one line
}

// Delivery states.
const (
	DeliveryPending = "pending"
	DeliverySent    = "sent"
	DeliveryFailed  = "failed"
)

// Delivery is one message in the outbox: an alert, an update or a recap for
// one output and channel.
type Delivery struct {
	ID          int64
	Key         string // unique: the same key is never enqueued twice
	Output      string
	Channel     string
	IncidentID  string // empty for recaps
	Kind        string // alert, update, recap
	Payload     []byte // JSON, owned by the notifier
	State       string
	Attempts    int
	NextAttempt time.Time
	LastError   string
	Ref         string // platform reference of the posted message (Slack ts, Discord message id)
	CreatedAt   time.Time
	SentAt      time.Time
	LeaseOwner  string    // owner that claimed it; empty when not claimed
	LeaseUntil  time.Time // end of the claim; zero when not claimed
}

// Tx is the view of the store inside one serialised write transaction. All
// decisions about items and incidents happen inside one, so that two
// processes never open two incidents for one attack, and an alert is queued
// in the same transaction that records the match.
type Tx interface {
	// Seen reports which of keys were already marked seen.
	Seen(keys []string) (map[string]bool, error)
	// MarkSeen records keys as seen for feed at time at.
	MarkSeen(feed string, keys []string, at time.Time) error

	// IncidentsBetween returns incidents whose EventDate lies in [from, to],
	// oldest first.
	IncidentsBetween(from, to time.Time) ([]Incident, error)
	// IncidentsNear is IncidentsBetween for the incidents at one of
	// siteIDs or at no site (placed only in a region).
	IncidentsNear(from, to time.Time, siteIDs []string) ([]Incident, error)
	Incident(id string) (Incident, error)
	CreateIncident(in *Incident) error // sets CreatedAt/UpdatedAt; ID must be set
	UpdateIncident(in *Incident) error
	AddReport(r Report) error
	Reports(incidentID string) ([]Report, error)

	// Enqueue adds a delivery unless one with the same Key exists; it
	// reports whether it was added.
	Enqueue(d *Delivery) (bool, error)

	TxMuter
}

// Store is the whole persistent state of basewatch.
type Store interface {
	// Update runs fn in a serialised write transaction: committed when fn
	// returns nil, rolled back otherwise.
	Update(ctx context.Context, fn func(Tx) error) error

	FeedState(ctx context.Context, name string) (FeedState, error) // ErrNotFound when never polled
	SaveFeedState(ctx context.Context, st FeedState) error
	FeedStates(ctx context.Context) ([]FeedState, error)
	// LeaseFeed takes the feed for owner until the given time, unless
	// another owner holds an unexpired lease. It reports whether owner holds
	// the lease afterwards. ReleaseFeed gives it back.
	LeaseFeed(ctx context.Context, name, owner string, until time.Time) (bool, error)
	ReleaseFeed(ctx context.Context, name, owner string) error

	Incident(ctx context.Context, id string) (Incident, error)
	Reports(ctx context.Context, incidentID string) ([]Report, error)
	// Incidents lists incidents with EventDate in [from, to], newest first,
	// at most limit (0: no limit). SiteID filters when not empty.
	Incidents(ctx context.Context, from, to time.Time, siteID string, limit int) ([]Incident, error)
	// IncidentsOnDay lists incidents of month and day in any year, oldest first.
	IncidentsOnDay(ctx context.Context, month time.Month, day int) ([]Incident, error)
	CountIncidents(ctx context.Context) (int, error)

	// ClaimDeliveries leases up to limit pending deliveries whose
	// NextAttempt is due at now for owner until leaseUntil, oldest first.
	// A claimed delivery is not handed to another owner until its lease
	// expires. Attempts is incremented on claim.
	ClaimDeliveries(ctx context.Context, owner string, now, leaseUntil time.Time, limit int) ([]Delivery, error)
	MarkSent(ctx context.Context, id int64, ref string, at time.Time) error
	// MarkRetry releases the lease and sets the next attempt and last error.
	MarkRetry(ctx context.Context, id int64, next time.Time, lastErr string) error
	MarkFailed(ctx context.Context, id int64, lastErr string) error
	// SentRef returns the Ref of the sent alert of incidentID on output and
	// channel, or ErrNotFound.
	SentRef(ctx context.Context, incidentID, output, channel string) (string, error)
	// SentAlert is SentRef's whole delivery, with the time it was sent.
	SentAlert(ctx context.Context, incidentID, output, channel string) (Delivery, error)
	// Postpone is MarkRetry for a delivery that did not fail but was asked
	// to wait (a platform's Retry-After, an update waiting for its alert):
	// the attempt its claim counted is given back.
	Postpone(ctx context.Context, id int64, next time.Time, reason string) error
	Deliveries(ctx context.Context, state string, limit int) ([]Delivery, error)
	// OutboxStats counts deliveries by state and the age of the oldest pending.
	OutboxStats(ctx context.Context, now time.Time) (pending, failed int, oldest time.Duration, err error)

	Ping(ctx context.Context) error
	Close() error

	Muter
}

// Mute kinds: what a Mute silences.
const (
	MuteSite = "site" // Target is a gazetteer site id
	MuteRule = "rule" // Target is a rule name
)

// Mute silences the alerts of one site or one rule until a time, like an
// Alertmanager silence: incidents are still recorded, not posted.
type Mute struct {
	ID        int64
	Kind      string // MuteSite or MuteRule
	Target    string
	Until     time.Time
	CreatedBy string // who muted: a chat user id
	CreatedAt time.Time
	Reason    string
}

// Muter is the part of Store that keeps mutes.
type Muter interface {
	// Mute adds m, ending any active mute of the same target: a target has
	// at most one active mute. CreatedAt defaults to the store's clock and
	// Until must be after it. It returns m with ID and CreatedAt set.
	Mute(ctx context.Context, m Mute) (Mute, error)
	// Unmute ends the active mute of the target now; it reports whether
	// there was one.
	Unmute(ctx context.Context, kind, target string) (bool, error)
	// Mutes lists the mutes active at now, soonest to end first.
	Mutes(ctx context.Context, now time.Time) ([]Mute, error)
}

// TxMuter is the part of Tx that reads mutes, so that the decision to post
// an alert and the mutes it honours are one transaction.
type TxMuter interface {
	// ActiveMutes lists the mutes active at now, soonest to end first.
	ActiveMutes(now time.Time) ([]Mute, error)
}

// MutedBy returns the first of ms that silences an incident at siteID
// alerting by one of rules, and whether there is one. An empty siteID (the
// site is not known) is silenced only by a rule mute.
func MutedBy(ms []Mute, siteID string, rules ...string) (Mute, bool) {
	for _, m := range ms {
		switch m.Kind {
		case MuteSite:
			if siteID != "" && m.Target == siteID {
				return m, true
			}
		case MuteRule:
			for _, r := range rules {
				if m.Target == r {
					return m, true
				}
			}
		}
	}
	return Mute{}, false
}
