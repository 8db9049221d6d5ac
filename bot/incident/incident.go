// Package incident folds events into incidents: it decides whether an event
// that the rules found is a new attack (alert), a report of an attack already
// in the store (duplicate, known) or news about one (update), and explains
// every decision in one line.
//
// It works inside one store transaction, so that the decision and its
// consequences (the incident row, the report, the outbox entries) commit
// together. It knows nothing of feeds, chat platforms or the clock: times
// come with the event and the report.
package incident

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/basewatch/basewatch/bot/store"
	"github.com/basewatch/basewatch/rules"
)

// Actions a decision can take, as `replay` prints them.
const (
	Alert     = "alert"
	Update    = "update"
	Duplicate = "duplicate"
	Known     = "known"
	Ignored   = "ignored"
)

// Report is the item an event came from.
type Report struct {
	ItemID    string
	Feed      string
	Link      string
	Title     string
	Published time.Time
	// Text is the item's text as the rules read it, and Others the other
	// events the rules found in it. Both optional: they let a report that
	// tells two attacks apart keep them apart.
	Text   string
	Others []rules.Event
}

// Decision is what became of one event.
type Decision struct {
	Action   string
	Reason   string
	Incident store.Incident // after the decision; zero for Ignored
	Changes  []string       // for Update: what changed, one line each
	Event    rules.Event
	Rule     string // rule that accepted the event, for Alert
}

// Decider matches events to incidents.
type Decider struct {
	Gazetteer *rules.Gazetteer
	// Window is how far apart in time two reports of one attack may date
	// the attack. Dates more than a day apart are never the same attack.
	Window time.Duration
	// BackgroundAge: an event dated this long before its report is history,
	// not news, and never alerts.
	BackgroundAge time.Duration
	// AlertUnconfirmed makes an attack that reports place only in a region
	// ("a base in north-eastern Syria") alert at once. Otherwise its
	// incident is recorded and held, and alerts when a report names the
	// site.
	AlertUnconfirmed bool
	// FollowUp is how far back a report that gives no date of its own
	// ("the drone strike that killed three soldiers") looks for the
	// attack it follows up, at the same site. Zero: a day, like any other.
	FollowUp time.Duration

	nearOnce sync.Once
	nearIDs  map[string][]string // site id -> itself and its related sites
}

// near lists a site and the sites outlets confuse with it.
func (d *Decider) near(id string) []string {
	d.nearOnce.Do(func() {
		d.nearIDs = map[string][]string{}
		sites := d.Gazetteer.Sites()
		for _, a := range sites {
			ids := []string{a.ID}
			for _, b := range sites {
				if a.ID != b.ID && d.Gazetteer.Related(a.ID, b.ID) {
					ids = append(ids, b.ID)
				}
			}
			d.nearIDs[a.ID] = ids
		}
	})
	if ids, ok := d.nearIDs[id]; ok {
		return ids
	}
	return []string{id}
}

// Accept reports whether some rule wants an event to alert, and which.
type Accept func(ev rules.Event) (rule string, ok bool, why string)

