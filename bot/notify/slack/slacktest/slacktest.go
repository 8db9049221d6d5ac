package slacktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config sets up a Server.
type Config struct {
	// Token is the only token the server accepts, as a bearer header or a
	// form field; others get invalid_auth. It must not be empty.
	Token string
	// Channels are the ids of the channels that exist, all empty.
	Channels []string
	// Latency is how long chat.postMessage takes to answer after it has
	// stored the message, as a busy Slack: a client that dies meanwhile has
	// posted without knowing it.
	Latency time.Duration
	// OnPost, if set, is called with each message stored, while the
	// server's lock is held: it must not call the Server's methods.
	OnPost func(Message)
	// Now stamps Message.At; time.Now if nil.
	Now func() time.Time
}

// Message is a message as the server holds it.
type Message struct {
	Channel, TS, ThreadTS, Text string
	Blocks                      json.RawMessage // as last posted or updated
	Metadata                    json.RawMessage // as last posted or updated
	// Kind, Key and IncidentID are read from basewatch's metadata payload
	// (event_payload.kind, .key, .incident_id).
	Kind, Key, IncidentID string
	Edits                 int       // chat.update calls that changed it
	At                    time.Time // when it was posted
}

// Call is one request as the server saw it, with its form fields (query
// and body) but without the token.
type Call struct {
	Method string
	Form   map[string]string
}

type reply struct {
	status int
	header map[string]string
	body   string
}

// Server is a fake Slack Web API. Its methods are safe for concurrent use.
type Server struct {
	// URL is the server's base URL, http://127.0.0.1:port, with no
	// trailing slash; the API is at URL + "/api/".
	URL string

	srv *httptest.Server
	cfg Config

	mu       sync.Mutex
	seq      int
	channels map[string][]*Message // top-level messages, oldest first
	replies  map[string][]*Message // thread replies by parent ts, oldest first
	calls    []Call
	queued   map[string][]reply
	hang     bool
}

// NewServer starts and returns a new Server. The caller should call Close
// when finished, to shut it down.
func NewServer(cfg Config) *Server {
	if cfg.Token == "" {
		panic("slacktest: Config.Token is empty")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, channels: map[string][]*Message{}, replies: map[string][]*Message{}, queued: map[string][]reply{}}
	for _, c := range cfg.Channels {
		s.channels[c] = nil
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// APIURL is the api_url for a client, with Slack's /api/ prefix.
func (s *Server) APIURL() string { return s.URL + "/api/" }

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close shuts the server down and blocks until its requests are done.
func (s *Server) Close() { s.srv.Close() }

// Queue makes the next call of method answer with status, header and body
// instead of doing anything, before the token is checked. Calls queue up.
func (s *Server) Queue(method string, status int, header map[string]string, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queued[method] = append(s.queued[method], reply{status, header, body})
}

// HangNext makes the next chat.postMessage store its message and then
// answer nothing until the client has gone away, like a crash between the
// send and the answer.
func (s *Server) HangNext() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hang = true
}

// Calls returns every call so far, oldest first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// Methods returns the method of every call so far, oldest first.
func (s *Server) Methods() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, c := range s.calls {
		out = append(out, c.Method)
	}
	return out
}

// CallCount returns how many calls of method the server had.
func (s *Server) CallCount(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if c.Method == method {
			n++
		}
	}
	return n
}

// Messages returns copies of the top-level messages of channel, oldest
// first.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copies(s.channels[channel])
}

// Replies returns copies of the replies in the thread of the message with
// timestamp parent, oldest first.
func (s *Server) Replies(parent string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copies(s.replies[parent])
}

// Snapshot returns copies of every top-level message and every reply, by
// channel id and by parent ts, oldest first within each.
func (s *Server) Snapshot() (top, replies []Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ch := range sortedKeys(s.channels) {
		top = append(top, copies(s.channels[ch])...)
	}
	for _, ts := range sortedKeys(s.replies) {
		replies = append(replies, copies(s.replies[ts])...)
	}
	return top, replies
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
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
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: method, Form: form})
	if q := s.queued[method]; len(q) > 0 {
		s.queued[method] = q[1:]
		s.mu.Unlock()
		for k, v := range q[0].header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(q[0].status)
		fmt.Fprint(w, q[0].body)
		return
	}
	s.mu.Unlock()
	if tok != s.cfg.Token {
		writeJSON(w, apiError("invalid_auth"))
		return
	}
	switch method {
	case "chat.postMessage":
		s.postMessage(w, r, form)
	case "chat.update":
		writeJSON(w, s.update(form))
	case "conversations.history":
		s.history(w, form)
	case "conversations.replies":
		s.threadReplies(w, form)
	default:
		writeJSON(w, apiError("unknown_method"))
	}
}

// postMessage stores the message, then answers: a client that goes away
// while it waits for the answer has still posted, as on the real Slack.
func (s *Server) postMessage(w http.ResponseWriter, r *http.Request, form map[string]string) {
	s.mu.Lock()
	resp, ok := s.store(form)
	hang := ok && s.hang
	if hang {
		s.hang = false
	}
	s.mu.Unlock()
	if hang {
		<-r.Context().Done()
		return
	}
	if s.cfg.Latency > 0 {
		time.Sleep(s.cfg.Latency)
	}
	writeJSON(w, resp)
}

