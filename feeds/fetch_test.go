package feeds

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const feedBody = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>` +
	`<item><title>Rockets hit an air base</title><guid>1</guid></item></channel></rss>`

// newTestFetcher returns a Fetcher whose requests go to srv, with host
// spacing short enough not to slow the tests down.
func newTestFetcher(srv *httptest.Server) *Fetcher {
	return NewFetcher(Options{Client: srv.Client(), HostInterval: time.Nanosecond})
}

func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFetchHTTP(t *testing.T) {
	fixedNow := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const lastMod = "Sun, 01 Mar 2026 10:00:00 GMT"
	bomb := gzipped(t, make([]byte, 16<<20)) // 16 MiB of zeros, 16 KiB on the wire

	tests := []struct {
		name    string
		handler http.HandlerFunc
		req     Request // URL is filled in with the server's
		// on success
		wantStatus      int
		wantNotModified bool
		wantBody        string
		wantETag        string
		wantLastMod     string
		wantMaxAge      time.Duration
		wantType        string
		wantPath        string // final URL path after redirects
		// on failure
		wantErr        string // substring of the error; "" means success
		wantErrStatus  int
		wantRetryAfter time.Duration
		wantErrIs      error
	}{
		{
			name: "200 with validators and headers",
			handler: func(w http.ResponseWriter, r *http.Request) {
				if got := r.Header.Get("User-Agent"); got != DefaultUserAgent {
					http.Error(w, "user agent "+got, http.StatusBadRequest)
					return
				}
				if r.Header.Get("X-Api-Key") != "k" || r.Header.Get("If-None-Match") != "" {
					http.Error(w, "headers", http.StatusBadRequest)
					return
				}
				w.Header().Set("ETag", `"v1"`)
				w.Header().Set("Last-Modified", lastMod)
				w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
				io.WriteString(w, feedBody)
			},
			req:        Request{Header: map[string]string{"X-Api-Key": "k"}},
			wantStatus: 200, wantBody: feedBody, wantETag: `"v1"`, wantLastMod: lastMod,
			wantType: "application/rss+xml; charset=utf-8",
		},
		{
			name: "config may override the user agent",
			handler: func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, r.Header.Get("User-Agent"))
			},
			req:        Request{Header: map[string]string{"user-agent": "newsroom-bot/2"}},
			wantStatus: 200, wantBody: "newsroom-bot/2",
		},
		{
			name: "304 by ETag",
			handler: func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("If-None-Match") == `"v1"` {
					w.Header().Set("ETag", `"v1"`)
					w.WriteHeader(http.StatusNotModified)
					return
				}
				io.WriteString(w, feedBody)
			},
			req:        Request{ETag: `"v1"`},
			wantStatus: 304, wantNotModified: true, wantETag: `"v1"`,
		},
		{
			name: "304 by Last-Modified keeps the request's validators",
			handler: func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("If-Modified-Since") == lastMod {
					w.WriteHeader(http.StatusNotModified) // repeats neither validator
					return
				}
				io.WriteString(w, feedBody)
			},
			req:        Request{LastModified: lastMod, ETag: `W/"old"`},
			wantStatus: 304, wantNotModified: true, wantETag: `W/"old"`, wantLastMod: lastMod,
		},
		{
			name: "stale ETag gets the body",
			handler: func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("If-None-Match") == `"v2"` {
					w.WriteHeader(http.StatusNotModified)
					return
				}
				w.Header().Set("ETag", `"v2"`)
				io.WriteString(w, feedBody)
			},
			req:        Request{ETag: `"v1"`},
			wantStatus: 200, wantBody: feedBody, wantETag: `"v2"`,
		},
		{
			name:    "404",
			handler: func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) },
			wantErr: "HTTP 404 Not Found", wantErrStatus: 404,
		},
		{
			name: "429 with Retry-After seconds",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "120")
				w.WriteHeader(http.StatusTooManyRequests)
			},
			wantErr: "HTTP 429 Too Many Requests (retry after 2m0s)", wantErrStatus: 429, wantRetryAfter: 2 * time.Minute,
		},
		{
			name: "503 with Retry-After date",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", fixedNow.Add(90*time.Second).Format(http.TimeFormat))
				w.WriteHeader(http.StatusServiceUnavailable)
			},
			wantErr: "HTTP 503", wantErrStatus: 503, wantRetryAfter: 90 * time.Second,
		},
		{
			name: "503 with Retry-After in the past",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", fixedNow.Add(-time.Hour).Format(http.TimeFormat))
				w.WriteHeader(http.StatusServiceUnavailable)
			},
			wantErr: "HTTP 503", wantErrStatus: 503,
		},
		{
			name: "500 ignores Retry-After",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "60")
				w.WriteHeader(http.StatusInternalServerError)
			},
			wantErr: "HTTP 500 Internal Server Error", wantErrStatus: 500,
		},
		{
			name: "gzip",
			handler: func(w http.ResponseWriter, r *http.Request) {
				if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
					http.Error(w, "no gzip", http.StatusBadRequest)
					return
				}
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(gzipped(t, []byte(feedBody)))
			},
			wantStatus: 200, wantBody: feedBody,
		},
		{
			name: "gzip label on a plain body",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				io.WriteString(w, feedBody)
			},
			wantStatus: 200, wantBody: feedBody,
		},
		{
			name: "corrupt gzip",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				b := gzipped(t, []byte(feedBody))
				w.Write(b[:len(b)/2])
			},
			wantErr: "reading body: unexpected EOF", wantErrStatus: 200,
		},
		{
			name: "gzip bomb stops at the cap",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(bomb)
			},
			req:     Request{MaxBytes: 1 << 20},
			wantErr: "body exceeds the size cap of 1 MiB", wantErrStatus: 200, wantErrIs: ErrTooLarge,
		},
		{
			name: "oversize by Content-Length",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "2048")
				w.Write(make([]byte, 2048))
			},
			req:     Request{MaxBytes: 1024},
			wantErr: "size cap of 1 KiB", wantErrStatus: 200, wantErrIs: ErrTooLarge,
		},
		{
			name: "oversize chunked",
			handler: func(w http.ResponseWriter, r *http.Request) {
				for range 10 {
					w.Write(make([]byte, 500))
					w.(http.Flusher).Flush()
				}
			},
			req:     Request{MaxBytes: 1000},
			wantErr: "size cap of 1000 bytes", wantErrStatus: 200, wantErrIs: ErrTooLarge,
		},
		{
			name: "exactly the cap is fine",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.(http.Flusher).Flush() // chunked: no Content-Length
				io.WriteString(w, feedBody)
			},
			req:        Request{MaxBytes: int64(len(feedBody))},
			wantStatus: 200, wantBody: feedBody,
		},
		{
			name: "Cache-Control max-age",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Cache-Control", "public, max-age=300")
				io.WriteString(w, feedBody)
			},
			wantStatus: 200, wantBody: feedBody, wantMaxAge: 5 * time.Minute,
		},
		{
			name: "Cache-Control no-cache wins",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Cache-Control", "max-age=300, no-cache")
				io.WriteString(w, feedBody)
			},
			wantStatus: 200, wantBody: feedBody,
		},
		{
			name: "max-age on a 304",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Cache-Control", "max-age=60")
				w.WriteHeader(http.StatusNotModified)
			},
			req:        Request{ETag: `"x"`},
			wantStatus: 304, wantNotModified: true, wantETag: `"x"`, wantMaxAge: time.Minute,
		},
		{
			name: "redirect followed",
			handler: func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/feed":
					http.Redirect(w, r, "/moved/feed.xml", http.StatusMovedPermanently)
				case "/moved/feed.xml":
					io.WriteString(w, feedBody)
				default:
					http.NotFound(w, r)
				}
			},
			wantStatus: 200, wantBody: feedBody, wantPath: "/moved/feed.xml",
		},
		{
			name: "redirect loop",
			handler: func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/feed" {
					http.Redirect(w, r, "/other", http.StatusFound)
					return
				}
				http.Redirect(w, r, "/feed", http.StatusFound)
			},
			wantErr: "redirect loop", wantErrStatus: 0,
		},
		{
			name: "endless redirects",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
			},
			wantErr: "stopped after 5 redirects", wantErrStatus: 0,
		},
		{
			name: "redirect without Location",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusFound)
			},
			wantErr: "redirect without a usable Location", wantErrStatus: 302,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			f := newTestFetcher(srv)
			f.now = func() time.Time { return fixedNow }
			req := tt.req
			req.URL = srv.URL + "/feed"
			resp, err := f.Fetch(context.Background(), req)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("no error; status %d body %.80q", resp.Status, resp.Body)
				}
				var fe *Error
				if !errors.As(err, &fe) {
					t.Fatalf("error %T %v is not a *feeds.Error", err, err)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %q does not contain %q", err, tt.wantErr)
				}
				if !strings.HasPrefix(err.Error(), "GET "+srv.URL+"/feed: ") {
					t.Errorf("error %q does not start with the method and URL", err)
				}
				if fe.Status != tt.wantErrStatus || fe.RetryAfter != tt.wantRetryAfter {
					t.Errorf("status %d retry after %v, want %d and %v", fe.Status, fe.RetryAfter, tt.wantErrStatus, tt.wantRetryAfter)
				}
				if tt.wantErrIs != nil && !errors.Is(err, tt.wantErrIs) {
					t.Errorf("error %v is not %v", err, tt.wantErrIs)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != tt.wantStatus || resp.NotModified != tt.wantNotModified {
				t.Errorf("status %d not-modified %v, want %d %v", resp.Status, resp.NotModified, tt.wantStatus, tt.wantNotModified)
			}
			if string(resp.Body) != tt.wantBody || (tt.wantNotModified && resp.Body != nil) {
				t.Errorf("body %.80q, want %.80q", resp.Body, tt.wantBody)
			}
			if resp.ETag != tt.wantETag || resp.LastModified != tt.wantLastMod {
				t.Errorf("validators %q %q, want %q %q", resp.ETag, resp.LastModified, tt.wantETag, tt.wantLastMod)
			}
			if resp.MaxAge != tt.wantMaxAge {
				t.Errorf("max age %v, want %v", resp.MaxAge, tt.wantMaxAge)
			}
			if tt.wantType != "" && resp.ContentType != tt.wantType {
				t.Errorf("content type %q, want %q", resp.ContentType, tt.wantType)
			}
			wantURL := srv.URL + "/feed"
			if tt.wantPath != "" {
				wantURL = srv.URL + tt.wantPath
			}
			if resp.URL != wantURL {
				t.Errorf("final URL %q, want %q", resp.URL, wantURL)
			}
		})
	}
}

// TestFetchRecovers: a feed that fails with 500 for a while is fetched
// normally as soon as the server recovers; nothing sticks in the Fetcher.
func TestFetchRecovers(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 3 {
			http.Error(w, "database on fire", http.StatusInternalServerError)
			return
		}
		io.WriteString(w, feedBody)
	}))
	defer srv.Close()
	f := newTestFetcher(srv)
	wantStatus := []int{500, 500, 500, 200, 200}
	for i, want := range wantStatus {
		resp, err := f.Fetch(context.Background(), Request{URL: srv.URL})
		var fe *Error
		switch {
		case want == 200 && err != nil:
			t.Fatalf("call %d: %v", i, err)
		case want == 200:
			if resp.Status != 200 || string(resp.Body) != feedBody {
				t.Errorf("call %d: status %d body %.40q", i, resp.Status, resp.Body)
			}
		case !errors.As(err, &fe) || fe.Status != want:
			t.Errorf("call %d: error %v, want HTTP %d", i, err, want)
		}
	}
}

func TestFetchTimeouts(t *testing.T) {
	tests := []struct {
		name       string
		handler    func(w http.ResponseWriter, r *http.Request, stop <-chan struct{})
		wantStatus int
	}{
		{
			name: "server hangs before headers",
			handler: func(w http.ResponseWriter, r *http.Request, stop <-chan struct{}) {
				select {
				case <-r.Context().Done():
				case <-stop:
				}
			},
			wantStatus: 0,
		},
		{
			name: "server trickles a byte at a time",
			handler: func(w http.ResponseWriter, r *http.Request, stop <-chan struct{}) {
				w.WriteHeader(200)
				tick := time.NewTicker(20 * time.Millisecond)
				defer tick.Stop()
				for range 5000 { // 100 s if nobody stops it
					if _, err := w.Write([]byte("<")); err != nil {
						return
					}
					w.(http.Flusher).Flush()
					select {
					case <-tick.C:
					case <-r.Context().Done():
						return
					case <-stop:
						return
					}
				}
			},
			wantStatus: 200,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stop := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tt.handler(w, r, stop) }))
			defer srv.Close()
			defer close(stop)
			f := newTestFetcher(srv)
			start := time.Now()
			_, err := f.Fetch(context.Background(), Request{URL: srv.URL, Timeout: 200 * time.Millisecond})
			elapsed := time.Since(start)
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %v, want *feeds.Error", err)
			}
			if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "within the 200ms timeout") {
				t.Errorf("error %q does not name the timeout", err)
			}
			if fe.Status != tt.wantStatus {
				t.Errorf("status %d, want %d", fe.Status, tt.wantStatus)
			}
			// A generous bound: the point is "not 100 s", not precision.
			if elapsed > 20*time.Second {
				t.Errorf("took %v with a 200ms timeout", elapsed)
			}
		})
	}
}

// TestFetchHugeBody: a server with a gigabyte to send costs the cap, not
// the gigabyte: the client stops at cap+1 and hangs up, and the server's
// writes fail soon after.
func TestFetchHugeBody(t *testing.T) {
	var written atomic.Int64
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for written.Load() < 1<<30 {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	f := newTestFetcher(srv)
	_, err := f.Fetch(context.Background(), Request{URL: srv.URL, MaxBytes: 1 << 20})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "1 MiB") {
		t.Fatalf("error %v, want ErrTooLarge naming 1 MiB", err)
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("server still writing after 30 s; %d bytes so far", written.Load())
	}
	// Socket buffers let the server get ahead of the reader by some MiB;
	// a full read would be 1024 MiB.
	if n := written.Load(); n > 64<<20 {
		t.Errorf("server wrote %d MiB for a 1 MiB cap", n>>20)
	}
}

func TestFetchNetworkErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	url := srv.URL
	client := srv.Client()
	srv.Close() // nothing listens any more

	f := NewFetcher(Options{Client: client, HostInterval: time.Nanosecond})
	secretURL := strings.Replace(url, "http://", "http://reader:s3cret@", 1) + "/feed"
	_, err := f.Fetch(context.Background(), Request{URL: secretURL})
	var fe *Error
	if !errors.As(err, &fe) || fe.Status != 0 {
		t.Fatalf("error %v, want *feeds.Error with status 0", err)
	}
	if strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "reader:xxxxx@") {
		t.Errorf("error %q leaks or loses the userinfo", err)
	}
	if !strings.Contains(err.Error(), "connect") {
		t.Errorf("error %q does not say the connection failed", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.Fetch(ctx, Request{URL: url}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestFetchBadURLs(t *testing.T) {
	f := NewFetcher(Options{})
	tests := []struct{ url, wantErr string }{
		{"", "empty feed URL"},
		{"http://", "has no host"},
		{"https://exa mple.com/", "bad feed URL"},
		{"ftp://example.com/feed", "unsupported protocol scheme"},
		{"file://", "names no file"},
	}
	for _, tt := range tests {
		_, err := f.Fetch(context.Background(), Request{URL: tt.url})
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Fetch(%q) error %v, want %q", tt.url, err, tt.wantErr)
		}
	}
}

func TestFetchFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "feed.xml")
	if err := os.WriteFile(path, []byte(feedBody), 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.xml")
	if err := os.WriteFile(big, make([]byte, 4096), 0o644); err != nil {
		t.Fatal(err)
	}
	f := NewFetcher(Options{})
	ctx := context.Background()

	tests := []struct {
		name, url string
		maxBytes  int64
		wantErr   string
	}{
		{"file URL", "file://" + path, 0, ""},
		{"file URL with localhost", "file://localhost" + path, 0, ""},
		{"plain path", path, 0, ""},
		{"missing", filepath.Join(dir, "nope.xml"), 0, "no such file"},
		{"directory", dir, 0, "is a directory"},
		{"oversize", big, 1024, "size cap of 1 KiB"},
		{"oversize file URL", "file://" + big, 4095, "size cap of 4095 bytes"},
		{"cap equal to size", big, 4096, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := f.Fetch(ctx, Request{URL: tt.url, MaxBytes: tt.maxBytes})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(tt.wantErr, "cap") && !errors.Is(err, ErrTooLarge) {
					t.Errorf("error %v is not ErrTooLarge", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != 200 || resp.NotModified || resp.ETag == "" || len(resp.Body) == 0 || resp.URL != tt.url {
				t.Errorf("got %+v", resp)
			}
		})
	}

	t.Run("unchanged file is not modified", func(t *testing.T) {
		first, err := f.Fetch(ctx, Request{URL: path})
		if err != nil {
			t.Fatal(err)
		}
		again, err := f.Fetch(ctx, Request{URL: path, ETag: first.ETag})
		if err != nil {
			t.Fatal(err)
		}
		if !again.NotModified || again.Body != nil || again.ETag != first.ETag {
			t.Errorf("second fetch %+v, want not modified", again)
		}
		later := time.Now().Add(time.Hour)
		if err := os.Chtimes(path, later, later); err != nil {
			t.Fatal(err)
		}
		changed, err := f.Fetch(ctx, Request{URL: path, ETag: first.ETag})
		if err != nil {
			t.Fatal(err)
		}
		if changed.NotModified || string(changed.Body) != feedBody || changed.ETag == first.ETag {
			t.Errorf("after touching the file: %+v", changed)
		}
	})

	t.Run("relative file URL", func(t *testing.T) {
		resp, err := f.Fetch(ctx, Request{URL: "file://testdata/rss.xml"})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(resp.Body, []byte("Test Wire")) {
			t.Errorf("read the wrong file: %.80q", resp.Body)
		}
	})
}

// TestHostGateOrder checks the slots handed out under concurrency with a
// frozen clock and a sleep that only records, so nothing depends on timing.
func TestHostGateOrder(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	g := newHostGate(time.Second, func() time.Time { return now })
	var mu sync.Mutex
	waits := map[string][]time.Duration{}
	g.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		// The host is not passed to sleep; record under the key the
		// goroutine put in its context.
		host := ctx.Value(hostKey{}).(string)
		waits[host] = append(waits[host], d)
		return nil
	}
	var wg sync.WaitGroup
	for _, host := range []string{"a", "a", "a", "a", "a", "b", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := g.wait(context.WithValue(context.Background(), hostKey{}, host), host); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for host, want := range map[string][]time.Duration{
		"a": {time.Second, 2 * time.Second, 3 * time.Second, 4 * time.Second},
		"b": {time.Second},
	} {
		got := waits[host]
		sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("host %s waited %v, want %v (the first request goes at once)", host, got, want)
		}
	}

	// A later request after the queue has drained goes at once.
	now = now.Add(time.Minute)
	waits = map[string][]time.Duration{}
	if err := g.wait(context.WithValue(context.Background(), hostKey{}, "a"), "a"); err != nil || len(waits["a"]) != 0 {
		t.Errorf("after a quiet minute: err %v waits %v", err, waits["a"])
	}
}

type hostKey struct{}

// TestHostGateCancel: a caller whose context ends while queued returns at
// once with the context's error and gives its slot back.
func TestHostGateCancel(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	g := newHostGate(time.Hour, func() time.Time { return now })
	ctx := context.Background()
	if err := g.wait(ctx, "h"); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	go cancel()
	if err := g.wait(cctx, "h"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	g.mu.Lock()
	next := g.next["h"]
	g.mu.Unlock()
	if want := now.Add(time.Hour); !next.Equal(want) {
		t.Errorf("next slot %v, want %v (the cancelled slot returned)", next, want)
	}
}

// TestFetchHostSpacing runs concurrent fetches through a Fetcher whose gate
// records instead of sleeping: requests to one host queue, another host
// does not wait for them, and local files never touch the gate.
func TestFetchHostSpacing(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, feedBody)
	}))
	defer srv.Close()
	f := NewFetcher(Options{Client: srv.Client(), HostInterval: 10 * time.Second})
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	f.gate.now = func() time.Time { return now }
	var mu sync.Mutex
	var waits []time.Duration
	f.gate.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return nil
	}
	other := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) // same server, another host name
	urls := []string{srv.URL + "/1", srv.URL + "/2", srv.URL + "/3", other + "/4", "testdata/rss.xml"}
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.Fetch(context.Background(), Request{URL: u}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	sort.Slice(waits, func(i, j int) bool { return waits[i] < waits[j] })
	if want := []time.Duration{10 * time.Second, 20 * time.Second}; fmt.Sprint(waits) != fmt.Sprint(want) {
		t.Errorf("waits %v, want %v", waits, want)
	}
}

// TestFetchHostSpacingRealClock: with the real clock, three requests to one
// host cannot finish before two intervals have passed. Timers never fire
// early, so this lower bound cannot flake.
func TestFetchHostSpacingRealClock(t *testing.T) {
	var arrivals []time.Time
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		mu.Unlock()
		io.WriteString(w, feedBody)
	}))
	defer srv.Close()
	const interval = 50 * time.Millisecond
	f := NewFetcher(Options{Client: srv.Client(), HostInterval: interval})
	start := time.Now()
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.Fetch(context.Background(), Request{URL: srv.URL}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if len(arrivals) != 3 {
		t.Fatalf("%d requests arrived", len(arrivals))
	}
	sort.Slice(arrivals, func(i, j int) bool { return arrivals[i].Before(arrivals[j]) })
	if last := arrivals[2].Sub(start); last < 2*interval {
		t.Errorf("third request arrived %v after the first was sent, want at least %v", last, 2*interval)
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{URL: "https://x.example/f", Status: 503, RetryAfter: 30 * time.Second},
			"GET https://x.example/f: HTTP 503 Service Unavailable (retry after 30s)"},
		{&Error{URL: "https://x.example/f", Err: errors.New("dial tcp: connection refused")},
			"GET https://x.example/f: dial tcp: connection refused"},
		{&Error{URL: "https://x.example/f", Status: 200, Err: tooLarge(10 << 20)},
			"GET https://x.example/f: HTTP 200 OK: body exceeds the size cap of 10 MiB (raise the feed's max size if the feed is really this big)"},
		{&Error{URL: "https://x.example/f", Status: 599},
			"GET https://x.example/f: HTTP 599"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got  %q\nwant %q", got, tt.want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"-5", 0},
		{" 30 ", 30 * time.Second},
		{"99999999999999999999", 0}, // does not parse as int64, nor as a date
		{"9223372036854775807", time.Duration(9223372036) * time.Second},
		{"Sun, 01 Mar 2026 12:05:00 GMT", 5 * time.Minute},
		{"Sunday, 01-Mar-26 12:00:10 GMT", 10 * time.Second},
		{"Sun, 01 Mar 2026 11:00:00 GMT", 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseMaxAge(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"max-age=600", 10 * time.Minute},
		{"public, MAX-AGE = 60", time.Minute},
		{`max-age="120"`, 2 * time.Minute},
		{"max-age=0", 0},
		{"max-age=abc", 0},
		{"no-store, max-age=60", 0},
		{"s-maxage=60", 0},
		{"max-age=99999999999", 365 * 24 * time.Hour},
	}
	for _, tt := range tests {
		if got := parseMaxAge(tt.in); got != tt.want {
			t.Errorf("parseMaxAge(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func BenchmarkFetch(b *testing.B) {
	body := []byte(strings.Repeat(feedBody, 50))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v"`)
		w.Write(body)
	}))
	defer srv.Close()
	f := newTestFetcher(srv)
	for _, bc := range []struct {
		name string
		etag string
	}{{"200", ""}, {"304", `"v"`}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.Fetch(context.Background(), Request{URL: srv.URL, ETag: bc.etag}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestFetchTLS: https goes through the injected client's transport (here
// trusting the test server's certificate), over HTTP/2 as well.
func TestFetchTLS(t *testing.T) {
	for _, h2 := range []bool{false, true} {
		t.Run(fmt.Sprintf("http2=%v", h2), func(t *testing.T) {
			var proto atomic.Int32
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				proto.Store(int32(r.ProtoMajor))
				if r.Header.Get("If-None-Match") == `"t"` {
					w.WriteHeader(http.StatusNotModified)
					return
				}
				w.Header().Set("ETag", `"t"`)
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(gzipped(t, []byte(feedBody)))
			}))
			srv.EnableHTTP2 = h2
			srv.StartTLS()
			defer srv.Close()
			f := newTestFetcher(srv)
			resp, err := f.Fetch(context.Background(), Request{URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			if string(resp.Body) != feedBody || resp.ETag != `"t"` {
				t.Errorf("body %.40q etag %q", resp.Body, resp.ETag)
			}
			again, err := f.Fetch(context.Background(), Request{URL: srv.URL, ETag: resp.ETag})
			if err != nil || !again.NotModified {
				t.Errorf("conditional GET: %+v, %v", again, err)
			}
			if want := map[bool]int32{false: 1, true: 2}[h2]; proto.Load() != want {
				t.Errorf("served over HTTP/%d, want HTTP/%d", proto.Load(), want)
			}
		})
	}
}