// Decide folds ev, found in report r, into the incidents of tx.
func (d *Decider) Decide(tx store.Tx, ev rules.Event, r Report, accept Accept) (Decision, error) {
	if d.Gazetteer != nil && ev.Actor != "" {
		// Incidents name groups as people read them, not by id.
		if g, ok := d.Gazetteer.Group(ev.Actor); ok {
			ev.Actor = g.Name
		}
	}
	dec := Decision{Event: ev}
	date := ev.Date
	if date.IsZero() {
		date = civil(r.Published)
	}
	window := d.Window
	if window < 24*time.Hour {
		window = 24 * time.Hour
	}
	back := window
	if d.followsUp(ev) && d.FollowUp > back {
		back = d.FollowUp
	}
	if !ev.Since.IsZero() && date.Sub(ev.Since) > back {
		back = date.Sub(ev.Since) // "this week"
	}
	var cands []store.Incident
	var err error
	if ev.SiteID != "" && d.Gazetteer != nil {
		// Only the site, the sites outlets confuse with it, and incidents
		// placed in a region can be this attack.
		cands, err = tx.IncidentsNear(date.Add(-back), date.Add(window), d.near(ev.SiteID))
	} else {
		cands, err = tx.IncidentsBetween(date.Add(-window), date.Add(window))
	}
	if err != nil {
		return dec, fmt.Errorf("incident: candidates: %w", err)
	}
	best, why := d.best(tx, ev, date, r, cands)
	if best != nil {
		return d.attach(tx, ev, r, *best, why, accept)
	}

	age := civil(r.Published).Sub(date)
	switch {
	case ev.Background:
		dec.Action, dec.Reason = Ignored, fmt.Sprintf("background mention of an attack on %s on %s that is not in the store: history, not news", ev.Site, date.Format("2006-01-02"))
		return dec, nil
	case d.BackgroundAge > 0 && age > d.BackgroundAge:
		dec.Action, dec.Reason = Ignored, fmt.Sprintf("attack on %s dated %s, %d days before the report: history, not news", ev.Site, date.Format("2006-01-02"), int(age.Hours()/24))
		return dec, nil
	}
	rule, ok, rwhy := accept(ev)
	if !ok {
		dec.Action, dec.Reason = Ignored, rwhy
		return dec, nil
	}

	in := d.newIncident(tx, ev, date, r)
	in.Rule = rule
	hold := ev.SiteID == "" && !d.AlertUnconfirmed
	in.Alerted = !hold
	if err := tx.CreateIncident(&in); err != nil {
		return dec, fmt.Errorf("incident: create: %w", err)
	}
	action := Alert
	dec.Reason = fmt.Sprintf("new incident: nothing at %s within a day of %s; %s", ev.Site, date.Format("2006-01-02"), rwhy)
	if hold {
		action = Ignored
		dec.Reason = fmt.Sprintf("new incident %s held: the report places it only in %s; it alerts when a report names the site", in.ID, regionName(ev))
	}
	if err := tx.AddReport(store.Report{IncidentID: in.ID, ItemID: r.ItemID, Feed: r.Feed, Link: r.Link, Title: r.Title, Published: r.Published, Action: action, Added: "first report"}); err != nil {
		return dec, fmt.Errorf("incident: report: %w", err)
	}
	dec.Action, dec.Incident = action, in
	if !hold {
		dec.Rule = rule
	}
	return dec, nil
}

// candidate scores: the lower the better.
type scored struct {
	in    store.Incident
	score float64
	why   string
}

func (d *Decider) best(tx store.Tx, ev rules.Event, date time.Time, r Report, cands []store.Incident) (*store.Incident, string) {
	var ok []scored
	for _, c := range cands {
		gap := absDays(c.EventDate.Sub(date))
		switch {
		case gap <= 1:
		case !ev.Since.IsZero() && c.SiteID == ev.SiteID && !c.EventDate.Before(ev.Since) && !c.EventDate.After(date):
			// "rockets fired at Conoco this week": an attack there this
			// week is the one the report speaks of
		case d.followsUp(ev) && c.SiteID == ev.SiteID && c.EventDate.Before(date) && date.Sub(c.EventDate) <= d.FollowUp &&
			(c.Fatalities > 0 || c.Wounded > 0 || ev.ActorRole == "blamed" && date.Sub(c.EventDate) <= blameFollowUp):
			// A report that dates nothing follows up the latest attack
			// there that hurt people — the attacks aftermath stories are
			// written about — or, when it says who is blamed, an attack of
			// the last three days; a bare report or claim of another
			// strike at a base that is often hit is not merged with the
			// last one.
		default:
			continue // two attacks on one base two days apart are two incidents
		}
		place, placeWhy := d.samePlace(ev, c)
		if !place {
			continue
		}
		if d.toldApart(ev, date, c, gap, r) {
			continue
		}
		score := gap
		why := fmt.Sprintf("%s, %s", placeWhy, dayGap(gap))
		if gap > 1 {
			why += " (the report gives no date of its own: it follows up the latest attack there)"
		}
		if a, b := weaponClass(ev.Weapon), weaponClass(c.SubEventType); a != "" && b != "" && a != b {
			// Two weapons on one day at one base may be two attacks; only
			// the reports' own words can join them.
			sim := d.similarity(tx, c, r)
			if sim < 0.3 {
				continue
			}
			score += 0.5
			why += fmt.Sprintf(", %s against %s but titles %.0f%% alike", ev.Weapon, c.SubEventType, sim*100)
		}
		if placeWhy != "same site" {
			score += 0.25
		}
		ok = append(ok, scored{c, score, why})
	}
	if len(ok) == 0 {
		return nil, ""
	}
	sort.SliceStable(ok, func(i, j int) bool { return ok[i].score < ok[j].score })
	return &ok[0].in, ok[0].why
}

