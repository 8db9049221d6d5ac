package commands

import (
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot"
	"github.com/basewatch/basewatch/bot/store"
	"github.com/basewatch/basewatch/config"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testNow is the fixed clock of the tests: 12:30 in Baghdad.
var testNow = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// Admin ids of the test config: a Slack user, a Discord user and a
// Discord role.
const (
	slackAdmin   = "U0ADMIN01"
	discordAdmin = "111111111111111111"
	editorsRole  = "222222222222222222"
)

func testConfig() *config.Config {
	return &config.Config{
		Timezone: "Asia/Baghdad",
		Feeds: []config.Feed{
			{Name: "levant-wire", URL: "https://levant-wire.example/rss?token=s3cr3t-feed-token", Schedule: "@every 5m"},
			{Name: "desert-post", URL: "https://desert-post.example/feed.atom", Schedule: "*/10 * * * *"},
			{Name: "river-news", URL: "https://river-news.example/feed.json", Schedule: "@every 15m"},
		},
		Rules:     []config.Rule{{Name: "attacks", Kind: "attack"}, {Name: "strikes", Kind: "strike"}},
		Incidents: config.Incidents{Window: config.Duration(36 * time.Hour), BackgroundAge: config.Duration(72 * time.Hour)},
		Commands:  config.Commands{Admins: []string{slackAdmin, discordAdmin, editorsRole}},
	}
}

// fixture is a real bot over a real SQLite store in a temporary directory,
// with a few incidents and feed states written through the store.
type fixture struct {
	st   store.Store
	bot  *bot.Bot
	core *Core
	logs *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type fixtureOptions struct {
	wrap     func(store.Store) store.Store // e.g. a slow store
	pageSize int
}

// newFixtureB is newFixture for benchmarks, with logs discarded.
func newFixtureB(b *testing.B) *fixture {
	b.Helper()
	f := newFixtureTB(b, fixtureOptions{})
	f.core.log = slog.New(slog.DiscardHandler)
	return f
}

func newFixture(t *testing.T, fo fixtureOptions) *fixture {
	t.Helper()
	return newFixtureTB(t, fo)
}

func newFixtureTB(t testing.TB, fo fixtureOptions) *fixture {
	t.Helper()
	ctx := context.Background()
	now := func() time.Time { return testNow }
	st, err := store.OpenOptions(ctx, store.Options{Driver: store.DriverSQLite, DSN: filepath.Join(t.TempDir(), "basewatch.db"), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	seed(t, st)
	var use store.Store = st
	if fo.wrap != nil {
		use = fo.wrap(st)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(io.MultiWriter(logs, testWriter{t}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	b, err := bot.New(testConfig(), use, bot.Options{Logger: log, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	core := New(b, Options{Now: now, Logger: log, PageSize: fo.pageSize})
	return &fixture{st: st, bot: b, core: core, logs: logs}
}

// testWriter sends log lines to the test's log when -v is given.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	if testing.Verbose() {
		w.t.Log(string(bytes.TrimSpace(p)))
	}
	return len(p), nil
}

// seed writes invented incidents and reports, and the feeds' states.
func seed(t testing.TB, st store.Store) {
	t.Helper()
	ctx := context.Background()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	type rep struct {
		feed, title, link string
		at                time.Time
		added             string
	}
	incidents := []struct {
		in   store.Incident
		reps []rep
	}{
		{
			in: store.Incident{ID: "2025-03-13-erbil-air-base", SiteID: "erbil-air-base", Location: "Erbil Air Base", Region: "Erbil", Country: "Iraq",
				Latitude: 36.24, Longitude: 43.96, EventDate: day(2025, 3, 13), SubEventType: "drone", Projectiles: 2, Fatalities: 0, Wounded: 1,
				Actor: "Example Brigades <@&999> @everyone", ActorRole: "claimed", Rule: "attacks", Alerted: true, CreatedAt: testNow.Add(-20 * time.Hour)},
			reps: []rep{
				{"levant-wire", "Two drones target *Erbil* base <!here> @everyone", "https://levant-wire.example/a/1", testNow.Add(-20 * time.Hour), "first report"},
				{"desert-post", "One wounded as drones hit Erbil airport base", "https://desert-post.example/b/2", testNow.Add(-18 * time.Hour), "wounded: ? → 1"},
				{"river-news", "Erbil: drone attack claimed", "javascript:alert(1)", testNow.Add(-17 * time.Hour), "claimed"},
			},
		},
		{
			in: store.Incident{ID: "2025-03-10-ain-al-asad", SiteID: "ain-al-asad", Location: "Ain al-Asad Air Base", Region: "Anbar", Country: "Iraq",
				Latitude: 33.79, Longitude: 42.44, EventDate: day(2025, 3, 10), SubEventType: "rocket", Projectiles: 4, Fatalities: 0, Wounded: 0,
				Rule: "attacks", Alerted: true, CreatedAt: testNow.Add(-4*24*time.Hour - 3*time.Hour)},
			reps: []rep{
				{"desert-post", "Four rockets land near Ain al-Asad, no casualties", "https://desert-post.example/b/7", testNow.Add(-4*24*time.Hour - 3*time.Hour), "first report"},
			},
		},
		{
			in: store.Incident{ID: "2025-02-20-harir", SiteID: "harir", Location: "Harir Air Base", Region: "Erbil", Country: "Iraq",
				Latitude: 36.54, Longitude: 44.35, EventDate: day(2025, 2, 20), SubEventType: "drone", Fatalities: -1, Wounded: -1,
				Rule: "attacks", Alerted: true, CreatedAt: day(2025, 2, 20).Add(15 * time.Hour)},
			reps: []rep{
				{"levant-wire", "Drone downed near Harir", "https://levant-wire.example/a/9", day(2025, 2, 20).Add(15 * time.Hour), "first report"},
			},
		},
		{
			in: store.Incident{ID: "2024-03-14-taji", SiteID: "taji", Location: "Camp Taji", Region: "Baghdad", Country: "Iraq",
				Latitude: 33.53, Longitude: 44.26, EventDate: day(2024, 3, 14), SubEventType: "rocket", Fatalities: 2, Wounded: 3,
				Source: "https://levant-wire.example/a/taji", Known: true, CreatedAt: day(2024, 3, 14)},
		},
		{
			in: store.Incident{ID: "2023-03-14-us-embassy-baghdad", SiteID: "us-embassy-baghdad", Location: "US Embassy Baghdad", Region: "Baghdad", Country: "Iraq",
				Latitude: 33.30, Longitude: 44.40, EventDate: day(2023, 3, 14), SubEventType: "rocket", Fatalities: 0, Wounded: 0,
				Source: "https://river-news.example/old/1", Known: true, CreatedAt: day(2023, 3, 14)},
		},
		{
			in: store.Incident{ID: "2024-02-29-k1", SiteID: "k1", Location: "K-1 Air Base", Region: "Kirkuk", Country: "Iraq",
				Latitude: 35.52, Longitude: 44.28, EventDate: day(2024, 2, 29), SubEventType: "mortar", Fatalities: 0, Wounded: 2,
				Known: true, CreatedAt: day(2024, 2, 29)},
		},
	}
	err := st.Update(ctx, func(tx store.Tx) error {
		for _, x := range incidents {
			in := x.in
			if err := tx.CreateIncident(&in); err != nil {
				return err
			}
			for i, r := range x.reps {
				if err := tx.AddReport(store.Report{IncidentID: in.ID, ItemID: in.ID + "-" + string(rune('a'+i)), Feed: r.feed, Link: r.link,
					Title: r.title, Published: r.at, Action: "alert", Added: r.added}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	states := []store.FeedState{
		{Name: "levant-wire", LastPoll: testNow.Add(-2 * time.Minute), LastSuccess: testNow.Add(-2 * time.Minute), NextPoll: testNow.Add(3 * time.Minute), Items: 40},
		{Name: "desert-post", LastPoll: testNow.Add(-time.Minute), LastSuccess: testNow.Add(-3 * time.Hour),
			LastError: "GET https://desert-post.example/feed.atom?key=hunter2: HTTP 503 <@here>", LastErrorAt: testNow.Add(-time.Minute),
			Failures: 4, NextPoll: testNow.Add(40 * time.Minute), Items: 12},
	}
	for _, s := range states {
		if err := st.SaveFeedState(ctx, s); err != nil {
			t.Fatalf("seed feeds: %v", err)
		}
	}
}

// golden compares got with testdata/name.golden, or rewrites it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it; review the diff):\n%s", path, got)
	}
}
