package discord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeDiscord is an httptest server speaking the slice of Discord's REST API
// (v9) that the output uses, with Discord's JSON shapes, error bodies
// {"message":…,"code":…} and rate-limit headers. Like Discord it does not
// return nonces when messages are read back, and with enforce_nonce it
// answers a repeated nonce with the message created first.
type fakeDiscord struct {
	srv   *httptest.Server
	token string

	mu       sync.Mutex
	channels map[string][]*fakeMsg // oldest first
	calls    []fakeCall
	queued   map[string][]fakeReply // by "METHOD kind", kind = messages or message
	nonces   map[string]*fakeMsg
	seq      int64
	hang     bool // store the next message, then answer only when the client is gone
}

type fakeMsg struct {
	ID        string
	ChannelID string
	Bot       bool
	Embeds    json.RawMessage
	Reference json.RawMessage
	Nonce     string
	Edited    bool
}

type fakeCall struct {
	Method string
	Path   string
	Query  string
	Body   json.RawMessage
}

type fakeReply struct {
	status int
	header map[string]string
	body   string
}

func newFakeDiscord(t *testing.T, channels ...string) *fakeDiscord {
	f := &fakeDiscord{
		token:    "MTIzNDU2.fake.bot-token",
		channels: make(map[string][]*fakeMsg),
		queued:   make(map[string][]fakeReply),
		nonces:   make(map[string]*fakeMsg),
		seq:      1214000000000000000,
	}
	for _, c := range channels {
		f.channels[c] = nil
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeDiscord) queue(method, kind string, status int, header map[string]string, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queued[method+" "+kind] = append(f.queued[method+" "+kind], fakeReply{status, header, body})
}

func (f *fakeDiscord) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		out = append(out, c.Method+" "+kindOf(c.Path))
	}
	return out
}

func (f *fakeDiscord) writes() []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeCall
	for _, c := range f.calls {
		if c.Method != http.MethodGet {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeDiscord) count(channel string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.channels[channel])
}

// addHuman adds a message from a person, as noise for Find.
func (f *fakeDiscord) addHuman(channel string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	f.channels[channel] = append(f.channels[channel], &fakeMsg{ID: strconv.FormatInt(f.seq, 10), ChannelID: channel})
}

func kindOf(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) >= 6 {
		return "message"
	}
	return "messages"
}

func discordError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"message": msg, "code": code})
}

func (f *fakeDiscord) serve(w http.ResponseWriter, r *http.Request) {
	var body json.RawMessage
	if r.Body != nil {
		_ = json.NewDecoder(r.Body).Decode(&body)
	}
	f.mu.Lock()
	f.calls = append(f.calls, fakeCall{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Body: body})
	key := r.Method + " " + kindOf(r.URL.Path)
	if q := f.queued[key]; len(q) > 0 {
		f.queued[key] = q[1:]
		f.mu.Unlock()
		for k, v := range q[0].header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(q[0].status)
		fmt.Fprint(w, q[0].body)
		return
	}
	f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bot "+f.token {
		discordError(w, http.StatusUnauthorized, 0, "401: Unauthorized")
		return
	}
	// /api/v9/channels/{id}/messages[/{mid}]
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 5 || parts[0] != "api" || parts[1] != "v9" || parts[2] != "channels" || parts[4] != "messages" {
		discordError(w, http.StatusNotFound, 0, "404: Not Found")
		return
	}
	ch := parts[3]
	f.mu.Lock()
	_, ok := f.channels[ch]
	f.mu.Unlock()
	if !ok {
		discordError(w, http.StatusNotFound, 10003, "Unknown Channel")
		return
	}
	w.Header().Set("X-RateLimit-Limit", "5")
	w.Header().Set("X-RateLimit-Remaining", "4")
	w.Header().Set("X-RateLimit-Reset-After", "1.000")
	w.Header().Set("X-RateLimit-Bucket", "fakebucket")
	switch {
	case r.Method == http.MethodPost && len(parts) == 5:
		f.create(w, r, ch, body)
	case r.Method == http.MethodPatch && len(parts) == 6:
		f.edit(w, ch, parts[5], body)
	case r.Method == http.MethodGet && len(parts) == 5:
		f.list(w, r, ch)
	default:
		discordError(w, http.StatusMethodNotAllowed, 0, "405: Method Not Allowed")
	}
}

