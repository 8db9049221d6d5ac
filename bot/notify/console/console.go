package console

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/basewatch/basewatch/bot/notify"
)

// Output writes messages to w. It is safe for concurrent use: each message
// is written with one Write call, so blocks never interleave.
type Output struct {
	w         io.Writer
	jsonLines bool
	loc       *time.Location
	now       func() time.Time

	mu   sync.Mutex
	sent map[string]string // key -> ref, for Find within this process
}

// New returns an output writing to w, in readable blocks or, with jsonLines,
// one JSON object per line. Times are shown in loc (UTC when nil) relative to
// now (time.Now when nil).
func New(w io.Writer, jsonLines bool, loc *time.Location, now func() time.Time) *Output {
	if loc == nil {
		loc = time.UTC
	}
	if now == nil {
		now = time.Now
	}
	return &Output{w: w, jsonLines: jsonLines, loc: loc, now: now, sent: make(map[string]string)}
}

// Post prints a new alert and returns "console|key" as its reference.
func (o *Output) Post(ctx context.Context, channel string, a notify.Alert, key string) (string, error) {
	return o.alert(ctx, channel, a, key, "alert")
}

// Update prints an update to an alert printed earlier; a terminal has no
// threads or edits, so it is a new block marked as an update.
func (o *Output) Update(ctx context.Context, channel, ref string, a notify.Alert, key string) (string, error) {
	a.Kind = "update"
	return o.alert(ctx, channel, a, key, "update")
}

// PostRecap prints an "on this date" recap. A recap with no lines and no
// Empty text prints nothing and returns an empty reference.
func (o *Output) PostRecap(ctx context.Context, channel string, r notify.Recap, key string) (string, error) {
	if len(r.Lines) == 0 && strings.TrimSpace(r.Empty) == "" {
		return "", nil
	}
	var buf bytes.Buffer
	if o.jsonLines {
		rec := recapJSON{Type: "recap", Key: key, Channel: channel, Date: r.Date.Format("2006-01-02"), Header: notify.RecapHeader(r)}
		for _, l := range r.Lines {
			rec.Lines = append(rec.Lines, recapLineJSON{
				IncidentID: l.IncidentID, Year: l.Year, Site: notify.Clean(l.Site), Weapon: notify.Clean(l.Weapon),
				Killed: known(l.Killed), Wounded: known(l.Wounded), Link: notify.SafeURL(l.Link), Text: notify.RecapText(l),
			})
		}
		if len(r.Lines) == 0 {
			rec.Empty = notify.Clean(r.Empty)
		}
		if err := writeJSON(&buf, rec); err != nil {
			return "", err
		}
	} else {
		fmt.Fprintf(&buf, "== %s\n", notify.RecapHeader(r))
		if len(r.Lines) == 0 {
			fmt.Fprintf(&buf, "   %s\n", notify.Clean(r.Empty))
		}
		for _, l := range r.Lines {
			line := "   " + notify.RecapText(l)
			if link := notify.SafeURL(l.Link); link != "" {
				line += "  " + link
			}
			buf.WriteString(line + "\n")
		}
		buf.WriteByte('\n')
	}
	return o.write(ctx, key, buf.Bytes())
}

// Find reports the reference of a message printed with key by this process.
// What went to a terminal cannot be read back, so after a restart Find
// returns "" and the outbox prints again.
func (o *Output) Find(ctx context.Context, channel, key string) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.sent[key], nil
}

func (o *Output) alert(ctx context.Context, channel string, a notify.Alert, key, kind string) (string, error) {
	v := notify.NewView(a, o.loc, o.now())
	var buf bytes.Buffer
	if o.jsonLines {
		if err := writeJSON(&buf, newAlertJSON(kind, channel, key, a, v)); err != nil {
			return "", err
		}
	} else {
		writeBlock(&buf, v)
	}
	return o.write(ctx, key, buf.Bytes())
}

func (o *Output) write(ctx context.Context, key string, b []byte) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, err := o.w.Write(b); err != nil {
		return "", fmt.Errorf("console: write: %w", err)
	}
	ref := "console|" + key
	o.sent[key] = ref
	return ref, nil
}

func writeBlock(buf *bytes.Buffer, v notify.View) {
	fmt.Fprintf(buf, "== %s\n", v.Headline)
	field := func(name, value string) {
		if value != "" {
			if name != "" {
				name += ":"
			}
			fmt.Fprintf(buf, "   %-9s %s\n", name, value)
		}
	}
	for i, c := range v.Changes {
		if i == 0 {
			field("Changed", c)
		} else {
			field("", c)
		}
	}
	field("Attacked", v.AttackDate)
	field("Toll", v.Toll)
	field("Victims", v.Victims)
	field("Claim", v.Claim)
	field("Fired", v.Projectiles)
	field("Report", v.Title)
	field("Link", v.TitleURL)
	field("Sources", v.Outlets)
	for _, s := range v.Sources {
		name := s.Feed
		if name == "" {
			name = s.Title
		}
		fmt.Fprintf(buf, "   %-9s - %s", "", name)
		if s.Link != "" {
			fmt.Fprintf(buf, " %s", s.Link)
		}
		buf.WriteByte('\n')
	}
	field("Map", v.MapURL)
	rule := v.Rule
	if v.Reason != "" {
		rule += " — " + v.Reason
	}
	field("Rule", rule)
	field("Incident", v.IncidentID)
	buf.WriteByte('\n')
}

