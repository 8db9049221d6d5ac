package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot/notify"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

var (
	baghdad = time.FixedZone("+03", 3*3600)
	start   = time.Date(2024, 3, 5, 11, 17, 0, 0, time.UTC)
)

// clock is a fake clock; its sleep advances it and records the wait.
type clock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.t = c.t.Add(d)
	return ctx.Err()
}

func (c *clock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.waits)
}

func newOutput(t *testing.T, f *fakeDiscord, mode, token string) (*Output, *clock) {
	t.Helper()
	c := &clock{t: start}
	if token == "" {
		token = f.token
	}
	o, err := New(Config{Token: token, APIURL: f.srv.URL + "/api/v9/", Mode: mode, Location: baghdad,
		Now: c.now, Sleep: c.sleep, HTTPClient: f.srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return o, c
}

// sampleAlert is an invented incident: site, outlets and wording are made up.
func sampleAlert() notify.Alert {
	return notify.Alert{
		Kind:        "alert",
		IncidentID:  "inc-20240305-0007",
		Rule:        "iraq-bases",
		Reason:      "drone + named base + attack verb",
		Weapon:      "drone",
		Site:        "Harir Air Base",
		Country:     "Iraq",
		Latitude:    36.5321,
		Longitude:   44.3402,
		EventDate:   time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC),
		ReportedAt:  time.Date(2024, 3, 5, 11, 5, 0, 0, time.UTC),
		Projectiles: 2,
		Killed:      -1,
		Wounded:     3,
		Actor:       "Example Brigades",
		ActorRole:   "claimed",
		Title:       "Two drones hit Harir base in Erbil province, three hurt",
		Sources: []notify.Source{
			{Feed: "Example Wire", Title: "Two drones hit Harir base", Link: "https://wire.example/a/1"},
			{Feed: "Sample Daily", Title: "Harir base attacked", Link: "https://daily.example/harir_(live)?id=2&lang=en"},
			{Feed: "", Title: "Untitled outlet report", Link: ""},
		},
		SourceCount: 5,
	}
}

func updatedAlert() notify.Alert {
	a := sampleAlert()
	a.Kind = "update"
	a.Killed = 1
	a.SourceCount = 7
	a.Changes = []string{"Toll now 1 killed, 3 wounded"}
	return a
}

func payload(t *testing.T, calls []fakeCall) []byte {
	t.Helper()
	var out []map[string]any
	for _, c := range calls {
		m := map[string]any{"method": c.Method, "path": c.Path}
		var body any
		if err := json.Unmarshal(c.Body, &body); err != nil {
			t.Fatalf("%s %s body is not JSON: %v", c.Method, c.Path, err)
		}
		m["body"] = body
		out = append(out, m)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s:\n--- got\n%s\n--- want\n%s", name, path, got, want)
	}
}

func TestPost(t *testing.T) {
	f := newFakeDiscord(t, "1200000000000000001")
	o, _ := newOutput(t, f, "", "")
	ref, err := o.Post(context.Background(), "1200000000000000001", sampleAlert(), "alert:inc-20240305-0007:discord:1200000000000000001")
	if err != nil {
		t.Fatal(err)
	}
	if ref != "1200000000000000001|1214000000000000001" {
		t.Errorf("ref = %q", ref)
	}
	golden(t, "alert", payload(t, f.writes()))
}

func TestUpdateModes(t *testing.T) {
	const ch = "1200000000000000001"
	for _, tc := range []struct {
		mode     string
		requests []string
		reply    bool
	}{
		{ModeEdit, []string{"POST messages", "PATCH message"}, false},
		{ModeThread, []string{"POST messages", "GET messages", "POST messages"}, true},
		{ModeBoth, []string{"POST messages", "PATCH message", "GET messages", "POST messages"}, true},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			f := newFakeDiscord(t, ch)
			o, _ := newOutput(t, f, tc.mode, "")
			ctx := context.Background()
			ref, err := o.Post(ctx, ch, sampleAlert(), "k-alert")
			if err != nil {
				t.Fatal(err)
			}
			got, err := o.Update(ctx, ch, ref, updatedAlert(), "k-update-1")
			if err != nil {
				t.Fatal(err)
			}
			if r := f.requests(); !slices.Equal(r, tc.requests) {
				t.Errorf("requests = %v, want %v", r, tc.requests)
			}
			f.mu.Lock()
			msgs := slices.Clone(f.channels[ch])
			f.mu.Unlock()
			if tc.reply {
				if len(msgs) != 2 || got != ch+"|"+msgs[1].ID || !strings.Contains(string(msgs[1].Reference), msgs[0].ID) {
					t.Errorf("Update = %q; messages %d; reply reference %s", got, len(msgs), msgs[len(msgs)-1].Reference)
				}
			} else if got != ref || len(msgs) != 1 || !msgs[0].Edited {
				t.Errorf("edit mode: Update = %q (want %q), %d messages", got, ref, len(msgs))
			}
			golden(t, "update-"+tc.mode, payload(t, f.writes()[1:]))

			// A retry of the same delivery finds its reply, even past the
			// minutes in which Discord honours the nonce.
			f.mu.Lock()
			clear(f.nonces)
			f.mu.Unlock()
			again, err := o.Update(ctx, ch, ref, updatedAlert(), "k-update-1")
			if err != nil {
				t.Fatal(err)
			}
			if again != got || f.count(ch) != len(msgs) {
				t.Errorf("repeated Update = %q (first %q), messages %d -> %d", again, got, len(msgs), f.count(ch))
			}
		})
	}
}

