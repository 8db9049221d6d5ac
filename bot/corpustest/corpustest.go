package corpustest

import (
	"encoding/xml"
	"fmt"
	"strings"
	"time"

	"github.com/basewatch/basewatch/rules"
)

// Site is a gazetteer site with the names a generated report writes.
type Site struct {
	ID, Name, NameAR string
}

// Sites returns, in gazetteer order, the sites of the embedded gazetteer
// that have a plain English alias (neither weak nor case-bound) and an
// Arabic one, and no related sites: a report of "Erbil airport" may rightly
// land on the air base beside it, which would make the expected incident
// the rules' judgement rather than the generator's.
func Sites() ([]Site, error) {
	g, err := rules.LoadGazetteer(nil)
	if err != nil {
		return nil, fmt.Errorf("corpustest: loading the embedded gazetteer: %w", err)
	}
	var out []Site
	for _, s := range g.Sites() {
		name := ""
		for _, a := range s.Aliases {
			if !strings.HasPrefix(a, "~") && !strings.HasPrefix(a, "=") && len(a) > 5 {
				name = a
				break
			}
		}
		if name == "" || len(s.AliasesAR) == 0 || len(s.Related) > 0 {
			continue
		}
		out = append(out, Site{ID: s.ID, Name: name, NameAR: s.AliasesAR[0]})
	}
	return out, nil
}

// Item is a generated news item.
type Item struct {
	Feed, GUID, Link, Title, Summary string
	Published                        time.Time
	// Incident is the incident the item's attack must be filed under (its
	// date and site), empty for quiet news.
	Incident string
	Site     string // gazetteer id of the site reported, empty for quiet news
	First    bool   // the first report of its attack
}

// phrasing is a title and a summary; in both %[1]s is the site's name and
// %[2]s the weekday of the attack (the day it is published).
type phrasing struct{ title, summary string }

func (p phrasing) write(name string, day time.Time) (title, summary string) {
	wd := day.Weekday().String()
	return fmt.Sprintf(p.title, name, wd), fmt.Sprintf(p.summary, name, wd)
}

// style is one way of writing an attack: variants are other outlets' words
// for the same attack with the same weapon, toll a later report that adds
// a casualty toll (so that the alert is updated).
type style struct {
	arabic   bool
	variants []phrasing
	toll     phrasing
}

// styles returns the attack styles; attack k is written in style k modulo
// their number.
func styles() []style {
	return []style{
		{variants: []phrasing{
			{"Rockets hit %[1]s", "Three rockets struck %[1]s on %[2]s, officials said."},
			{"Rocket fire reported at %[1]s", "Security sources said rockets landed at %[1]s on %[2]s without causing damage."},
			{"Rockets target %[1]s overnight", "A volley of rockets was fired at %[1]s on %[2]s, a military source said."},
		}, toll: phrasing{"Rocket fire reported at %[1]s", "Security sources said rockets landed at %[1]s on %[2]s, wounding two soldiers."}},
		{variants: []phrasing{
			{"Drone attack targets %[1]s", "Two drones struck %[1]s on %[2]s, a security official said; no casualties were reported."},
			{"Officials confirm drone strike on %[1]s", "A drone attack on %[1]s on %[2]s caused no damage, sources told reporters."},
			{"Drone downed near %[1]s", "Air defences shot down an attack drone approaching %[1]s on %[2]s, the coalition said."},
		}, toll: phrasing{"Officials confirm drone strike on %[1]s", "A drone attack on %[1]s on %[2]s wounded three contractors, sources told reporters."}},
		{variants: []phrasing{
			{"Explosions at %[1]s after rocket attack", "Several rockets landed inside %[1]s on %[2]s, a military spokesman said."},
			{"Rockets fall on %[1]s", "Rockets fell on %[1]s on %[2]s, according to a local police officer."},
		}, toll: phrasing{"Rockets fall on %[1]s", "Rockets fell on %[1]s on %[2]s, wounding one soldier."}},
		{arabic: true, variants: []phrasing{
			{"هجوم بطائرة مسيرة على %[1]s", "استهدفت طائرة مسيرة %[1]s فجر اليوم"},
			{"مصادر أمنية: طائرة مسيرة تستهدف %[1]s", "قالت مصادر أمنية إن طائرة مسيرة استهدفت %[1]s فجر اليوم دون إصابات"},
		}, toll: phrasing{"مصادر أمنية: طائرة مسيرة تستهدف %[1]s", "قالت مصادر أمنية إن طائرة مسيرة استهدفت %[1]s فجر اليوم دون إصابات"}},
	}
}

