package commands

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

const (
	testAppID    = "1300000000000000001"
	testGuildID  = "1300000000000000002"
	testBotToken = "MTMwMDAwMDAwMDAwMDAwMDAx.fake.bot-token-for-tests"
)

// fakeDiscord is an httptest server speaking the slice of Discord's API v9
// the commands use — interaction callbacks, edits of the original
// response, bulk overwrite of commands — with Discord's JSON and error
// bodies, and a gateway websocket that says hello, takes the identify,
// sends READY and then the events the test queues.
type fakeDiscord struct {
	t   *testing.T
	srv *httptest.Server

	mu     sync.Mutex
	calls  []fakeCall
	called chan fakeCall

	events chan []byte // gateway dispatches to send
	ready  chan struct{}
}

type fakeCall struct {
	Method, Path, Auth string
	Body               map[string]any
	List               []any
}

func newFakeDiscord(t *testing.T) *fakeDiscord {
	f := &fakeDiscord{t: t, called: make(chan fakeCall, 20), events: make(chan []byte, 10), ready: make(chan struct{})}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// apiURL is the base to give NewDiscordSession.
func (f *fakeDiscord) apiURL() string { return f.srv.URL + "/api/v9/" }

func (f *fakeDiscord) fail(w http.ResponseWriter, status int, msg string, code int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"message": %q, "code": %d}`, msg, code)
}

func (f *fakeDiscord) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/gateway-ws/" {
		f.gateway(w, r)
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, "/api/v9/")
	if !ok {
		f.fail(w, http.StatusNotFound, "404: Not Found", 0)
		return
	}
	raw, _ := io.ReadAll(r.Body)
	c := fakeCall{Method: r.Method, Path: path, Auth: r.Header.Get("Authorization")}
	if len(raw) > 0 && raw[0] == '[' {
		json.Unmarshal(raw, &c.List)
	} else if len(raw) > 0 {
		if err := json.Unmarshal(raw, &c.Body); err != nil {
			f.fail(w, http.StatusBadRequest, "400: Bad Request", 50109) // "The request body contains invalid JSON."
			return
		}
	}
	parts := strings.Split(path, "/")
	switch {
	case r.Method == http.MethodGet && path == "gateway":
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"url": %q}`, "ws"+strings.TrimPrefix(f.srv.URL, "http")+"/gateway-ws/")
		return
	case r.Method == http.MethodPost && len(parts) == 4 && parts[0] == "interactions" && parts[3] == "callback":
		f.record(c)
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodPatch && len(parts) == 5 && parts[0] == "webhooks" && parts[4] == "@original":
		if parts[1] != testAppID {
			f.fail(w, http.StatusNotFound, "Unknown Webhook", 10015)
			return
		}
		f.record(c)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id": "1350000000000000001", "channel_id": "1300000000000000003", "content": "", "embeds": [], "flags": 64}`)
	case r.Method == http.MethodPut && strings.HasPrefix(path, "applications/") && strings.HasSuffix(path, "/commands"):
		if c.Auth != "Bot "+testBotToken {
			f.fail(w, http.StatusUnauthorized, "401: Unauthorized", 0)
			return
		}
		f.record(c)
		var created []any // a copy, so that the recorded call stays as sent
		json.Unmarshal(raw, &created)
		for i, cmd := range created {
			m := cmd.(map[string]any)
			m["id"] = strconv.Itoa(1400000000000000000 + i)
			m["application_id"] = parts[1]
			m["version"] = "1400000000000000100"
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(created)
	default:
		f.fail(w, http.StatusNotFound, "404: Not Found", 0)
	}
}

func (f *fakeDiscord) record(c fakeCall) {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	f.called <- c
}

// next waits for the next REST call, generously.
func (f *fakeDiscord) next(t *testing.T) fakeCall {
	t.Helper()
	select {
	case c := <-f.called:
		return c
	case <-time.After(20 * time.Second):
		t.Fatal("no call reached the fake Discord")
	}
	return fakeCall{}
}

func (f *fakeDiscord) none(t *testing.T) {
	t.Helper()
	select {
	case c := <-f.called:
		t.Fatalf("unexpected call %s %s", c.Method, c.Path)
	default:
	}
}

