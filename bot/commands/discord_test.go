package commands

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

func newDiscordHandler(t *testing.T, f *fixture, fd *fakeDiscord, key testKey, deadline time.Duration) *DiscordHandler {
	t.Helper()
	h := NewDiscordHandler(DiscordOptions{Core: f.core, PublicKey: key.pub, APIURL: fd.apiURL(), HTTPClient: fd.srv.Client(),
		Deadline: deadline, Logger: f.core.log})
	t.Cleanup(h.Wait)
	return h
}

func decodeResponse(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("%v: %s", err, w.Body)
	}
	return m
}

func data(m map[string]any) map[string]any {
	d, _ := m["data"].(map[string]any)
	return d
}

func embedTitle(d map[string]any) string {
	es, _ := d["embeds"].([]any)
	if len(es) == 0 {
		return ""
	}
	title, _ := es[0].(map[string]any)["title"].(string)
	return title
}

func embedText(d map[string]any) string {
	b, _ := json.Marshal(d["embeds"])
	return string(b)
}

func TestDiscordHTTPPing(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	fd := newFakeDiscord(t)
	key := newTestKey(t)
	h := newDiscordHandler(t, f, fd, key, time.Minute)
	w := serve(h, key.request([]byte(`{"id":"1","application_id":"`+testAppID+`","type":1,"token":"t","version":1}`), time.Now().Unix()))
	if w.Code != http.StatusOK || strings.TrimSpace(w.Body.String()) != `{"type":1}` {
		t.Errorf("PING: %d %s, want {\"type\":1}", w.Code, w.Body)
	}
}

func TestDiscordHTTPSignatures(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	fd := newFakeDiscord(t)
	key, other := newTestKey(t), newTestKey(t)
	body := interactionJSON{Type: 2, User: "333333333333333333", Member: true, Data: commandData(CmdSite, opt("site", 3, "MARKER-9c1e"))}.bytes(t)
	now := time.Now().Unix()
	tampered := func() *http.Request {
		r := key.request(body, now)
		r.Body = io.NopCloser(strings.NewReader(strings.Replace(string(body), "MARKER-9c1e", "MARKER-0000", 1)))
		return r
	}
	retimed := func() *http.Request {
		r := key.request(body, now)
		r.Header.Set("X-Signature-Timestamp", "1")
		return r
	}
	headerless := func(h string) *http.Request {
		r := key.request(body, now)
		r.Header.Del(h)
		return r
	}
	badHex := func() *http.Request {
		r := key.request(body, now)
		r.Header.Set("X-Signature-Ed25519", "zz"+r.Header.Get("X-Signature-Ed25519")[2:])
		return r
	}
	tests := []struct {
		name string
		req  *http.Request
		code int
	}{
		{"signed", key.request(body, now), http.StatusOK},
		{"other key", other.request(body, now), http.StatusUnauthorized},
		{"body changed", tampered(), http.StatusUnauthorized},
		{"timestamp changed", retimed(), http.StatusUnauthorized},
		{"no signature", headerless("X-Signature-Ed25519"), http.StatusUnauthorized},
		{"no timestamp", headerless("X-Signature-Timestamp"), http.StatusUnauthorized},
		{"not hex", badHex(), http.StatusUnauthorized},
		{"stale", key.request(body, now-6*60), http.StatusUnauthorized},
		{"future", key.request(body, now+6*60), http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newDiscordHandler(t, f, fd, key, time.Minute)
			if w := serve(h, tt.req); w.Code != tt.code {
				t.Errorf("status %d, want %d: %s", w.Code, tt.code, w.Body)
			}
		})
	}
	logs := f.logs.String()
	if strings.Count(logs, "not signed by Discord") != len(tests)-1 {
		t.Errorf("want %d refusals logged:\n%s", len(tests)-1, logs)
	}
	if strings.Contains(logs, "MARKER-") {
		t.Errorf("a request body reached the log:\n%s", logs)
	}
}

