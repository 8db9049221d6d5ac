package bot_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot"
	"github.com/basewatch/basewatch/bot/corpustest"
	"github.com/basewatch/basewatch/bot/notify/slack"
	"github.com/basewatch/basewatch/bot/notify/slack/slacktest"
	"github.com/basewatch/basewatch/bot/store"
	"github.com/basewatch/basewatch/bot/websub"
	"github.com/basewatch/basewatch/config"
	"github.com/basewatch/basewatch/feeds"
)

// growingFeed serves one feed of its latest 20 items, with an ETag, and
// lets a benchmark add items.
type growingFeed struct {
	mu    sync.Mutex
	items []corpustest.Item
}

func (g *growingFeed) add(it corpustest.Item) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.items = append(g.items, it)
}

func (g *growingFeed) body() ([]byte, string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	items := g.items[max(0, len(g.items)-20):]
	return corpustest.RSS("latency", items), fmt.Sprintf(`"v%d"`, len(g.items))
}

func (g *growingFeed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, etag := g.body()
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	w.Write(body)
}

// latencyRig is a bot with one feed and a Slack output whose API is a fake
// that notes when each alert arrives.
type latencyRig struct {
	bot     *bot.Bot
	feed    config.Feed
	source  *growingFeed
	sites   []corpustest.Site
	arrived chan slacktest.Message
}

func newLatencyRig(b *testing.B) *latencyRig {
	ctx := context.Background()
	src := &growingFeed{}
	srv := httptest.NewServer(src)
	b.Cleanup(srv.Close)
	sites := genSites(b)
	// A channel per site, each by its own rule: the output sends at most a
	// message a second to one channel, and the items below go to the
	// sites in turn.
	var rules, routes strings.Builder
	var channels []string
	for _, s := range sites {
		ch := "C" + strings.ToUpper(strings.ReplaceAll(s.ID, "-", ""))
		channels = append(channels, ch)
		fmt.Fprintf(&rules, "  - {name: site-%s, sites: [%s]}\n", s.ID, s.ID)
		fmt.Fprintf(&routes, "  - {rule: site-%s, to: [{output: newsroom, channel: %s}]}\n", s.ID, ch)
	}
	const token = "xoxb-latency"
	arrived := make(chan slacktest.Message, 16)
	chat := slacktest.NewServer(slacktest.Config{Token: token, Channels: channels, OnPost: func(m slacktest.Message) { arrived <- m }})
	b.Cleanup(chat.Close)
	raw := fmt.Sprintf("feeds: [{name: wire, url: %q, schedule: \"@every 1m\"}]\nrules:\n%soutputs: [{name: newsroom, type: slack, token: %s}]\nroutes:\n%s",
		srv.URL+"/feed.xml", rules.String(), token, routes.String())
	cfg, err := config.Parse("latency.yaml", []byte(raw), func(string) (string, bool) { return "", false })
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(ctx, store.DriverSQLite, filepath.Join(b.TempDir(), "latency.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	out, err := slack.New(slack.Config{Token: token, APIURL: chat.APIURL(), HTTPClient: chat.Client()})
	if err != nil {
		b.Fatal(err)
	}
	bt, err := bot.New(cfg, st, bot.Options{Owner: "latency", Logger: discard(), Outputs: map[string]bot.Output{"newsroom": out},
		Fetcher: feeds.NewFetcher(feeds.Options{Client: srv.Client(), HostInterval: time.Millisecond})})
	if err != nil {
		b.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); bt.RunOutbox(runCtx) }()
	b.Cleanup(func() { stop(); <-done })
	return &latencyRig{bot: bt, feed: cfg.Feeds[0], source: src, sites: sites, arrived: arrived}
}

// item is attack i: its own site and day, so its own incident.
func (r *latencyRig) item(i int) corpustest.Item {
	site := r.sites[i%len(r.sites)]
	day := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 2*(i/len(r.sites)))
	return corpustest.Attack("wire", i, 0, site, day)
}

// wait returns when the alert of incident arrives at the chat.
func (r *latencyRig) wait(b *testing.B, incident string) time.Time {
	timeout := time.After(30 * time.Second)
	for {
		select {
		case m := <-r.arrived:
			if m.IncidentID == incident {
				return m.At
			}
			b.Fatalf("alert of %s arrived while waiting for %s", m.IncidentID, incident)
		case <-timeout:
			b.Fatalf("no alert of %s after 30 s", incident)
		}
	}
}

// pace keeps a channel's messages a second apart, the output's own limit,
// by spacing iterations: the same channel comes round every len(sites)
// items. The wait is not measured.
func (r *latencyRig) pace(b *testing.B, since time.Time) {
	if d := 1100*time.Millisecond/time.Duration(len(r.sites)) - time.Since(since); d > 0 {
		b.StopTimer()
		time.Sleep(d)
		b.StartTimer()
	}
}

