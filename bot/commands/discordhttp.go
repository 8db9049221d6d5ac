package commands

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// DiscordInteractionsPath is the path the Discord handler serves; set the
// application's Interactions Endpoint URL to it.
const DiscordInteractionsPath = "/discord/interactions"

// DiscordHandler serves Discord interactions over HTTP, for deployments
// that keep no gateway open.
type DiscordHandler struct {
	d       *Discord
	key     ed25519.PublicKey
	rest    *discordgo.Session
	maxBody int64
	now     func() time.Time
	replay  *replayGuard
	initErr error
}

// NewDiscordHandler returns the handler of DiscordInteractionsPath. Every
// request must carry Discord's Ed25519 signature by the application's key,
// made within SignatureWindow and not seen before; PINGs are answered with
// a PONG. Slow answers are deferred and edited in through the REST API.
func NewDiscordHandler(opts DiscordOptions) *DiscordHandler {
	h := &DiscordHandler{d: NewDiscord(opts), key: opts.PublicKey, maxBody: opts.MaxBody, now: opts.Now}
	if h.maxBody <= 0 {
		h.maxBody = DefaultMaxBody
	}
	if h.now == nil {
		h.now = time.Now
	}
	h.replay = newReplayGuard(h.now)
	h.rest, h.initErr = NewDiscordSession("", opts.APIURL, opts.HTTPClient)
	if len(h.key) != ed25519.PublicKeySize {
		h.initErr = errors.New("discord: no valid public key: set commands.discord_public_key")
	}
	return h
}

// Discord returns the handler's interaction logic, to serve the gateway too.
func (h *DiscordHandler) Discord() *Discord { return h.d }

// Wait waits for the deferred answers still being edited in.
func (h *DiscordHandler) Wait() { h.d.Wait() }

func (h *DiscordHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != DiscordInteractionsPath {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	log := h.d.log.With(slog.String("path", r.URL.Path), slog.String("remote", r.RemoteAddr))
	if h.initErr != nil {
		log.Error("discord interactions", slog.Any("err", h.initErr))
		http.Error(w, "not configured", http.StatusServiceUnavailable)
		return
	}
	body, err := readBody(r, h.maxBody)
	if errors.Is(err, errTooLarge) {
		log.Warn("discord request refused: body too large", slog.Int64("max", h.maxBody))
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if err != nil {
		log.Warn("discord request refused", slog.Any("err", err))
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if err := h.verify(r, body); err != nil {
		// The body is not logged: it may be anything.
		log.Warn("discord request refused: not signed by Discord", slog.String("why", err.Error()))
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		log.Warn("discord request refused: bad interaction", slog.Any("err", err))
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	first, later := h.d.interact(&i)
	if first == nil {
		http.Error(w, "interaction not handled", http.StatusBadRequest)
		return
	}
	writeJSON(w, first)
	if later != nil {
		h.d.wg.Add(1)
		go func() {
			defer h.d.wg.Done()
			h.d.edit(h.rest, &i, later)
		}()
	}
}

// verify checks the timestamp's age, the signature and that the request
// was not seen before.
func (h *DiscordHandler) verify(r *http.Request, body []byte) error {
	ts := r.Header.Get("X-Signature-Timestamp")
	sig := r.Header.Get("X-Signature-Ed25519")
	if ts == "" || sig == "" {
		return errors.New("missing signature headers")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("bad timestamp")
	}
	if age := h.now().Sub(time.Unix(sec, 0)); age > SignatureWindow || age < -SignatureWindow {
		return errors.New("stale timestamp")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if !discordgo.VerifyInteraction(r, h.key) {
		return errors.New("bad signature")
	}
	if !h.replay.first(sig) {
		return errors.New("replayed: signature seen before")
	}
	return nil
}