func TestDiscordHTTPReplayAndLimits(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	fd := newFakeDiscord(t)
	key := newTestKey(t)
	h := newDiscordHandler(t, f, fd, key, time.Minute)
	body := interactionJSON{Type: 2, User: "333333333333333333", Member: true, Data: commandData(CmdHelp)}.bytes(t)
	now := time.Now().Unix()
	if w := serve(h, key.request(body, now)); w.Code != http.StatusOK {
		t.Fatalf("first: %d", w.Code)
	}
	if w := serve(h, key.request(body, now)); w.Code != http.StatusUnauthorized {
		t.Errorf("replayed: %d, want 401", w.Code)
	}
	big := append([]byte(`{"type":1,"pad":"`), []byte(strings.Repeat("x", DefaultMaxBody))...)
	big = append(big, `"}`...)
	if w := serve(h, key.request(big, now)); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized: %d, want 413", w.Code)
	}
	r := key.request(big, now)
	r.ContentLength = -1
	if w := serve(h, r); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized without length: %d, want 413", w.Code)
	}
	if w := serve(h, httptest.NewRequest(http.MethodGet, DiscordInteractionsPath, nil)); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", w.Code)
	}
	if w := serve(h, httptest.NewRequest(http.MethodPost, "/discord/other", nil)); w.Code != http.StatusNotFound {
		t.Errorf("other path: %d", w.Code)
	}
	// A handler without a key refuses everything.
	nokey := NewDiscordHandler(DiscordOptions{Core: f.core, Logger: f.core.log})
	if w := serve(nokey, key.request(body, now+1)); w.Code != http.StatusServiceUnavailable {
		t.Errorf("no key: %d, want 503", w.Code)
	}
}

func TestDiscordHTTPCommand(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	fd := newFakeDiscord(t)
	key := newTestKey(t)
	h := newDiscordHandler(t, f, fd, key, time.Minute)
	now := time.Now().Unix()

	ij := interactionJSON{Type: 2, User: "333333333333333333", Member: true, Data: commandData(CmdRecent, opt("days", 4, 30))}
	m := decodeResponse(t, serve(h, key.request(ij.bytes(t), now)))
	d := data(m)
	if m["type"] != 4.0 || d["flags"] != 64.0 {
		t.Errorf("type %v flags %v, want 4 and 64 (ephemeral)", m["type"], d["flags"])
	}
	if embedTitle(d) != "Incidents in the last 30 days" {
		t.Errorf("title %q", embedTitle(d))
	}
	if am, _ := d["allowed_mentions"].(map[string]any); am == nil || am["parse"] == nil || len(am["parse"].([]any)) != 0 {
		t.Errorf("allowed_mentions %v, want parse []", d["allowed_mentions"])
	}

	// share: posted for the channel, no share button, but pages.
	ij = interactionJSON{Type: 2, User: "333333333333333333", Member: true, ID: "1350000000000000005",
		Data: commandData(CmdSite, opt("site", 3, "erbil-air-base"), opt("share", 5, true))}
	m = decodeResponse(t, serve(h, key.request(ij.bytes(t), now)))
	d = data(m)
	if _, ok := d["flags"]; ok || m["type"] != 4.0 {
		t.Errorf("shared: type %v flags %v, want 4 and no flags", m["type"], d["flags"])
	}
	if b, _ := json.Marshal(d["components"]); strings.Contains(string(b), discordShare) {
		t.Errorf("shared answer has a share button: %s", b)
	}

	// A DM: the user is in "user", not "member".
	ij = interactionJSON{Type: 2, User: "333333333333333333", ID: "1350000000000000006", Data: commandData(CmdMute,
		opt("kind", 3, "rule"), opt("target", 3, "attacks"), opt("duration", 3, "1h"))}
	m = decodeResponse(t, serve(h, key.request(ij.bytes(t), now)))
	if !strings.HasPrefix(embedTitle(data(m)), "Only admins") {
		t.Errorf("DM mute by a non-admin: %q", embedTitle(data(m)))
	}
	h.Wait()
	fd.none(t)
}

// TestDiscordHTTPSlow: a command slower than the deadline is deferred
// (type 5, ephemeral) and its answer edited in through the REST API.
func TestDiscordHTTPSlow(t *testing.T) {
	f, open := slowFixture(t)
	fd := newFakeDiscord(t)
	key := newTestKey(t)
	h := newDiscordHandler(t, f, fd, key, 20*time.Millisecond)
	ij := interactionJSON{Type: 2, User: "333333333333333333", Member: true, Token: "slow-token", Data: commandData(CmdFeeds)}
	m := decodeResponse(t, serve(h, key.request(ij.bytes(t), time.Now().Unix())))
	if m["type"] != 5.0 || data(m)["flags"] != 64.0 {
		t.Fatalf("first response %v, want a deferred ephemeral (type 5, flags 64)", m)
	}
	fd.none(t)
	open()
	c := fd.next(t)
	if c.Method != http.MethodPatch || c.Path != "webhooks/"+testAppID+"/slow-token/messages/@original" {
		t.Fatalf("call %s %s", c.Method, c.Path)
	}
	if embedTitle(c.Body) != "Feeds" || !strings.Contains(embedText(c.Body), "desert-post — FAILING") {
		t.Errorf("edited answer: %s", embedText(c.Body))
	}
	if am, _ := c.Body["allowed_mentions"].(map[string]any); am == nil || len(am["parse"].([]any)) != 0 {
		t.Errorf("edit allowed_mentions %v", c.Body["allowed_mentions"])
	}
	if c.Auth != "" {
		t.Errorf("interaction webhook sent with Authorization %q", c.Auth)
	}
}