// BenchmarkLatency measures, per new item, the time from the start of the
// poll that fetches it to the Slack API receiving its alert: fetch, parse,
// rules, the incident decision and outbox write in one durable SQLite
// transaction, the outbox waking, rendering and chat.postMessage through
// slack-go. The poll runs at once when the item appears, so the
// schedule's wait (up to the interval, plus Run's jitter of up to 5 s) is
// excluded and must be added. "websub" measures the push path instead:
// from the hub starting its POST of the signed feed body to the alert
// arriving, with the subscriber's callback parsing the body and handing
// the items to Bot.ProcessItem.
//
//	go test ./bot -run '^$' -bench BenchmarkLatency -benchtime 1000x
func BenchmarkLatency(b *testing.B) {
	b.Run("poll", func(b *testing.B) {
		r := newLatencyRig(b)
		ctx := context.Background()
		var total []time.Duration
		i := 0
		for b.Loop() {
			it := r.item(i)
			i++
			r.source.add(it)
			start := time.Now()
			res := r.bot.PollFeed(ctx, r.feed)
			if res.Err != nil || res.New != 1 {
				b.Fatalf("poll %d: %d new, err %v", i, res.New, res.Err)
			}
			total = append(total, r.wait(b, it.Incident).Sub(start))
			r.pace(b, start)
		}
		reportLatency(b, total)
	})
	b.Run("websub", func(b *testing.B) {
		r := newLatencyRig(b)
		ctx := context.Background()
		var sub *websub.Subscriber
		cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { sub.ServeHTTP(w, req) }))
		b.Cleanup(cb.Close)
		var err error
		sub, err = websub.New(websub.Options{Callback: cb.URL + "/websub", Logger: discard(),
			// What the daemon's wiring does with a push: parse, then each
			// item through the pipeline as a poll would.
			OnContent: func(feed string, body []byte, ct string) {
				items, err := feeds.Parse(feed, body, ct, time.Now())
				if err != nil {
					b.Errorf("push of %s: %v", feed, err)
					return
				}
				for _, it := range items {
					if _, err := r.bot.ProcessItem(ctx, it); err != nil {
						b.Errorf("push of %s: %v", feed, err)
					}
				}
			}})
		if err != nil {
			b.Fatal(err)
		}
		h := newPushHub(b)
		topic := "https://wire.example/feed.xml"
		if err := sub.Subscribe(ctx, h.srv.URL, topic, r.feed.Name); err != nil {
			b.Fatal(err)
		}
		h.waitVerified(b)
		var total []time.Duration
		i := 0
		for b.Loop() {
			it := r.item(i)
			i++
			r.source.add(it)
			body, _ := r.source.body()
			start := time.Now()
			h.push(b, body)
			total = append(total, r.wait(b, it.Incident).Sub(start))
			r.pace(b, start)
		}
		reportLatency(b, total)
	})
}

// reportLatency reports the median, 99th percentile and maximum.
func reportLatency(b *testing.B, total []time.Duration) {
	p := func(ds []time.Duration, q float64) float64 {
		s := slices.Clone(ds)
		slices.Sort(s)
		return float64(s[min(len(s)-1, int(q*float64(len(s))))].Microseconds()) / 1000
	}
	b.ReportMetric(p(total, 0.5), "p50-ms")
	b.ReportMetric(p(total, 0.99), "p99-ms")
	b.ReportMetric(p(total, 1), "max-ms")
}

// pushHub is the smallest WebSub hub: it verifies one subscription and
// pushes signed bodies to it.
type pushHub struct {
	srv      *httptest.Server
	mu       sync.Mutex
	callback string
	secret   string
	verified chan struct{}
}

func newPushHub(b *testing.B) *pushHub {
	h := &pushHub{verified: make(chan struct{})}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		f := r.PostForm
		w.WriteHeader(http.StatusAccepted)
		go func() {
			q := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {f.Get("hub.topic")}, "hub.challenge": {"xyzzy"}, "hub.lease_seconds": {"86400"}}
			resp, err := http.Get(f.Get("hub.callback") + "?" + q.Encode())
			if err != nil {
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) == "xyzzy" {
				h.mu.Lock()
				h.callback, h.secret = f.Get("hub.callback"), f.Get("hub.secret")
				h.mu.Unlock()
				close(h.verified)
			}
		}()
	}))
	b.Cleanup(h.srv.Close)
	return h
}

func (h *pushHub) waitVerified(b *testing.B) {
	select {
	case <-h.verified:
	case <-time.After(10 * time.Second):
		b.Fatal("the hub never verified the subscription")
	}
}

func (h *pushHub) push(b *testing.B, body []byte) {
	h.mu.Lock()
	cb, secret := h.callback, h.secret
	h.mu.Unlock()
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	req, _ := http.NewRequest(http.MethodPost, cb, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/rss+xml")
	req.Header.Set("X-Hub-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		b.Fatalf("push answered %d", resp.StatusCode)
	}
}
