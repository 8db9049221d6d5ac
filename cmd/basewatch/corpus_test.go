package main

import (
	"encoding/xml"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/basewatch/basewatch/rules"
)

// corpusItem is one generated news item and, for a first report of an
// attack, the incident id it must open: its date and its site.
type corpusItem struct {
	Feed, GUID, Link, Title, Summary string
	Published                        time.Time
	Incident                         string // set on the first report of an attack
	Site                             string // gazetteer id of the site reported
}

// attackTemplate is one way of reporting an attack; again is another
// outlet's report of the same attack in other words (same weapon, so the
// two fold into one incident) that adds a toll, so that the alert is
// updated (edited and replied to in its thread) as well.
type attackTemplate struct {
	title, summary, againTitle, againSummary string
	arabic                                   bool
}

// Sentences made up for these tests. %[1]s is the site's name, %[2]s the
// weekday of the attack (the day it is published).
var attackTemplates = []attackTemplate{
	{title: "Rockets hit %[1]s", summary: "Three rockets struck %[1]s on %[2]s, officials said.",
		againTitle: "Rocket fire reported at %[1]s", againSummary: "Security sources said rockets landed at %[1]s on %[2]s, wounding two soldiers."},
	{title: "Drone attack targets %[1]s", summary: "Two drones struck %[1]s on %[2]s, a security official said; no casualties were reported.",
		againTitle: "Officials confirm drone strike on %[1]s", againSummary: "A drone attack on %[1]s on %[2]s wounded three contractors, sources told reporters."},
	{title: "Explosions at %[1]s after rocket attack", summary: "Several rockets landed inside %[1]s on %[2]s, a military spokesman said.",
		againTitle: "Rockets fall on %[1]s", againSummary: "Rockets fell on %[1]s on %[2]s, wounding one soldier."},
	{title: "هجوم بطائرة مسيرة على %[1]s", summary: "استهدفت طائرة مسيرة %[1]s فجر اليوم", arabic: true,
		againTitle: "مصادر أمنية: طائرة مسيرة تستهدف %[1]s", againSummary: "قالت مصادر أمنية إن طائرة مسيرة استهدفت %[1]s فجر اليوم دون إصابات"},
}

// Items that report no attack, made up for these tests.
var quietNews = []string{
	"Oil prices rise in Baghdad trading|Markets in Baghdad rose on %[2]s as oil prices climbed.",
	"Erbil hosts an international book fair|Publishers from twelve countries opened stands in Erbil on %[2]s.",
	"Dust storm expected over Anbar|Forecasters warned of poor visibility across Anbar province on %[2]s.",
	"Amman and Baghdad sign a trade agreement|The two governments agreed on %[2]s to cut customs duties on farm goods.",
}

// corpusSite is a gazetteer site with names to write it by.
type corpusSite struct {
	ID, Name, NameAR string
}

// corpusSites picks n sites of the embedded gazetteer that have a plain
// English alias (neither weak nor case-bound) and an Arabic one, and no
// related sites: a report naming "Erbil airport" may rightly be placed at
// the air base beside it, which would make the expected incident id a
// matter of the rules' judgement rather than of this test.
func corpusSites(t testing.TB, n int) []corpusSite {
	t.Helper()
	g, err := rules.LoadGazetteer(nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []corpusSite
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
		out = append(out, corpusSite{ID: s.ID, Name: name, NameAR: s.AliasesAR[0]})
		if len(out) == n {
			return out
		}
	}
	t.Fatalf("the gazetteer has %d usable sites, want %d", len(out), n)
	return nil
}

// genCorpus makes attacks first reports of attacks, each on its own site and
// day so that each is its own incident, a second report in other words on
// another feed for every fourth, and quiet news between them, spread over
// feedNames. Items come out in publication order.
func genCorpus(t testing.TB, attacks int, sites []corpusSite, feedNames []string) []corpusItem {
	t.Helper()
	base := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	var out []corpusItem
	for i := range attacks {
		site := sites[i%len(sites)]
		day := base.AddDate(0, 0, 2*i)
		weekday := day.Weekday().String()
		tp := attackTemplates[i%len(attackTemplates)]
		name := site.Name
		if tp.arabic {
			name = site.NameAR
		}
		feed := feedNames[i%len(feedNames)]
		out = append(out, corpusItem{
			Feed: feed, GUID: fmt.Sprintf("%s-attack-%d", feed, i), Link: fmt.Sprintf("https://%s.example/news/attack-%d", feed, i),
			Title: fmt.Sprintf(tp.title, name, weekday), Summary: fmt.Sprintf(tp.summary, name, weekday),
			Published: day.Add(12 * time.Hour), Incident: day.Format("2006-01-02") + "-" + site.ID, Site: site.ID,
		})
		if i%4 == 1 {
			other := feedNames[(i+1)%len(feedNames)]
			out = append(out, corpusItem{
				Feed: other, GUID: fmt.Sprintf("%s-again-%d", other, i), Link: fmt.Sprintf("https://%s.example/news/again-%d", other, i),
				Title: fmt.Sprintf(tp.againTitle, name, weekday), Summary: fmt.Sprintf(tp.againSummary, name, weekday),
				Published: day.Add(16 * time.Hour), Site: site.ID,
			})
		}
		if i%4 == 3 {
			q := strings.SplitN(quietNews[(i/4)%len(quietNews)], "|", 2)
			out = append(out, corpusItem{
				Feed: feed, GUID: fmt.Sprintf("%s-quiet-%d", feed, i), Link: fmt.Sprintf("https://%s.example/news/quiet-%d", feed, i),
				Title: q[0], Summary: fmt.Sprintf(q[1], "", weekday), Published: day.Add(18 * time.Hour),
			})
		}
	}
	return out
}

// rss renders items as an RSS 2.0 document, newest first as feeds do.
func rss(title string, items []corpusItem) []byte {
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
		panic(err) // only plain strings: cannot fail
	}
	return append([]byte(xml.Header), b...)
}

// corpusServer serves each feed of a corpus at /FEED.xml, revealing item k
// of the corpus (in order) once k*every has passed since start, so items
// keep appearing while processes come and go.
type corpusServer struct {
	items []corpusItem
	every time.Duration
	start time.Time

	mu       sync.Mutex
	requests int
}

func (s *corpusServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	feed := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/"), ".xml")
	s.mu.Lock()
	s.requests++
	s.mu.Unlock()
	visible := s.revealed()
	var items []corpusItem
	for _, it := range s.items[:visible] {
		if it.Feed == feed {
			items = append(items, it)
		}
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Write(rss(feed, items))
}

// revealed is how many items are visible now.
func (s *corpusServer) revealed() int {
	if s.every <= 0 {
		return len(s.items)
	}
	return min(len(s.items), int(time.Since(s.start)/s.every)+1)
}

// listenLoopback listens on 127.0.0.n (any port), so that several feed
// servers are different hosts to the fetcher's per-host spacing; it falls
// back to 127.0.0.1 where other loopback addresses are not routed.
func listenLoopback(t testing.TB, n int) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", n))
	if err != nil {
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// serveOn starts h on listener l and returns its base URL.
func serveOn(t testing.TB, l net.Listener, h http.Handler) string {
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}
