package notify

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxSources is how many reports a message links to; the rest are counted.
const MaxSources = 3

// View is an alert laid out for reading: the lines every output shows, in
// plain text, cleaned of control characters but not escaped for any markup.
// Each output escapes the parts it puts into its own markup.
type View struct {
	Update      bool
	Headline    string // weapon, place, time in the channel's zone, "N min ago"
	Place       string // "Ain al-Asad Air Base, Iraq" or "near Anbar, Iraq (site unconfirmed)"
	When        string // "Tue 5 Mar 14:05 +03 (12 min ago)"
	AttackDate  string // the civil date of the attack when it differs from the day of the first report
	Killed      int    // -1 when unknown
	Wounded     int    // -1 when unknown
	Toll        string // "3 killed, 5 wounded"; empty when unknown
	Claim       string // "Claimed by X" or "Blamed on X"; empty when unknown
	Projectiles string // "4 rockets"; empty when unknown
	Victims     string
	Title       string // title of the first report
	TitleURL    string
	Summary     string
	Outlets     string   // "Reported by 4 outlets"
	Sources     []Source // the first MaxSources reports, with safe links only
	MapURL      string   // OpenStreetMap at the site; empty without coordinates
	Rule        string
	Reason      string
	IncidentID  string
	Changes     []string
}

// NewView lays out a for a channel whose clock reads now in loc (UTC when
// loc is nil).
func NewView(a Alert, loc *time.Location, now time.Time) View {
	if loc == nil {
		loc = time.UTC
	}
	v := View{
		Update:     a.Kind == "update",
		Place:      Place(a),
		Killed:     a.Killed,
		Wounded:    a.Wounded,
		Toll:       Toll(a.Killed, a.Wounded),
		Claim:      Claim(a.Actor, a.ActorRole),
		Victims:    Clean(a.Victims),
		Title:      Clean(a.Title),
		Summary:    Clean(a.Summary),
		MapURL:     MapURL(a.Latitude, a.Longitude),
		Rule:       Clean(a.Rule),
		Reason:     Clean(a.Reason),
		IncidentID: Clean(a.IncidentID),
	}
	if a.Projectiles > 0 {
		v.Projectiles = fmt.Sprintf("%d %s", a.Projectiles, plural(weaponNoun(a.Weapon), a.Projectiles))
	}
	if !a.ReportedAt.IsZero() {
		t := a.ReportedAt.In(loc)
		v.When = fmt.Sprintf("%s (%s)", t.Format("Mon 2 Jan 15:04 MST"), Ago(now, a.ReportedAt))
		if !a.EventDate.IsZero() && !sameDay(a.EventDate, t) {
			v.AttackDate = a.EventDate.Format("Mon 2 Jan 2006")
		}
	} else if !a.EventDate.IsZero() {
		v.When = a.EventDate.Format("Mon 2 Jan 2006")
	}
	for _, s := range a.Sources {
		link := SafeURL(s.Link)
		if v.TitleURL == "" {
			v.TitleURL = link
		}
		if len(v.Sources) < MaxSources {
			v.Sources = append(v.Sources, Source{Feed: Clean(s.Feed), Title: Clean(s.Title), Link: link})
		}
	}
	n := max(a.SourceCount, len(a.Sources))
	switch n {
	case 0:
	case 1:
		v.Outlets = "Reported by 1 outlet"
	default:
		v.Outlets = fmt.Sprintf("Reported by %d outlets", n)
	}
	for _, c := range a.Changes {
		if c = Clean(c); c != "" {
			v.Changes = append(v.Changes, c)
		}
	}
	h := WeaponAttack(a.Weapon) + " " + placePhrase(a)
	if v.When != "" {
		h += " — " + v.When
	}
	if v.Update {
		h = "Update: " + h
	}
	v.Headline = h
	return v
}

// Headline returns the one-line summary of a: weapon, place, time of the
// first report in loc and how long ago that was.
func Headline(a Alert, loc *time.Location, now time.Time) string {
	return NewView(a, loc, now).Headline
}

// WeaponAttack names the attack by its weapon: "Drone attack", "IED attack",
// "Attack" when the weapon is unknown.
func WeaponAttack(weapon string) string {
	w := strings.ToLower(Clean(weapon))
	switch w {
	case "", "attack", "unknown":
		return "Attack"
	case "ied":
		return "IED attack"
	case "vbied":
		return "VBIED attack"
	}
	if strings.HasSuffix(w, " attack") {
		return upperFirst(w)
	}
	return upperFirst(w) + " attack"
}

func weaponNoun(weapon string) string {
	w := strings.ToLower(Clean(weapon))
	switch w {
	case "", "attack", "unknown":
		return "projectile"
	case "ied", "vbied":
		return strings.ToUpper(w)
	}
	return strings.TrimSuffix(w, " attack")
}

func plural(noun string, n int) string {
	if n == 1 {
		return noun
	}
	if a, b, ok := strings.Cut(noun, " or "); ok {
		return a + "s or " + b + "s" // "rockets or missiles"
	}
	return noun + "s"
}