// store keeps a posted message and returns the answer and whether it was
// stored. The caller holds the lock.
func (s *Server) store(form map[string]string) (map[string]any, bool) {
	ch := form["channel"]
	if _, ok := s.channels[ch]; !ok {
		return apiError("channel_not_found"), false
	}
	s.seq++
	m := &Message{Channel: ch, TS: fmt.Sprintf("%d.%06d", 1709637000+s.seq, s.seq*100%1000000), Text: form["text"],
		Blocks: raw(form["blocks"]), At: s.cfg.Now()}
	if !m.setMetadata(form["metadata"]) {
		return apiError("invalid_metadata_format"), false
	}
	if parent := form["thread_ts"]; parent != "" {
		if !slices.ContainsFunc(s.channels[ch], func(p *Message) bool { return p.TS == parent }) {
			return apiError("thread_not_found"), false
		}
		m.ThreadTS = parent
		s.replies[parent] = append(s.replies[parent], m)
	} else {
		s.channels[ch] = append(s.channels[ch], m)
	}
	if s.cfg.OnPost != nil {
		s.cfg.OnPost(*m)
	}
	return map[string]any{"ok": true, "channel": ch, "ts": m.TS, "message": m.json(false)}, true
}

func (s *Server) update(form map[string]string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ts := form["channel"], form["ts"]
	for _, m := range s.channels[ch] {
		if m.TS != ts {
			continue
		}
		// Without metadata, Slack keeps the message's own.
		if md := form["metadata"]; md != "" && !m.setMetadata(md) {
			return apiError("invalid_metadata_format")
		}
		m.Text = form["text"]
		m.Blocks = raw(form["blocks"])
		m.Edits++
		return map[string]any{"ok": true, "channel": ch, "ts": ts, "text": m.Text, "message": m.json(false)}
	}
	return apiError("message_not_found")
}

func (s *Server) history(w http.ResponseWriter, form map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	msgs, ok := s.channels[form["channel"]]
	if !ok {
		writeJSON(w, apiError("channel_not_found"))
		return
	}
	withMeta := form["include_all_metadata"] == "1"
	var all []map[string]any
	for i := len(msgs) - 1; i >= 0; i-- { // newest first, as Slack answers
		m := msgs[i].json(withMeta)
		if n := len(s.replies[msgs[i].TS]); n > 0 {
			m["thread_ts"] = msgs[i].TS
			m["reply_count"] = n
		}
		all = append(all, m)
	}
	writeJSON(w, page(all, form))
}

func (s *Server) threadReplies(w http.ResponseWriter, form map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := form["ts"]
	var parent *Message
	for _, m := range s.channels[form["channel"]] {
		if m.TS == ts {
			parent = m
		}
	}
	if parent == nil {
		writeJSON(w, apiError("thread_not_found"))
		return
	}
	withMeta := form["include_all_metadata"] == "1"
	all := []map[string]any{parent.json(withMeta)}
	for _, m := range s.replies[ts] {
		all = append(all, m.json(withMeta))
	}
	writeJSON(w, page(all, form))
}

// page answers a list with Slack's cursor pagination: the cursor is the
// index of the first message, limit 100 unless asked.
func page(all []map[string]any, form map[string]string) map[string]any {
	start, _ := strconv.Atoi(form["cursor"])
	limit, _ := strconv.Atoi(form["limit"])
	if limit <= 0 {
		limit = 100
	}
	end := min(start+limit, len(all))
	start = min(max(start, 0), end)
	next := ""
	if end < len(all) {
		next = strconv.Itoa(end)
	}
	return map[string]any{"ok": true, "messages": all[start:end], "has_more": next != "",
		"pin_count": 0, "response_metadata": map[string]any{"next_cursor": next}}
}

// setMetadata keeps md, Slack's metadata JSON, and reads basewatch's
// payload from it; it reports false if md is not JSON.
func (m *Message) setMetadata(md string) bool {
	if md == "" {
		return true
	}
	var v struct {
		EventPayload struct {
			Kind       string `json:"kind"`
			Key        string `json:"key"`
			IncidentID string `json:"incident_id"`
		} `json:"event_payload"`
	}
	if err := json.Unmarshal([]byte(md), &v); err != nil {
		return false
	}
	m.Metadata = json.RawMessage(md)
	m.Kind, m.Key, m.IncidentID = v.EventPayload.Kind, v.EventPayload.Key, v.EventPayload.IncidentID
	return true
}

// json is the message as Slack lists it, posted by a bot user.
func (m *Message) json(withMeta bool) map[string]any {
	out := map[string]any{"type": "message", "subtype": "bot_message", "user": "UBOT", "bot_id": "B0BASEWATCH",
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

func apiError(code string) map[string]any {
	return map[string]any{"ok": false, "error": code}
}

func raw(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

func copies(msgs []*Message) []Message {
	out := make([]Message, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, *m)
	}
	return out
}

func sortedKeys(m map[string][]*Message) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}