// toldApart reports whether the report itself says that ev is not the
// attack of incident c:
//   - another event of the same report, an earlier attack it mentions as
//     background ("a day after a similar attack"), fits c better: same site,
//     a closer date. The report dates two attacks, and c is the other one.
//   - c is at a related site that lies far from ev's site (not a gate or a
//     neighbour of it), and the report names c's site as well as ev's: it
//     knows they are two places, so it is not confusing them.
func (d *Decider) toldApart(ev rules.Event, date time.Time, c store.Incident, gap float64, r Report) bool {
	for _, o := range r.Others {
		if !o.Background || o.SiteID == "" || o.SiteID != c.SiteID || o.Date.IsZero() || o.Date.Equal(date) {
			continue
		}
		if ev.SiteID == c.SiteID && absDays(c.EventDate.Sub(civil(o.Date))) < gap {
			return true
		}
		// "X hit a day after an attack on Y": the report itself sets the
		// attack at the related site Y apart from ev, and c is that one.
		if ev.SiteID != "" && ev.SiteID != c.SiteID && absDays(c.EventDate.Sub(civil(o.Date))) <= 1 {
			return true
		}
	}
	if d.Gazetteer == nil || r.Text == "" || ev.SiteID == "" || c.SiteID == "" || ev.SiteID == c.SiteID {
		return false
	}
	// a report that gives no date of its own and the same death toll as c
	// ("Jordan says the drone that killed three Americans struck al-Tanf,
	// not Tower 22") disputes where c happened; it does not report another
	// attack
	if !ev.DateExplicit && ev.Killed > 0 && ev.Killed == c.Fatalities {
		return false
	}
	a, ok1 := d.Gazetteer.Site(ev.SiteID)
	b, ok2 := d.Gazetteer.Site(c.SiteID)
	if !ok1 || !ok2 || km(a.Lat, a.Lon, b.Lat, b.Lon) < farRelated {
		return false
	}
	return names(r.Text, b)
}

// farRelated is how far apart, in km, two related sites must be for a
// report that names both to be telling two places apart.
const farRelated = 10

func km(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	h := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}

// names reports whether text writes one of the site's names.
func names(text string, s rules.Site) bool {
	t := " " + rules.Normalize(text) + " "
	for _, a := range append(append([]string{s.Name}, s.Aliases...), s.AliasesAR...) {
		if na := rules.Normalize(strings.TrimLeft(a, "~=")); len(na) > 3 && strings.Contains(t, " "+na+" ") {
			return true
		}
	}
	return false
}

// followsUp reports whether ev may follow up an earlier attack: it names
// its site but gives no date of its own, so its date is only the day of
// the report.
// blameFollowUp is how old an attack that hurt nobody may be for a dateless
// report that says who is blamed for it to follow it up.
const blameFollowUp = 72 * time.Hour

func (d *Decider) followsUp(ev rules.Event) bool {
	return d.FollowUp > 0 && ev.SiteID != "" && !ev.DateExplicit && !ev.Date.IsZero()
}

// samePlace reports whether an event and an incident can be at the same
// place: the same or a related site, or a region that holds the site.
func (d *Decider) samePlace(ev rules.Event, c store.Incident) (bool, string) {
	switch {
	case ev.SiteID != "" && ev.SiteID == c.SiteID:
		return true, "same site"
	case ev.SiteID != "" && c.SiteID != "" && d.Gazetteer != nil && d.Gazetteer.Related(ev.SiteID, c.SiteID):
		return true, "related site " + c.Location
	case ev.SiteID == "" && c.SiteID != "":
		if d.siteInRegion(c.SiteID, ev.Region, ev.Country) {
			return true, fmt.Sprintf("%s lies in %s", c.Location, regionName(ev))
		}
	case ev.SiteID != "" && c.SiteID == "":
		if d.siteInRegion(ev.SiteID, c.Region, c.Country) {
			return true, fmt.Sprintf("%s lies in %s", ev.Site, c.Location)
		}
	case ev.SiteID == "" && c.SiteID == "":
		if ev.Region != "" && strings.EqualFold(ev.Region, c.Region) {
			return true, "same region " + c.Region
		}
	}
	return false, ""
}

func regionName(ev rules.Event) string {
	if ev.Region != "" {
		return ev.Region
	}
	return ev.Country
}

