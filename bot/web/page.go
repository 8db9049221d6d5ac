package web

import (
	"fmt"
	"html/template"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/basewatch/basewatch/bot/notify"
	"github.com/basewatch/basewatch/bot/store"
)

// maxError is how many characters of an error message a table cell shows.
const maxError = 240

// page is what the template renders: every string already cleaned and
// redacted, every link already checked.
type page struct {
	Title   string
	CSS     template.CSS
	Refresh int
	Metrics bool // /metrics is served
	Now     stamp
	Zone    string
	Error   string

	Feeds     []feedRow
	FeedsOK   int
	FeedsBad  int
	FeedsNew  int
	Incidents []incidentRow
	Recap     recapView
	Outbox    outboxView
}

// stamp is a moment shown as text with its exact time for <time datetime>
// and for a tooltip.
type stamp struct {
	Text  string // "12 min ago", "in 4 min", "never"
	Exact string // "Tue 5 Mar 2024 14:05 +03"; empty when zero
	ISO   string // RFC 3339; empty when zero
}

type feedRow struct {
	Name      string
	Host      string
	Schedule  string
	State     string // ok, failing, never
	StateText string // "ok", "failing", "never polled"
	LastPoll  stamp
	Success   stamp
	Failures  int
	Next      stamp
	LastError string
	FullError string // when LastError was shortened
	Items     int
}

type incidentRow struct {
	ID          string
	Date        string
	DateISO     string
	Site        string
	Country     string
	Unconfirmed bool
	Known       bool
	MapURL      string
	Weapon      string
	Toll        string // "" when unknown
	Actor       string // "Claimed by X", "Blamed on X"; "" when unknown
	Source      string // http(s) link to the first report; "" when none is safe
	SourceHost  string
	SourceText  string // the source's name when it is not a link
}

type recapView struct {
	Header string
	Lines  []recapRow
	Empty  string
}

type recapRow struct {
	Text string
	Link string
}

type outboxView struct {
	Pending  int
	Failed   int
	Oldest   string
	Failures []deliveryRow
	Down     []downRow
}

type deliveryRow struct {
	ID         int64
	Kind       string
	Output     string
	Channel    string
	IncidentID string
	Attempts   int
	Created    stamp
	LastError  string
	FullError  string
}

type downRow struct {
	Output string
	Why    string
}

// build turns a snapshot into the page, cleaning and redacting every string
// that came from outside.
func (s *server) build(snap Snapshot, err error) page {
	now := snap.Now
	if now.IsZero() {
		now = s.now()
	}
	p := page{
		CSS:     s.css,
		Refresh: RefreshSeconds,
		Metrics: s.opts.Gatherer != nil,
		Now:     s.exact(now, now),
		Zone:    s.loc.String(),
	}
	if err != nil {
		p.Error = notify.Clean(Redact(err.Error()))
	}
	for _, f := range snap.Feeds {
		row := feedRow{
			Name:     notify.Clean(f.Name),
			Host:     host(f.URL),
			Schedule: notify.Clean(f.Schedule),
			LastPoll: s.ago(now, f.LastPoll),
			Success:  s.ago(now, f.LastSuccess),
			Failures: f.Failures,
			Next:     s.next(now, f.NextPoll),
			Items:    f.Items,
		}
		row.LastError, row.FullError = shorten(f.LastError)
		switch {
		case f.LastPoll.IsZero() && f.LastSuccess.IsZero():
			row.State, row.StateText = "never", "never polled"
			p.FeedsNew++
		case f.Healthy:
			row.State, row.StateText = "ok", "ok"
			p.FeedsOK++
		default:
			row.State, row.StateText = "failing", "failing"
			p.FeedsBad++
		}
		p.Feeds = append(p.Feeds, row)
	}
	for _, in := range snap.Latest {
		p.Incidents = append(p.Incidents, incident(in))
	}
	p.Recap = s.recap(now, snap.OnThisDate)
	p.Outbox = outboxView{Pending: snap.Pending, Failed: snap.Failed, Oldest: "none pending"}
	if snap.Pending > 0 {
		p.Outbox.Oldest = duration(snap.OldestAge)
	}
	for _, d := range snap.FailedItems {
		row := deliveryRow{
			ID:         d.ID,
			Kind:       notify.Clean(d.Kind),
			Output:     notify.Clean(d.Output),
			Channel:    notify.Clean(Redact(d.Channel)),
			IncidentID: notify.Clean(d.IncidentID),
			Attempts:   d.Attempts,
			Created:    s.ago(now, d.CreatedAt),
		}
		row.LastError, row.FullError = shorten(d.LastError)
		p.Outbox.Failures = append(p.Outbox.Failures, row)
	}
	for name, why := range snap.Down {
		p.Outbox.Down = append(p.Outbox.Down, downRow{Output: notify.Clean(name), Why: notify.Clean(Redact(why))})
	}
	sort.Slice(p.Outbox.Down, func(i, j int) bool { return p.Outbox.Down[i].Output < p.Outbox.Down[j].Output })
	p.Title = title(p)
	return p
}