func TestUpdateBadRef(t *testing.T) {
	f := newFakeDiscord(t, "1200000000000000001")
	o, _ := newOutput(t, f, ModeBoth, "")
	if _, err := o.Update(context.Background(), "1200000000000000001", "nope", updatedAlert(), "k"); err == nil || notify.Retryable(err) {
		t.Errorf("bad ref: %v", err)
	}
	_, err := o.Update(context.Background(), "1200000000000000001", "1200000000000000001|99", updatedAlert(), "k")
	if err == nil || notify.Retryable(err) || notify.IsAuth(err) || !strings.Contains(err.Error(), "Unknown Message") {
		t.Errorf("edit of a missing message: %v", err)
	}
}

func TestRecap(t *testing.T) {
	date := time.Date(2024, 3, 5, 0, 0, 0, 0, baghdad)
	lines := []notify.RecapLine{
		{IncidentID: "inc-1", Year: 2020, Site: "Harir Air Base", Weapon: "rocket", Killed: 0, Wounded: 0, Link: "https://wire.example/2020?a=1&b=2"},
		{IncidentID: "inc-2", Year: 2022, Site: "Camp *Example*", Weapon: "drone", Killed: 2, Wounded: -1, Link: "javascript:alert(1)"},
	}
	for _, tc := range []struct {
		name  string
		recap notify.Recap
		posts bool
	}{
		{"recap", notify.Recap{Date: date, Lines: lines}, true},
		{"recap-empty-text", notify.Recap{Date: date, Empty: "No attacks recorded on this date."}, true},
		{"recap-empty", notify.Recap{Date: date}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeDiscord(t, "1200000000000000001")
			o, _ := newOutput(t, f, "", "")
			ref, err := o.PostRecap(context.Background(), "1200000000000000001", tc.recap, "recap:03-05")
			if err != nil {
				t.Fatal(err)
			}
			if !tc.posts {
				if ref != "" || len(f.requests()) != 0 {
					t.Errorf("empty recap posted: ref %q, requests %v", ref, f.requests())
				}
				return
			}
			golden(t, tc.name, payload(t, f.writes()))
		})
	}
}

func TestRecapManyLines(t *testing.T) {
	var lines []notify.RecapLine
	for i := range 300 {
		lines = append(lines, notify.RecapLine{Year: 1900 + i, Site: "Site " + strings.Repeat("x", 20), Weapon: "rocket", Killed: i, Wounded: -1, Link: "https://wire.example/x"})
	}
	e := recapEmbed(notify.Recap{Date: start, Lines: lines}, "tag")
	if n := len([]rune(e.Description)); n > maxDescription {
		t.Errorf("description has %d characters", n)
	}
	if !strings.Contains(e.Description, "more") {
		t.Error("a cut recap does not say how many lines were left out")
	}
}

