package bot_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot"
	"github.com/basewatch/basewatch/bot/incident"
	"github.com/basewatch/basewatch/bot/store"
	"github.com/basewatch/basewatch/config"
)

func recapBot(t *testing.T, now func() time.Time, out bot.Output) (*bot.Bot, store.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite", filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg, err := config.Parse("c.yaml", []byte(`timezone: Asia/Baghdad
feeds: [{name: f, url: none}]
rules: [{name: attacks}]
outputs:
  - name: chat
    type: console
    recap: {schedule: "CRON_TZ=Asia/Baghdad 0 8 * * *", channel: C9, empty: "Nothing on this date."}
`), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(cfg, st, bot.Options{Logger: discard(), Now: now, Outputs: map[string]bot.Output{"chat": out}})
	if err != nil {
		t.Fatal(err)
	}
	var known []store.Incident
	for _, k := range []struct {
		date, site, weapon string
		killed             int
	}{
		{"2020-03-11", "taji", "rocket", 3},
		{"2021-03-11", "ain-al-asad", "rocket", 0},
		{"2019-03-11", "k1", "rocket", 0},
		{"2024-02-29", "tower-22", "drone", 0},
		{"2026-03-11", "harir", "drone", 0}, // this year: not a recap of an earlier year
	} {
		s, _ := b.Gazetteer().Site(k.site)
		known = append(known, store.Incident{SiteID: k.site, Location: s.Name, EventDate: day(k.date), SubEventType: k.weapon, Fatalities: k.killed, Wounded: -1, Known: true})
	}
	if _, err := incident.Import(ctx, st, known); err != nil {
		t.Fatal(err)
	}
	return b, st
}

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestRecap(t *testing.T) {
	b, _ := recapBot(t, time.Now, newBoard())
	ctx := context.Background()
	tests := []struct {
		date  string
		years []int
	}{
		{"2026-03-11", []int{2019, 2020, 2021}}, // oldest first; this year's own left out
		{"2026-03-12", nil},                     // an empty day
		{"2027-02-28", []int{2024}},             // 29 February recaps on the 28th of a common year
		{"2028-02-28", nil},                     // ...but not in a leap year, which has its own 29th
		{"2028-02-29", []int{2024}},
	}
	for _, tt := range tests {
		r, err := b.Recap(ctx, day(tt.date), "")
		if err != nil {
			t.Fatal(err)
		}
		var years []int
		for _, l := range r.Lines {
			years = append(years, l.Year)
		}
		if len(years) != len(tt.years) {
			t.Errorf("%s: years %v, want %v", tt.date, years, tt.years)
			continue
		}
		for i := range years {
			if years[i] != tt.years[i] {
				t.Errorf("%s: years %v, want %v", tt.date, years, tt.years)
			}
		}
	}
}

// TestRecapQueuedOncePerDay: the recap goes through the outbox once per
// output, channel and date, however often it is asked for, and an empty
// day posts the configured line.
func TestRecapQueuedOncePerDay(t *testing.T) {
	chat := newBoard()
	// 22:30 UTC on 10 March is already 11 March in Baghdad (UTC+3).
	now := time.Date(2026, 3, 10, 22, 30, 0, 0, time.UTC)
	b, st := recapBot(t, func() time.Time { return now }, chat)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := b.QueueRecapToday(ctx, "chat"); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := st.Deliveries(ctx, store.DeliveryPending, 10)
	if err != nil || len(ds) != 1 || ds[0].Key != "recap:chat:C9:2026-03-11" {
		t.Fatalf("queued %+v (%v); want one recap for 11 March, Baghdad's date", ds, err)
	}
	if n, err := b.DeliverPending(ctx); err != nil || n != 1 || chat.count() != 1 {
		t.Errorf("delivered %d (%v), board %d; want 1", n, err, chat.count())
	}
}
