package notify

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func TestAgo(t *testing.T) {
	now := time.Date(2024, 3, 5, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{-5 * time.Minute, "just now"},
		{30 * time.Second, "just now"},
		{time.Minute, "1 min ago"},
		{59*time.Minute + 59*time.Second, "59 min ago"},
		{time.Hour, "1 h ago"},
		{47 * time.Hour, "47 h ago"},
		{72 * time.Hour, "3 days ago"},
	} {
		if got := Ago(now, now.Add(-tc.d)); got != tc.want {
			t.Errorf("Ago(-%s) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestToll(t *testing.T) {
	for _, tc := range []struct {
		k, w int
		want string
	}{
		{-1, -1, ""},
		{0, 0, "no casualties reported"},
		{3, -1, "3 killed"},
		{-1, 4, "4 wounded"},
		{2, 7, "2 killed, 7 wounded"},
		{0, 5, "no one killed, 5 wounded"},
		{1, 0, "1 killed, no one wounded"},
	} {
		if got := Toll(tc.k, tc.w); got != tc.want {
			t.Errorf("Toll(%d, %d) = %q, want %q", tc.k, tc.w, got, tc.want)
		}
	}
}

func TestMapURL(t *testing.T) {
	for _, tc := range []struct {
		lat, lon float64
		want     string
	}{
		{33.3152, 44.3661, "https://www.openstreetmap.org/?mlat=33.31520&mlon=44.36610#map=12/33.31520/44.36610"},
		{-0.5, -70.25, "https://www.openstreetmap.org/?mlat=-0.50000&mlon=-70.25000#map=12/-0.50000/-70.25000"},
		{0, 0, ""},
		{91, 10, ""},
		{10, 181, ""},
	} {
		if got := MapURL(tc.lat, tc.lon); got != tc.want {
			t.Errorf("MapURL(%v, %v) = %q, want %q", tc.lat, tc.lon, got, tc.want)
		}
	}
}

func TestSafeURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://news.example/a?b=1&c=2": "https://news.example/a?b=1&c=2",
		" http://news.example/x ":        "http://news.example/x",
		"javascript:alert(1)":            "",
		"/relative/path":                 "",
		"ftp://files.example/x":          "",
		"https://news.example/a b":       "",
		"https://news.example/a\nb":      "",
		"":                               "",
	} {
		if got := SafeURL(in); got != want {
			t.Errorf("SafeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"  plain  text ":             "plain text",
		"line one\r\nline two\tend":  "line one line two end",
		"esc\x1b[31mred\x1b[0m":      "esc [31mred [0m",
		"bidi \u202eevil\u202c done": "bidi evil done",
		"عربي\u200cنص":               "عربي\u200cنص",
		"bad \xff byte":              "bad byte",
	} {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTruncate(t *testing.T) {
	if got := Truncate("abcdef", 4); got != "abc…" {
		t.Errorf("Truncate = %q", got)
	}
	if got := Truncate("قاعدة جوية", 6); got != "قاعدة…" {
		t.Errorf("Truncate Arabic = %q", got)
	}
	if got := Truncate("short", 10); got != "short" {
		t.Errorf("Truncate short = %q", got)
	}
}

func TestPlural(t *testing.T) {
	for _, c := range []struct {
		noun string
		n    int
		want string
	}{
		{"rocket", 1, "rocket"},
		{"rocket", 3, "rockets"},
		{"rocket or missile", 1, "rocket or missile"},
		{"rocket or missile", 5, "rockets or missiles"},
	} {
		if got := plural(c.noun, c.n); got != c.want {
			t.Errorf("plural(%q, %d) = %q, want %q", c.noun, c.n, got, c.want)
		}
	}
}

func TestHeadline(t *testing.T) {
	loc := time.FixedZone("+03", 3*3600)
	now := time.Date(2024, 3, 5, 12, 0, 0, 0, time.UTC)
	base := Alert{Weapon: "rocket", Site: "Camp Example", Country: "Syria", ReportedAt: now.Add(-25 * time.Minute), Killed: -1, Wounded: -1}
	for _, tc := range []struct {
		name string
		edit func(*Alert)
		want string
	}{
		{"site", func(*Alert) {}, "Rocket attack on Camp Example, Syria — Tue 5 Mar 14:35 +03 (25 min ago)"},
		{"ied", func(a *Alert) { a.Weapon = "ied" }, "IED attack on Camp Example, Syria — Tue 5 Mar 14:35 +03 (25 min ago)"},
		{"unknown weapon", func(a *Alert) { a.Weapon = "" }, "Attack on Camp Example, Syria — Tue 5 Mar 14:35 +03 (25 min ago)"},
		{"unconfirmed", func(a *Alert) { a.Unconfirmed = true; a.Region = "Deir ez-Zor" },
			"Rocket attack near Deir ez-Zor, Syria (site unconfirmed) — Tue 5 Mar 14:35 +03 (25 min ago)"},
		{"country only", func(a *Alert) { a.Site = "" }, "Rocket attack in Syria — Tue 5 Mar 14:35 +03 (25 min ago)"},
		{"update", func(a *Alert) { a.Kind = "update" }, "Update: Rocket attack on Camp Example, Syria — Tue 5 Mar 14:35 +03 (25 min ago)"},
		{"no report time", func(a *Alert) { a.ReportedAt = time.Time{}; a.EventDate = time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC) },
			"Rocket attack on Camp Example, Syria — Mon 4 Mar 2024"},
		{"feed text cleaned", func(a *Alert) { a.Site = "Camp\nExample\x1b" }, "Rocket attack on Camp Example, Syria — Tue 5 Mar 14:35 +03 (25 min ago)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := base
			tc.edit(&a)
			if got := Headline(a, loc, now); got != tc.want {
				t.Errorf("Headline = %q\nwant       %q", got, tc.want)
			}
		})
	}
}

func TestViewLocalDate(t *testing.T) {
	// 22:30 UTC on 4 March is already 5 March in Baghdad: the attack date line
	// compares with the channel's local day.
	loc := time.FixedZone("+03", 3*3600)
	a := Alert{Weapon: "drone", Site: "X", ReportedAt: time.Date(2024, 3, 4, 22, 30, 0, 0, time.UTC),
		EventDate: time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC), Killed: -1, Wounded: -1}
	v := NewView(a, loc, a.ReportedAt)
	if v.AttackDate != "Mon 4 Mar 2024" {
		t.Errorf("AttackDate = %q", v.AttackDate)
	}
	v = NewView(a, time.UTC, a.ReportedAt)
	if v.AttackDate != "" {
		t.Errorf("AttackDate in UTC = %q, want none", v.AttackDate)
	}
}

func TestViewSources(t *testing.T) {
	a := Alert{Killed: -1, Wounded: -1, Sources: []Source{
		{Feed: "A", Link: "javascript:x"}, {Feed: "B", Link: "https://b.example/"},
		{Feed: "C", Link: "https://c.example/"}, {Feed: "D", Link: "https://d.example/"},
	}}
	v := NewView(a, nil, time.Time{})
	if len(v.Sources) != MaxSources || v.Sources[0].Link != "" || v.TitleURL != "https://b.example/" {
		t.Errorf("sources = %+v, title link %q", v.Sources, v.TitleURL)
	}
	if v.Outlets != "Reported by 4 outlets" {
		t.Errorf("Outlets = %q", v.Outlets)
	}
}

func TestRecapText(t *testing.T) {
	for _, tc := range []struct {
		l    RecapLine
		want string
	}{
		{RecapLine{Year: 2019, Site: "Camp Example", Weapon: "rocket", Killed: -1, Wounded: -1}, "2019 · Camp Example · rocket"},
		{RecapLine{Year: 2021, Site: "Base B", Weapon: "ballistic missile", Killed: 0, Wounded: 11}, "2021 · Base B · ballistic missile · no one killed, 11 wounded"},
		{RecapLine{Year: 2023, Weapon: "ied", Killed: 2, Wounded: -1}, "2023 · unnamed site · IED · 2 killed"},
	} {
		if got := RecapText(tc.l); got != tc.want {
			t.Errorf("RecapText(%+v) = %q, want %q", tc.l, got, tc.want)
		}
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "plain", "a\x1b[31mb", "line\r\nbreak", "\u202eevil", "عربي  نص", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Clean(s)
		for _, r := range c {
			if unicode.IsControl(r) || r == '\u202e' || r == utf8.RuneError {
				t.Fatalf("Clean(%q) = %q keeps %U", s, c, r)
			}
		}
		if strings.Contains(c, "  ") || strings.TrimSpace(c) != c {
			t.Fatalf("Clean(%q) = %q has runs or ends of spaces", s, c)
		}
		if Clean(c) != c {
			t.Fatalf("Clean is not idempotent on %q", s)
		}
	})
}

func BenchmarkNewView(b *testing.B) {
	a := Alert{Weapon: "drone", Site: "Camp Example", Country: "Iraq", Latitude: 33.1, Longitude: 44.2,
		ReportedAt: time.Date(2024, 3, 5, 11, 0, 0, 0, time.UTC), Killed: 2, Wounded: 5, Actor: "Example Group",
		Title: "Drones strike Camp Example, two dead", SourceCount: 9,
		Sources: []Source{{Feed: "A", Link: "https://a.example/1"}, {Feed: "B", Link: "https://b.example/2"}, {Feed: "C", Link: "https://c.example/3"}}}
	now := a.ReportedAt.Add(10 * time.Minute)
	b.ReportAllocs()
	for b.Loop() {
		NewView(a, time.UTC, now)
	}
}
