package incident

import (
	"context"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/basewatch/basewatch/bot/store"
	"github.com/basewatch/basewatch/rules"
)

//go:embed seed.csv
var seedCSV string

// RowError is one bad row of an import file.
type RowError struct {
	Line int
	Msg  string
}

func (e RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// ImportErrors lists every bad row of a file.
type ImportErrors []RowError

func (es ImportErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// ParseKnown reads a list of known incidents: basewatch's own CSV
// (date,site,weapon,killed,wounded,attribution,summary,source) or an ACLED
// export (recognised by its event_date and sub_event_type columns). Every
// row it cannot place (unknown site, bad date) is reported with its line;
// the good rows are returned as well, for the caller to decide.
func ParseKnown(r io.Reader, g *rules.Gazetteer) ([]store.Incident, ImportErrors) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, ImportErrors{{Line: 1, Msg: "no header: " + err.Error()}}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	_, acled := col["sub_event_type"]
	need := []string{"date", "site", "weapon", "killed", "wounded", "attribution", "summary", "source"}
	if acled {
		need = []string{"event_date", "location", "sub_event_type", "fatalities"}
	}
	var missing []string
	for _, n := range need {
		if _, ok := col[n]; !ok {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return nil, ImportErrors{{Line: 1, Msg: "header lacks column(s) " + strings.Join(missing, ", ")}}
	}
	var out []store.Incident
	var errs ImportErrors
	for {
		line, _ := cr.FieldPos(0)
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, RowError{Line: line, Msg: err.Error()})
			continue
		}
		line, _ = cr.FieldPos(0)
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		var in store.Incident
		var rerr string
		if acled {
			in, rerr = acledRow(get, g)
		} else {
			in, rerr = ownRow(get, g)
		}
		if rerr != "" {
			errs = append(errs, RowError{Line: line, Msg: rerr})
			continue
		}
		in.Known = true
		out = append(out, in)
	}
	return out, errs
}

func ownRow(get func(string) string, g *rules.Gazetteer) (store.Incident, string) {
	var in store.Incident
	date, err := time.Parse("2006-01-02", get("date"))
	if err != nil {
		return in, fmt.Sprintf("date %q is not YYYY-MM-DD", get("date"))
	}
	site, ok := lookupSite(g, get("site"))
	if !ok {
		// "Ain al-Asad airbase": a name that holds one site's name.
		site, ok = siteInText(g, get("site"))
	}
	if !ok {
		return in, fmt.Sprintf("unknown site %q (add it to the gazetteer in the config)", get("site"))
	}
	killed, kerr := count(get("killed"))
	wounded, werr := count(get("wounded"))
	if kerr != nil {
		return in, fmt.Sprintf("killed %q is not a number", get("killed"))
	}
	if werr != nil {
		return in, fmt.Sprintf("wounded %q is not a number", get("wounded"))
	}
	in = fromSite(site, date)
	in.SubEventType = strings.ToLower(get("weapon"))
	in.Fatalities, in.Wounded = killed, wounded
	in.Actor = get("attribution")
	if in.Actor != "" {
		in.ActorRole = "blamed"
	}
	in.Summary, in.Source = get("summary"), get("source")
	return in, ""
}

func acledRow(get func(string) string, g *rules.Gazetteer) (store.Incident, string) {
	var in store.Incident
	raw := get("event_date")
	var date time.Time
	var err error
	for _, layout := range []string{"2006-01-02", "2 January 2006", "02 January 2006", "1/2/2006"} {
		if date, err = time.Parse(layout, raw); err == nil {
			break
		}
	}
	if err != nil {
		return in, fmt.Sprintf("event_date %q is not a date", raw)
	}
	site, ok := lookupSite(g, get("location"))
	if !ok {
		site, ok = siteInText(g, get("notes"))
	}
	if !ok {
		return in, fmt.Sprintf("unknown site: location %q and the notes name no site of the gazetteer", get("location"))
	}
	killed, kerr := count(get("fatalities"))
	if kerr != nil {
		return in, fmt.Sprintf("fatalities %q is not a number", get("fatalities"))
	}
	in = fromSite(site, date)
	in.SubEventType = acledWeapon(get("sub_event_type"), get("notes"))
	in.Fatalities, in.Wounded = killed, -1
	in.Actor = get("actor1")
	if in.Actor != "" {
		in.ActorRole = "blamed"
	}
	in.Summary = get("notes")
	in.Source = get("source")
	return in, ""
}

