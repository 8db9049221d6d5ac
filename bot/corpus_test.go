package bot_test

import (
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot"
	"github.com/basewatch/basewatch/rules"
)

// genSite is a gazetteer site with the names a generated report writes.
type genSite struct {
	ID, Name, NameAR string
}

// genSites returns the sites of the embedded gazetteer that have a plain
// English alias (neither weak nor case-bound) and an Arabic one, and no
// related sites (a report of "Erbil airport" may rightly land on the air
// base beside it, which would make the expected incident the rules'
// judgement rather than the generator's).
func genSites(tb testing.TB) []genSite {
	tb.Helper()
	g, err := rules.LoadGazetteer(nil)
	if err != nil {
		tb.Fatal(err)
	}
	var out []genSite
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
		out = append(out, genSite{ID: s.ID, Name: name, NameAR: s.AliasesAR[0]})
	}
	if len(out) < 5 {
		tb.Fatalf("the gazetteer has only %d sites usable for generated reports", len(out))
	}
	return out
}

// genReport is one way of writing an attack; its variants are other
// outlets' words for the same attack with the same weapon, so that all of
// them fold into one incident. Sentences made up for these tests: %[1]s is
// the site, %[2]s the weekday of the attack (the day it is published).
type genReport struct {
	arabic   bool
	variants [][2]string // title, summary
}

var genReports = []genReport{
	{variants: [][2]string{
		{"Rockets hit %[1]s", "Three rockets struck %[1]s on %[2]s, officials said."},
		{"Rocket fire reported at %[1]s", "Security sources said rockets landed at %[1]s on %[2]s without causing damage."},
		{"Rockets target %[1]s overnight", "A volley of rockets was fired at %[1]s on %[2]s, a military source said."},
	}},
	{variants: [][2]string{
		{"Drone attack targets %[1]s", "Two drones struck %[1]s on %[2]s, a security official said; no casualties were reported."},
		{"Officials confirm drone strike on %[1]s", "A drone attack on %[1]s on %[2]s caused no damage, sources told reporters."},
		{"Drone downed near %[1]s", "Air defences shot down an attack drone approaching %[1]s on %[2]s, the coalition said."},
	}},
	{variants: [][2]string{
		{"Explosions at %[1]s after rocket attack", "Several rockets landed inside %[1]s on %[2]s, a military spokesman said."},
		{"Rockets fall on %[1]s", "Rockets fell on %[1]s on %[2]s, according to a local police officer."},
	}},
	{arabic: true, variants: [][2]string{
		{"هجوم بطائرة مسيرة على %[1]s", "استهدفت طائرة مسيرة %[1]s فجر اليوم"},
		{"مصادر أمنية: طائرة مسيرة تستهدف %[1]s", "قالت مصادر أمنية إن طائرة مسيرة استهدفت %[1]s فجر اليوم دون إصابات"},
	}},
}

// genQuiet are items that report no attack, made up for these tests. %[2]s
// is a weekday.
var genQuiet = [][2]string{
	{"Oil prices rise in Baghdad trading", "Markets in Baghdad rose on %[2]s as oil prices climbed."},
	{"Erbil hosts an international book fair", "Publishers from twelve countries opened stands in Erbil on %[2]s."},
	{"Dust storm expected over Anbar", "Forecasters warned of poor visibility across Anbar province on %[2]s."},
	{"Amman and Baghdad sign a trade agreement", "The two governments agreed on %[2]s to cut customs duties on farm goods."},
	{"Football: Erbil beat Duhok in the league", "Erbil won two goals to one at home on %[2]s."},
	{"New bridge opens over the Euphrates", "Traffic began crossing the new bridge near Ramadi on %[2]s."},
}

// genItem is a generated item; Incident is the incident its attack must
// be filed under (date and site), empty for quiet news.
type genItem struct {
	bot.ReplayItem
	Incident string
	First    bool // the first report of its attack
}

// genAttack writes report n (0: the first) of attack k at site on day, in
// feed.
func genAttack(feed string, k, n int, site genSite, day time.Time) genItem {
	r := genReports[k%len(genReports)]
	v := r.variants[n%len(r.variants)]
	name := site.Name
	if r.arabic {
		name = site.NameAR
	}
	wd := day.Weekday().String()
	it := genItem{Incident: day.Format("2006-01-02") + "-" + site.ID, First: n == 0}
	it.ReplayItem = bot.ReplayItem{
		Feed: feed, GUID: fmt.Sprintf("%s/attack-%d-%d", feed, k, n), Link: fmt.Sprintf("https://%s.example/a/%d/%d", feed, k, n),
		Title: fmt.Sprintf(v[0], name, wd), Summary: fmt.Sprintf(v[1], name, wd),
		Published: day.Add(10*time.Hour + time.Duration(n)*47*time.Minute),
	}
	if n >= len(r.variants) {
		// More reports than phrasings: the same words from another outlet.
		it.Title += " (" + feed + ")"
	}
	return it
}

// genQuietItem writes quiet item k in feed on day.
func genQuietItem(feed string, k int, day time.Time) genItem {
	q := genQuiet[k%len(genQuiet)]
	return genItem{ReplayItem: bot.ReplayItem{
		Feed: feed, GUID: fmt.Sprintf("%s/quiet-%d", feed, k), Link: fmt.Sprintf("https://%s.example/q/%d", feed, k),
		Title: q[0], Summary: fmt.Sprintf(q[1], "", day.Weekday().String()), Published: day.Add(13 * time.Hour),
	}}
}

// genCorpus makes n items in publication order: attacks on the sites in
// turn, two days apart per site so that each attack is its own incident,
// each reported one to three times across feeds, with quiet news making
// up about a third of the items.
func genCorpus(tb testing.TB, n int, feeds []string, seed uint64) []genItem {
	tb.Helper()
	sites := genSites(tb)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	base := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []genItem
	for k := 0; len(out) < n; k++ {
		site := sites[k%len(sites)]
		day := base.AddDate(0, 0, 2*(k/len(sites)))
		reports := 1 + rng.IntN(3)
		for r := 0; r < reports && len(out) < n; r++ {
			out = append(out, genAttack(feeds[(k+r)%len(feeds)], k, r, site, day))
		}
		if rng.IntN(2) == 0 && len(out) < n {
			out = append(out, genQuietItem(feeds[rng.IntN(len(feeds))], k, day))
		}
	}
	return out
}

// genRSS renders items as an RSS 2.0 document, newest first.
func genRSS(title string, items []genItem) []byte {
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
