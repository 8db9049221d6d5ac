package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestSQLite(t *testing.T)   { testStore(t, sqliteBackend) }
func TestPostgres(t *testing.T) { testStore(t, postgresBackend) }

// testStore is the contract every Store implementation passes.
func testStore(t *testing.T, b backend) {
	tests := []struct {
		name string
		run  func(t *testing.T, b backend)
	}{
		{"FeedState", testFeedState},
		{"TimesUTC", testTimesUTC},
		{"LeaseFeed", testLeaseFeed},
		{"SeenAcrossReopen", testSeenAcrossReopen},
		{"Incidents", testIncidents},
		{"IncidentsNear", testIncidentsNear},
		{"IncidentsOnDay", testIncidentsOnDay},
		{"Reports", testReports},
		{"UpdateRollsBack", testUpdateRollsBack},
		{"EnqueueIdempotent", testEnqueueIdempotent},
		{"ClaimAndMark", testClaimAndMark},
		{"SentRef", testSentRef},
		{"Postpone", testPostpone},
		{"OutboxStats", testOutboxStats},
		{"ConcurrentUpdate", testConcurrentUpdate},
		{"ConcurrentClaim", testConcurrentClaim},
		{"ConcurrentCheckThenCreate", testConcurrentCheckThenCreate},
		{"DeadOwnerLease", testDeadOwnerLease},
		{"ConcurrentOpen", testConcurrentOpen},
		{"TwoProcesses", testTwoProcesses},
		{"Ping", testPing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, b)
		})
	}
}

var ctx = context.Background()

// day returns UTC midnight of a civil date.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func update(t testing.TB, s Store, fn func(Tx) error) {
	t.Helper()
	if err := s.Update(ctx, fn); err != nil {
		t.Fatalf("update: %v", err)
	}
}

func testFeedState(t *testing.T, b backend) {
	clk := newClock()
	s := b.open(t, b.fresh(t), clk)
	if _, err := s.FeedState(ctx, "never"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("FeedState of a feed never saved: err = %v, want ErrNotFound", err)
	}
	now := clk.Now()
	failing := FeedState{
		Name: "wire-b", ETag: `W/"abc"`, LastModified: "Fri, 14 Mar 2025 09:00:00 GMT",
		LastPoll: now, LastSuccess: now.Add(-time.Hour), LastError: "HTTP 503: busy", LastErrorAt: now,
		Failures: 3, NextPoll: now.Add(8 * time.Minute), Items: 17,
	}
	fresh := FeedState{Name: "wire-a", LastPoll: now, LastSuccess: now, NextPoll: now.Add(5 * time.Minute), Items: 4}
	for _, st := range []FeedState{failing, fresh} {
		if err := s.SaveFeedState(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.FeedState(ctx, "wire-b")
	if err != nil {
		t.Fatal(err)
	}
	want := failing
	want.LastPoll, want.LastSuccess = micro(want.LastPoll), micro(want.LastSuccess)
	want.LastErrorAt, want.NextPoll = micro(want.LastErrorAt), micro(want.NextPoll)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}

	// A success after the failures clears them.
	recovered := FeedState{Name: "wire-b", ETag: `"def"`, LastPoll: now.Add(time.Minute), LastSuccess: now.Add(time.Minute), Items: 18}
	if err := s.SaveFeedState(ctx, recovered); err != nil {
		t.Fatal(err)
	}
	all, err := s.FeedStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Name != "wire-a" || all[1].Name != "wire-b" {
		t.Fatalf("FeedStates = %+v, want wire-a and wire-b in order", all)
	}
	if all[1].Failures != 0 || all[1].LastError != "" || !all[1].LastErrorAt.IsZero() || all[1].ETag != `"def"` {
		t.Errorf("after recovery: %+v", all[1])
	}
	if err := s.SaveFeedState(ctx, FeedState{}); err == nil {
		t.Error("SaveFeedState with no name: no error")
	}
}

// micro is t as the store gives it back: UTC, microsecond precision.
func micro(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}

func testTimesUTC(t *testing.T, b backend) {
	s := b.open(t, b.fresh(t), newClock())
	baghdad := time.FixedZone("AST", 3*3600)
	local := time.Date(2024, 2, 29, 1, 30, 0, 123456789, baghdad) // 28 Feb 22:30 UTC
	st := FeedState{Name: "f", LastPoll: local, NextPoll: time.Date(1969, 7, 20, 20, 17, 40, 0, time.UTC)}
	if err := s.SaveFeedState(ctx, st); err != nil {
		t.Fatal(err)
	}
	got, err := s.FeedState(ctx, "f")
	if err != nil {
		t.Fatal(err)
	}
	if got.LastPoll.Location() != time.UTC || !got.LastPoll.Equal(local.Truncate(time.Microsecond)) {
		t.Errorf("LastPoll = %v, want %v in UTC", got.LastPoll, local)
	}
	if got.LastPoll.Nanosecond() != 123456000 {
		t.Errorf("LastPoll nanoseconds = %d, want microsecond precision 123456000", got.LastPoll.Nanosecond())
	}
	if !got.NextPoll.Equal(st.NextPoll) {
		t.Errorf("a time before 1970: got %v, want %v", got.NextPoll, st.NextPoll)
	}
	if !got.LastSuccess.IsZero() || !got.LastErrorAt.IsZero() {
		t.Errorf("zero times came back as %v, %v", got.LastSuccess, got.LastErrorAt)
	}
}

func testLeaseFeed(t *testing.T, b backend) {
	clk := newClock()
	s := b.open(t, b.fresh(t), clk)
	lease := func(owner string, d time.Duration, want bool) {
		t.Helper()
		got, err := s.LeaseFeed(ctx, "wire", owner, clk.Now().Add(d))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("at %v LeaseFeed(%s) = %v, want %v", clk.Now(), owner, got, want)
		}
	}
	lease("a", time.Minute, true)
	lease("b", time.Minute, false)
	lease("a", 2*time.Minute, true) // renewal by the holder
	clk.Add(time.Minute + 59*time.Second)
	lease("b", time.Minute, false) // a renewed until +2m
	clk.Add(time.Second)
	lease("b", time.Minute, true) // expired exactly now
	lease("a", time.Minute, false)
	if err := s.ReleaseFeed(ctx, "wire", "a"); err != nil { // not a's: no effect
		t.Fatal(err)
	}
	lease("a", time.Minute, false)
	if err := s.ReleaseFeed(ctx, "wire", "b"); err != nil {
		t.Fatal(err)
	}
	lease("a", time.Minute, true)
	// Leases of different feeds are independent.
	if ok, err := s.LeaseFeed(ctx, "other", "b", clk.Now().Add(time.Minute)); err != nil || !ok {
		t.Fatalf("lease of another feed: %v, %v", ok, err)
	}
}

