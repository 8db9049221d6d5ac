package slack

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeSlack is an httptest server speaking the slice of Slack's Web API that
// the output uses, with Slack's JSON shapes and errors: a 200 with
// {"ok":false,"error":...} for API errors, 429 with Retry-After for rate
// limits, and whatever status a test queues.
type fakeSlack struct {
	srv   *httptest.Server
	token string

	mu       sync.Mutex
	channels map[string][]*fakeMsg // top-level messages, oldest first
	replies  map[string][]*fakeMsg // thread replies by parent ts
	calls    []fakeCall
	queued   map[string][]fakeReply
	seq      int
	// hang makes the next write store the message and then answer only
	// when the client has gone away, like a crash after the send.
	hang bool
}

type fakeMsg struct {
	TS       string
	ThreadTS string
	Text     string
	Blocks   json.RawMessage
	Metadata json.RawMessage
	User     string
}

// fakeCall is one request as the server saw it, token removed.
type fakeCall struct {
	Method string
	Form   map[string]string
}

type fakeReply struct {
	status int
	header map[string]string
	body   string
}

func newFakeSlack(t *testing.T, channels ...string) *fakeSlack {
	f := &fakeSlack{
		token:    "xoxb-test-token-123",
		channels: make(map[string][]*fakeMsg),
		replies:  make(map[string][]*fakeMsg),
		queued:   make(map[string][]fakeReply),
	}
	for _, c := range channels {
		f.channels[c] = nil
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// queue makes the next call of method answer with status, headers and body.
func (f *fakeSlack) queue(method string, status int, header map[string]string, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queued[method] = append(f.queued[method], fakeReply{status, header, body})
}

func (f *fakeSlack) methods() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		out = append(out, c.Method)
	}
	return out
}

func (f *fakeSlack) writes() []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeCall
	for _, c := range f.calls {
		if strings.HasPrefix(c.Method, "chat.") {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	// Slack takes the token as a bearer header or as a form field.
	tok := r.Form.Get("token")
	if h := r.Header.Get("Authorization"); h != "" {
		tok = strings.TrimPrefix(h, "Bearer ")
	}
	form := map[string]string{}
	for k := range r.Form {
		if k != "token" {
			form[k] = r.Form.Get(k)
		}
	}
	f.mu.Lock()
	f.calls = append(f.calls, fakeCall{Method: method, Form: form})
	if q := f.queued[method]; len(q) > 0 {
		f.queued[method] = q[1:]
		f.mu.Unlock()
		for k, v := range q[0].header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(q[0].status)
		fmt.Fprint(w, q[0].body)
		return
	}
	f.mu.Unlock()
	if tok != f.token {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	switch method {
	case "chat.postMessage":
		f.postMessage(w, r, form)
	case "chat.update":
		f.update(w, form)
	case "conversations.history":
		f.history(w, form)
	case "conversations.replies":
		f.threadReplies(w, form)
	default:
		writeJSON(w, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

func (f *fakeSlack) postMessage(w http.ResponseWriter, r *http.Request, form map[string]string) {
	f.mu.Lock()
	ch := form["channel"]
	msgs, ok := f.channels[ch]
	if !ok {
		f.mu.Unlock()
		writeJSON(w, map[string]any{"ok": false, "error": "channel_not_found"})
		return
	}
	f.seq++
	m := &fakeMsg{TS: fmt.Sprintf("1709637%03d.%06d", f.seq, f.seq*100), Text: form["text"],
		Blocks: raw(form["blocks"]), Metadata: raw(form["metadata"]), User: "UBOT"}
	if parent := form["thread_ts"]; parent != "" {
		if !slices.ContainsFunc(msgs, func(p *fakeMsg) bool { return p.TS == parent }) {
			f.mu.Unlock()
			writeJSON(w, map[string]any{"ok": false, "error": "thread_not_found"})
			return
		}
		m.ThreadTS = parent
		f.replies[parent] = append(f.replies[parent], m)
	} else {
		f.channels[ch] = append(msgs, m)
	}
	hang := f.hang
	f.hang = false
	f.mu.Unlock()
	if hang {
		<-r.Context().Done()
		return
	}
	writeJSON(w, map[string]any{"ok": true, "channel": ch, "ts": m.TS, "message": m.json(false)})
}

func (f *fakeSlack) update(w http.ResponseWriter, form map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch, ts := form["channel"], form["ts"]
	for _, m := range f.channels[ch] {
		if m.TS == ts {
			m.Text = form["text"]
			m.Blocks = raw(form["blocks"])
			if md := form["metadata"]; md != "" {
				m.Metadata = raw(md)
			}
			writeJSON(w, map[string]any{"ok": true, "channel": ch, "ts": ts, "text": m.Text, "message": m.json(false)})
			return
		}
	}
	writeJSON(w, map[string]any{"ok": false, "error": "message_not_found"})
}

func (f *fakeSlack) history(w http.ResponseWriter, form map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	msgs, ok := f.channels[form["channel"]]
	if !ok {
		writeJSON(w, map[string]any{"ok": false, "error": "channel_not_found"})
		return
	}
	withMeta := form["include_all_metadata"] == "1"
	var all []map[string]any
	for i := len(msgs) - 1; i >= 0; i-- { // newest first, as Slack does
		m := msgs[i].json(withMeta)
		if n := len(f.replies[msgs[i].TS]); n > 0 {
			m["thread_ts"] = msgs[i].TS
			m["reply_count"] = n
		}
		all = append(all, m)
	}
	f.page(w, all, form)
}

func (f *fakeSlack) threadReplies(w http.ResponseWriter, form map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ts := form["ts"]
	var parent *fakeMsg
	for _, m := range f.channels[form["channel"]] {
		if m.TS == ts {
			parent = m
		}
	}
	if parent == nil {
		writeJSON(w, map[string]any{"ok": false, "error": "thread_not_found"})
		return
	}
	withMeta := form["include_all_metadata"] == "1"
	all := []map[string]any{parent.json(withMeta)}
	for _, m := range f.replies[ts] {
		all = append(all, m.json(withMeta))
	}
	f.page(w, all, form)
}

// page answers a list with Slack's cursor pagination.
func (f *fakeSlack) page(w http.ResponseWriter, all []map[string]any, form map[string]string) {
	start, _ := strconv.Atoi(form["cursor"])
	limit, _ := strconv.Atoi(form["limit"])
	if limit <= 0 {
		limit = 100
	}
	end := min(start+limit, len(all))
	if start > end {
		start = end
	}
	next := ""
	if end < len(all) {
		next = strconv.Itoa(end)
	}
	writeJSON(w, map[string]any{"ok": true, "messages": all[start:end], "has_more": next != "",
		"pin_count": 0, "response_metadata": map[string]any{"next_cursor": next}})
}

func (m *fakeMsg) json(withMeta bool) map[string]any {
	out := map[string]any{"type": "message", "subtype": "bot_message", "user": m.User, "bot_id": "B0BASEWATCH",
		"text": m.Text, "ts": m.TS}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	if len(m.Blocks) > 0 {
		out["blocks"] = m.Blocks
	}
	if withMeta && len(m.Metadata) > 0 {
		out["metadata"] = m.Metadata
	}
	return out
}

func raw(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}