func incident(in store.Incident) incidentRow {
	row := incidentRow{
		ID:          notify.Clean(in.ID),
		Site:        notify.Clean(in.Location),
		Country:     notify.Clean(in.Country),
		Unconfirmed: in.Unconfirmed,
		Known:       in.Known,
		MapURL:      notify.MapURL(in.Latitude, in.Longitude),
		Weapon:      notify.WeaponAttack(in.SubEventType),
		Toll:        notify.Toll(in.Fatalities, in.Wounded),
		Actor:       notify.Claim(in.Actor, in.ActorRole),
		Source:      notify.SafeURL(in.Source),
	}
	if row.Site == "" {
		row.Site = notify.Clean(in.Region)
	}
	if row.Site == "" {
		row.Site = "unnamed site"
	}
	if !in.EventDate.IsZero() {
		// A civil date stored as UTC midnight: shown as is, never moved
		// into another zone.
		d := in.EventDate.UTC()
		row.Date, row.DateISO = d.Format("Mon 2 Jan 2006"), d.Format("2006-01-02")
	}
	if row.Source != "" {
		row.SourceHost = host(row.Source)
	} else if src := notify.Clean(in.Source); src != "" && !strings.Contains(src, ":") {
		// An imported incident's source may be a name, not a link; what
		// looks like a link of another kind is not shown at all.
		row.SourceText = notify.Truncate(src, 60)
	}
	return row
}

func (s *server) recap(now time.Time, r notify.Recap) recapView {
	if r.Date.IsZero() {
		l := now.In(s.loc)
		r.Date = time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
	}
	v := recapView{Header: notify.RecapHeader(r), Empty: notify.Clean(r.Empty)}
	for _, l := range r.Lines {
		v.Lines = append(v.Lines, recapRow{Text: notify.RecapText(l), Link: notify.SafeURL(l.Link)})
	}
	if len(v.Lines) == 0 && v.Empty == "" {
		v.Empty = "No incidents on this date in earlier years."
	}
	return v
}

// exact shows t in the page's zone.
func (s *server) exact(t, now time.Time) stamp {
	if t.IsZero() {
		return stamp{Text: "never"}
	}
	l := t.In(s.loc)
	return stamp{Text: l.Format("Mon 2 Jan 2006 15:04 MST"), Exact: l.Format("Mon 2 Jan 2006 15:04:05 MST"), ISO: l.Format(time.RFC3339)}
}

// ago shows a past moment relative to now.
func (s *server) ago(now, t time.Time) stamp {
	if t.IsZero() {
		return stamp{Text: "never"}
	}
	st := s.exact(t, now)
	st.Text = notify.Ago(now, t)
	return st
}

// next shows when a feed is polled next.
func (s *server) next(now, t time.Time) stamp {
	if t.IsZero() {
		return stamp{Text: "on schedule"}
	}
	st := s.exact(t, now)
	if !t.After(now) {
		st.Text = "due now"
		return st
	}
	st.Text = "in " + duration(t.Sub(now))
	return st
}

// duration says how long d is in the coarsest unit that reads well, in the
// words of notify.Ago: "40 s", "12 min", "3 h", "4 days".
func duration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(max(d, 0)/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(d/time.Hour))
	}
	return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
}

// host is the host name of a URL, without user info or port; "" when the
// URL has none.
func host(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	return notify.Clean(u.Hostname())
}

// shorten cleans and redacts an error message and cuts it to maxError
// characters; full is the whole message when it was cut, else "".
func shorten(msg string) (short, full string) {
	msg = notify.Clean(Redact(msg))
	short = notify.Truncate(msg, maxError)
	if short != msg {
		full = msg
	}
	return short, full
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// title sums up the page for the browser tab: what is wrong, or that all
// is well.
func title(p page) string {
	var wrong []string
	if p.Error != "" {
		wrong = append(wrong, "status incomplete")
	}
	if p.FeedsBad > 0 {
		wrong = append(wrong, plural(p.FeedsBad, "feed", "feeds")+" failing")
	}
	if n := len(p.Outbox.Down); n > 0 {
		wrong = append(wrong, plural(n, "output", "outputs")+" down")
	}
	if p.Outbox.Failed > 0 {
		wrong = append(wrong, plural(p.Outbox.Failed, "delivery", "deliveries")+" failed")
	}
	if len(wrong) == 0 {
		return "basewatch status: all ok"
	}
	return "basewatch status: " + strings.Join(wrong, ", ")
}
