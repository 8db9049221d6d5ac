package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot/notify"
	"github.com/basewatch/basewatch/bot/notify/slack/slacktest"
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

// testToken is the only token the fake Slack accepts.
const testToken = "xoxb-test-token-123"

// newFakeSlack starts a fake Slack with channels, closed with the test.
func newFakeSlack(t *testing.T, channels ...string) *slacktest.Server {
	f := slacktest.NewServer(slacktest.Config{Token: testToken, Channels: channels})
	t.Cleanup(f.Close)
	return f
}

// writes returns the chat.* calls the fake saw, oldest first.
func writes(f *slacktest.Server) []slacktest.Call {
	var out []slacktest.Call
	for _, c := range f.Calls() {
		if strings.HasPrefix(c.Method, "chat.") {
			out = append(out, c)
		}
	}
	return out
}

func newOutput(t *testing.T, f *slacktest.Server, mode string) (*Output, *clock) {
	t.Helper()
	c := &clock{t: start}
	o, err := New(Config{Token: testToken, APIURL: f.URL + "/api", Mode: mode, Location: baghdad,
		Now: c.now, Sleep: c.sleep, HTTPClient: f.Client()})
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
			{Feed: "Sample Daily", Title: "Harir base attacked", Link: "https://daily.example/harir?id=2&lang=en"},
			{Feed: "Pipe|News", Title: "x", Link: "https://pipe.example/a|b"},
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

// payload turns recorded calls into readable JSON for golden files.
func payload(t *testing.T, calls []slacktest.Call) []byte {
	t.Helper()
	var out []map[string]any
	for _, c := range calls {
		m := map[string]any{"method": c.Method}
		for k, v := range c.Form {
			switch k {
			case "blocks", "metadata":
				var x any
				if err := json.Unmarshal([]byte(v), &x); err != nil {
					t.Fatalf("%s %s is not JSON: %v", c.Method, k, err)
				}
				m[k] = x
			default:
				m[k] = v
			}
		}
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
	f := newFakeSlack(t, "C0ALERTS")
	o, _ := newOutput(t, f, "")
	ref, err := o.Post(context.Background(), "C0ALERTS", sampleAlert(), "alert:inc-20240305-0007:slack:C0ALERTS")
	if err != nil {
		t.Fatal(err)
	}
	if ref != "C0ALERTS|1709637001.000100" {
		t.Errorf("ref = %q", ref)
	}
	golden(t, "alert", payload(t, writes(f)))
}

func TestUpdateModes(t *testing.T) {
	for _, tc := range []struct {
		mode    string
		methods []string
		reply   bool
	}{
		{ModeEdit, []string{"chat.postMessage", "chat.update"}, false},
		{ModeThread, []string{"chat.postMessage", "conversations.replies", "chat.postMessage"}, true},
		{ModeBoth, []string{"chat.postMessage", "chat.update", "conversations.replies", "chat.postMessage"}, true},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			f := newFakeSlack(t, "C0ALERTS")
			o, _ := newOutput(t, f, tc.mode)
			ctx := context.Background()
			ref, err := o.Post(ctx, "C0ALERTS", sampleAlert(), "k-alert")
			if err != nil {
				t.Fatal(err)
			}
			got, err := o.Update(ctx, "C0ALERTS", ref, updatedAlert(), "k-update-1")
			if err != nil {
				t.Fatal(err)
			}
			if m := f.Methods(); !slices.Equal(m, tc.methods) {
				t.Errorf("calls = %v, want %v", m, tc.methods)
			}
			replies := f.Replies(strings.TrimPrefix(ref, "C0ALERTS|"))
			if tc.reply {
				if len(replies) != 1 || got != "C0ALERTS|"+replies[0].TS {
					t.Errorf("Update = %q, thread has %d replies", got, len(replies))
				}
			} else if got != ref || len(replies) != 0 {
				t.Errorf("edit mode: Update = %q (want %q), %d replies", got, ref, len(replies))
			}
			golden(t, "update-"+tc.mode, payload(t, writes(f)[1:]))

			// The same delivery again (a retry after a lost answer) finds
			// its reply in the thread instead of posting a second one.
			again, err := o.Update(ctx, "C0ALERTS", ref, updatedAlert(), "k-update-1")
			if err != nil {
				t.Fatal(err)
			}
			n := len(f.Replies(strings.TrimPrefix(ref, "C0ALERTS|")))
			if again != got || n != len(replies) {
				t.Errorf("repeated Update = %q (first %q), replies %d -> %d", again, got, len(replies), n)
			}
		})
	}
}

