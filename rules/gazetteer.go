package rules

import (
	"bytes"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

//go:embed data/sites.csv data/groups.csv data/regions.csv data/cues.txt
var dataFS embed.FS

// Site is a place that attacks are reported on: a base, an airport, an
// embassy. Aliases are English (or Latin-script) spellings, AliasesAR Arabic
// ones; both are matched after Normalize, and the common variants (al-/el-,
// Ain/Ayn, Erbil/Irbil/Arbil, air base/airbase/base/airfield) are generated.
// An alias that starts with "~" is weak (dropped when a place outside the
// site's region follows it), one that starts with "=" matches its exact case.
type Site struct {
	ID, Name, Kind, Country, Province string
	Lat, Lon                          float64
	Aliases                           []string
	AliasesAR                         []string
	Related                           []string
}

// Group is an armed group that claims or is blamed for attacks.
type Group struct {
	ID, Name string
	Aliases  []string
}

// Region is a country, province, area, city or town that news names instead
// of a site. Sites lists the gazetteer sites inside it.
type Region struct {
	ID, Name, Kind, Country string
	Sites                   []string
	Aliases                 []string
}

// Gazetteer holds the sites, regions and groups the rules know. It is
// immutable once loaded and safe for concurrent use.
type Gazetteer struct {
	sites   []Site
	byID    map[string]int
	related map[[2]string]bool
	regions []Region
	groups  []Group
	cues    []cueLine
}

// cueLine is one line of data/cues.txt.
type cueLine struct {
	class   string
	value   string
	flags   string
	phrases []string
	line    int
}

// LoadGazetteer returns the embedded gazetteer plus extra sites (from the
// config). An extra Site whose ID exists adds its aliases and related sites
// to that site and fills fields left empty; a new ID adds a site, which then
// needs a Name.
func LoadGazetteer(extra []Site) (*Gazetteer, error) {
	g := &Gazetteer{byID: map[string]int{}, related: map[[2]string]bool{}}
	read := func(name string) ([]byte, error) {
		b, err := dataFS.ReadFile("data/" + name)
		if err != nil {
			return nil, fmt.Errorf("rules: reading embedded %s: %w", name, err)
		}
		return b, nil
	}
	b, err := read("sites.csv")
	if err != nil {
		return nil, err
	}
	if err := g.loadSites(b); err != nil {
		return nil, err
	}
	if b, err = read("regions.csv"); err != nil {
		return nil, err
	}
	if err := g.loadRegions(b); err != nil {
		return nil, err
	}
	if b, err = read("groups.csv"); err != nil {
		return nil, err
	}
	if err := g.loadGroups(b); err != nil {
		return nil, err
	}
	if b, err = read("cues.txt"); err != nil {
		return nil, err
	}
	if g.cues, err = parseCues(b); err != nil {
		return nil, err
	}
	for i, s := range extra {
		if err := g.addExtra(s); err != nil {
			return nil, fmt.Errorf("rules: gazetteer site %d (%q): %w", i+1, s.ID, err)
		}
	}
	for _, s := range g.sites {
		for _, r := range s.Related {
			if _, ok := g.byID[r]; !ok {
				return nil, fmt.Errorf("rules: site %q: related site %q is not in the gazetteer", s.ID, r)
			}
			g.related[[2]string{s.ID, r}] = true
			g.related[[2]string{r, s.ID}] = true
		}
	}
	for _, r := range g.regions {
		for _, id := range r.Sites {
			if _, ok := g.byID[id]; !ok {
				return nil, fmt.Errorf("rules: region %q: site %q is not in the gazetteer", r.ID, id)
			}
		}
	}
	return g, nil
}

// readCSV reads a CSV file whose lines starting with "#" are comments and
// whose first other line is the header, and calls row with a getter per row.
func readCSV(name string, b []byte, want []string, row func(line int, get func(string) string) error) error {
	var lines [][]byte
	for _, l := range bytes.SplitAfter(b, []byte("\n")) {
		if bytes.HasPrefix(bytes.TrimSpace(l), []byte("#")) {
			lines = append(lines, []byte("\n")) // keep line numbers
			continue
		}
		lines = append(lines, l)
	}
	r := csv.NewReader(bytes.NewReader(bytes.Join(lines, nil)))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("rules: %s: header: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, w := range want {
		if _, ok := col[w]; !ok {
			return fmt.Errorf("rules: %s: header lacks column %q", name, w)
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return fmt.Errorf("rules: %s: %w", name, err)
		}
		get := func(k string) string {
			if i, ok := col[k]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if err := row(line, get); err != nil {
			return fmt.Errorf("rules: %s:%d: %w", name, line, err)
		}
	}
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (g *Gazetteer) loadSites(b []byte) error {
	return readCSV("sites.csv", b, []string{"id", "name", "kind", "country", "province", "lat", "lon", "aliases_en", "aliases_ar", "related"},
		func(line int, get func(string) string) error {
			s := Site{ID: get("id"), Name: get("name"), Kind: get("kind"), Country: get("country"), Province: get("province"),
				Aliases: splitList(get("aliases_en")), AliasesAR: splitList(get("aliases_ar")), Related: splitList(get("related"))}
			var err error
			if s.Lat, err = strconv.ParseFloat(get("lat"), 64); err != nil {
				return fmt.Errorf("site %q: lat: %w", s.ID, err)
			}
			if s.Lon, err = strconv.ParseFloat(get("lon"), 64); err != nil {
				return fmt.Errorf("site %q: lon: %w", s.ID, err)
			}
			return g.addSite(s)
		})
}

func (g *Gazetteer) addSite(s Site) error {
	switch {
	case s.ID == "":
		return errors.New("site without id")
	case s.Name == "":
		return fmt.Errorf("site %q has no name", s.ID)
	}
	if _, dup := g.byID[s.ID]; dup {
		return fmt.Errorf("site %q is listed twice", s.ID)
	}
	if s.Kind == "" {
		s.Kind = "base"
	}
	g.byID[s.ID] = len(g.sites)
	g.sites = append(g.sites, s)
	return nil
}

func (g *Gazetteer) addExtra(s Site) error {
	i, ok := g.byID[s.ID]
	if !ok {
		return g.addSite(s)
	}
	have := &g.sites[i]
	have.Aliases = append(have.Aliases[:len(have.Aliases):len(have.Aliases)], s.Aliases...)
	have.AliasesAR = append(have.AliasesAR[:len(have.AliasesAR):len(have.AliasesAR)], s.AliasesAR...)
	have.Related = append(have.Related[:len(have.Related):len(have.Related)], s.Related...)
	if have.Name == "" {
		have.Name = s.Name
	}
	if s.Kind != "" && have.Kind == "" {
		have.Kind = s.Kind
	}
	if have.Lat == 0 && have.Lon == 0 {
		have.Lat, have.Lon = s.Lat, s.Lon
	}
	return nil
}

func (g *Gazetteer) loadRegions(b []byte) error {
	return readCSV("regions.csv", b, []string{"id", "name", "kind", "country", "sites", "aliases_en", "aliases_ar"},
		func(line int, get func(string) string) error {
			r := Region{ID: get("id"), Name: get("name"), Kind: get("kind"), Country: get("country"), Sites: splitList(get("sites"))}
			r.Aliases = append(splitList(get("aliases_en")), splitList(get("aliases_ar"))...)
			if r.ID == "" || r.Name == "" {
				return errors.New("region needs an id and a name")
			}
			switch r.Kind {
			case "country", "province", "area", "city", "town", "foreign":
			default:
				return fmt.Errorf("region %q: unknown kind %q", r.ID, r.Kind)
			}
			g.regions = append(g.regions, r)
			return nil
		})
}

func (g *Gazetteer) loadGroups(b []byte) error {
	return readCSV("groups.csv", b, []string{"id", "name", "aliases_en", "aliases_ar"},
		func(line int, get func(string) string) error {
			gr := Group{ID: get("id"), Name: get("name")}
			gr.Aliases = append(splitList(get("aliases_en")), splitList(get("aliases_ar"))...)
			if gr.ID == "" || gr.Name == "" {
				return errors.New("group needs an id and a name")
			}
			g.groups = append(g.groups, gr)
			return nil
		})
}

func parseCues(b []byte) ([]cueLine, error) {
	var out []cueLine
	for n, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.SplitN(l, " ", 4)
		if len(f) != 4 {
			return nil, fmt.Errorf("rules: cues.txt:%d: want CLASS VALUE FLAGS PHRASES", n+1)
		}
		if _, ok := cueClasses[f[0]]; !ok {
			return nil, fmt.Errorf("rules: cues.txt:%d: unknown class %q", n+1, f[0])
		}
		out = append(out, cueLine{class: f[0], value: strings.ReplaceAll(f[1], "_", " "), flags: f[2], phrases: splitList(f[3]), line: n + 1})
	}
	return out, nil
}

// Site returns the site with the given id.
func (g *Gazetteer) Site(id string) (Site, bool) {
	i, ok := g.byID[id]
	if !ok {
		return Site{}, false
	}
	return g.sites[i], true
}

// Sites returns a copy of every site, in the order of the data file.
func (g *Gazetteer) Sites() []Site {
	out := make([]Site, len(g.sites))
	for i, s := range g.sites {
		s.Aliases = append([]string(nil), s.Aliases...)
		s.AliasesAR = append([]string(nil), s.AliasesAR...)
		s.Related = append([]string(nil), s.Related...)
		out[i] = s
	}
	return out
}

// Regions returns every region.
func (g *Gazetteer) Regions() []Region {
	return append([]Region(nil), g.regions...)
}

// Groups returns every group.
func (g *Gazetteer) Groups() []Group {
	return append([]Group(nil), g.groups...)
}

// Group returns the group with the given id.
func (g *Gazetteer) Group(id string) (Group, bool) {
	for _, gr := range g.groups {
		if gr.ID == id {
			return gr, true
		}
	}
	return Group{}, false
}

// Related reports whether a and b are the same site or sites that outlets
// confuse or name together (Erbil air base and Erbil airport).
func (g *Gazetteer) Related(a, b string) bool {
	return a != "" && (a == b || g.related[[2]string{a, b}])
}

// InRegion reports whether site id lies in the region with the given id or
// name.
func (g *Gazetteer) InRegion(site, region string) bool {
	for _, r := range g.regions {
		if r.ID == region || strings.EqualFold(r.Name, region) {
			for _, s := range r.Sites {
				if s == site {
					return true
				}
			}
		}
	}
	return false
}

// Lookup finds sites by a name typed by a person (a slash command): exact
// aliases first, then names that contain the words typed, then names within
// a small spelling distance. Best first; nil when nothing is close.
func (g *Gazetteer) Lookup(name string) []Site {
	q := strings.TrimSpace(strings.ReplaceAll(Normalize(name), "\n", " "))
	if q == "" {
		return nil
	}
	if _, ok := g.byID[name]; ok {
		return []Site{g.sites[g.byID[name]]}
	}
	type scored struct {
		i     int
		score float64
	}
	var found []scored
	for i, s := range g.sites {
		best := 0.0
		for _, a := range siteNames(s) {
			na := strings.TrimSpace(strings.ReplaceAll(Normalize(a), "\n", " "))
			if na == "" {
				continue
			}
			var sc float64
			switch {
			case na == q:
				sc = 1
			case strings.Contains(" "+na+" ", " "+q+" "):
				sc = 0.8 + 0.1*float64(len(q))/float64(len(na))
			case strings.HasPrefix(na, q) && len(q) >= 3:
				sc = 0.75
			default:
				d := editDistance(q, na)
				if l := max(len(q), len(na)); d <= 1+l/5 {
					sc = 0.7 - float64(d)/float64(l)
				}
				// a typo in one word of a longer name
				for _, w := range strings.Fields(na) {
					if len(w) >= 4 && len(q) >= 4 {
						if d := editDistance(q, w); d <= 1+len(w)/5 {
							sc = max(sc, 0.6-float64(d)/float64(len(w)))
						}
					}
				}
			}
			best = max(best, sc)
		}
		if best > 0 {
			found = append(found, scored{i, best})
		}
	}
	sort.SliceStable(found, func(a, b int) bool { return found[a].score > found[b].score })
	out := make([]Site, 0, len(found))
	for _, f := range found {
		out = append(out, g.sites[f.i])
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// siteNames returns the name, id and aliases of s without their markers.
func siteNames(s Site) []string {
	out := []string{s.Name, strings.ReplaceAll(s.ID, "-", " ")}
	for _, a := range append(append([]string(nil), s.Aliases...), s.AliasesAR...) {
		out = append(out, strings.TrimLeft(a, "~="))
	}
	return out
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := 1
			if ra[i-1] == rb[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