func TestDiscordAutocomplete(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	d := NewDiscord(DiscordOptions{Core: f.core, Logger: f.core.log})
	auto := func(sub string, opts ...map[string]any) []*discordgo.ApplicationCommandOptionChoice {
		t.Helper()
		var i discordgo.Interaction
		if err := json.Unmarshal(interactionJSON{Type: 4, User: "1", Member: true, Data: commandData(sub, opts...)}.bytes(t), &i); err != nil {
			t.Fatal(err)
		}
		r, later := d.interact(&i)
		if later != nil || r == nil || r.Type != discordgo.InteractionApplicationCommandAutocompleteResult {
			t.Fatalf("autocomplete response %+v", r)
		}
		return r.Data.Choices
	}
	focused := func(name, value string) map[string]any {
		o := opt(name, 3, value)
		o["focused"] = true
		return o
	}
	values := func(cs []*discordgo.ApplicationCommandOptionChoice) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Value.(string))
		}
		return out
	}

	cs := auto(CmdSite, focused("site", "irbil air bse"))
	if len(cs) == 0 || cs[0].Value != "erbil-air-base" || cs[0].Name != "Erbil Air Base, Iraq" {
		t.Errorf("site \"irbil air bse\": %v", values(cs))
	}
	cs = auto(CmdRecent, opt("days", 4, 3), focused("site", ""))
	if want := min(len(f.bot.Gazetteer().Sites()), maxChoices); len(cs) != want {
		t.Errorf("empty site: %d choices, want %d", len(cs), want)
	}
	cs = auto(CmdSite, focused("site", "عين الأسد"))
	if len(cs) == 0 || cs[0].Value != "ain-al-asad" {
		t.Errorf("Arabic name: %v", values(cs))
	}
	cs = auto(CmdMute, opt("kind", 3, "rule"), focused("target", "str"))
	if v := values(cs); len(v) != 1 || v[0] != "strikes" {
		t.Errorf("rule target \"str\": %v", v)
	}
	cs = auto(CmdMute, opt("kind", 3, "site"), focused("target", "taji"))
	if len(cs) == 0 || cs[0].Value != "taji" {
		t.Errorf("site target \"taji\": %v", values(cs))
	}
	if cs = auto(CmdShow, focused("id", "2025")); len(cs) != 0 {
		t.Errorf("id has no autocomplete: %v", values(cs))
	}
	if cs = auto(CmdSite, focused("site", "zzzzqqq")); len(cs) != 0 {
		t.Errorf("nonsense: %v", values(cs))
	}
	for _, c := range auto(CmdSite, focused("site", "")) {
		if len(c.Name) > 100 || len(c.Value.(string)) > 100 {
			t.Errorf("choice over 100 characters: %+v", c)
		}
	}
}