func TestUpdateBadRef(t *testing.T) {
	f := newFakeSlack(t, "C0ALERTS")
	o, _ := newOutput(t, f, ModeBoth)
	_, err := o.Update(context.Background(), "C0ALERTS", "no-separator", updatedAlert(), "k")
	if err == nil || notify.Retryable(err) {
		t.Errorf("bad ref: %v (retryable %v)", err, notify.Retryable(err))
	}
	_, err = o.Update(context.Background(), "C0ALERTS", "C0ALERTS|1.2", updatedAlert(), "k")
	if err == nil || notify.Retryable(err) || !strings.Contains(err.Error(), "message_not_found") {
		t.Errorf("edit of a missing message: %v", err)
	}
}

func TestRecap(t *testing.T) {
	date := time.Date(2024, 3, 5, 0, 0, 0, 0, baghdad)
	lines := []notify.RecapLine{
		{IncidentID: "inc-1", Year: 2020, Site: "Harir Air Base", Weapon: "rocket", Killed: 0, Wounded: 0, Link: "https://wire.example/2020?a=1&b=2"},
		{IncidentID: "inc-2", Year: 2022, Site: "Camp <Example>", Weapon: "drone", Killed: 2, Wounded: -1, Link: "javascript:alert(1)"},
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
			f := newFakeSlack(t, "C0ALERTS")
			o, _ := newOutput(t, f, "")
			ref, err := o.PostRecap(context.Background(), "C0ALERTS", tc.recap, "recap:03-05")
			if err != nil {
				t.Fatal(err)
			}
			if !tc.posts {
				if ref != "" || len(f.Methods()) != 0 {
					t.Errorf("empty recap posted: ref %q, calls %v", ref, f.Methods())
				}
				return
			}
			if ref == "" {
				t.Error("no ref")
			}
			golden(t, tc.name, payload(t, writes(f)))
		})
	}
}

func TestRecapManyLines(t *testing.T) {
	var lines []notify.RecapLine
	for i := range 400 {
		lines = append(lines, notify.RecapLine{Year: 1900 + i, Site: strings.Repeat("Site ", 10), Weapon: "rocket", Killed: i, Wounded: -1, Link: "https://wire.example/x"})
	}
	blocks := recapBlocks(notify.Recap{Date: start, Lines: lines})
	if len(blocks) > 50 {
		t.Fatalf("%d blocks, Slack allows 50", len(blocks))
	}
	b, _ := json.Marshal(blocks)
	var parsed []struct {
		Text struct{ Text string } `json:"text"`
	}
	if err := json.Unmarshal(b, &parsed); err != nil {
		t.Fatal(err)
	}
	for i, p := range parsed {
		if n := len([]rune(p.Text.Text)); n > maxSection {
			t.Errorf("block %d has %d characters", i, n)
		}
	}
}