func (f *fakeDiscord) create(w http.ResponseWriter, r *http.Request, ch string, body json.RawMessage) {
	var in struct {
		Content      string          `json:"content"`
		Embeds       json.RawMessage `json:"embeds"`
		Nonce        string          `json:"nonce"`
		EnforceNonce bool            `json:"enforce_nonce"`
		Reference    *struct {
			MessageID       string `json:"message_id"`
			FailIfNotExists *bool  `json:"fail_if_not_exists"`
		} `json:"message_reference"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		discordError(w, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return
	}
	if len(in.Nonce) > 25 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"code": 50035, "errors": {"nonce": {"_errors": [{"code": "BASE_TYPE_BAD_LENGTH", "message": "Must be 25 or fewer in length."}]}}, "message": "Invalid Form Body"}`)
		return
	}
	f.mu.Lock()
	if in.EnforceNonce && in.Nonce != "" {
		if m := f.nonces[ch+"/"+in.Nonce]; m != nil {
			f.mu.Unlock()
			writeJSON(w, m.json(true))
			return
		}
	}
	f.seq++
	m := &fakeMsg{ID: strconv.FormatInt(f.seq, 10), ChannelID: ch, Bot: true, Embeds: in.Embeds, Nonce: in.Nonce}
	if in.Reference != nil {
		exists := false
		for _, p := range f.channels[ch] {
			exists = exists || p.ID == in.Reference.MessageID
		}
		if !exists && (in.Reference.FailIfNotExists == nil || *in.Reference.FailIfNotExists) {
			f.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"code": 50035, "errors": {"message_reference": {"_errors": [{"code": "REPLIES_UNKNOWN_MESSAGE", "message": "Unknown message"}]}}, "message": "Invalid Form Body"}`)
			return
		}
		if exists {
			m.Reference, _ = json.Marshal(map[string]string{"message_id": in.Reference.MessageID, "channel_id": ch})
		}
	}
	f.channels[ch] = append(f.channels[ch], m)
	if in.Nonce != "" {
		f.nonces[ch+"/"+in.Nonce] = m
	}
	hang := f.hang
	f.hang = false
	f.mu.Unlock()
	if hang {
		<-r.Context().Done()
		return
	}
	writeJSON(w, m.json(true))
}

func (f *fakeDiscord) edit(w http.ResponseWriter, ch, id string, body json.RawMessage) {
	var in struct {
		Embeds json.RawMessage `json:"embeds"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		discordError(w, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range f.channels[ch] {
		if m.ID == id {
			if !m.Bot {
				discordError(w, http.StatusForbidden, 50005, "Cannot edit a message authored by another user")
				return
			}
			if len(in.Embeds) > 0 {
				m.Embeds = in.Embeds
			}
			m.Edited = true
			writeJSON(w, m.json(false))
			return
		}
	}
	discordError(w, http.StatusNotFound, 10008, "Unknown Message")
}

func (f *fakeDiscord) list(w http.ResponseWriter, r *http.Request, ch string) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	f.mu.Lock()
	var sel []*fakeMsg
	for _, m := range f.channels[ch] {
		id, _ := strconv.ParseInt(m.ID, 10, 64)
		if (before == 0 || id < before) && (after == 0 || id > after) {
			sel = append(sel, m)
		}
	}
	f.mu.Unlock()
	// With after, Discord returns the oldest messages after it; either way
	// the page is sorted newest first.
	if after != 0 {
		if len(sel) > limit {
			sel = sel[:limit]
		}
	} else if len(sel) > limit {
		sel = sel[len(sel)-limit:]
	}
	sort.Slice(sel, func(i, j int) bool { return sel[i].ID > sel[j].ID })
	out := []map[string]any{}
	for _, m := range sel {
		out = append(out, m.json(false))
	}
	writeJSON(w, out)
}

// json is the message object; the nonce only in the answer to its creation.
func (m *fakeMsg) json(withNonce bool) map[string]any {
	author := map[string]any{"id": "1111", "username": "reader", "discriminator": "0", "global_name": "Reader"}
	if m.Bot {
		author = map[string]any{"id": "2222", "username": "basewatch", "discriminator": "0000", "bot": true}
	}
	embeds := m.Embeds
	if len(embeds) == 0 {
		embeds = json.RawMessage("[]")
	}
	out := map[string]any{
		"id": m.ID, "type": 0, "channel_id": m.ChannelID, "author": author, "content": "",
		"embeds": embeds, "attachments": []any{}, "mentions": []any{}, "mention_roles": []any{},
		"mention_everyone": false, "pinned": false, "tts": false, "flags": 0, "components": []any{},
		"timestamp": "2024-03-05T11:17:00.000000+00:00", "edited_timestamp": nil,
	}
	if m.Edited {
		out["edited_timestamp"] = "2024-03-05T11:30:00.000000+00:00"
	}
	if len(m.Reference) > 0 {
		out["type"] = 19
		out["message_reference"] = m.Reference
	}
	if withNonce && m.Nonce != "" {
		out["nonce"] = m.Nonce
	}
	return out
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