func TestEscaping(t *testing.T) {
	const ch = "1200000000000000001"
	f := newFakeDiscord(t, ch)
	o, _ := newOutput(t, f, "", "")
	a := sampleAlert()
	a.Title = "# @everyone @here <@123456> <@&42> <#77> *bold* __under__ `code` <script>alert(1)</script> [x](https://evil.example)"
	a.Actor = "@everyone"
	a.Site = "Base ||spoiler||"
	if _, err := o.Post(context.Background(), ch, a, "k"); err != nil {
		t.Fatal(err)
	}
	var body struct {
		Embeds []struct {
			Title       string
			Description string
			Fields      []struct{ Name, Value string }
		}
		AllowedMentions *struct {
			Parse       []string `json:"parse"`
			RepliedUser bool     `json:"replied_user"`
		} `json:"allowed_mentions"`
		Nonce        string `json:"nonce"`
		EnforceNonce bool   `json:"enforce_nonce"`
	}
	if err := json.Unmarshal(f.writes()[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.AllowedMentions == nil || body.AllowedMentions.Parse == nil || len(body.AllowedMentions.Parse) != 0 || body.AllowedMentions.RepliedUser {
		t.Errorf("allowed_mentions = %+v, want parse [] and no replied user", body.AllowedMentions)
	}
	if body.Nonce != Nonce("k") || len(body.Nonce) > 25 || !body.EnforceNonce {
		t.Errorf("nonce %q enforce %v", body.Nonce, body.EnforceNonce)
	}
	e := body.Embeds[0]
	texts := []string{e.Title, e.Description}
	for _, fl := range e.Fields {
		texts = append(texts, fl.Value)
	}
	for _, s := range texts {
		for _, bad := range []string{"@everyone", "@here", "<@123456>", "<@&42>", "<#77>", "*bold*", "__under__", "`code`", "<script>", "||spoiler||", "[x](https://evil.example)", "# "} {
			if unescaped(s, bad) {
				t.Errorf("%q left unescaped in %q", bad, s)
			}
		}
	}
	if want := `\# @` + "\u200b" + `everyone @` + "\u200b" + `here \<@123456> \<@&42> \<#77> \*bold\* \_\_under\_\_ \` + "`code\\`" + ` \<script>alert(1)\</script> \[x\](https://evil.example)`; !strings.HasPrefix(e.Description, want) {
		t.Errorf("description = %q\nwant it to contain %q", e.Description, want)
	}
}

// unescaped reports whether bad occurs in s without a backslash before it.
func unescaped(s, bad string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], bad)
		if j < 0 {
			return false
		}
		if i+j == 0 || s[i+j-1] != '\\' {
			return true
		}
		i += j + 1
	}
}

func TestFind(t *testing.T) {
	const ch = "1200000000000000001"
	f := newFakeDiscord(t, ch)
	c := &clock{t: start}
	o, err := New(Config{Token: f.token, APIURL: f.srv.URL + "/api/v9/", Now: c.now, Sleep: c.sleep, FindDepth: 300})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	want, err := o.Post(ctx, ch, sampleAlert(), "k-first")
	if err != nil {
		t.Fatal(err)
	}
	// Bury it under more than one page of other messages.
	for i := range 120 {
		if i%3 == 0 {
			f.addHuman(ch)
			continue
		}
		if _, err := o.Post(ctx, ch, sampleAlert(), "k-other"); err != nil {
			t.Fatal(err)
		}
	}
	got, err := o.Find(ctx, ch, "k-first")
	if err != nil || got != want {
		t.Errorf("Find = %q, %v; want %q", got, err, want)
	}
	if got, err := o.Find(ctx, ch, "k-never-sent"); err != nil || got != "" {
		t.Errorf("Find of an unsent key = %q, %v", got, err)
	}
	if _, err := o.Find(ctx, "999", "k"); err == nil || notify.Retryable(err) {
		t.Errorf("Find in an unknown channel: %v", err)
	}
}