func TestEscaping(t *testing.T) {
	f := newFakeSlack(t, "C0ALERTS")
	o, _ := newOutput(t, f, "")
	a := sampleAlert()
	a.Title = "<!everyone> @everyone *bold* <script>alert(1)</script> A&B <https://evil.example|click>"
	a.Site = "Base <!here>"
	a.Actor = "<@U123ABC>"
	a.Sources[0].Feed = "Feed <!channel>"
	if _, err := o.Post(context.Background(), "C0ALERTS", a, "k"); err != nil {
		t.Fatal(err)
	}
	form := writes(f)[0].Form
	for _, field := range []string{"blocks", "text"} {
		// Only plain_text (the header) may carry the raw text; every mrkdwn
		// string must have < > & escaped.
		var texts []string
		if field == "text" {
			texts = []string{form["text"]}
		} else {
			texts = mrkdwnTexts(t, form["blocks"])
		}
		for _, s := range texts {
			for _, bad := range []string{"<!everyone>", "<!here>", "<!channel>", "<@U123ABC>", "<script>", "<https://evil.example|click>", "A&B"} {
				if strings.Contains(s, bad) {
					t.Errorf("%s contains %q unescaped: %s", field, bad, s)
				}
			}
		}
	}
	if !strings.Contains(form["blocks"], "\u0026lt;!everyone\u0026gt; @everyone *bold* \u0026lt;script\u0026gt;") &&
		!strings.Contains(form["blocks"], `\u0026lt;!everyone\u0026gt; @everyone *bold* \u0026lt;script\u0026gt;`) {
		t.Errorf("escaped title not found in blocks: %s", form["blocks"])
	}
	if form["link_names"] == "1" || form["link_names"] == "true" {
		t.Error("link_names would turn @everyone into a ping")
	}
}

// mrkdwnTexts returns every mrkdwn string in a blocks payload.
func mrkdwnTexts(t *testing.T, blocks string) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(blocks), &v); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			if x["type"] == "mrkdwn" {
				out = append(out, x["text"].(string))
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(v)
	if len(out) == 0 {
		t.Fatal("no mrkdwn in blocks")
	}
	return out
}

func TestFind(t *testing.T) {
	f := newFakeSlack(t, "C0ALERTS")
	c := &clock{t: start}
	o, err := New(Config{Token: testToken, APIURL: f.APIURL(), Now: c.now, Sleep: c.sleep, FindDepth: 500})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	want, err := o.Post(ctx, "C0ALERTS", sampleAlert(), "k-first")
	if err != nil {
		t.Fatal(err)
	}
	// Bury it under more messages than one page of history.
	for i := range 205 {
		if _, err := o.Post(ctx, "C0ALERTS", sampleAlert(), "k-other-"+string(rune('a'+i%26))); err != nil {
			t.Fatal(err)
		}
	}
	got, err := o.Find(ctx, "C0ALERTS", "k-first")
	if err != nil || got != want {
		t.Errorf("Find = %q, %v; want %q", got, err, want)
	}
	got, err = o.Find(ctx, "C0ALERTS", "k-never-sent")
	if err != nil || got != "" {
		t.Errorf("Find of an unsent key = %q, %v", got, err)
	}
	if _, err := o.Find(ctx, "C0MISSING", "k"); err == nil || notify.Retryable(err) {
		t.Errorf("Find in a missing channel: %v", err)
	}
}

