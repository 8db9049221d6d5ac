package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot/metrics"
	"github.com/prometheus/client_golang/prometheus"
)

var update = flag.Bool("update", false, "rewrite the golden files (and the Chromium screenshot) in testdata/")

// fixed returns a StatusSource that always answers snap.
func fixed(snap Snapshot) StatusSource {
	return StatusFunc(func(context.Context) (Snapshot, error) { return snap, nil })
}

// do sends one request to h and returns the response with its body read.
func do(t *testing.T, h http.Handler, method, target string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	res := rec.Result()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

func TestHealthz(t *testing.T) {
	// Health does not depend on readiness or the status.
	h := New(Options{Ready: func(context.Context) error { return errors.New("store down") }})
	res, body := do(t, h, http.MethodGet, "/healthz")
	if res.StatusCode != http.StatusOK || body != "ok\n" {
		t.Errorf("GET /healthz = %d %q, want 200 \"ok\\n\"", res.StatusCode, body)
	}
	res, _ = do(t, h, http.MethodHead, "/healthz") // the server, not the handler, drops a HEAD's body
	if res.StatusCode != http.StatusOK {
		t.Errorf("HEAD /healthz = %d, want 200", res.StatusCode)
	}
	if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q", got)
	}
}

func TestReadyz(t *testing.T) {
	tests := []struct {
		name     string
		ready    func(context.Context) error
		wantCode int
		wantBody string
	}{
		{"no check", nil, http.StatusOK, "ready\n"},
		{"ready", func(context.Context) error { return nil }, http.StatusOK, "ready\n"},
		{"store down", func(context.Context) error { return errors.New("store: ping: connection refused") },
			http.StatusServiceUnavailable, "not ready: store: ping: connection refused\n"},
		{"scheduler stopped", func(context.Context) error { return errors.New("scheduler is not running") },
			http.StatusServiceUnavailable, "not ready: scheduler is not running\n"},
		{"secret in the reason", func(context.Context) error {
			return errors.New("store: ping postgres://basewatch:hunter2pass@db.internal:5432/bw: timeout")
		}, http.StatusServiceUnavailable, "not ready: store: ping postgres://db.internal:5432/bw: timeout\n"},
		{"check gives up at its deadline", func(ctx context.Context) error {
			if _, ok := ctx.Deadline(); !ok {
				return errors.New("no deadline")
			}
			return context.DeadlineExceeded
		}, http.StatusServiceUnavailable, "not ready: context deadline exceeded\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := do(t, New(Options{Ready: tt.ready}), http.MethodGet, "/readyz")
			if res.StatusCode != tt.wantCode || body != tt.wantBody {
				t.Errorf("GET /readyz = %d %q, want %d %q", res.StatusCode, body, tt.wantCode, tt.wantBody)
			}
		})
	}
}

func TestReadyzLogsChangesOnce(t *testing.T) {
	var logs bytes.Buffer
	var fail bool
	h := New(Options{
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Ready: func(context.Context) error {
			if fail {
				return errors.New("database is locked; dsn password=hunter2pass")
			}
			return nil
		},
	})
	for _, f := range []bool{false, false, true, true, true, false} {
		fail = f
		do(t, h, http.MethodGet, "/readyz")
	}
	out := logs.String()
	if n := strings.Count(out, "not ready"); n != 1 {
		t.Errorf("%d \"not ready\" lines for one outage, want 1:\n%s", n, out)
	}
	if n := strings.Count(out, `msg=ready`); n != 2 {
		t.Errorf("%d \"ready\" lines (start and recovery), want 2:\n%s", n, out)
	}
	if strings.Contains(out, "hunter2pass") {
		t.Errorf("log holds a password:\n%s", out)
	}
}

func TestMetricsEndpoint(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	m.Fetched("wire-english", "304", 20*time.Millisecond)
	m.Decided(metrics.ActionAlert)
	m.WatchOutbox(func(context.Context) (int, int, time.Duration, error) { return 3, 1, time.Minute, nil })

	res, body := do(t, New(Options{Gatherer: reg}), http.MethodGet, "/metrics")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics = %d", res.StatusCode)
	}
	for _, want := range []string{
		`basewatch_feed_fetches_total{feed="wire-english",status="304"} 1`,
		`basewatch_decisions_total{action="alert"} 1`,
		"basewatch_outbox_pending 3",
		"basewatch_outbox_failed 1",
		"basewatch_outbox_oldest_seconds 60",
		"# TYPE basewatch_feed_fetch_duration_seconds histogram",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("exposition lacks %q", want)
		}
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type = %q", ct)
	}

	// Without a gatherer there is no /metrics, and the page does not link
	// to it.
	h := New(Options{Status: fixed(fixture())})
	if res, _ := do(t, h, http.MethodGet, "/metrics"); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /metrics without a gatherer = %d, want 404", res.StatusCode)
	}
	if _, page := do(t, h, http.MethodGet, "/"); strings.Contains(page, `href="metrics"`) {
		t.Error("page links to /metrics, which is not served")
	}
}