func testSeenAcrossReopen(t *testing.T, b backend) {
	clk := newClock()
	dsn := b.fresh(t)
	s := b.open(t, dsn, clk)
	// More keys than one statement takes, so batching is exercised.
	var keys []string
	for i := range 700 {
		keys = append(keys, fmt.Sprintf("https://news.example/item/%d", i))
	}
	update(t, s, func(tx Tx) error {
		seen, err := tx.Seen(keys)
		if err != nil {
			return err
		}
		if len(seen) != 0 {
			t.Errorf("fresh store: %d keys seen", len(seen))
		}
		return tx.MarkSeen("wire", keys[:650], clk.Now())
	})
	update(t, s, func(tx Tx) error { // marking again is harmless
		return tx.MarkSeen("other", keys[640:660], clk.Now())
	})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = b.open(t, dsn, clk)
	update(t, s, func(tx Tx) error {
		seen, err := tx.Seen(append(keys, "never"))
		if err != nil {
			return err
		}
		if len(seen) != 660 {
			t.Errorf("after reopen %d keys seen, want 660", len(seen))
		}
		for i, k := range keys {
			if seen[k] != (i < 660) {
				t.Errorf("key %d seen = %v", i, seen[k])
			}
		}
		if seen["never"] {
			t.Error("a key never marked is seen")
		}
		return nil
	})
}

// sampleIncident has every field set.
func sampleIncident(id string, date time.Time) Incident {
	return Incident{
		ID: id, SiteID: "ain-al-asad", Location: "Ain al-Asad Air Base", Region: "Al Anbar", Country: "Iraq",
		Latitude: 33.7856, Longitude: 42.4412, Unconfirmed: true,
		EventDate: date, WindowStart: date.Add(2 * time.Hour), WindowEnd: date.Add(5*time.Hour + 30*time.Minute),
		SubEventType: "rocket", Projectiles: 4, Fatalities: 1, Wounded: 3, Victims: "contractors",
		Actor: "an armed group", ActorRole: "claimed", Summary: "Four rockets struck near the runway.",
		Source: "https://news.example/a", Known: false, Alerted: true, Rule: "bases", FirstReport: "item-1",
	}
}

// testIncidentsNear: the candidates of a site are the incidents in the
// window at one of the sites asked for, or at no site.
func testIncidentsNear(t *testing.T, b backend) {
	s := b.open(t, b.fresh(t), newClock())
	mk := func(id, site string, d time.Time) Incident {
		in := sampleIncident(id, d)
		in.SiteID = site
		return in
	}
	ins := []Incident{
		mk("a", "erbil-air-base", day(2025, 3, 13)),
		mk("b", "erbil-airport", day(2025, 3, 13)),
		mk("c", "", day(2025, 3, 13)),
		mk("d", "taji", day(2025, 3, 13)),
		mk("e", "erbil-air-base", day(2025, 3, 20)),
	}
	update(t, s, func(tx Tx) error {
		for i := range ins {
			if err := tx.CreateIncident(&ins[i]); err != nil {
				return err
			}
		}
		return nil
	})
	var got []string
	update(t, s, func(tx Tx) error {
		near, err := tx.IncidentsNear(day(2025, 3, 12), day(2025, 3, 14), []string{"erbil-air-base", "erbil-airport"})
		for _, in := range near {
			got = append(got, in.ID)
		}
		return err
	})
	if strings.Join(got, ",") != "a,b,c" {
		t.Errorf("IncidentsNear = %v, want a,b,c", got)
	}
}