// TestNoDoublePost: the message reaches Discord but the answer is lost. After
// a restart, beyond the nonce's few minutes, Find recognises the message by
// its footer tag.
func TestNoDoublePost(t *testing.T) {
	const ch = "1200000000000000001"
	f := newFakeDiscord(t, ch)
	o, _ := newOutput(t, f, "", "")
	f.mu.Lock()
	f.hang = true
	f.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	_, err := o.Post(ctx, ch, sampleAlert(), "k-crash")
	cancel()
	if err == nil || !notify.Retryable(err) {
		t.Fatalf("lost answer: err %v, retryable %v", err, notify.Retryable(err))
	}
	f.mu.Lock()
	clear(f.nonces)
	f.mu.Unlock()
	o2, _ := newOutput(t, f, "", "")
	ref, err := o2.Find(context.Background(), ch, "k-crash")
	if err != nil || ref == "" {
		t.Fatalf("Find after the lost answer = %q, %v", ref, err)
	}
	if n := f.count(ch); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}

// TestNonce: a quick resend with the same key gets the first message back
// (enforce_nonce) instead of a second one.
func TestNonce(t *testing.T) {
	const ch = "1200000000000000001"
	f := newFakeDiscord(t, ch)
	o, _ := newOutput(t, f, "", "")
	first, err := o.Post(context.Background(), ch, sampleAlert(), "k")
	if err != nil {
		t.Fatal(err)
	}
	second, err := o.Post(context.Background(), ch, sampleAlert(), "k")
	if err != nil || second != first || f.count(ch) != 1 {
		t.Errorf("resend = %q, %v (first %q), %d messages", second, err, first, f.count(ch))
	}
}