func TestDiscordRequest(t *testing.T) {
	tests := []struct {
		sub    string
		opts   []map[string]any
		want   Request
		shared bool
		usage  bool
	}{
		{sub: CmdRecent, want: Request{Command: CmdRecent, Days: 7}},
		{sub: CmdRecent, opts: []map[string]any{opt("site", 3, "taji")}, want: Request{Command: CmdRecent, Days: 7, Site: "taji"}},
		{sub: CmdRecent, opts: []map[string]any{opt("days", 4, 3), opt("share", 5, true)}, want: Request{Command: CmdRecent, Days: 3}, shared: true},
		{sub: CmdRecent, opts: []map[string]any{opt("days", 4, 9999)}, usage: true},
		{sub: CmdSite, opts: []map[string]any{opt("site", 3, "Ain\nal-Asad")}, want: Request{Command: CmdSite, Site: "Ain al-Asad"}},
		{sub: CmdOnThisDay, opts: []map[string]any{opt("date", 3, "02-29")}, want: Request{Command: CmdOnThisDay, Month: 2, Day: 29}},
		{sub: CmdOnThisDay, opts: []map[string]any{opt("date", 3, "29-02")}, usage: true},
		{sub: CmdShow, opts: []map[string]any{opt("id", 3, "2025-03-13-erbil-air-base")}, want: Request{Command: CmdShow, ID: "2025-03-13-erbil-air-base"}},
		{sub: CmdShow, opts: []map[string]any{opt("id", 3, "a b")}, usage: true},
		{sub: CmdMute, opts: []map[string]any{opt("kind", 3, "site"), opt("target", 3, "k1"), opt("duration", 3, "2d"), opt("reason", 3, "test range")},
			want: Request{Command: CmdMute, Kind: "site", Target: "k1", For: 48 * time.Hour, Reason: "test range"}},
		// Words of the reason that read as a duration stay in the reason.
		{sub: CmdMute, opts: []map[string]any{opt("kind", 3, "rule"), opt("target", 3, "attacks 2d"), opt("duration", 3, "1h"), opt("reason", 3, "for 2d")},
			want: Request{Command: CmdMute, Kind: "rule", Target: "attacks 2d", For: time.Hour, Reason: "for 2d"}},
		{sub: CmdMute, opts: []map[string]any{opt("kind", 3, "site"), opt("target", 3, "k1"), opt("duration", 3, "soon"), opt("reason", 3, "for 2d")}, usage: true},
		{sub: CmdMute, opts: []map[string]any{opt("kind", 3, "feed"), opt("target", 3, "k1"), opt("duration", 3, "1h")}, usage: true},
		{sub: CmdUnmute, opts: []map[string]any{opt("kind", 3, "rule"), opt("target", 3, "strikes")}, want: Request{Command: CmdUnmute, Kind: "rule", Target: "strikes"}},
		{sub: CmdHelp, want: Request{Command: CmdHelp}},
	}
	for _, tt := range tests {
		var i discordgo.Interaction
		if err := json.Unmarshal(interactionJSON{Type: 2, User: "1", Data: commandData(tt.sub, tt.opts...)}.bytes(t), &i); err != nil {
			t.Fatal(err)
		}
		got, shared, err := discordRequest(i.ApplicationCommandData())
		if tt.usage {
			if _, ok := err.(*UsageError); !ok {
				t.Errorf("%s %v: %+v, %v; want a usage error", tt.sub, tt.opts, got, err)
			}
			continue
		}
		if err != nil || got != tt.want || shared != tt.shared {
			t.Errorf("%s %v:\n got %+v, %v, %v\nwant %+v, %v", tt.sub, tt.opts, got, shared, err, tt.want, tt.shared)
		}
	}
}

