package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// slackFake is an httptest server speaking the part of Slack's Web API the
// slack output uses (chat.postMessage, chat.update, conversations.history
// and conversations.replies with metadata), with Slack's JSON shapes and
// errors. Unlike a unit-test fake it keeps every post it ever accepted,
// including those whose client died before reading the answer, so a test
// can count what a channel really shows.
type slackFake struct {
	srv   *httptest.Server
	token string

	mu       sync.Mutex
	seq      int
	channels map[string][]*slackMsg // top-level messages, oldest first
	replies  map[string][]*slackMsg // thread replies by parent ts
	calls    map[string]int         // API method -> calls
	onPost   func(m slackMsg)       // called with each new post, under the lock
	latency  time.Duration          // how long chat.postMessage takes to answer
}

type slackMsg struct {
	Channel, TS, ThreadTS, Text string
	Kind, Key, IncidentID       string          // from the metadata payload
	Metadata                    json.RawMessage // as posted
	Edits                       int
	At                          time.Time // when the post arrived
}

func newSlackFake(t testing.TB, token string, channels []string) *slackFake {
	f := &slackFake{token: token, channels: map[string][]*slackMsg{}, replies: map[string][]*slackMsg{}, calls: map[string]int{}}
	for _, c := range channels {
		f.channels[c] = nil
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// URL is the api_url of the fake, with Slack's /api/ prefix.
func (f *slackFake) URL() string { return f.srv.URL + "/api/" }

func (f *slackFake) serve(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	tok := r.Form.Get("token")
	if h := r.Header.Get("Authorization"); h != "" {
		tok = strings.TrimPrefix(h, "Bearer ")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[method]++
	if tok != f.token {
		slackJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	form := func(k string) string { return r.Form.Get(k) }
	switch method {
	case "chat.postMessage":
		// Stored at once, answered after a while, as a busy Slack does: a
		// sender that dies meanwhile has posted without knowing it.
		resp := f.post(form)
		if f.latency > 0 {
			f.mu.Unlock()
			time.Sleep(f.latency)
			f.mu.Lock()
		}
		slackJSON(w, resp)
	case "chat.update":
		for _, m := range f.channels[form("channel")] {
			if m.TS == form("ts") {
				m.Text = form("text")
				m.Edits++
				slackJSON(w, map[string]any{"ok": true, "channel": m.Channel, "ts": m.TS, "text": m.Text, "message": m.json(false)})
				return
			}
		}
		slackJSON(w, map[string]any{"ok": false, "error": "message_not_found"})
	case "conversations.history":
		msgs, ok := f.channels[form("channel")]
		if !ok {
			slackJSON(w, map[string]any{"ok": false, "error": "channel_not_found"})
			return
		}
		var all []map[string]any
		for i := len(msgs) - 1; i >= 0; i-- { // newest first, as Slack answers
			all = append(all, msgs[i].json(form("include_all_metadata") == "1"))
		}
		slackPage(w, all, form)
	case "conversations.replies":
		var parent *slackMsg
		for _, m := range f.channels[form("channel")] {
			if m.TS == form("ts") {
				parent = m
			}
		}
		if parent == nil {
			slackJSON(w, map[string]any{"ok": false, "error": "thread_not_found"})
			return
		}
		meta := form("include_all_metadata") == "1"
		all := []map[string]any{parent.json(meta)}
		for _, m := range f.replies[parent.TS] {
			all = append(all, m.json(meta))
		}
		slackPage(w, all, form)
	default:
		slackJSON(w, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

// post stores the message and returns the answer: a client killed while
// it waits for the answer has still posted, as on the real Slack.
func (f *slackFake) post(form func(string) string) map[string]any {
	ch := form("channel")
	if _, ok := f.channels[ch]; !ok {
		return map[string]any{"ok": false, "error": "channel_not_found"}
	}
	f.seq++
	m := &slackMsg{Channel: ch, TS: fmt.Sprintf("1700000000.%06d", f.seq), Text: form("text"), At: time.Now()}
	if md := form("metadata"); md != "" {
		var v struct {
			EventType    string `json:"event_type"`
			EventPayload struct {
				Kind       string `json:"kind"`
				Key        string `json:"key"`
				IncidentID string `json:"incident_id"`
			} `json:"event_payload"`
		}
		if err := json.Unmarshal([]byte(md), &v); err != nil {
			return map[string]any{"ok": false, "error": "invalid_metadata_format"}
		}
		m.Metadata = json.RawMessage(md)
		m.Kind, m.Key, m.IncidentID = v.EventPayload.Kind, v.EventPayload.Key, v.EventPayload.IncidentID
	}
	if parent := form("thread_ts"); parent != "" {
		found := false
		for _, p := range f.channels[ch] {
			found = found || p.TS == parent
		}
		if !found {
			return map[string]any{"ok": false, "error": "thread_not_found"}
		}
		m.ThreadTS = parent
		f.replies[parent] = append(f.replies[parent], m)
	} else {
		f.channels[ch] = append(f.channels[ch], m)
	}
	if f.onPost != nil {
		f.onPost(*m)
	}
	return map[string]any{"ok": true, "channel": ch, "ts": m.TS, "message": m.json(false)}
}

func (m *slackMsg) json(withMeta bool) map[string]any {
	out := map[string]any{"type": "message", "subtype": "bot_message", "bot_id": "B0BASEWATCH", "text": m.Text, "ts": m.TS}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	if withMeta && len(m.Metadata) > 0 {
		out["metadata"] = m.Metadata
	}
	return out
}

// slackPage answers a list with Slack's cursor pagination.
func slackPage(w http.ResponseWriter, all []map[string]any, form func(string) string) {
	start, _ := strconv.Atoi(form("cursor"))
	limit, _ := strconv.Atoi(form("limit"))
	if limit <= 0 {
		limit = 100
	}
	end := min(start+limit, len(all))
	start = min(start, end)
	next := ""
	if end < len(all) {
		next = strconv.Itoa(end)
	}
	slackJSON(w, map[string]any{"ok": true, "messages": all[start:end], "has_more": next != "",
		"response_metadata": map[string]any{"next_cursor": next}})
}

func slackJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// snapshot returns copies of every top-level message and every reply.
func (f *slackFake) snapshot() (top, replies []slackMsg) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, msgs := range f.channels {
		for _, m := range msgs {
			top = append(top, *m)
		}
	}
	for _, msgs := range f.replies {
		for _, m := range msgs {
			replies = append(replies, *m)
		}
	}
	return top, replies
}

func (f *slackFake) callCount(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}
