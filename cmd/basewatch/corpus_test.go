package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot/corpustest"
)

// corpusSites picks the first n sites that generated reports can name.
func corpusSites(t testing.TB, n int) []corpustest.Site {
	t.Helper()
	all, err := corpustest.Sites()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < n {
		t.Fatalf("the gazetteer has %d usable sites, want %d", len(all), n)
	}
	return all[:n]
}

// genCorpus makes attacks first reports of attacks, each on its own site and
// day so that each is its own incident, a second report in other words on
// another feed that adds a toll for every fourth (so that its alert is
// updated: edited and replied to in its thread), and quiet news between
// them, spread over feedNames. Only first reports carry the incident id
// they must open. Items come out in publication order.
func genCorpus(t testing.TB, attacks int, sites []corpustest.Site, feedNames []string) []corpustest.Item {
	t.Helper()
	base := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	var out []corpustest.Item
	for i := range attacks {
		site := sites[i%len(sites)]
		day := base.AddDate(0, 0, 2*i)
		feed := feedNames[i%len(feedNames)]
		it := corpustest.Item{Feed: feed, GUID: fmt.Sprintf("%s-attack-%d", feed, i), Link: fmt.Sprintf("https://%s.example/news/attack-%d", feed, i),
			Published: day.Add(12 * time.Hour), Incident: day.Format("2006-01-02") + "-" + site.ID, Site: site.ID, First: true}
		it.Title, it.Summary = corpustest.Report(i, 0, site, day)
		out = append(out, it)
		if i%4 == 1 {
			other := feedNames[(i+1)%len(feedNames)]
			again := corpustest.Item{Feed: other, GUID: fmt.Sprintf("%s-again-%d", other, i), Link: fmt.Sprintf("https://%s.example/news/again-%d", other, i),
				Published: day.Add(16 * time.Hour), Site: site.ID}
			again.Title, again.Summary = corpustest.Toll(i, site, day)
			out = append(out, again)
		}
		if i%4 == 3 {
			// The first four quiet news in turn.
			quiet := corpustest.Item{Feed: feed, GUID: fmt.Sprintf("%s-quiet-%d", feed, i), Link: fmt.Sprintf("https://%s.example/news/quiet-%d", feed, i),
				Published: day.Add(18 * time.Hour)}
			quiet.Title, quiet.Summary = corpustest.Quiet((i/4)%4, day)
			out = append(out, quiet)
		}
	}
	return out
}

// corpusServer serves each feed of a corpus at /FEED.xml, revealing item k
// of the corpus (in order) once k*every has passed since start, so items
// keep appearing while processes come and go.
type corpusServer struct {
	items []corpustest.Item
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
	var items []corpustest.Item
	for _, it := range s.items[:visible] {
		if it.Feed == feed {
			items = append(items, it)
		}
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Write(corpustest.RSS(feed, items))
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