func styleOf(k int) style {
	all := styles()
	return all[k%len(all)]
}

func (s style) name(site Site) string {
	if s.arabic {
		return site.NameAR
	}
	return site.Name
}

// Report returns the title and summary of report n (0: the first) of
// attack k at site on day. Reports past the style's phrasings repeat them.
func Report(k, n int, site Site, day time.Time) (title, summary string) {
	s := styleOf(k)
	return s.variants[n%len(s.variants)].write(s.name(site), day)
}

// Toll returns the title and summary of a later report of attack k at site
// on day, in other words than the first, that adds a casualty toll.
func Toll(k int, site Site, day time.Time) (title, summary string) {
	s := styleOf(k)
	return s.toll.write(s.name(site), day)
}

// quiet returns news that reports no attack; in the summaries %[2]s is a
// weekday.
func quiet() []phrasing {
	return []phrasing{
		{"Oil prices rise in Baghdad trading", "Markets in Baghdad rose on %[2]s as oil prices climbed."},
		{"Erbil hosts an international book fair", "Publishers from twelve countries opened stands in Erbil on %[2]s."},
		{"Dust storm expected over Anbar", "Forecasters warned of poor visibility across Anbar province on %[2]s."},
		{"Amman and Baghdad sign a trade agreement", "The two governments agreed on %[2]s to cut customs duties on farm goods."},
		{"Football: Erbil beat Duhok in the league", "Erbil won two goals to one at home on %[2]s."},
		{"New bridge opens over the Euphrates", "Traffic began crossing the new bridge near Ramadi on %[2]s."},
	}
}

// Quiet returns the title and summary of quiet news k (modulo their
// number) published on day: news of the region that reports no attack.
func Quiet(k int, day time.Time) (title, summary string) {
	all := quiet()
	q := all[k%len(all)]
	return q.title, fmt.Sprintf(q.summary, "", day.Weekday().String())
}

// Attack returns report n (0: the first) of attack k at site on day, in
// feed, published on day at 10:00 plus 47 minutes a report.
func Attack(feed string, k, n int, site Site, day time.Time) Item {
	it := Item{Feed: feed, GUID: fmt.Sprintf("%s/attack-%d-%d", feed, k, n), Link: fmt.Sprintf("https://%s.example/a/%d/%d", feed, k, n),
		Published: day.Add(10*time.Hour + time.Duration(n)*47*time.Minute),
		Incident:  day.Format("2006-01-02") + "-" + site.ID, Site: site.ID, First: n == 0}
	it.Title, it.Summary = Report(k, n, site, day)
	if s := styleOf(k); n >= len(s.variants) {
		// More reports than phrasings: the same words from another outlet.
		it.Title += " (" + feed + ")"
	}
	return it
}

// QuietItem returns quiet news k in feed, published on day at 13:00.
func QuietItem(feed string, k int, day time.Time) Item {
	it := Item{Feed: feed, GUID: fmt.Sprintf("%s/quiet-%d", feed, k), Link: fmt.Sprintf("https://%s.example/q/%d", feed, k),
		Published: day.Add(13 * time.Hour)}
	it.Title, it.Summary = Quiet(k, day)
	return it
}

// RSS renders items as an RSS 2.0 document titled title, newest first as
// feeds are.
func RSS(title string, items []Item) []byte {
	type rssItem struct {
		Title       string `xml:"title"`
		Link        string `xml:"link"`
		GUID        string `xml:"guid"`
		Description string `xml:"description"`
		PubDate     string `xml:"pubDate"`
	}
	var doc struct {
		XMLName xml.Name `xml:"rss"`
		Version string   `xml:"version,attr"`
		Channel struct {
			Title string    `xml:"title"`
			Link  string    `xml:"link"`
			Items []rssItem `xml:"item"`
		} `xml:"channel"`
	}
	doc.Version = "2.0"
	doc.Channel.Title, doc.Channel.Link = title, "https://"+title+".example/"
	for i := len(items) - 1; i >= 0; i-- {
		it := items[i]
		doc.Channel.Items = append(doc.Channel.Items, rssItem{Title: it.Title, Link: it.Link, GUID: it.GUID,
			Description: it.Summary, PubDate: it.Published.Format(time.RFC1123Z)})
	}
	b, err := xml.MarshalIndent(doc, "", " ")
	if err != nil {
		panic(err) // plain strings only: cannot fail
	}
	return append([]byte(xml.Header), b...)
}
