package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot/store"
)

var (
	slackUser      = Caller{Platform: "slack", UserID: "U0READER1"}
	slackAdminUser = Caller{Platform: "slack", UserID: slackAdmin}
	discordEditor  = Caller{Platform: "discord", UserID: "333333333333333333", RoleIDs: []string{"444444444444444444", editorsRole}}
)

// TestAnswersGolden runs every command, in order, against one store (the
// mutes build on each other) and checks what Slack and Discord would show.
func TestAnswersGolden(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	steps := []struct {
		name, text string
		who        Caller
	}{
		{"help", "help", slackUser},
		{"empty", "", slackUser},
		{"recent", "recent", slackUser},
		{"recent-30-site", "recent 30 irbil air base", slackUser},
		{"recent-today", "recent 1d", slackUser},
		{"site", "site ain al asad", slackUser},
		{"site-typo", "site Erbil airbse", slackUser},
		{"site-none", "site Atlantis", slackUser},
		{"onthisday", "onthisday", slackUser},
		{"onthisday-0229", "onthisday 02-29", slackUser},
		{"onthisday-empty", "onthisday 12-25", slackUser},
		{"show", "show 2025-03-13-erbil-air-base", slackUser},
		{"show-known", "show 2024-03-14-taji", slackUser},
		{"show-none", "show 2099-01-01-nowhere", slackUser},
		{"feeds", "feeds", slackUser},
		{"mutes-none", "mutes", slackUser},
		{"mute-refused", "mute site erbil 6h", slackUser},
		{"mute", "mute site erbil air base 6h drill at the base", slackAdminUser},
		{"mute-rule-by-role", "mute strikes 2d", discordEditor},
		{"mutes", "mutes", slackUser},
		{"unmute", "unmute site erbil-air-base", slackAdminUser},
		{"unmute-again", "unmute site erbil-air-base", slackAdminUser},
		{"usage-unknown", "bogus stuff", slackUser},
		{"usage-days", "recent 999", slackUser},
		{"usage-mute", "mute erbil", slackAdminUser},
		{"usage-show", "show ../../etc/passwd", slackUser},
		{"usage-date", "onthisday 02-30", slackUser},
	}
	for _, s := range steps {
		a := f.core.Handle(context.Background(), s.text, s.who)
		out := renderJSON(t, struct {
			Command string `json:"command"`
			Slack   any    `json:"slack"`
			Discord any    `json:"discord"`
		}{"/incidents " + s.text, slackMessage(a, false), discordData(a, false)})
		golden(t, "answer-"+s.name, out)
		checkNoMentions(t, s.name, a)
	}
}

// checkNoMentions fails when a rendered answer could notify anyone: on
// Slack a special mention or any raw "<" (which could open one), on
// Discord a "<@", "<#" or "<!" without the backslash that keeps it text, or
// allowed_mentions other than none; on both a bare @everyone, @here or
// @channel (a zero-width space after the "@" defuses them).
func checkNoMentions(t *testing.T, name string, a Answer) {
	t.Helper()
	for _, shared := range []bool{false, true} {
		sl := string(renderJSON(t, slackMessage(a, shared)))
		for i := strings.Index(sl, "<"); i >= 0; i = next(sl, i) {
			if !strings.HasPrefix(sl[i:], "<https://") && !strings.HasPrefix(sl[i:], "<http://") {
				t.Errorf("%s: Slack answer contains %q", name, notifyTruncate(sl[i:], 20))
			}
		}
		for _, bad := range []string{"@everyone", "@here", "@channel"} {
			if strings.Contains(sl, bad) {
				t.Errorf("%s: Slack answer contains %q", name, bad)
			}
		}
		dc := string(renderJSON(t, discordData(a, shared)))
		if m := discordMention.FindString(dc); m != "" {
			t.Errorf("%s: Discord answer contains %q", name, m)
		}
		for _, bad := range []string{"@everyone", "@here"} {
			if strings.Contains(dc, bad) {
				t.Errorf("%s: Discord answer contains %q", name, bad)
			}
		}
		if !strings.Contains(dc, `"allowed_mentions": {
    "parse": [],`) {
			t.Errorf("%s: Discord answer does not set allowed_mentions.parse to []:\n%s", name, dc)
		}
	}
}