func (d *Decider) siteInRegion(siteID, region, country string) bool {
	if d.Gazetteer == nil {
		return false
	}
	if region != "" && d.Gazetteer.InRegion(siteID, region) {
		return true
	}
	s, ok := d.Gazetteer.Site(siteID)
	if !ok {
		return false
	}
	// A region the gazetteer does not list: the site's province or country
	// by name.
	return (region != "" && (strings.EqualFold(region, s.Province) || strings.EqualFold(region, s.Country))) ||
		(region == "" && country != "" && strings.EqualFold(country, s.Country))
}

// similarity is the best word-shingle likeness of r's title to the titles
// of the incident's reports.
func (d *Decider) similarity(tx store.Tx, c store.Incident, r Report) float64 {
	reps, err := tx.Reports(c.ID)
	if err != nil {
		return 0
	}
	a := shingles(r.Title)
	best := 0.0
	for _, rep := range reps {
		if s := jaccard(a, shingles(rep.Title)); s > best {
			best = s
		}
	}
	return best
}

// attach adds the report to an existing incident and decides whether it
// changes it.
func (d *Decider) attach(tx store.Tx, ev rules.Event, r Report, in store.Incident, why string, accept Accept) (Decision, error) {
	dec := Decision{Event: ev}
	orig := in
	changes := merge(&in, ev)
	action := Duplicate
	switch {
	case in.Known:
		action = Known
		why = "known incident " + in.ID + ": " + why
	case !in.Alerted && in.SiteID != "" && !ev.Background:
		// A held incident: this report names the site.
		if rule, ok, rwhy := accept(ev); ok {
			action = Alert
			in.Alerted, in.Rule = true, rule
			dec.Rule = rule
			why = fmt.Sprintf("held incident %s now names its site (%s): %s; %s", in.ID, strings.Join(changes, "; "), why, rwhy)
		} else {
			why = "held incident " + in.ID + ": " + why + "; " + rwhy
		}
	case len(changes) > 0 && in.Alerted:
		action = Update
		why = "updates incident " + in.ID + " (" + strings.Join(changes, "; ") + "): " + why
	default:
		why = "duplicate of incident " + in.ID + ": " + why
	}
	if in != orig {
		if err := tx.UpdateIncident(&in); err != nil {
			return dec, fmt.Errorf("incident: update %s: %w", in.ID, err)
		}
	}
	added := "nothing new"
	if len(changes) > 0 {
		added = strings.Join(changes, "; ")
	}
	if err := tx.AddReport(store.Report{IncidentID: in.ID, ItemID: r.ItemID, Feed: r.Feed, Link: r.Link, Title: r.Title, Published: r.Published, Action: action, Added: added}); err != nil {
		return dec, fmt.Errorf("incident: report: %w", err)
	}
	dec.Action, dec.Incident, dec.Reason = action, in, why
	if action == Update {
		dec.Changes = changes
	}
	return dec, nil
}

// merge folds what ev adds into in and says what changed.
func merge(in *store.Incident, ev rules.Event) []string {
	var changes []string
	if in.SiteID == "" && ev.SiteID != "" {
		changes = append(changes, fmt.Sprintf("site confirmed: %s", ev.Site))
		in.SiteID, in.Location, in.Unconfirmed = ev.SiteID, ev.Site, ev.Unconfirmed
		if ev.Region != "" {
			in.Region = ev.Region
		}
	} else if in.Unconfirmed && ev.SiteID == in.SiteID && !ev.Unconfirmed {
		changes = append(changes, fmt.Sprintf("site confirmed: %s", ev.Site))
		in.Unconfirmed = false
	}
	if ev.Killed > max(in.Fatalities, 0) {
		changes = append(changes, fmt.Sprintf("killed: %d → %d", max(in.Fatalities, 0), ev.Killed))
		in.Fatalities = ev.Killed
		if ev.Victims != "" {
			in.Victims = ev.Victims
		}
	} else if in.Fatalities < 0 && ev.Killed == 0 {
		in.Fatalities = 0
	}
	if ev.Wounded > max(in.Wounded, 0) {
		changes = append(changes, fmt.Sprintf("wounded: %d → %d", max(in.Wounded, 0), ev.Wounded))
		in.Wounded = ev.Wounded
		if ev.Victims != "" && in.Victims == "" {
			in.Victims = ev.Victims
		}
	} else if in.Wounded < 0 && ev.Wounded == 0 {
		in.Wounded = 0
	}
	if ev.Actor != "" && (in.Actor == "" || (in.ActorRole != "claimed" && ev.ActorRole == "claimed" && ev.Actor != in.Actor)) {
		verb := "blamed on"
		if ev.ActorRole == "claimed" {
			verb = "claimed by"
		}
		changes = append(changes, fmt.Sprintf("%s %s", verb, ev.Actor))
		in.Actor, in.ActorRole = ev.Actor, ev.ActorRole
	}
	if ev.Projectiles > in.Projectiles && in.Projectiles > 0 {
		changes = append(changes, fmt.Sprintf("projectiles: %d → %d", in.Projectiles, ev.Projectiles))
	}
	if ev.Projectiles > in.Projectiles {
		in.Projectiles = ev.Projectiles
	}
	if loose(in.SubEventType) && !loose(ev.Weapon) || (in.SubEventType == "" || in.SubEventType == "unknown") && ev.Weapon != "" && ev.Weapon != "unknown" {
		// a later report that names the weapon more exactly ("ballistic
		// missiles" after an Arabic report of صواريخ) says what it was
		in.SubEventType = ev.Weapon
	}
	return changes
}