func testIncidents(t *testing.T, b backend) {
	clk := newClock()
	s := b.open(t, b.fresh(t), clk)
	in := sampleIncident("inc-1", day(2025, 3, 13))
	update(t, s, func(tx Tx) error { return tx.CreateIncident(&in) })
	if !in.CreatedAt.Equal(micro(clk.Now())) || !in.UpdatedAt.Equal(in.CreatedAt) {
		t.Errorf("CreateIncident set CreatedAt %v UpdatedAt %v, want the clock's %v", in.CreatedAt, in.UpdatedAt, clk.Now())
	}
	got, err := s.Incident(ctx, "inc-1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, in) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, in)
	}

	// A duplicate ID is ErrExists, and the transaction goes on.
	dup := sampleIncident("inc-1", day(2025, 3, 13))
	past := sampleIncident("inc-0", day(2019, 12, 27))
	past.Known, past.Alerted, past.SiteID = true, false, "k1"
	past.CreatedAt = time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	update(t, s, func(tx Tx) error {
		if err := tx.CreateIncident(&dup); !errors.Is(err, ErrExists) {
			t.Errorf("CreateIncident of an existing ID: %v, want ErrExists", err)
		}
		return tx.CreateIncident(&past)
	})
	if !past.CreatedAt.Equal(time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("a given CreatedAt was replaced by %v", past.CreatedAt)
	}

	clk.Add(time.Hour)
	update(t, s, func(tx Tx) error {
		cur, err := tx.Incident("inc-1")
		if err != nil {
			return err
		}
		cur.Fatalities, cur.Actor, cur.Unconfirmed = 2, "", false
		if err := tx.UpdateIncident(&cur); err != nil {
			return err
		}
		missing := sampleIncident("nope", day(2025, 1, 1))
		if err := tx.UpdateIncident(&missing); !errors.Is(err, ErrNotFound) {
			t.Errorf("UpdateIncident of a missing ID: %v, want ErrNotFound", err)
		}
		if _, err := tx.Incident("nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Tx.Incident of a missing ID: %v, want ErrNotFound", err)
		}
		return nil
	})
	got, err = s.Incident(ctx, "inc-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Fatalities != 2 || got.Actor != "" || got.Unconfirmed || !got.CreatedAt.Equal(in.CreatedAt) || !got.UpdatedAt.Equal(micro(clk.Now())) {
		t.Errorf("after update: %+v", got)
	}
	if _, err := s.Incident(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Incident of a missing ID: %v, want ErrNotFound", err)
	}

	// More, on other days and sites, some on the same day.
	for i, d := range []time.Time{day(2025, 3, 10), day(2025, 3, 13), day(2025, 3, 14), day(2024, 3, 13)} {
		x := sampleIncident(fmt.Sprintf("inc-%d", i+2), d)
		if i == 1 {
			x.SiteID = "erbil"
		}
		clk.Add(time.Second)
		update(t, s, func(tx Tx) error { return tx.CreateIncident(&x) })
	}
	ids := func(xs []Incident) []string {
		var out []string
		for _, x := range xs {
			out = append(out, x.ID)
		}
		return out
	}
	update(t, s, func(tx Tx) error {
		got, err := tx.IncidentsBetween(day(2025, 3, 10), day(2025, 3, 13))
		if err != nil {
			return err
		}
		if want := []string{"inc-2", "inc-1", "inc-3"}; !reflect.DeepEqual(ids(got), want) {
			t.Errorf("IncidentsBetween 10-13 March = %v, want %v (oldest first, bounds included)", ids(got), want)
		}
		return nil
	})
	list := []struct {
		from, to time.Time
		site     string
		limit    int
		want     []string
	}{
		{day(2025, 3, 1), day(2025, 3, 31), "", 0, []string{"inc-4", "inc-3", "inc-1", "inc-2"}},
		{day(2025, 3, 1), day(2025, 3, 31), "", 2, []string{"inc-4", "inc-3"}},
		{day(2025, 3, 1), day(2025, 3, 31), "erbil", 0, []string{"inc-3"}},
		{time.Time{}, time.Time{}, "ain-al-asad", 0, []string{"inc-4", "inc-1", "inc-2", "inc-5"}},
		{time.Time{}, day(2020, 1, 1), "", 0, []string{"inc-0"}},
		{day(2026, 1, 1), time.Time{}, "", 0, nil},
	}
	for _, l := range list {
		got, err := s.Incidents(ctx, l.from, l.to, l.site, l.limit)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ids(got), l.want) {
			t.Errorf("Incidents(%v, %v, %q, %d) = %v, want %v", l.from, l.to, l.site, l.limit, ids(got), l.want)
		}
	}
	if n, err := s.CountIncidents(ctx); err != nil || n != 6 {
		t.Errorf("CountIncidents = %d, %v; want 6", n, err)
	}
}

