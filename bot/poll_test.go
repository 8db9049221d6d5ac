package bot_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot"
	"github.com/basewatch/basewatch/bot/store"
	"github.com/basewatch/basewatch/config"
	"github.com/basewatch/basewatch/feeds"
)

const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><guid>x1</guid><title>Rockets hit Camp Taji north of Baghdad</title><link>https://t.example/1</link>
<description>Three rockets struck Camp Taji on Friday evening.</description><pubDate>Sat, 04 Jun 2022 10:00:00 GMT</pubDate></item>
</channel></rss>`

// TestPollBackoffSurvivesRestart: a failing feed rests, exponentially
// longer, and the rest is kept in the store so a restart does not hammer
// it; a Retry-After sets the rest; a recovered feed polls normally.
func TestPollBackoffSurvivesRestart(t *testing.T) {
	var status atomic.Int32
	var hits atomic.Int32
	status.Store(500)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch s := int(status.Load()); s {
		case 200:
			w.Write([]byte(rss))
		case 429:
			w.Header().Set("Retry-After", "900")
			w.WriteHeader(429)
		default:
			w.WriteHeader(s)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	clk := &clock{t: time.Date(2022, 6, 4, 12, 0, 0, 0, time.UTC)}
	cfg, err := config.Parse("c.yaml", []byte("feeds: [{name: f, url: "+srv.URL+"}]\nrules: [{name: attacks}]\n"), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	open := func() (*bot.Bot, store.Store) {
		st, err := store.Open(ctx, "sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		b, err := bot.New(cfg, st, bot.Options{Logger: discard(), Now: clk.now, Fetcher: feeds.NewFetcher(feeds.Options{Client: srv.Client(), HostInterval: time.Millisecond})})
		if err != nil {
			t.Fatal(err)
		}
		return b, st
	}
	b, st := open()
	poll := func() bot.PollResult { return b.PollFeed(ctx, cfg.Feeds[0]) }

	if r := poll(); r.Err == nil {
		t.Fatal("a 500 was not an error")
	}
	fs, _ := st.FeedState(ctx, "f")
	if fs.Failures != 1 || !fs.NextPoll.Equal(clk.now().Add(time.Minute)) || fs.LastError == "" {
		t.Fatalf("after one failure: %+v", fs)
	}
	clk.add(time.Minute)
	poll()
	fs, _ = st.FeedState(ctx, "f")
	if fs.Failures != 2 || !fs.NextPoll.Equal(clk.now().Add(2*time.Minute)) {
		t.Fatalf("after two failures: %+v", fs)
	}

	// A restart remembers the rest.
	st.Close()
	b, st = open()
	defer st.Close()
	before := hits.Load()
	if r := poll(); r.Skipped == "" || hits.Load() != before {
		t.Fatalf("polled while resting after a restart: %+v", r)
	}

	clk.add(2 * time.Minute)
	status.Store(429)
	poll()
	fs, _ = st.FeedState(ctx, "f")
	if !fs.NextPoll.Equal(clk.now().Add(15 * time.Minute)) {
		t.Fatalf("Retry-After 900 s: next poll %v, want %v", fs.NextPoll, clk.now().Add(15*time.Minute))
	}

	clk.add(15 * time.Minute)
	status.Store(200)
	r := poll()
	if r.Err != nil || r.New != 1 {
		t.Fatalf("recovered poll: %+v", r)
	}
	fs, _ = st.FeedState(ctx, "f")
	if fs.Failures != 0 || fs.LastError != "" || !fs.NextPoll.IsZero() {
		t.Errorf("after recovery: %+v", fs)
	}
}