func TestRoutes(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := New(Options{Status: fixed(fixture()), Gatherer: reg, Location: zone})
	tests := []struct {
		method, target string
		want           int
	}{
		{"GET", "/", 200},
		{"HEAD", "/", 200},
		{"GET", "/healthz", 200},
		{"GET", "/readyz", 200},
		{"GET", "/metrics", 200},
		{"HEAD", "/metrics", 200},
		{"GET", "/index.html", 404},
		{"GET", "/healthz/", 404},
		{"GET", "/static/style.css", 404},
		{"GET", "/favicon.ico", 404},
		{"GET", "/templates/status.html", 404},
		{"POST", "/", 405},
		{"PUT", "/healthz", 405},
		{"DELETE", "/readyz", 405},
		{"POST", "/metrics", 405},
		{"OPTIONS", "/", 405},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			res, _ := do(t, h, tt.method, tt.target)
			if res.StatusCode != tt.want {
				t.Fatalf("got %d, want %d", res.StatusCode, tt.want)
			}
			if tt.want == 405 {
				if allow := res.Header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "HEAD") {
					t.Errorf("Allow = %q, want GET and HEAD", allow)
				}
			}
		})
	}
}

func TestStatusPageHeaders(t *testing.T) {
	res, body := do(t, New(Options{Status: fixed(fixture()), Location: zone}), http.MethodGet, "/")
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	for name, want := range map[string]string{
		"Referrer-Policy":        "no-referrer",
		"X-Frame-Options":        "DENY",
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := res.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	// The policy forbids scripts and allows exactly the inline style the
	// page carries, by its hash.
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe") || strings.Contains(csp, "script-src") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	start := strings.Index(body, "<style>")
	end := strings.Index(body, "</style>")
	if start < 0 || end < start {
		t.Fatal("page has no <style> element")
	}
	sum := sha256.Sum256([]byte(body[start+len("<style>") : end]))
	if want := "style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, want) {
		t.Errorf("Content-Security-Policy %q does not allow the page's style (%s)", csp, want)
	}
}

func TestStatusPageGolden(t *testing.T) {
	_, body := do(t, New(Options{Status: fixed(fixture()), Location: zone, Gatherer: prometheus.NewRegistry()}), http.MethodGet, "/")
	golden(t, "status.golden.html", body)
}

func TestStatusPageEmptyGolden(t *testing.T) {
	// A fresh install: no feeds polled, no incidents, empty outbox; the
	// clock comes from Options.Now as the snapshot carries none.
	h := New(Options{
		Status: fixed(Snapshot{Feeds: []FeedHealth{{Name: "first-feed", URL: "https://feeds.example.org/a.xml", Schedule: "*/5 * * * *"}}}),
		Now:    func() time.Time { return fixtureNow },
	})
	_, body := do(t, h, http.MethodGet, "/")
	golden(t, "empty.golden.html", body)
}

func TestStatusError(t *testing.T) {
	var logs bytes.Buffer
	partial := fixture()
	partial.Latest, partial.FailedItems = nil, nil
	h := New(Options{
		Logger:   slog.New(slog.NewJSONHandler(&logs, nil)),
		Location: zone,
		Status: StatusFunc(func(context.Context) (Snapshot, error) {
			return partial, errors.New("status: incidents: ping postgres://bw:hunter2pass@db.internal/bw: connection refused")
		}),
	})
	res, body := do(t, h, http.MethodGet, "/")
	if res.StatusCode != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", res.StatusCode)
	}
	doc := parse(t, body)
	alert := find(doc, func(n *node) bool { return attr(n, "role") == "alert" })
	if alert == nil || !strings.Contains(textOf(alert), "status: incidents: ping postgres://db.internal/bw: connection refused") {
		t.Errorf("no alert naming the failure; page:\n%s", body)
	}
	// What could be read is still shown.
	if !strings.Contains(body, "regional-arabic") {
		t.Error("feeds read before the failure are not shown")
	}
	if !strings.HasPrefix(titleOf(doc), "basewatch status: status incomplete") {
		t.Errorf("title = %q", titleOf(doc))
	}
	for _, out := range []string{body, logs.String()} {
		if strings.Contains(out, "hunter2pass") {
			t.Errorf("password leaked:\n%s", out)
		}
	}
	if !strings.Contains(logs.String(), "connection refused") {
		t.Errorf("failure not logged: %s", logs.String())
	}
}

func TestStatusWithoutSource(t *testing.T) {
	res, body := do(t, New(Options{}), http.MethodGet, "/")
	if res.StatusCode != http.StatusInternalServerError || !strings.Contains(body, "no status source is configured") {
		t.Errorf("got %d, page:\n%s", res.StatusCode, body)
	}
}

func TestStatusTimeout(t *testing.T) {
	h := New(Options{Status: StatusFunc(func(ctx context.Context) (Snapshot, error) {
		dl, ok := ctx.Deadline()
		if !ok {
			t.Error("status read without a deadline")
		} else if d := time.Until(dl); d <= 0 || d > StatusTimeout {
			t.Errorf("deadline in %v, want within %v", d, StatusTimeout)
		}
		return Snapshot{}, nil
	})})
	do(t, h, http.MethodGet, "/")
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < max(len(gl), len(wl)); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs from the rendered page at line %d (run go test -update and review the diff):\n got: %s\nwant: %s", path, i+1, g, w)
			}
		}
	}
}

func BenchmarkStatusPage(b *testing.B) {
	h := New(Options{Status: fixed(fixture()), Location: zone})
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}

func BenchmarkRedact(b *testing.B) {
	msg := "fetch https://arabic.example.net/feed?apikey=s3cr3tFeedKey: 503 Service Unavailable; token xoxb-1111-2222-AbCdEfGhIjKl"
	b.ReportAllocs()
	for b.Loop() {
		Redact(msg)
	}
}