func testIncidentsOnDay(t *testing.T, b backend) {
	s := b.open(t, b.fresh(t), newClock())
	dates := map[string]time.Time{
		"leap-2024": day(2024, 2, 29), "leap-2020": day(2020, 2, 29), "feb28-2023": day(2023, 2, 28),
		"mar1-2021": day(2021, 3, 1), "dec31-2019": day(2019, 12, 31), "jan1-2020": day(2020, 1, 1),
	}
	update(t, s, func(tx Tx) error {
		for id, d := range dates {
			in := sampleIncident(id, d)
			if err := tx.CreateIncident(&in); err != nil {
				return err
			}
		}
		return nil
	})
	cases := []struct {
		m    time.Month
		d    int
		want []string
	}{
		{time.February, 29, []string{"leap-2020", "leap-2024"}},
		{time.February, 28, []string{"feb28-2023"}},
		{time.March, 1, []string{"mar1-2021"}},
		{time.December, 31, []string{"dec31-2019"}},
		{time.January, 1, []string{"jan1-2020"}},
		{time.July, 4, nil},
	}
	for _, c := range cases {
		got, err := s.IncidentsOnDay(ctx, c.m, c.d)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, in := range got {
			ids = append(ids, in.ID)
		}
		if !reflect.DeepEqual(ids, c.want) {
			t.Errorf("IncidentsOnDay(%v, %d) = %v, want %v", c.m, c.d, ids, c.want)
		}
	}
	if _, err := s.IncidentsOnDay(ctx, 13, 1); err == nil {
		t.Error("IncidentsOnDay(13, 1): no error")
	}
	// Changing the date moves the incident to its new day.
	update(t, s, func(tx Tx) error {
		in, err := tx.Incident("leap-2020")
		if err != nil {
			return err
		}
		in.EventDate = day(2020, 3, 1)
		return tx.UpdateIncident(&in)
	})
	if got, err := s.IncidentsOnDay(ctx, time.March, 1); err != nil || len(got) != 2 || got[0].ID != "leap-2020" {
		t.Errorf("after moving leap-2020 to 1 March: %d incidents, %v", len(got), err)
	}
}