func TestRegisterDiscord(t *testing.T) {
	fd := newFakeDiscord(t)
	s, err := NewDiscordSession(testBotToken, fd.apiURL(), fd.srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	if err := RegisterDiscord(s, testAppID, testGuildID); err != nil {
		t.Fatal(err)
	}
	c := fd.next(t)
	if c.Method != http.MethodPut || c.Path != "applications/"+testAppID+"/guilds/"+testGuildID+"/commands" {
		t.Errorf("guild registration: %s %s", c.Method, c.Path)
	}
	golden(t, "discord-command", renderJSON(t, c.List))
	if err := RegisterDiscord(s, testAppID, ""); err != nil {
		t.Fatal(err)
	}
	if c := fd.next(t); c.Path != "applications/"+testAppID+"/commands" {
		t.Errorf("global registration: %s", c.Path)
	}
	bad, err := NewDiscordSession("wrong-token", fd.apiURL(), fd.srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	bad.MaxRestRetries = 0
	err = RegisterDiscord(bad, testAppID, testGuildID)
	if err == nil || !strings.Contains(err.Error(), "in server "+testGuildID) || !strings.Contains(err.Error(), "401") {
		t.Errorf("wrong token: %v", err)
	}
	if err := RegisterDiscord(s, "", ""); err == nil {
		t.Error("no application id: no error")
	}
}

// TestDiscordGateway drives the handler the way the gateway does: a real
// discordgo session opens a websocket to the fake, which sends READY and
// then INTERACTION_CREATE events; the answers come back over REST.
func TestDiscordGateway(t *testing.T) {
	f, open := slowFixture(t)
	fd := newFakeDiscord(t)
	d := NewDiscord(DiscordOptions{Core: f.core, Deadline: 50 * time.Millisecond, Logger: f.core.log})
	t.Cleanup(d.Wait)
	s, err := NewDiscordSession(testBotToken, fd.apiURL(), fd.srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	s.AddHandler(d.OnInteraction)
	if err := s.Open(); err != nil {
		t.Fatalf("open gateway: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	<-fd.ready

	// A slow command: deferred at once, then edited in.
	fd.events <- interactionJSON{Type: 2, User: "333333333333333333", Member: true, ID: "1350000000000000010", Token: "tok-10",
		Data: commandData(CmdOnThisDay)}.bytes(t)
	c := fd.next(t)
	if c.Method != http.MethodPost || c.Path != "interactions/1350000000000000010/tok-10/callback" || c.Body["type"] != 5.0 {
		t.Fatalf("first call %s %s %v, want the deferred callback", c.Method, c.Path, c.Body)
	}
	if data(c.Body)["flags"] != 64.0 {
		t.Errorf("deferred answer not ephemeral: %v", c.Body)
	}
	open()
	c = fd.next(t)
	if c.Method != http.MethodPatch || c.Path != "webhooks/"+testAppID+"/tok-10/messages/@original" ||
		!strings.HasPrefix(embedTitle(c.Body), "On this date, 14 March: 2 incidents") {
		t.Fatalf("edit %s %s %q", c.Method, c.Path, embedTitle(c.Body))
	}

	// Now fast: an answer in the callback.
	fd.events <- interactionJSON{Type: 2, User: "333333333333333333", Member: true, ID: "1350000000000000011", Token: "tok-11",
		Data: commandData(CmdRecent, opt("days", 4, 30))}.bytes(t)
	c = fd.next(t)
	if c.Path != "interactions/1350000000000000011/tok-11/callback" || c.Body["type"] != 4.0 || embedTitle(data(c.Body)) != "Incidents in the last 30 days" {
		t.Fatalf("callback %s %v", c.Path, c.Body)
	}

	// Its share button: a new message in the channel.
	fd.events <- interactionJSON{Type: 3, User: "333333333333333333", Member: true, ID: "1350000000000000012", Token: "tok-12",
		Data: map[string]any{"custom_id": discordShare + "1:recent 30", "component_type": 2}}.bytes(t)
	c = fd.next(t)
	if c.Body["type"] != 4.0 || data(c.Body)["flags"] != nil || embedTitle(data(c.Body)) != "Incidents in the last 30 days" {
		t.Errorf("share: %v", c.Body)
	}

	// A page button: the message is updated in place.
	fd.events <- interactionJSON{Type: 3, User: "333333333333333333", Member: true, ID: "1350000000000000013", Token: "tok-13",
		Data: map[string]any{"custom_id": discordPage + "1:recent 30", "component_type": 2}}.bytes(t)
	c = fd.next(t)
	if c.Body["type"] != 7.0 {
		t.Errorf("page: %v", c.Body)
	}

	// Mutes: by a member with the editors' role, and by one without.
	fd.events <- interactionJSON{Type: 2, User: "333333333333333333", Roles: []string{editorsRole}, Member: true, ID: "1350000000000000014", Token: "tok-14",
		Data: commandData(CmdMute, opt("kind", 3, "site"), opt("target", 3, "harir"), opt("duration", 3, "3h"), opt("reason", 3, "drill"))}.bytes(t)
	c = fd.next(t)
	if title := embedTitle(data(c.Body)); title != "Muted site Harir Air Base, Iraq (harir) for 3h" {
		t.Errorf("editor's mute: %q", title)
	}
	fd.events <- interactionJSON{Type: 2, User: "555555555555555555", Roles: []string{"666666666666666666"}, Member: true, ID: "1350000000000000015", Token: "tok-15",
		Data: commandData(CmdUnmute, opt("kind", 3, "site"), opt("target", 3, "harir"))}.bytes(t)
	c = fd.next(t)
	if title := embedTitle(data(c.Body)); !strings.HasPrefix(title, "Only admins") {
		t.Errorf("other member's unmute: %q", title)
	}
	ms, err := f.st.Mutes(context.Background(), testNow)
	if err != nil || len(ms) != 1 || ms[0].Target != "harir" || ms[0].CreatedBy != "discord:333333333333333333" || ms[0].Reason != "drill" {
		t.Errorf("mutes %+v, %v", ms, err)
	}

	// Autocomplete over the gateway.
	fd.events <- interactionJSON{Type: 4, User: "333333333333333333", Member: true, ID: "1350000000000000016", Token: "tok-16",
		Data: commandData(CmdSite, map[string]any{"name": "site", "type": 3, "value": "ain al", "focused": true})}.bytes(t)
	c = fd.next(t)
	if c.Body["type"] != 8.0 || !strings.Contains(mustJSON(c.Body), `"value":"ain-al-asad"`) {
		t.Errorf("autocomplete: %v", c.Body)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
