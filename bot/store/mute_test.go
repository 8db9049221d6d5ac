package store

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSQLiteMutes(t *testing.T)   { testMutes(t, sqliteBackend) }
func TestPostgresMutes(t *testing.T) { testMutes(t, postgresBackend) }

// testMutes is the mute part of the contract every Store passes.
func testMutes(t *testing.T, b backend) {
	tests := []struct {
		name string
		run  func(t *testing.T, b backend)
	}{
		{"MuteAndList", testMuteAndList},
		{"MuteReplaces", testMuteReplaces},
		{"Unmute", testUnmute},
		{"MuteBadInput", testMuteBadInput},
		{"MuteTargetIsParameter", testMuteTargetIsParameter},
		{"ActiveMutesInTx", testActiveMutesInTx},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, b)
		})
	}
}

func mustMute(t *testing.T, s Store, m Mute) Mute {
	t.Helper()
	got, err := s.Mute(ctx, m)
	if err != nil {
		t.Fatalf("Mute(%+v): %v", m, err)
	}
	return got
}

func testMuteAndList(t *testing.T, b backend) {
	clk := newClock()
	s := b.open(t, b.fresh(t), clk)
	now := clk.Now()
	if ms, err := s.Mutes(ctx, now); err != nil || len(ms) != 0 {
		t.Fatalf("Mutes of a new store = %v, %v; want none", ms, err)
	}
	site := mustMute(t, s, Mute{Kind: MuteSite, Target: "erbil-air-base", Until: now.Add(2 * time.Hour), CreatedBy: "U0ADMIN", Reason: "drill"})
	rule := mustMute(t, s, Mute{Kind: MuteRule, Target: "strikes", Until: now.Add(time.Hour), CreatedBy: "U0ADMIN"})
	if site.ID == 0 || rule.ID == 0 || site.ID == rule.ID {
		t.Errorf("IDs %d and %d: want two distinct non-zero", site.ID, rule.ID)
	}
	if !site.CreatedAt.Equal(micro(now)) {
		t.Errorf("CreatedAt = %v, want the store's clock %v", site.CreatedAt, micro(now))
	}
	ms, err := s.Mutes(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	// Soonest to end first.
	if len(ms) != 2 || ms[0].ID != rule.ID || ms[1].ID != site.ID {
		t.Fatalf("Mutes = %+v, want the rule mute then the site mute", ms)
	}
	got := ms[1]
	want := Mute{ID: site.ID, Kind: MuteSite, Target: "erbil-air-base", Until: micro(now.Add(2 * time.Hour)),
		CreatedBy: "U0ADMIN", CreatedAt: micro(now), Reason: "drill"}
	if got != want {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
	// An hour and a minute later the rule mute has ended; at its very end
	// it has too (until is exclusive).
	if ms, _ := s.Mutes(ctx, now.Add(time.Hour)); len(ms) != 1 || ms[0].ID != site.ID {
		t.Errorf("Mutes at the rule mute's end = %+v, want only the site mute", ms)
	}
	if ms, _ := s.Mutes(ctx, now.Add(3*time.Hour)); len(ms) != 0 {
		t.Errorf("Mutes after both ended = %+v, want none", ms)
	}
	// Muting from the past (an earlier CreatedAt) is kept as given.
	past := mustMute(t, s, Mute{Kind: MuteSite, Target: "taji", CreatedAt: now.Add(-time.Hour), Until: now.Add(time.Minute)})
	if !past.CreatedAt.Equal(micro(now.Add(-time.Hour))) {
		t.Errorf("CreatedAt = %v, want the one given", past.CreatedAt)
	}
}

func testMuteReplaces(t *testing.T, b backend) {
	clk := newClock()
	s := b.open(t, b.fresh(t), clk)
	now := clk.Now()
	first := mustMute(t, s, Mute{Kind: MuteSite, Target: "taji", Until: now.Add(time.Hour), Reason: "first"})
	clk.Add(time.Minute)
	second := mustMute(t, s, Mute{Kind: MuteSite, Target: "taji", Until: now.Add(30 * time.Minute), Reason: "second"})
	// The same target under the other kind is another mute.
	mustMute(t, s, Mute{Kind: MuteRule, Target: "taji", Until: now.Add(time.Hour)})
	ms, err := s.Mutes(ctx, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].ID != second.ID || ms[0].Reason != "second" || ms[1].Kind != MuteRule {
		t.Fatalf("Mutes = %+v, want the second site mute (replacing the first, ID %d) and the rule mute", ms, first.ID)
	}
	// The first ended when the second began, and is no longer active even
	// at a moment before its own until.
	if ms, _ := s.Mutes(ctx, clk.Now().Add(45*time.Minute)); len(ms) != 1 || ms[0].Kind != MuteRule {
		t.Errorf("Mutes after the second ended = %+v, want only the rule mute", ms)
	}
}

func testUnmute(t *testing.T, b backend) {
	clk := newClock()
	s := b.open(t, b.fresh(t), clk)
	now := clk.Now()
	mustMute(t, s, Mute{Kind: MuteSite, Target: "harir", Until: now.Add(time.Hour)})
	mustMute(t, s, Mute{Kind: MuteSite, Target: "k1", Until: now.Add(time.Hour)})
	if ok, err := s.Unmute(ctx, MuteRule, "harir"); err != nil || ok {
		t.Errorf("Unmute of the other kind = %v, %v; want false, nil", ok, err)
	}
	if ok, err := s.Unmute(ctx, MuteSite, "harir"); err != nil || !ok {
		t.Fatalf("Unmute = %v, %v; want true, nil", ok, err)
	}
	if ok, err := s.Unmute(ctx, MuteSite, "harir"); err != nil || ok {
		t.Errorf("second Unmute = %v, %v; want false, nil", ok, err)
	}
	ms, err := s.Mutes(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Target != "k1" {
		t.Errorf("Mutes after unmute = %+v, want only k1", ms)
	}
	clk.Add(2 * time.Hour)
	if ok, err := s.Unmute(ctx, MuteSite, "k1"); err != nil || ok {
		t.Errorf("Unmute of an expired mute = %v, %v; want false, nil", ok, err)
	}
}

func testMuteBadInput(t *testing.T, b backend) {
	clk := newClock()
	s := b.open(t, b.fresh(t), clk)
	now := clk.Now()
	for _, tt := range []struct {
		m    Mute
		want string
	}{
		{Mute{Kind: "feed", Target: "x", Until: now.Add(time.Hour)}, `kind "feed"`},
		{Mute{Kind: MuteSite, Until: now.Add(time.Hour)}, "empty target"},
		{Mute{Kind: MuteSite, Target: "taji", Until: now}, "is not after"},
		{Mute{Kind: MuteSite, Target: "taji"}, "is not after"},
	} {
		if _, err := s.Mute(ctx, tt.m); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Mute(%+v) = %v, want an error containing %q", tt.m, err, tt.want)
		}
	}
	if _, err := s.Unmute(ctx, "", "taji"); err == nil {
		t.Error("Unmute with no kind: no error")
	}
	if ms, _ := s.Mutes(ctx, now); len(ms) != 0 {
		t.Errorf("bad mutes were stored: %+v", ms)
	}
}

// testMuteTargetIsParameter checks that text typed by a user travels as a
// parameter: quotes and SQL in a target are stored as they are.
func testMuteTargetIsParameter(t *testing.T, b backend) {
	clk := newClock()
	s := b.open(t, b.fresh(t), clk)
	now := clk.Now()
	odd := `x'); DROP TABLE mutes; --`
	m := mustMute(t, s, Mute{Kind: MuteRule, Target: odd, Until: now.Add(time.Hour), CreatedBy: `"U1"`, Reason: "it's"})
	ms, err := s.Mutes(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Target != odd || ms[0].Reason != "it's" || ms[0].ID != m.ID {
		t.Fatalf("Mutes = %+v, want the odd target back unchanged", ms)
	}
	if ok, err := s.Unmute(ctx, MuteRule, odd); err != nil || !ok {
		t.Errorf("Unmute(odd) = %v, %v", ok, err)
	}
}

func testActiveMutesInTx(t *testing.T, b backend) {
	clk := newClock()
	s := b.open(t, b.fresh(t), clk)
	now := clk.Now()
	mustMute(t, s, Mute{Kind: MuteSite, Target: "ain-al-asad", Until: now.Add(time.Hour)})
	mustMute(t, s, Mute{Kind: MuteRule, Target: "strikes", Until: now.Add(2 * time.Hour)})
	var ms []Mute
	update(t, s, func(tx Tx) error {
		var err error
		ms, err = tx.ActiveMutes(now.Add(90 * time.Minute))
		return err
	})
	if len(ms) != 1 || ms[0].Target != "strikes" {
		t.Fatalf("ActiveMutes = %+v, want the rule mute only", ms)
	}
	// A mute added in the same transaction as the read is seen by it; a
	// failed transaction leaves nothing behind.
	errBoom := errors.New("boom")
	err := s.Update(ctx, func(tx Tx) error {
		got, err := tx.ActiveMutes(now)
		if err != nil {
			return err
		}
		if len(got) != 2 {
			t.Errorf("ActiveMutes inside Update = %+v, want 2", got)
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Errorf("Update = %v, want boom", err)
	}
}

func TestMutedBy(t *testing.T) {
	ms := []Mute{
		{ID: 1, Kind: MuteSite, Target: "taji"},
		{ID: 2, Kind: MuteRule, Target: "strikes"},
	}
	tests := []struct {
		site  string
		rules []string
		want  int64 // 0: not muted
	}{
		{"taji", []string{"attacks"}, 1},
		{"harir", []string{"attacks"}, 0},
		{"harir", []string{"attacks", "strikes"}, 2},
		{"", []string{"attacks"}, 0},
		{"", nil, 0},
		{"", []string{"strikes"}, 2},
	}
	for _, tt := range tests {
		m, ok := MutedBy(ms, tt.site, tt.rules...)
		if ok != (tt.want != 0) || m.ID != tt.want {
			t.Errorf("MutedBy(%q, %v) = %d, %v; want %d", tt.site, tt.rules, m.ID, ok, tt.want)
		}
	}
	if _, ok := MutedBy(nil, "taji", "attacks"); ok {
		t.Error("MutedBy with no mutes: muted")
	}
}
