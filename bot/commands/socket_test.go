package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

const testAppToken = "xapp-1-A0APP-1-0123456789abcdef"

// fakeSocketSlack is an httptest server speaking Slack's apps.connections.open
// and the Socket Mode websocket: hello, then the envelopes the test queues;
// the client's acks come back on acks.
type fakeSocketSlack struct {
	srv       *httptest.Server
	envelopes chan string
	acks      chan map[string]any
}

func newFakeSocketSlack(t *testing.T) *fakeSocketSlack {
	f := &fakeSocketSlack{envelopes: make(chan string, 10), acks: make(chan map[string]any, 10)}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSocketSlack) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/api/apps.connections.open":
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer "+testAppToken {
			fmt.Fprint(w, `{"ok": false, "error": "invalid_auth"}`)
			return
		}
		fmt.Fprintf(w, `{"ok": true, "url": %q}`, "ws"+strings.TrimPrefix(f.srv.URL, "http")+"/link/?ticket=fake-ticket")
	case "/link/":
		// Slack's client says it comes from api.slack.com.
		up := websocket.Upgrader{CheckOrigin: func(r *http.Request) bool { return r.Header.Get("Origin") == "https://api.slack.com" }}
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		hello := `{"type": "hello", "num_connections": 1, "debug_info": {"host": "fake", "approximate_connection_time": 18060},
			"connection_info": {"app_id": "A0APP"}}`
		if conn.WriteMessage(websocket.TextMessage, []byte(hello)) != nil {
			return
		}
		go func() {
			for {
				var m map[string]any
				if err := conn.ReadJSON(&m); err != nil {
					return
				}
				f.acks <- m
			}
		}()
		for env := range f.envelopes {
			if conn.WriteMessage(websocket.TextMessage, []byte(env)) != nil {
				return
			}
		}
	default:
		http.NotFound(w, r)
	}
}

func envelope(t *testing.T, id, typ string, payload any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"envelope_id": id, "type": typ, "payload": payload, "accepts_response_payload": typ == "slash_commands"})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (f *fakeSocketSlack) ack(t *testing.T) map[string]any {
	t.Helper()
	select {
	case a := <-f.acks:
		return a
	case <-time.After(20 * time.Second):
		t.Fatal("no ack")
	}
	return nil
}

func TestSocketMode(t *testing.T) {
	fx := newFixture(t, fixtureOptions{})
	fs := newFakeSocketSlack(t)
	h := newHooks(t)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- RunSocketMode(ctx, SlackOptions{Core: fx.core, AppToken: testAppToken, APIURL: fs.srv.URL + "/api/",
			ResponseURLBase: h.url("/"), HTTPClient: h.srv.Client(), Logger: fx.core.log})
	}()
	defer func() {
		cancel()
		close(fs.envelopes)
		if err := <-errc; err != nil {
			t.Errorf("RunSocketMode after cancel: %v", err)
		}
	}()

	cmd := map[string]any{"token": "x", "team_id": "T0TEAM", "channel_id": "C0DESK", "user_id": "U0READER1", "command": "/incidents",
		"text": "site taji", "response_url": h.url("/commands/1"), "trigger_id": "1.2.3", "api_app_id": "A0APP"}
	fs.envelopes <- envelope(t, "env-1", "slash_commands", cmd)
	a := fs.ack(t)
	if a["envelope_id"] != "env-1" {
		t.Fatalf("ack %v", a)
	}
	payload, _ := json.Marshal(a["payload"])
	if !strings.Contains(string(payload), "Incidents at Camp Taji") || !strings.Contains(string(payload), `"response_type":"ephemeral"`) {
		t.Errorf("ack payload %s", payload)
	}

	// A share button: acked empty, the answer posted in the channel.
	ic := map[string]any{"type": "block_actions", "user": map[string]any{"id": "U0READER1"}, "response_url": h.url("/actions/1"),
		"actions": []map[string]any{{"type": "button", "action_id": slackActionShare, "block_id": "bw_actions", "value": "1:site taji"}}}
	fs.envelopes <- envelope(t, "env-2", "interactive", ic)
	if a := fs.ack(t); a["envelope_id"] != "env-2" || a["payload"] != nil {
		t.Errorf("interaction ack %v", a)
	}
	p := h.next(t)
	if p.msg["response_type"] != "in_channel" || !strings.Contains(blockText(p.msg), "Incidents at Camp Taji") {
		t.Errorf("shared %v", p.msg)
	}

	// A response_url elsewhere than Slack: acked, nothing posted.
	cmd["response_url"] = "https://evil.example/hook"
	fs.envelopes <- envelope(t, "env-3", "slash_commands", cmd)
	if a := fs.ack(t); a["envelope_id"] != "env-3" || a["payload"] != nil {
		t.Errorf("refused command ack %v", a)
	}
}

func TestSocketModeBadToken(t *testing.T) {
	fx := newFixture(t, fixtureOptions{})
	fs := newFakeSocketSlack(t)
	close(fs.envelopes)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := RunSocketMode(ctx, SlackOptions{Core: fx.core, AppToken: "xapp-1-A0APP-1-wrong", APIURL: fs.srv.URL + "/api/", Logger: fx.core.log})
	if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Errorf("wrong token: %v, want invalid_auth", err)
	}
	if err := RunSocketMode(ctx, SlackOptions{Core: fx.core, AppToken: "xoxb-bot", Logger: fx.core.log}); err == nil {
		t.Error("a bot token for Socket Mode: no error")
	}
}