// Place names where the attack was: the site and country, or the region
// with a warning when the site is not confirmed.
func Place(a Alert) string {
	site, country := Clean(a.Site), Clean(a.Country)
	if a.Unconfirmed {
		region := Clean(a.Region)
		if region == "" {
			region = site
		}
		p := joinNonEmpty(", ", region, country)
		if p == "" {
			return "site unconfirmed"
		}
		return "near " + p + " (site unconfirmed)"
	}
	return joinNonEmpty(", ", site, country)
}

func placePhrase(a Alert) string {
	p := Place(a)
	switch {
	case p == "":
		return "at an unnamed site"
	case a.Unconfirmed:
		return p
	case Clean(a.Site) == "":
		return "in " + p
	}
	return "on " + p
}

// Toll states the casualties when known (a negative count is unknown).
func Toll(killed, wounded int) string {
	switch {
	case killed == 0 && wounded == 0:
		return "no casualties reported"
	case killed < 0 && wounded < 0:
		return ""
	}
	var parts []string
	switch {
	case killed == 0:
		parts = append(parts, "no one killed")
	case killed > 0:
		parts = append(parts, strconv.Itoa(killed)+" killed")
	}
	switch {
	case wounded == 0:
		parts = append(parts, "no one wounded")
	case wounded > 0:
		parts = append(parts, strconv.Itoa(wounded)+" wounded")
	}
	return strings.Join(parts, ", ")
}

// Claim says who claimed or was blamed for the attack, or "" when nobody.
func Claim(actor, role string) string {
	actor = Clean(actor)
	if actor == "" {
		return ""
	}
	if role == "blamed" {
		return "Blamed on " + actor
	}
	return "Claimed by " + actor
}

// Ago says how long before now t was, in the coarsest unit that reads well:
// "just now", "12 min ago", "3 h ago", "4 days ago".
func Ago(now, t time.Time) string {
	if d := now.Sub(t); d >= time.Minute {
		return Span(d) + " ago"
	}
	return "just now"
}

// Span says a duration of a minute or more in the coarsest unit that reads
// well: "12 min", "3 h", "4 days".
func Span(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(d/time.Hour))
	}
	return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
}

// MapURL links to OpenStreetMap centred on the coordinates with a marker, or
// returns "" when they are unknown (0,0) or out of range.
func MapURL(lat, lon float64) string {
	if (lat == 0 && lon == 0) || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return ""
	}
	la, lo := strconv.FormatFloat(lat, 'f', 5, 64), strconv.FormatFloat(lon, 'f', 5, 64)
	return "https://www.openstreetmap.org/?mlat=" + la + "&mlon=" + lo + "#map=12/" + la + "/" + lo
}

// SafeURL returns s when it is an absolute http or https URL, and "" for
// anything else (javascript:, relative links, garbage), so that feed text
// never becomes a link of another kind.
func SafeURL(s string) string {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return ""
	}
	return s
}

// Clean makes feed text safe to print: control characters (terminal escape
// sequences included) and line breaks become spaces, runs of spaces collapse,
// and the ends are trimmed.
func Clean(s string) string {
	if s == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.IsSpace(r) || r == '\u2028' || r == '\u2029' {
			space = true
			continue
		}
		if unicode.Is(unicode.Cf, r) && r != '\u200d' && r != '\u200c' {
			// Bidi overrides and other invisible format characters.
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// Truncate shortens s to at most n runes, ending with "…" when cut.
func Truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:n-1]), unicode.IsSpace) + "…"
}

// RecapHeader is the first line of an "on this date" recap.
func RecapHeader(r Recap) string {
	d := r.Date.Format("2 January")
	switch len(r.Lines) {
	case 0:
		return "On this date, " + d
	case 1:
		return "On this date, " + d + ": 1 incident in earlier years"
	}
	return fmt.Sprintf("On this date, %s: %d incidents in earlier years", d, len(r.Lines))
}

// RecapText is one recap line without its link: year, site, weapon, toll.
func RecapText(l RecapLine) string {
	site, weapon := Clean(l.Site), weaponNoun(l.Weapon)
	if site == "" {
		site = "unnamed site"
	}
	if weapon == "projectile" {
		weapon = "attack"
	}
	parts := []string{strconv.Itoa(l.Year), site, weapon}
	if t := Toll(l.Killed, l.Wounded); t != "" {
		parts = append(parts, t)
	}
	return strings.Join(parts, " · ")
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// Field is one labelled fact of an alert, plain text; URL, when set, is
// what the value links to.
type Field struct {
	Name, Value, URL string
}

// Fields lists the facts every message shows beside its headline, in
// order, leaving out those not known.
func (v View) Fields() []Field {
	all := []Field{
		{"Where", v.Place, v.MapURL},
		{"Attack date", v.AttackDate, ""},
		{"Toll", v.Toll, ""},
		{"Victims", v.Victims, ""},
		{"Claim", v.Claim, ""},
		{"Fired", v.Projectiles, ""},
	}
	out := all[:0]
	for _, f := range all {
		if f.Value != "" {
			out = append(out, f)
		}
	}
	return out
}

// SourceName is how a message names a report: its feed, else its title.
func SourceName(s Source) string {
	if s.Feed != "" {
		return s.Feed
	}
	return Truncate(s.Title, 60)
}