// next returns the index of the next "<" in s after i, or -1.
func next(s string, i int) int {
	j := strings.Index(s[i+1:], "<")
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

func notifyTruncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// discordMention matches a mention that Discord would parse: one whose "<"
// is not escaped (in JSON the backslash is doubled).
var discordMention = regexp.MustCompile(`(^|[^\\])<[@#!:]`)

// renderJSON writes v as indented JSON without escaping <, > and &, so
// that golden files read as the platforms' text. (slack-go's blocks
// marshal themselves with escaping; decoding and encoding again undoes
// it, and sorts the keys.)
func renderJSON(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(x); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestMuteIsStored(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	a := f.core.Handle(ctx, "mute site Ain al-Asad 90m range day", slackAdminUser)
	if a.Failed {
		t.Fatalf("mute failed: %+v", a)
	}
	ms, err := f.st.Mutes(ctx, testNow)
	if err != nil {
		t.Fatal(err)
	}
	want := store.Mute{Kind: store.MuteSite, Target: "ain-al-asad", Until: testNow.Add(90 * time.Minute), CreatedBy: "slack:" + slackAdmin,
		CreatedAt: testNow, Reason: "range day"}
	if len(ms) != 1 {
		t.Fatalf("Mutes = %+v, want one", ms)
	}
	want.ID = ms[0].ID
	if ms[0] != want {
		t.Errorf("stored mute:\n got %+v\nwant %+v", ms[0], want)
	}
	// The pipeline's check finds it.
	if _, ok := store.MutedBy(ms, "ain-al-asad", "attacks"); !ok {
		t.Error("MutedBy does not find the site mute")
	}
}

func TestMutePermissions(t *testing.T) {
	tests := []struct {
		name  string
		who   Caller
		allow bool
	}{
		{"slack admin", slackAdminUser, true},
		{"slack reader", slackUser, false},
		{"discord admin user", Caller{Platform: "discord", UserID: discordAdmin}, true},
		{"discord editor role", discordEditor, true},
		{"discord other roles", Caller{Platform: "discord", UserID: "555555555555555555", RoleIDs: []string{"666666666666666666"}}, false},
		{"no user", Caller{Platform: "discord"}, false},
		// A role id sent as a user id by another platform is still that id.
		{"slack user named like the role", Caller{Platform: "slack", UserID: editorsRole}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, fixtureOptions{})
			ctx := context.Background()
			for _, text := range []string{"mute rule attacks 1h", "unmute rule attacks"} {
				a := f.core.Handle(ctx, text, tt.who)
				refused := a.Failed && strings.HasPrefix(a.Title, "Only admins")
				if refused == tt.allow {
					t.Errorf("%s by %+v: answer %q, want allowed=%v", text, tt.who, a.Title, tt.allow)
				}
				if text == "mute rule attacks 1h" {
					ms, err := f.st.Mutes(ctx, testNow)
					if err != nil {
						t.Fatal(err)
					}
					if (len(ms) == 1) != tt.allow {
						t.Errorf("after %s by %+v: mutes %+v", text, tt.who, ms)
					}
				}
			}
			if !tt.allow && !strings.Contains(f.logs.String(), "not an admin") {
				t.Error("a refused mute is not logged")
			}
		})
	}
}

func TestNoAdminsConfigured(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	core := New(f.bot, Options{Admins: []string{}, Now: func() time.Time { return testNow }})
	a := core.Handle(context.Background(), "mute rule attacks 1h", slackAdminUser)
	if !a.Failed || !strings.Contains(strings.Join(a.Text, " "), "No admins are configured") {
		t.Errorf("answer %+v, want a refusal naming commands.admins", a)
	}
}

