package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// StatusSource gives the status page its data, once per request.
type StatusSource interface {
	// Status returns the current snapshot. With an error the snapshot may
	// still hold what could be read; the page shows both.
	Status(ctx context.Context) (Snapshot, error)
}

// StatusFunc adapts a function to StatusSource.
type StatusFunc func(ctx context.Context) (Snapshot, error)

// Status calls f.
func (f StatusFunc) Status(ctx context.Context) (Snapshot, error) { return f(ctx) }

// Options are what New needs. Every field may be left zero.
type Options struct {
	// Status feeds the page at /; without it the page says so.
	Status StatusSource
	// Ready says whether basewatch can do its work: the store answers and
	// the scheduler runs. Nil means always ready.
	Ready func(ctx context.Context) error
	// Gatherer is exposed at /metrics; nil leaves /metrics unserved (404).
	Gatherer prometheus.Gatherer
	// Logger receives failures to read the status or to render; nil
	// discards them.
	Logger *slog.Logger
	// Now is the clock, used when a snapshot carries no time; time.Now
	// when nil.
	Now func() time.Time
	// Location is the zone times are shown in; UTC when nil.
	Location *time.Location
}

// Timeouts of the work one request may cause.
const (
	StatusTimeout = 10 * time.Second // reading the status for the page
	ReadyTimeout  = 3 * time.Second  // the readiness check
)

// RefreshSeconds is how often the page reloads itself, by a meta refresh.
const RefreshSeconds = 60

//go:embed templates
var templateFS embed.FS

// server holds the handler's parts; it has no state shared between
// requests besides the readiness last reported, used to log changes once.
type server struct {
	opts Options
	log  *slog.Logger
	now  func() time.Time
	loc  *time.Location
	page *template.Template
	css  template.CSS
	csp  string

	mu        sync.Mutex
	lastReady error
	readySeen bool
}

// New returns the handler serving /healthz, /readyz, /metrics and the status
// page at /. Other paths are 404, and methods other than GET and HEAD 405.
// It panics if the embedded templates do not parse, which the tests rule
// out.
func New(opts Options) http.Handler {
	s := &server{opts: opts, log: opts.Logger, now: opts.Now, loc: opts.Location}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	css, err := templateFS.ReadFile("templates/style.css")
	if err != nil {
		panic(fmt.Sprintf("web: embedded style: %v", err))
	}
	s.css = template.CSS(css)
	sum := sha256.Sum256(css)
	s.csp = "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	s.page = template.Must(template.ParseFS(templateFS, "templates/status.html"))

	mux := http.NewServeMux()
	// "GET" patterns also match HEAD; the mux answers other methods with
	// 405 and an Allow header, and unknown paths with 404.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	if opts.Gatherer != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(opts.Gatherer, promhttp.HandlerOpts{
			ErrorLog:      promLogger{s.log},
			ErrorHandling: promhttp.ContinueOnError,
		}))
	}
	mux.HandleFunc("GET /{$}", s.status)
	return headers(mux)
}

// headers sets what every response carries.
func headers(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	text(w, http.StatusOK, "ok\n")
}

func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	var err error
	if s.opts.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), ReadyTimeout)
		err = s.opts.Ready(ctx)
		cancel()
	}
	s.noteReady(err)
	if err != nil {
		text(w, http.StatusServiceUnavailable, "not ready: "+Redact(err.Error())+"\n")
		return
	}
	text(w, http.StatusOK, "ready\n")
}

// noteReady logs when readiness changes, not on every probe.
func (s *server) noteReady(err error) {
	s.mu.Lock()
	changed := !s.readySeen || (err == nil) != (s.lastReady == nil)
	s.readySeen, s.lastReady = true, err
	s.mu.Unlock()
	switch {
	case !changed:
	case err != nil:
		s.log.Warn("not ready", slog.String("reason", Redact(err.Error())))
	default:
		s.log.Info("ready")
	}
}

func (s *server) status(w http.ResponseWriter, r *http.Request) {
	var (
		snap Snapshot
		err  error
	)
	if s.opts.Status == nil {
		err = errors.New("no status source is configured")
	} else {
		ctx, cancel := context.WithTimeout(r.Context(), StatusTimeout)
		snap, err = s.opts.Status.Status(ctx)
		cancel()
	}
	if err != nil {
		s.log.Error("status page: reading the status", slog.String("err", Redact(err.Error())))
	}
	p := s.build(snap, err)
	var buf bytes.Buffer
	if err := s.page.Execute(&buf, p); err != nil {
		s.log.Error("status page: rendering", slog.String("err", Redact(err.Error())))
		text(w, http.StatusInternalServerError, "status page failed to render; see the log\n")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", s.csp)
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	code := http.StatusOK
	if err != nil {
		code = http.StatusInternalServerError
	}
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

func text(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	w.Write([]byte(body))
}

// promLogger passes promhttp's errors to slog.
type promLogger struct{ log *slog.Logger }

func (l promLogger) Println(v ...any) {
	l.log.Warn("metrics: " + Redact(fmt.Sprint(v...)))
}