func TestErrors(t *testing.T) {
	const ch = "1200000000000000001"
	for _, tc := range []struct {
		name      string
		status    int
		header    map[string]string
		body      string
		token     string
		retryable bool
		auth      bool
		wait      time.Duration
		global    bool
	}{
		{name: "429", status: 429, header: map[string]string{"Retry-After": "3", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "2.500", "X-RateLimit-Scope": "user"},
			body: `{"message": "You are being rate limited.", "retry_after": 2.5, "global": false}`, retryable: true, wait: 2500 * time.Millisecond},
		{name: "429 global", status: 429, header: map[string]string{"Retry-After": "1", "X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"},
			body: `{"message": "You are being rate limited.", "retry_after": 0.75, "global": true}`, retryable: true, wait: 750 * time.Millisecond, global: true},
		{name: "429 from a proxy", status: 429, header: map[string]string{"Retry-After": "2"}, body: `<html>slow down</html>`, retryable: true, wait: 2 * time.Second},
		{name: "500", status: 500, body: `{"message": "500: Internal Server Error", "code": 0}`, retryable: true},
		{name: "502", status: 502, body: `<html>bad gateway</html>`, retryable: true},
		{name: "401", token: "wrong-token", auth: true},
		{name: "403", status: 403, body: `{"message": "Missing Permissions", "code": 50013}`, auth: true},
		{name: "404", status: 404, body: `{"message": "Unknown Channel", "code": 10003}`},
		{name: "400", status: 400, body: `{"code": 50035, "errors": {"embeds": {"0": {"title": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 256 or fewer in length."}]}}}}, "message": "Invalid Form Body"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeDiscord(t, ch, "1200000000000000002")
			if tc.status != 0 {
				f.queue("POST", "messages", tc.status, tc.header, tc.body)
			}
			o, c := newOutput(t, f, "", tc.token)
			_, err := o.Post(context.Background(), ch, sampleAlert(), "k")
			if err == nil {
				t.Fatal("no error")
			}
			if got := notify.Retryable(err); got != tc.retryable {
				t.Errorf("Retryable = %v: %v", got, err)
			}
			if got := notify.IsAuth(err); got != tc.auth {
				t.Errorf("IsAuth = %v: %v", got, err)
			}
			wait, ok := notify.RetryAfter(err)
			if ok != (tc.wait > 0) || wait != tc.wait {
				t.Errorf("RetryAfter = %v, %v; want %v (%v)", wait, ok, tc.wait, err)
			}
			if strings.Contains(err.Error(), f.token) || (tc.token != "" && strings.Contains(err.Error(), tc.token)) {
				t.Errorf("error leaks the token: %v", err)
			}
			if !strings.Contains(err.Error(), ch) {
				t.Errorf("error does not name the channel: %v", err)
			}
			if tc.retryable && tc.wait == 0 {
				// The platform recovers: the retry goes through.
				if ref, err := o.Post(context.Background(), ch, sampleAlert(), "k"); err != nil || ref == "" {
					t.Errorf("retry after %s: %q, %v", tc.name, ref, err)
				}
			}
			if tc.wait > 0 {
				// The next message waits exactly what Discord asked, in the
				// output's pacer (discordgo does not sleep); a global limit
				// holds other channels too.
				other := ch
				if tc.global {
					other = "1200000000000000002"
				}
				if _, err := o.Post(context.Background(), other, sampleAlert(), "k2"); err != nil {
					t.Fatal(err)
				}
				if w := c.slept(); len(w) != 1 || w[0] != tc.wait {
					t.Errorf("next post waited %v, want [%v]", w, tc.wait)
				}
			}
		})
	}
}

func TestBucketHeadersPace(t *testing.T) {
	// Remaining 0 with a reset: the output waits in its own pacer rather
	// than inside discordgo.
	const ch = "1200000000000000001"
	f := newFakeDiscord(t, ch)
	o, c := newOutput(t, f, "", "")
	ctx := context.Background()
	if _, err := o.Post(ctx, ch, sampleAlert(), "k1"); err != nil {
		t.Fatal(err)
	}
	f.queue("POST", "messages", 200, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "4.2"},
		`{"id": "1214000000000000099", "channel_id": "`+ch+`", "type": 0, "content": "", "embeds": [], "author": {"id": "2222", "username": "basewatch", "bot": true}}`)
	if _, err := o.Post(ctx, ch, sampleAlert(), "k2"); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Post(ctx, ch, sampleAlert(), "k3"); err != nil {
		t.Fatal(err)
	}
	if w := c.slept(); len(w) != 1 || w[0] != 4200*time.Millisecond {
		t.Errorf("waits = %v, want [4.2s]", w)
	}
}

func TestPacing(t *testing.T) {
	const ch = "1200000000000000001"
	f := newFakeDiscord(t, ch, "1200000000000000002")
	o, c := newOutput(t, f, "", "")
	ctx := context.Background()
	for i := range 6 {
		if _, err := o.Post(ctx, ch, sampleAlert(), "k"+string(rune('a'+i))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := o.Post(ctx, "1200000000000000002", sampleAlert(), "k"); err != nil {
		t.Fatal(err)
	}
	if w := c.slept(); !slices.Equal(w, []time.Duration{5 * time.Second}) {
		t.Errorf("waits = %v, want one 5s wait after five posts to one channel", w)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := o.Post(cctx, ch, sampleAlert(), "k"); !errors.Is(err, context.Canceled) {
		t.Errorf("Post with a cancelled context: %v", err)
	}
}

func TestNewConfig(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "no token"},
		{Config{Token: "x", Mode: "never"}, `mode "never"`},
		{Config{Token: "x", APIURL: "http://proxy.example/api/v9"}, `end with "/"`},
		{Config{Token: "x", APIURL: "proxy.example/api/v9/"}, "api_url"},
	} {
		if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want error with %q", tc.cfg, err, tc.want)
		}
	}
}

// TestTwoBases: outputs with different API URLs in one process each reach
// their own server.
func TestTwoBases(t *testing.T) {
	const ch = "1200000000000000001"
	f1, f2 := newFakeDiscord(t, ch), newFakeDiscord(t, ch)
	o1, _ := newOutput(t, f1, "", "")
	o2, _ := newOutput(t, f2, "", "")
	if _, err := o1.Post(context.Background(), ch, sampleAlert(), "k"); err != nil {
		t.Fatal(err)
	}
	if _, err := o2.Post(context.Background(), ch, sampleAlert(), "k"); err != nil {
		t.Fatal(err)
	}
	if f1.count(ch) != 1 || f2.count(ch) != 1 {
		t.Errorf("messages: %d and %d, want 1 each", f1.count(ch), f2.count(ch))
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"@everyone", "<@123>", "*a*", "# title", "[x](y)", "\\", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := escape(s)
		for _, bad := range []string{"@everyone", "@here", "<", "*", "_", "`", "|", "~", "[", "]"} {
			if unescaped(e, bad) {
				t.Fatalf("escape(%q) = %q leaves %q unescaped", s, e, bad)
			}
		}
	})
}

func BenchmarkAlertEmbed(b *testing.B) {
	v := notify.NewView(sampleAlert(), baghdad, start)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(alertEmbed(v, "tag", "")); err != nil {
			b.Fatal(err)
		}
	}
}