// acledWeapon maps ACLED's sub-event type, refined by the notes' words.
func acledWeapon(sub, notes string) string {
	n := strings.ToLower(notes)
	for _, w := range []struct{ word, weapon string }{
		{"ballistic", "ballistic missile"}, {"drone", "drone"}, {"uav", "drone"}, {"rocket", "rocket"},
		{"katyusha", "rocket"}, {"mortar", "mortar"}, {"ied", "ied"}, {"missile", "missile"},
	} {
		if strings.Contains(n, w.word) {
			return w.weapon
		}
	}
	switch strings.ToLower(sub) {
	case "air/drone strike":
		return "drone"
	case "shelling/artillery/missile attack":
		return "rocket"
	case "remote explosive/landmine/ied":
		return "ied"
	}
	return "attack"
}

func count(s string) (int, error) {
	if s == "" {
		return -1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, errors.New("bad count")
	}
	return n, nil
}

// lookupSite accepts a name only when it names one site of the gazetteer
// exactly (after folding), so that an import never guesses.
func lookupSite(g *rules.Gazetteer, name string) (rules.Site, bool) {
	if name == "" {
		return rules.Site{}, false
	}
	if s, ok := g.Site(name); ok {
		return s, true
	}
	want := rules.Normalize(name)
	for _, s := range g.Lookup(name) {
		for _, a := range append(append([]string{s.Name, s.ID}, s.Aliases...), s.AliasesAR...) {
			if rules.Normalize(a) == want {
				return s, true
			}
		}
	}
	return rules.Site{}, false
}

// siteInText finds the one site of the gazetteer whose name or alias the
// text contains; none when it names no site or several.
func siteInText(g *rules.Gazetteer, text string) (rules.Site, bool) {
	t := " " + rules.Normalize(text) + " "
	var found []rules.Site
	for _, s := range g.Sites() {
		for _, a := range append(append([]string{s.Name}, s.Aliases...), s.AliasesAR...) {
			if na := rules.Normalize(a); len(na) > 3 && strings.Contains(t, " "+na+" ") {
				found = append(found, s)
				break
			}
		}
	}
	if len(found) != 1 {
		return rules.Site{}, false
	}
	return found[0], true
}

func fromSite(s rules.Site, date time.Time) store.Incident {
	return store.Incident{
		SiteID: s.ID, Location: s.Name, Region: s.Province, Country: s.Country,
		Latitude: s.Lat, Longitude: s.Lon, EventDate: date,
		WindowStart: date, WindowEnd: date.Add(24*time.Hour - time.Nanosecond),
	}
}

// Import stores known incidents, giving each a readable id. An incident
// already in the store (same site, date and weapon) is skipped, so importing
// a file twice changes nothing. It returns how many were added.
func Import(ctx context.Context, st store.Store, ins []store.Incident) (int, error) {
	added := 0
	err := st.Update(ctx, func(tx store.Tx) error {
		added = 0
		for _, in := range ins {
			existing, err := tx.IncidentsBetween(in.EventDate, in.EventDate)
			if err != nil {
				return err
			}
			dup := false
			for _, e := range existing {
				if e.SiteID == in.SiteID && e.SubEventType == in.SubEventType {
					dup = true
					break
				}
			}
			if dup {
				continue
			}
			in.ID = nextID(tx, in.EventDate, in.SiteID)
			if err := tx.CreateIncident(&in); err != nil {
				return err
			}
			added++
		}
		return nil
	})
	return added, err
}

// nextID is the date and place of an incident, with a counter when the day
// already has an incident there.
func nextID(tx store.Tx, date time.Time, place string) string {
	id := date.Format("2006-01-02") + "-" + place
	for n := 2; ; n++ {
		if _, err := tx.Incident(id); err != nil {
			return id
		}
		id = fmt.Sprintf("%s-%s-%d", date.Format("2006-01-02"), place, n)
	}
}

// LoadSeed loads the shipped list of past attacks into an empty store. It
// returns how many incidents it added (none when the store already holds
// incidents).
func LoadSeed(ctx context.Context, st store.Store, g *rules.Gazetteer) (int, error) {
	n, err := st.CountIncidents(ctx)
	if err != nil || n > 0 {
		return 0, err
	}
	ins, errs := ParseKnown(strings.NewReader(seedCSV), g)
	if len(errs) > 0 {
		return 0, fmt.Errorf("shipped seed list: %w", errs)
	}
	return Import(ctx, st, ins)
}