// gateway speaks enough of the gateway protocol for discordgo's Open:
// HELLO, then IDENTIFY from the client, then READY; then it sends the
// queued dispatches and acknowledges heartbeats.
func (f *fakeDiscord) gateway(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	var wmu sync.Mutex
	send := func(v string) error {
		wmu.Lock()
		defer wmu.Unlock()
		return conn.WriteMessage(websocket.TextMessage, []byte(v))
	}
	if send(`{"op": 10, "d": {"heartbeat_interval": 41250}}`) != nil {
		return
	}
	var ident struct {
		Op int `json:"op"`
		D  struct {
			Token string `json:"token"`
		} `json:"d"`
	}
	if err := conn.ReadJSON(&ident); err != nil || ident.Op != 2 {
		return
	}
	if ident.D.Token != "Bot "+testBotToken {
		wmu.Lock()
		conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."))
		wmu.Unlock()
		return
	}
	seq := 1
	if send(fmt.Sprintf(`{"op": 0, "t": "READY", "s": %d, "d": {"v": 9, "session_id": "fake-session", "resume_gateway_url": "ws://unused",
		"user": {"id": %q, "username": "basewatch", "bot": true}, "guilds": [], "application": {"id": %q, "flags": 0}}}`, seq, testAppID, testAppID)) != nil {
		return
	}
	close(f.ready)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			var m struct {
				Op int `json:"op"`
			}
			if err := conn.ReadJSON(&m); err != nil {
				return
			}
			if m.Op == 1 {
				send(`{"op": 11}`)
			}
		}
	}()
	for {
		select {
		case ev := <-f.events:
			seq++
			if send(fmt.Sprintf(`{"op": 0, "t": "INTERACTION_CREATE", "s": %d, "d": %s}`, seq, ev)) != nil {
				return
			}
		case <-done:
			return
		}
	}
}

// interactionJSON builds an interaction as Discord sends it.
type interactionJSON struct {
	Type   int
	User   string
	Roles  []string
	Data   map[string]any
	Token  string
	ID     string
	Member bool // sent in a server (member) rather than a DM (user)
}

func (ij interactionJSON) bytes(t *testing.T) []byte {
	t.Helper()
	if ij.Token == "" {
		ij.Token = "aW50ZXJhY3Rpb246MTM1MDAwMDAwMDAwMDAwMDAwMDp0b2tlbg"
	}
	if ij.ID == "" {
		ij.ID = "1350000000000000000"
	}
	m := map[string]any{
		"id": ij.ID, "application_id": testAppID, "type": ij.Type, "token": ij.Token, "version": 1,
		"channel_id": "1300000000000000003", "locale": "en-GB", "app_permissions": "2147485696",
	}
	if ij.Data != nil {
		m["data"] = ij.Data
	}
	user := map[string]any{"id": ij.User, "username": "reader", "discriminator": "0", "global_name": "Reader"}
	if ij.Member {
		m["guild_id"] = testGuildID
		roles := ij.Roles
		if roles == nil {
			roles = []string{}
		}
		m["member"] = map[string]any{"user": user, "roles": roles, "joined_at": "2024-01-01T00:00:00.000000+00:00", "permissions": "2147485696"}
	} else if ij.User != "" {
		m["user"] = user
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// commandData is the data of /incidents <sub> with options.
func commandData(sub string, opts ...map[string]any) map[string]any {
	if opts == nil {
		opts = []map[string]any{}
	}
	return map[string]any{"id": "1400000000000000000", "name": DiscordCommandName, "type": 1,
		"options": []map[string]any{{"name": sub, "type": 1, "options": opts}}}
}

func opt(name string, typ int, value any) map[string]any {
	return map[string]any{"name": name, "type": typ, "value": value}
}

// testKey is a freshly generated Ed25519 key pair for signing interactions.
type testKey struct {
	pub  ed25519.PublicKey
	priv ed25519.PrivateKey
}

func newTestKey(t *testing.T) testKey {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{pub, priv}
}

// request signs body as Discord does: Ed25519 over timestamp + body.
func (k testKey) request(body []byte, ts int64) *http.Request {
	r := httptest.NewRequest(http.MethodPost, DiscordInteractionsPath, strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/json")
	tss := strconv.FormatInt(ts, 10)
	r.Header.Set("X-Signature-Timestamp", tss)
	r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(k.priv, append([]byte(tss), body...))))
	return r
}