func TestPagination(t *testing.T) {
	f := newFixture(t, fixtureOptions{pageSize: 1})
	ctx := context.Background()
	a := f.core.Handle(ctx, "recent 30", slackUser)
	if a.Pages != 3 || a.Page != 1 || a.Prev != nil || a.Next == nil || len(a.Items) != 1 {
		t.Fatalf("page 1: page %d of %d, prev %v, next %v, %d items", a.Page, a.Pages, a.Prev, a.Next, len(a.Items))
	}
	seen := map[string]bool{a.Items[0].IncidentID: true}
	// Follow the "next page" buttons as a platform would: through their
	// encoded values.
	for page := 2; page <= 3; page++ {
		req, err := decode(encode(*a.Next, a.Next.Page))
		if err != nil {
			t.Fatal(err)
		}
		a = f.core.Run(ctx, req, slackUser)
		if a.Page != page || len(a.Items) != 1 || a.Prev == nil {
			t.Fatalf("page %d: got page %d, %d items, prev %v", page, a.Page, len(a.Items), a.Prev)
		}
		if seen[a.Items[0].IncidentID] {
			t.Errorf("page %d repeats %s", page, a.Items[0].IncidentID)
		}
		seen[a.Items[0].IncidentID] = true
	}
	if a.Next != nil {
		t.Errorf("last page has a next page: %+v", a.Next)
	}
	if !strings.HasPrefix(a.Footer, "Page 3 of 3") {
		t.Errorf("footer %q", a.Footer)
	}
	// A page past the end shows the last one.
	a = f.core.Run(ctx, Request{Command: CmdRecent, Days: 30, Page: 99}, slackUser)
	if a.Page != 3 {
		t.Errorf("page 99 of 3: got page %d", a.Page)
	}
	// The share button of page 2 shares page 2.
	a = f.core.Run(ctx, Request{Command: CmdRecent, Days: 30, Page: 2}, slackUser)
	if a.Request == nil || a.Request.Page != 2 {
		t.Errorf("share request %+v, want page 2", a.Request)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		text  string
		want  Request
		usage string // the UsageError's command, or "-" for no error
	}{
		{"", Request{Command: CmdHelp}, "-"},
		{"  HELP ", Request{Command: CmdHelp}, "-"},
		{"recent", Request{Command: CmdRecent, Days: 7}, "-"},
		{"recent 30", Request{Command: CmdRecent, Days: 30}, "-"},
		{"recent 3d Ain al-Asad", Request{Command: CmdRecent, Days: 3, Site: "Ain al-Asad"}, "-"},
		{"recent erbil", Request{Command: CmdRecent, Days: 7, Site: "erbil"}, "-"},
		{"recent 0", Request{}, CmdRecent},
		{"recent 400", Request{}, CmdRecent},
		{"site", Request{}, CmdSite},
		{"site  k-1 ", Request{Command: CmdSite, Site: "k-1"}, "-"},
		{"onthisday", Request{Command: CmdOnThisDay}, "-"},
		{"onthisday 3-5", Request{Command: CmdOnThisDay, Month: 3, Day: 5}, "-"},
		{"onthisday 02/29", Request{Command: CmdOnThisDay, Month: 2, Day: 29}, "-"},
		{"onthisday 02-30", Request{}, CmdOnThisDay},
		{"onthisday 13-01", Request{}, CmdOnThisDay},
		{"onthisday tomorrow", Request{}, CmdOnThisDay},
		{"onthisday 03-05 04-06", Request{}, CmdOnThisDay},
		{"show 2025-03-13-erbil-air-base", Request{Command: CmdShow, ID: "2025-03-13-erbil-air-base"}, "-"},
		{"show", Request{}, CmdShow},
		{"show a b", Request{}, CmdShow},
		{"show x'; DROP TABLE incidents;--", Request{}, CmdShow},
		{"show " + strings.Repeat("a", 65), Request{}, CmdShow},
		{"feeds", Request{Command: CmdFeeds}, "-"},
		{"feeds please", Request{}, CmdFeeds},
		{"mutes", Request{Command: CmdMutes}, "-"},
		{"mute site Ain al-Asad 6h range day", Request{Command: CmdMute, Kind: "site", Target: "Ain al-Asad", For: 6 * time.Hour, Reason: "range day"}, "-"},
		{"mute strikes 2d", Request{Command: CmdMute, Target: "strikes", For: 48 * time.Hour}, "-"},
		{"mute rule strikes 1w", Request{Command: CmdMute, Kind: "rule", Target: "strikes", For: 7 * 24 * time.Hour}, "-"},
		{"mute taji 1h30m", Request{Command: CmdMute, Target: "taji", For: 90 * time.Minute}, "-"},
		{"mute taji", Request{}, CmdMute},
		{"mute 6h", Request{}, CmdMute},
		{"mute taji 30s", Request{}, CmdMute},
		{"mute taji 100d", Request{}, CmdMute},
		{"unmute site taji", Request{Command: CmdUnmute, Kind: "site", Target: "taji"}, "-"},
		{"unmute", Request{}, CmdUnmute},
		{"frobnicate", Request{}, ""},
		{strings.Repeat("recent ", 100), Request{}, ""},
		// Control characters and line breaks become spaces; bidi overrides go.
		{"site\u0000erbil\nair\u202ebase", Request{Command: CmdSite, Site: "erbil airbase"}, "-"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.text)
		if tt.usage == "-" {
			if err != nil {
				t.Errorf("Parse(%q): %v", tt.text, err)
				continue
			}
			if got != tt.want {
				t.Errorf("Parse(%q) =\n %+v\nwant %+v", tt.text, got, tt.want)
			}
			// What buttons carry reads back the same.
			again, err := Parse(got.String())
			if err != nil || again != got {
				t.Errorf("Parse(%q.String() = %q) = %+v, %v; want %+v", tt.text, got.String(), again, err, got)
			}
			continue
		}
		ue, ok := err.(*UsageError)
		if !ok {
			t.Errorf("Parse(%q) = %+v, %v; want a usage error", tt.text, got, err)
			continue
		}
		if ue.Command != tt.usage {
			t.Errorf("Parse(%q): usage of %q, want %q (%s)", tt.text, ue.Command, tt.usage, ue.Msg)
		}
	}
}

func TestDecodeRefusesMutes(t *testing.T) {
	for _, v := range []string{"1:mute rule attacks 1h", "1:unmute rule attacks", "0:recent 7", "x:recent", "recent 7", "2:bogus"} {
		if r, err := decode(v); err == nil {
			t.Errorf("decode(%q) = %+v, want an error", v, r)
		}
	}
	r, err := decode("3:recent 5 taji")
	if err != nil || r.Page != 3 || r.Days != 5 || r.Site != "taji" {
		t.Errorf("decode = %+v, %v", r, err)
	}
}

func TestFormatDuration(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{90 * time.Minute, "1h30m"}, {6 * time.Hour, "6h"}, {48 * time.Hour, "2d"}, {30 * time.Minute, "30m"}, {25 * time.Hour, "25h"},
	} {
		got := formatDuration(tt.d)
		if got != tt.want {
			t.Errorf("formatDuration(%s) = %q, want %q", tt.d, got, tt.want)
		}
		if back, ok := parseDuration(got); !ok || back != tt.d {
			t.Errorf("parseDuration(%q) = %s, %v", got, back, ok)
		}
	}
}