// newIncident builds the incident an event opens. Its id is readable and
// stable: the date and the site, with a counter when the day already has
// one there.
func (d *Decider) newIncident(tx store.Tx, ev rules.Event, date time.Time, r Report) store.Incident {
	place := ev.SiteID
	if place == "" {
		place = slug(regionName(ev))
	}
	id := nextID(tx, date, place)
	in := store.Incident{
		ID:           id,
		SiteID:       ev.SiteID,
		Location:     ev.Site,
		Region:       ev.Region,
		Country:      ev.Country,
		Unconfirmed:  ev.Unconfirmed || ev.SiteID == "",
		EventDate:    date,
		WindowStart:  date,
		WindowEnd:    date.Add(24*time.Hour - time.Nanosecond),
		SubEventType: ev.Weapon,
		Projectiles:  ev.Projectiles,
		Fatalities:   ev.Killed,
		Wounded:      ev.Wounded,
		Victims:      ev.Victims,
		Actor:        ev.Actor,
		ActorRole:    ev.ActorRole,
		Summary:      r.Title,
		Source:       r.Link,
		FirstReport:  r.ItemID,
	}
	if in.Location == "" {
		in.Location = regionName(ev)
	}
	if d.Gazetteer != nil && ev.SiteID != "" {
		if s, ok := d.Gazetteer.Site(ev.SiteID); ok {
			in.Latitude, in.Longitude = s.Lat, s.Lon
			if in.Country == "" {
				in.Country = s.Country
			}
			if in.Region == "" {
				in.Region = s.Province
			}
		}
	}
	return in
}

// weaponClass groups weapons that outlets name interchangeably for one
// attack: rockets, Katyushas and mortars are indirect fire; drones are
// drones; ballistic missiles stand alone.
func weaponClass(w string) string {
	switch strings.ToLower(w) {
	case "rocket", "katyusha", "mortar", "artillery", "indirect fire":
		return "indirect"
	case "drone", "uav":
		return "drone"
	case "ballistic missile":
		return "ballistic"
	case "ied", "explosive":
		return "ied"
	}
	return "" // unknown or generic ("missile", "attack"): no contradiction
}

// loose reports whether a weapon is named only loosely: "rocket or
// missile", "missile" or "attack".
func loose(w string) bool {
	switch strings.ToLower(w) {
	case "rocket or missile", "missile":
		return true
	}
	return false
}

func civil(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func absDays(d time.Duration) float64 {
	if d < 0 {
		d = -d
	}
	return d.Hours() / 24
}

func dayGap(days float64) string {
	switch {
	case days == 0:
		return "same day"
	case days <= 1:
		return "a day apart"
	}
	return fmt.Sprintf("%.0f days apart", days)
}

func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func shingles(s string) map[string]bool {
	words := strings.Fields(rules.Normalize(s))
	set := map[string]bool{}
	for i := 0; i+1 < len(words); i++ {
		set[words[i]+" "+words[i+1]] = true
	}
	if len(words) == 1 {
		set[words[0]] = true
	}
	return set
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := 0
	for k := range a {
		if b[k] {
			n++
		}
	}
	return float64(n) / float64(len(a)+len(b)-n)
}