// TestNoDoublePost: the message reaches Slack but the answer is lost (the
// process dies or times out between the send and the outbox update). The
// retry looks first, finds the message by its key, and posts nothing.
func TestNoDoublePost(t *testing.T) {
	f := newFakeSlack(t, "C0ALERTS")
	o, _ := newOutput(t, f, "")
	f.HangNext()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	_, err := o.Post(ctx, "C0ALERTS", sampleAlert(), "k-crash")
	cancel()
	if err == nil || !notify.Retryable(err) {
		t.Fatalf("lost answer: err %v, retryable %v", err, notify.Retryable(err))
	}
	// After the restart: a new output, same server.
	o2, _ := newOutput(t, f, "")
	ref, err := o2.Find(context.Background(), "C0ALERTS", "k-crash")
	if err != nil || ref == "" {
		t.Fatalf("Find after the lost answer = %q, %v", ref, err)
	}
	n := len(f.Messages("C0ALERTS"))
	if n != 1 {
		t.Errorf("%d messages in the channel, want 1", n)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		header    map[string]string
		body      string
		token     string
		retryable bool
		auth      bool
		wait      time.Duration
	}{
		{name: "429", status: 429, header: map[string]string{"Retry-After": "3"}, body: `{"ok":false,"error":"ratelimited"}`, retryable: true, wait: 3 * time.Second},
		{name: "500", status: 500, body: "<html>oops</html>", retryable: true},
		{name: "503", status: 503, body: "", retryable: true},
		{name: "invalid_auth", token: "xoxb-wrong", retryable: false, auth: true},
		{name: "token_revoked", status: 200, body: `{"ok":false,"error":"token_revoked"}`, retryable: false, auth: true},
		{name: "missing_scope", status: 200, body: `{"ok":false,"error":"missing_scope","needed":"chat:write","provided":"channels:read"}`, auth: true},
		{name: "not_in_channel", status: 200, body: `{"ok":false,"error":"not_in_channel"}`, auth: true},
		{name: "channel_not_found", status: 200, body: `{"ok":false,"error":"channel_not_found"}`},
		{name: "internal_error", status: 200, body: `{"ok":false,"error":"internal_error"}`, retryable: true},
		{name: "403", status: 403, body: "", auth: true},
		{name: "404", status: 404, body: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSlack(t, "C0ALERTS")
			if tc.status != 0 {
				f.Queue("chat.postMessage", tc.status, tc.header, tc.body)
			}
			token := testToken
			if tc.token != "" {
				token = tc.token
			}
			c := &clock{t: start}
			o, err := New(Config{Token: token, APIURL: f.APIURL(), Now: c.now, Sleep: c.sleep})
			if err != nil {
				t.Fatal(err)
			}
			_, err = o.Post(context.Background(), "C0ALERTS", sampleAlert(), "k")
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
				t.Errorf("RetryAfter = %v, %v; want %v", wait, ok, tc.wait)
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("error leaks the token: %v", err)
			}
			if !strings.Contains(err.Error(), "chat.postMessage") || !strings.Contains(err.Error(), "C0ALERTS") {
				t.Errorf("error does not say what failed where: %v", err)
			}
			if tc.retryable && tc.wait == 0 {
				// The platform recovers: the retry goes through.
				if ref, err := o.Post(context.Background(), "C0ALERTS", sampleAlert(), "k"); err != nil || ref == "" {
					t.Errorf("retry after %s: %q, %v", tc.name, ref, err)
				}
			}
			if tc.wait > 0 {
				// The channel is held for the wait Slack asked for.
				c.mu.Lock()
				c.waits = nil
				c.mu.Unlock()
				if _, err := o.Post(context.Background(), "C0ALERTS", sampleAlert(), "k"); err != nil {
					t.Fatal(err)
				}
				if w := c.slept(); len(w) != 1 || w[0] != tc.wait {
					t.Errorf("next post waited %v, want [%v]", w, tc.wait)
				}
			}
		})
	}
}

func TestPacing(t *testing.T) {
	f := newFakeSlack(t, "C0ALERTS", "C0OTHER")
	o, c := newOutput(t, f, "")
	ctx := context.Background()
	for range 3 {
		if _, err := o.Post(ctx, "C0ALERTS", sampleAlert(), "k"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := o.Post(ctx, "C0OTHER", sampleAlert(), "k"); err != nil {
		t.Fatal(err)
	}
	if w := c.slept(); !slices.Equal(w, []time.Duration{time.Second, time.Second}) {
		t.Errorf("waits = %v, want one second between posts to one channel and none for another", w)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := o.Post(cctx, "C0ALERTS", sampleAlert(), "k"); !errors.Is(err, context.Canceled) {
		t.Errorf("Post with a cancelled context: %v", err)
	}
}

func TestNewConfig(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "no token"},
		{Config{Token: "x", Mode: "sometimes"}, `mode "sometimes"`},
		{Config{Token: "x", APIURL: "slack.example/api"}, "api_url"},
	} {
		if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want error with %q", tc.cfg, err, tc.want)
		}
	}
	if _, err := New(Config{Token: "x", HTTPClient: http.DefaultClient}); err != nil {
		t.Error(err)
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"<!everyone>", "a & b", "<https://x|y>", "&lt;", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := escape(s)
		if strings.ContainsAny(e, "<>") {
			t.Fatalf("escape(%q) = %q keeps < or >", s, e)
		}
		un := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(e)
		if un != s {
			t.Fatalf("escape(%q) = %q does not read back as the text", s, e)
		}
	})
}

func BenchmarkAlertBlocks(b *testing.B) {
	v := notify.NewView(sampleAlert(), baghdad, start)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(alertBlocks(v, "")); err != nil {
			b.Fatal(err)
		}
	}
}