type alertJSON struct {
	Type        string       `json:"type"`
	Key         string       `json:"key,omitempty"`
	Channel     string       `json:"channel,omitempty"`
	IncidentID  string       `json:"incident_id"`
	Headline    string       `json:"headline"`
	Rule        string       `json:"rule"`
	Reason      string       `json:"reason,omitempty"`
	Weapon      string       `json:"weapon,omitempty"`
	Site        string       `json:"site,omitempty"`
	SiteID      string       `json:"site_id,omitempty"`
	Country     string       `json:"country,omitempty"`
	Region      string       `json:"region,omitempty"`
	Unconfirmed bool         `json:"unconfirmed,omitempty"`
	Latitude    float64      `json:"lat,omitempty"`
	Longitude   float64      `json:"lon,omitempty"`
	MapURL      string       `json:"map_url,omitempty"`
	EventDate   string       `json:"event_date,omitempty"`
	ReportedAt  *time.Time   `json:"reported_at,omitempty"`
	Projectiles int          `json:"projectiles,omitempty"`
	Killed      *int         `json:"killed,omitempty"`
	Wounded     *int         `json:"wounded,omitempty"`
	Victims     string       `json:"victims,omitempty"`
	Actor       string       `json:"actor,omitempty"`
	ActorRole   string       `json:"actor_role,omitempty"`
	Title       string       `json:"title,omitempty"`
	Link        string       `json:"link,omitempty"`
	Sources     []sourceJSON `json:"sources,omitempty"`
	SourceCount int          `json:"source_count,omitempty"`
	Changes     []string     `json:"changes,omitempty"`
}

func newAlertJSON(kind, channel, key string, a notify.Alert, v notify.View) alertJSON {
	j := alertJSON{
		Type: kind, Key: key, Channel: channel, IncidentID: v.IncidentID, Headline: v.Headline,
		Rule: v.Rule, Reason: v.Reason, Weapon: notify.Clean(a.Weapon), Site: notify.Clean(a.Site),
		SiteID: a.SiteID, Country: notify.Clean(a.Country), Region: notify.Clean(a.Region),
		Unconfirmed: a.Unconfirmed, Latitude: a.Latitude, Longitude: a.Longitude, MapURL: v.MapURL,
		Projectiles: a.Projectiles, Killed: known(a.Killed), Wounded: known(a.Wounded), Victims: v.Victims,
		Actor: notify.Clean(a.Actor), ActorRole: a.ActorRole, Title: v.Title, Link: v.TitleURL,
		SourceCount: max(a.SourceCount, len(a.Sources)), Changes: v.Changes,
	}
	if !a.EventDate.IsZero() {
		j.EventDate = a.EventDate.Format("2006-01-02")
	}
	if !a.ReportedAt.IsZero() {
		t := a.ReportedAt.UTC()
		j.ReportedAt = &t
	}
	for _, s := range a.Sources {
		j.Sources = append(j.Sources, sourceJSON{Feed: notify.Clean(s.Feed), Title: notify.Clean(s.Title), Link: notify.SafeURL(s.Link)})
	}
	return j
}

type sourceJSON struct {
	Feed  string `json:"feed,omitempty"`
	Title string `json:"title,omitempty"`
	Link  string `json:"link,omitempty"`
}

type recapJSON struct {
	Type    string          `json:"type"`
	Key     string          `json:"key,omitempty"`
	Channel string          `json:"channel,omitempty"`
	Date    string          `json:"date"`
	Header  string          `json:"header"`
	Lines   []recapLineJSON `json:"lines,omitempty"`
	Empty   string          `json:"empty,omitempty"`
}

type recapLineJSON struct {
	IncidentID string `json:"incident_id"`
	Year       int    `json:"year"`
	Site       string `json:"site"`
	Weapon     string `json:"weapon,omitempty"`
	Killed     *int   `json:"killed,omitempty"`
	Wounded    *int   `json:"wounded,omitempty"`
	Link       string `json:"link,omitempty"`
	Text       string `json:"text"`
}

func known(n int) *int {
	if n < 0 {
		return nil
	}
	return &n
}

func writeJSON(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("console: encode: %w", err)
	}
	return nil
}