func testReports(t *testing.T, b backend) {
	clk := newClock()
	s := b.open(t, b.fresh(t), clk)
	in := sampleIncident("inc-1", day(2025, 3, 13))
	reps := []Report{
		{IncidentID: "inc-1", ItemID: "wire-a/1", Feed: "wire-a", Link: "https://a.example/1", Title: "Rockets hit base",
			Published: clk.Now().Add(-2 * time.Hour), Action: "alert", Added: "first report"},
		{IncidentID: "inc-1", ItemID: "wire-b/9", Feed: "wire-b", Link: "https://b.example/9", Title: "صواريخ على قاعدة",
			Published: clk.Now().Add(-3 * time.Hour), Action: "update", Added: "killed 0 -> 1"},
		{IncidentID: "inc-1", ItemID: "wire-c/2", Feed: "wire-c", Action: "duplicate"},
	}
	update(t, s, func(tx Tx) error {
		if err := tx.CreateIncident(&in); err != nil {
			return err
		}
		for _, r := range reps {
			if err := tx.AddReport(r); err != nil {
				return err
			}
		}
		// The same item again (an item with two events) is no error and no row.
		if err := tx.AddReport(reps[0]); err != nil {
			t.Errorf("AddReport again: %v", err)
		}
		if err := tx.AddReport(Report{IncidentID: "missing", ItemID: "x"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("AddReport to a missing incident: %v, want ErrNotFound", err)
		}
		got, err := tx.Reports("inc-1")
		if err != nil {
			return err
		}
		if len(got) != 3 {
			t.Errorf("Tx.Reports: %d reports, want 3", len(got))
		}
		return nil
	})
	got, err := s.Reports(ctx, "inc-1")
	if err != nil {
		t.Fatal(err)
	}
	for i := range reps {
		reps[i].Published = micro(reps[i].Published)
	}
	if !reflect.DeepEqual(got, reps) {
		t.Errorf("Reports (in the order added):\n got %+v\nwant %+v", got, reps)
	}
	if got, err := s.Reports(ctx, "none"); err != nil || len(got) != 0 {
		t.Errorf("Reports of an incident with none: %v, %v", got, err)
	}
}

func testUpdateRollsBack(t *testing.T, b backend) {
	s := b.open(t, b.fresh(t), newClock())
	errStop := errors.New("rules failed")
	err := s.Update(ctx, func(tx Tx) error {
		in := sampleIncident("inc-1", day(2025, 3, 13))
		if err := tx.CreateIncident(&in); err != nil {
			return err
		}
		if err := tx.MarkSeen("wire", []string{"k"}, time.Now()); err != nil {
			return err
		}
		if _, err := tx.Enqueue(&Delivery{Key: "alert/inc-1/console/", Output: "console", IncidentID: "inc-1", Kind: "alert"}); err != nil {
			return err
		}
		return errStop
	})
	if err != errStop {
		t.Fatalf("Update returned %v, want the callback's error unchanged", err)
	}
	if n, _ := s.CountIncidents(ctx); n != 0 {
		t.Errorf("%d incidents after a rolled back Update", n)
	}
	if ds, _ := s.Deliveries(ctx, "", 0); len(ds) != 0 {
		t.Errorf("%d deliveries after a rolled back Update", len(ds))
	}
	update(t, s, func(tx Tx) error {
		seen, err := tx.Seen([]string{"k"})
		if seen["k"] {
			t.Error("key seen after a rolled back Update")
		}
		return err
	})
	// A panic rolls back too, and the store stays usable.
	func() {
		defer func() { recover() }()
		s.Update(ctx, func(tx Tx) error {
			in := sampleIncident("inc-p", day(2025, 3, 13))
			tx.CreateIncident(&in)
			panic("boom")
		})
	}()
	if n, err := s.CountIncidents(ctx); err != nil || n != 0 {
		t.Errorf("after a panic in Update: %d incidents, %v", n, err)
	}
	update(t, s, func(tx Tx) error {
		in := sampleIncident("inc-2", day(2025, 3, 13))
		return tx.CreateIncident(&in)
	})
}

func testEnqueueIdempotent(t *testing.T, b backend) {
	clk := newClock()
	s := b.open(t, b.fresh(t), clk)
	d1 := Delivery{Key: "alert/inc-1/slack/#news", Output: "slack", Channel: "#news", IncidentID: "inc-1", Kind: "alert", Payload: []byte(`{"text":"x"}`)}
	d2 := d1
	d2.Payload = []byte(`{"text":"changed"}`)
	var added1, added2 bool
	update(t, s, func(tx Tx) (err error) {
		added1, err = tx.Enqueue(&d1)
		return err
	})
	update(t, s, func(tx Tx) (err error) {
		added2, err = tx.Enqueue(&d2)
		return err
	})
	if !added1 || added2 {
		t.Errorf("Enqueue twice: added %v then %v, want true then false", added1, added2)
	}
	if d1.ID == 0 || d2.ID != d1.ID {
		t.Errorf("IDs %d and %d, want the same non-zero", d1.ID, d2.ID)
	}
	ds, err := s.Deliveries(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := d1
	want.State, want.CreatedAt = DeliveryPending, micro(clk.Now())
	if len(ds) != 1 || !reflect.DeepEqual(ds[0], want) {
		t.Errorf("Deliveries:\n got %+v\nwant [%+v]", ds, want)
	}
	update(t, s, func(tx Tx) error {
		_, err := tx.Enqueue(&Delivery{})
		if err == nil {
			t.Error("Enqueue with no key: no error")
		}
		return nil
	})
}

// enqueue adds n pending deliveries with keys prefix/0.. and returns them.
func enqueue(t testing.TB, s Store, prefix string, n int, next time.Time) []Delivery {
	t.Helper()
	ds := make([]Delivery, n)
	update(t, s, func(tx Tx) error {
		for i := range ds {
			ds[i] = Delivery{Key: fmt.Sprintf("%s/%d", prefix, i), Output: "slack", Channel: "#news",
				IncidentID: fmt.Sprintf("inc-%d", i), Kind: "alert", NextAttempt: next}
			if _, err := tx.Enqueue(&ds[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return ds
}

func claimIDs(t *testing.T, s Store, owner string, now time.Time, lease time.Duration, limit int) []int64 {
	t.Helper()
	ds, err := s.ClaimDeliveries(ctx, owner, now, now.Add(lease), limit)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, d := range ds {
		if d.State != DeliveryPending || d.LeaseOwner != owner || !d.LeaseUntil.Equal(micro(now.Add(lease))) {
			t.Errorf("claimed %+v", d)
		}
		ids = append(ids, d.ID)
	}
	return ids
}

func testClaimAndMark(t *testing.T, b backend) {
	clk := newClock()
	s := b.open(t, b.fresh(t), clk)
	now := clk.Now()
	ds := enqueue(t, s, "now", 3, time.Time{})
	later := enqueue(t, s, "later", 1, now.Add(10*time.Minute))
	id := func(i int) int64 { return ds[i].ID }

	if got := claimIDs(t, s, "a", now, time.Minute, 2); !reflect.DeepEqual(got, []int64{id(0), id(1)}) {
		t.Fatalf("a claims 2: %v, want the two oldest %v", got, []int64{id(0), id(1)})
	}
	if got := claimIDs(t, s, "b", now, time.Minute, 10); !reflect.DeepEqual(got, []int64{id(2)}) {
		t.Fatalf("b claims: %v, want only %d (the rest are leased or not due)", got, id(2))
	}
	if got := claimIDs(t, s, "c", now.Add(59*time.Second), time.Minute, 10); len(got) != 0 {
		t.Fatalf("c claims before the leases expire: %v", got)
	}
	// a dies; its leases expire and c takes them over, attempts counted.
	all, err := s.ClaimDeliveries(ctx, "c", now.Add(time.Minute), now.Add(2*time.Minute), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[0].ID != id(0) || all[0].Attempts != 2 || all[2].Attempts != 2 {
		t.Fatalf("after expiry c claims %+v, want all 3 with 2 attempts", all)
	}

	t1 := now.Add(70 * time.Second)
	if err := s.MarkSent(ctx, id(0), "1741944413.000100", t1); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkRetry(ctx, id(1), now.Add(5*time.Minute), "HTTP 503"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFailed(ctx, id(2), "channel_not_found"); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		s.MarkSent(ctx, 999999, "x", t1), s.MarkRetry(ctx, 999999, t1, "x"), s.MarkFailed(ctx, 999999, "x"),
	} {
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("marking a missing delivery: %v, want ErrNotFound", err)
		}
	}
	got, err := s.Deliveries(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	sent, retry, failed := got[0], got[1], got[2]
	if sent.State != DeliverySent || sent.Ref != "1741944413.000100" || !sent.SentAt.Equal(micro(t1)) || sent.LeaseOwner != "" || !sent.LeaseUntil.IsZero() {
		t.Errorf("sent: %+v", sent)
	}
	if retry.State != DeliveryPending || retry.LastError != "HTTP 503" || !retry.NextAttempt.Equal(micro(now.Add(5*time.Minute))) || retry.LeaseOwner != "" {
		t.Errorf("retry: %+v", retry)
	}
	if failed.State != DeliveryFailed || failed.LastError != "channel_not_found" || failed.Attempts != 2 {
		t.Errorf("failed: %+v", failed)
	}
	// The retry is not due before its next attempt; then it and the later
	// one are, and nothing sent or failed comes back.
	if got := claimIDs(t, s, "d", now.Add(4*time.Minute), time.Minute, 0); len(got) != 0 {
		t.Errorf("claims before the retry is due: %v", got)
	}
	if got := claimIDs(t, s, "d", now.Add(10*time.Minute), time.Minute, 0); !reflect.DeepEqual(got, []int64{id(1), later[0].ID}) {
		t.Errorf("claims when due: %v, want %v", got, []int64{id(1), later[0].ID})
	}
	for state, n := range map[string]int{DeliveryPending: 2, DeliverySent: 1, DeliveryFailed: 1, "": 4} {
		if got, err := s.Deliveries(ctx, state, 0); err != nil || len(got) != n {
			t.Errorf("Deliveries(%q): %d, %v; want %d", state, len(got), err, n)
		}
	}
	if got, _ := s.Deliveries(ctx, "", 1); len(got) != 1 || got[0].ID != id(0) {
		t.Errorf("Deliveries with limit 1: %+v", got)
	}
}

func testSentRef(t *testing.T, b backend) {
	clk := newClock()
	s := b.open(t, b.fresh(t), clk)
	mk := func(key, channel, kind string) *Delivery {
		return &Delivery{Key: key, Output: "slack", Channel: channel, IncidentID: "inc-1", Kind: kind}
	}
	alert, update2, other := mk("a", "#news", "alert"), mk("u", "#news", "update"), mk("o", "#desk", "alert")
	update(t, s, func(tx Tx) error {
		for _, d := range []*Delivery{alert, update2, other} {
			if _, err := tx.Enqueue(d); err != nil {
				return err
			}
		}
		return nil
	})
	if _, err := s.SentRef(ctx, "inc-1", "slack", "#news"); !errors.Is(err, ErrNotFound) {
		t.Errorf("SentRef before the alert is sent: %v, want ErrNotFound", err)
	}
	if err := s.MarkSent(ctx, update2.ID, "update-ts", clk.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSent(ctx, alert.ID, "alert-ts", clk.Now()); err != nil {
		t.Fatal(err)
	}
	if ref, err := s.SentRef(ctx, "inc-1", "slack", "#news"); err != nil || ref != "alert-ts" {
		t.Errorf("SentRef = %q, %v; want alert-ts", ref, err)
	}
	if _, err := s.SentRef(ctx, "inc-1", "slack", "#desk"); !errors.Is(err, ErrNotFound) {
		t.Errorf("SentRef on a channel whose alert is pending: %v, want ErrNotFound", err)
	}
	if _, err := s.SentRef(ctx, "inc-1", "discord", "#news"); !errors.Is(err, ErrNotFound) {
		t.Errorf("SentRef on another output: %v, want ErrNotFound", err)
	}
	if d, err := s.SentAlert(ctx, "inc-1", "slack", "#news"); err != nil || d.Ref != "alert-ts" || d.SentAt.Sub(clk.Now()).Abs() >= time.Microsecond || d.ID != alert.ID {
		t.Errorf("SentAlert = %+v, %v", d, err)
	}
	if _, err := s.SentAlert(ctx, "inc-1", "slack", "#desk"); !errors.Is(err, ErrNotFound) {
		t.Errorf("SentAlert on a channel whose alert is pending: %v, want ErrNotFound", err)
	}
}

// testPostpone: a delivery asked to wait is claimed again after the wait,
// and the wait does not count as an attempt.
func testPostpone(t *testing.T, b backend) {
	clk := newClock()
	s := b.open(t, b.fresh(t), clk)
	d := &Delivery{Key: "k", Output: "slack", Channel: "#news", IncidentID: "inc-1", Kind: "alert"}
	update(t, s, func(tx Tx) error { _, err := tx.Enqueue(d); return err })
	for i := 0; i < 3; i++ {
		got, err := s.ClaimDeliveries(ctx, "me", clk.Now(), clk.Now().Add(time.Minute), 10)
		if err != nil || len(got) != 1 || got[0].Attempts != 1 {
			t.Fatalf("claim %d: %+v, %v; want one delivery at attempt 1", i, got, err)
		}
		if err := s.Postpone(ctx, d.ID, clk.Now().Add(30*time.Second), "rate limited"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.ClaimDeliveries(ctx, "me", clk.Now(), clk.Now().Add(time.Minute), 10); len(got) != 0 {
			t.Fatalf("claimed during the wait: %+v", got)
		}
		clk.Add(30 * time.Second)
	}
	if err := s.Postpone(ctx, 999999, clk.Now(), "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Postpone of an unknown delivery: %v", err)
	}
}

func testOutboxStats(t *testing.T, b backend) {
	clk := newClock()
	s := b.open(t, b.fresh(t), clk)
	if p, f, age, err := s.OutboxStats(ctx, clk.Now()); err != nil || p != 0 || f != 0 || age != 0 {
		t.Fatalf("empty outbox: %d, %d, %v, %v", p, f, age, err)
	}
	first := enqueue(t, s, "first", 2, time.Time{})
	clk.Add(3 * time.Minute)
	enqueue(t, s, "second", 3, time.Time{})
	if err := s.MarkFailed(ctx, first[1].ID, "x"); err != nil {
		t.Fatal(err)
	}
	// Ages are measured from CreatedAt as stored, to the microsecond.
	at := micro(clk.Now()).Add(time.Minute)
	p, f, age, err := s.OutboxStats(ctx, at)
	if err != nil || p != 4 || f != 1 || age != 4*time.Minute {
		t.Errorf("OutboxStats = %d pending, %d failed, oldest %v, %v; want 4, 1, 4m", p, f, age, err)
	}
	if err := s.MarkSent(ctx, first[0].ID, "", clk.Now()); err != nil {
		t.Fatal(err)
	}
	if _, _, age, _ := s.OutboxStats(ctx, at); age != time.Minute {
		t.Errorf("oldest after the first is sent = %v, want 1m", age)
	}
}

// testConcurrentUpdate increments one counter from many goroutines on two
// handles (two processes): no increment may be lost.
func testConcurrentUpdate(t *testing.T, b backend) {
	clk := newClock()
	dsn := b.fresh(t)
	stores := []Store{b.open(t, dsn, clk), b.open(t, dsn, clk)}
	in := sampleIncident("counter", day(2025, 3, 13))
	in.Projectiles = 0
	update(t, stores[0], func(tx Tx) error { return tx.CreateIncident(&in) })
	const workers, each = 8, 10
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			s := stores[w%2]
			for range each {
				err := s.Update(ctx, func(tx Tx) error {
					cur, err := tx.Incident("counter")
					if err != nil {
						return err
					}
					cur.Projectiles++
					return tx.UpdateIncident(&cur)
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	got, err := stores[1].Incident(ctx, "counter")
	if err != nil {
		t.Fatal(err)
	}
	if got.Projectiles != workers*each {
		t.Errorf("counter = %d after %d increments: writes were lost", got.Projectiles, workers*each)
	}
}

// testConcurrentClaim has goroutines on two handles claim until the outbox
// is empty: each delivery must be claimed exactly once.
func testConcurrentClaim(t *testing.T, b backend) {
	clk := newClock()
	dsn := b.fresh(t)
	stores := []Store{b.open(t, dsn, clk), b.open(t, dsn, clk)}
	const n = 120
	enqueue(t, stores[0], "d", n, time.Time{})
	now := clk.Now()
	var (
		mu      sync.Mutex
		claimed = map[int64]string{}
		wg      sync.WaitGroup
	)
	for w := range 6 {
		owner := fmt.Sprintf("worker-%d", w)
		wg.Go(func() {
			for {
				ds, err := stores[w%2].ClaimDeliveries(ctx, owner, now, now.Add(time.Hour), 5)
				if err != nil {
					t.Error(err)
					return
				}
				if len(ds) == 0 {
					return
				}
				mu.Lock()
				for _, d := range ds {
					if prev, ok := claimed[d.ID]; ok {
						t.Errorf("delivery %d claimed by %s and %s", d.ID, prev, owner)
					}
					claimed[d.ID] = owner
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claimed) != n {
		t.Errorf("%d deliveries claimed, want %d", len(claimed), n)
	}
	owners := map[string]bool{}
	for _, o := range claimed {
		owners[o] = true
	}
	t.Logf("%d deliveries claimed by %d workers", len(claimed), len(owners))
}

// testConcurrentCheckThenCreate has two handles (two processes) decide the
// same attack at once, each looking for the incident and creating it when
// absent: there must be one incident.
func testConcurrentCheckThenCreate(t *testing.T, b backend) {
	clk := newClock()
	dsn := b.fresh(t)
	stores := []Store{b.open(t, dsn, clk), b.open(t, dsn, clk)}
	attack := day(2025, 3, 13)
	var wg sync.WaitGroup
	var mu sync.Mutex
	created := 0
	for w := range 8 {
		wg.Go(func() {
			err := stores[w%2].Update(ctx, func(tx Tx) error {
				found, err := tx.IncidentsBetween(attack.AddDate(0, 0, -1), attack.AddDate(0, 0, 1))
				if err != nil {
					return err
				}
				if len(found) > 0 {
					return tx.AddReport(Report{IncidentID: found[0].ID, ItemID: fmt.Sprintf("item-%d", w), Action: "duplicate"})
				}
				in := sampleIncident(fmt.Sprintf("inc-by-%d", w), attack)
				if err := tx.CreateIncident(&in); err != nil {
					return err
				}
				if _, err := tx.Enqueue(&Delivery{Key: "alert/" + in.ID, IncidentID: in.ID, Kind: "alert"}); err != nil {
					return err
				}
				mu.Lock()
				created++
				mu.Unlock()
				return tx.AddReport(Report{IncidentID: in.ID, ItemID: fmt.Sprintf("item-%d", w), Action: "alert"})
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	n, err := stores[0].CountIncidents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := stores[1].Deliveries(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 || created != 1 || len(ds) != 1 {
		t.Fatalf("%d incidents (%d created), %d alerts queued; want 1 of each", n, created, len(ds))
	}
	reps, err := stores[0].Reports(ctx, ds[0].IncidentID)
	if err != nil || len(reps) != 8 {
		t.Errorf("%d reports, %v; want 8", len(reps), err)
	}
}

// testDeadOwnerLease: a process holding feeds dies without releasing them;
// another takes them over once the leases expire.
func testDeadOwnerLease(t *testing.T, b backend) {
	clk := newClock()
	dsn := b.fresh(t)
	dead, alive := b.open(t, dsn, clk), b.open(t, dsn, clk)
	feeds := []string{"wire-a", "wire-b", "wire-c"}
	for _, f := range feeds {
		if ok, err := dead.LeaseFeed(ctx, f, "replica-1", clk.Now().Add(5*time.Minute)); err != nil || !ok {
			t.Fatalf("replica-1 leases %s: %v, %v", f, ok, err)
		}
	}
	if err := dead.Close(); err != nil { // killed
		t.Fatal(err)
	}
	for _, f := range feeds {
		if ok, err := alive.LeaseFeed(ctx, f, "replica-2", clk.Now().Add(5*time.Minute)); err != nil || ok {
			t.Fatalf("replica-2 took %s while replica-1's lease holds: %v, %v", f, ok, err)
		}
	}
	clk.Add(5 * time.Minute)
	for _, f := range feeds {
		if ok, err := alive.LeaseFeed(ctx, f, "replica-2", clk.Now().Add(5*time.Minute)); err != nil || !ok {
			t.Fatalf("replica-2 could not take %s after expiry: %v, %v", f, ok, err)
		}
	}
}

// testConcurrentOpen opens one new database from several handles at once:
// the migrations run once and every Open succeeds.
func testConcurrentOpen(t *testing.T, b backend) {
	dsn := b.fresh(t)
	const n = 4
	stores := make([]Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { stores[i], errs[i] = Open(ctx, b.driver, dsn) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("open %d: %v", i, errs[i])
			continue
		}
		defer stores[i].Close()
	}
	if t.Failed() {
		return
	}
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	var v, rows int
	db := stores[0].(*sqlStore).read
	if err := db.QueryRowContext(ctx, `SELECT MAX(version), COUNT(*) FROM schema_version`).Scan(&v, &rows); err != nil {
		t.Fatal(err)
	}
	if v != len(ms) || rows != 1 {
		t.Errorf("schema_version: version %d in %d rows, want %d in 1", v, rows, len(ms))
	}
	// Every handle works on the one schema.
	for i, s := range stores {
		err := s.Update(ctx, func(tx Tx) error { return tx.MarkSeen("f", []string{fmt.Sprint(i)}, time.Now()) })
		if err != nil {
			t.Errorf("store %d: %v", i, err)
		}
	}
	var keys []string
	update(t, stores[0], func(tx Tx) error {
		seen, err := tx.Seen([]string{"0", "1", "2", "3"})
		for k := range seen {
			keys = append(keys, k)
		}
		return err
	})
	sort.Strings(keys)
	if len(keys) != n {
		t.Errorf("seen %v", keys)
	}
}

func testPing(t *testing.T, b backend) {
	s := b.open(t, b.fresh(t), newClock())
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}
