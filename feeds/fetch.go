package feeds

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults applied to zero fields of Options and Request.
const (
	DefaultUserAgent    = "basewatch/0.1 (+https://github.com/basewatch/basewatch)"
	DefaultMaxRedirects = 5
	DefaultHostInterval = time.Second
	DefaultTimeout      = 30 * time.Second
	DefaultMaxBytes     = 10 << 20
)

// acceptHeader prefers feed types but takes anything, since many servers
// label feeds text/html or application/octet-stream.
const acceptHeader = "application/rss+xml, application/atom+xml, application/feed+json, " +
	"application/xml;q=0.9, application/json;q=0.9, text/xml;q=0.8, */*;q=0.5"

// Options configures a Fetcher. Zero values get sensible defaults.
type Options struct {
	UserAgent    string        // default DefaultUserAgent
	MaxRedirects int           // default 5; a negative value is also 5
	HostInterval time.Duration // minimum spacing between requests to one host; default 1s; 0 < x
	Client       *http.Client  // optional; its Transport (and Jar) are used, e.g. an httptest server's client
}

// Fetcher gets feed bodies over HTTP(S) or from local files. It is safe for
// concurrent use; requests to one host are spaced out by Options.HostInterval
// whatever the number of goroutines calling Fetch.
type Fetcher struct {
	userAgent    string
	maxRedirects int
	client       *http.Client
	gate         *hostGate
	now          func() time.Time
}

// NewFetcher returns a Fetcher with opts' zero fields set to their defaults.
func NewFetcher(opts Options) *Fetcher {
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent
	}
	if opts.MaxRedirects <= 0 {
		opts.MaxRedirects = DefaultMaxRedirects
	}
	if opts.HostInterval <= 0 {
		opts.HostInterval = DefaultHostInterval
	}
	f := &Fetcher{
		userAgent:    opts.UserAgent,
		maxRedirects: opts.MaxRedirects,
		now:          time.Now,
	}
	f.gate = newHostGate(opts.HostInterval, f.now)
	var transport http.RoundTripper
	var jar http.CookieJar
	if opts.Client != nil {
		transport, jar = opts.Client.Transport, opts.Client.Jar
	}
	if transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 4
		// Response headers count against the body's budget in spirit: a
		// hostile server gets 256 KiB of them, not the default 10 MiB.
		// Time is bounded per request by Request.Timeout instead of
		// transport-wide timeouts, so one slow feed can be given longer.
		t.MaxResponseHeaderBytes = 256 << 10
		transport = t
	}
	f.client = &http.Client{
		Transport:     transport,
		Jar:           jar,
		CheckRedirect: f.checkRedirect,
	}
	return f
}

// Request is one fetch of one feed. The caller keeps ETag and LastModified
// from the previous Response and passes them back for a conditional GET.
type Request struct {
	URL          string            // http(s)://, file://, or a plain path
	ETag         string            // sent as If-None-Match
	LastModified string            // sent as If-Modified-Since
	Header       map[string]string // extra headers from config (Accept-Encoding is ours and ignored)
	Timeout      time.Duration     // whole request incl. body, after the host-spacing wait; default 30s
	MaxBytes     int64             // cap on the (decompressed) body; default 10 MiB
}

// Response is a successful fetch: a 2xx with its body, or a 304.
type Response struct {
	Status      int
	NotModified bool   // 304: Body is nil, nothing to parse
	Body        []byte // decompressed, at most Request.MaxBytes
	// ETag and LastModified are the validators to send next time. On a 304
	// that does not repeat them they are the request's, so the caller can
	// store them unconditionally.
	ETag         string
	LastModified string
	ContentType  string        // Content-Type header, for Parse's charset fallback
	MaxAge       time.Duration // from Cache-Control max-age, 0 if none
	URL          string        // final URL after redirects
}

// Fetch gets req.URL. HTTP(S) URLs go through the network with conditional
// GET and the caps of req; file:// URLs and plain paths are read from disk
// with the same size cap. A local file's ETag is derived from its size and
// modification time, so an unchanged file is NotModified too.
//
// HTTP failures are returned as *Error; other failures (a bad URL, a missing
// file) as wrapped errors naming the URL or path.
func (f *Fetcher) Fetch(ctx context.Context, req Request) (*Response, error) {
	if req.Timeout <= 0 {
		req.Timeout = DefaultTimeout
	}
	if req.MaxBytes <= 0 {
		req.MaxBytes = DefaultMaxBytes
	}
	raw := strings.TrimSpace(req.URL)
	if raw == "" {
		return nil, errors.New("fetch: empty feed URL")
	}
	if path, ok, err := localPath(raw); err != nil {
		return nil, err
	} else if ok {
		return fetchFile(ctx, path, req)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("fetch: bad feed URL %q: %w", raw, unwrapURLError(err))
	}
	if u.Host == "" {
		return nil, fmt.Errorf("fetch: feed URL %q has no host", u.Redacted())
	}
	return f.fetchHTTP(ctx, u, req)
}

func (f *Fetcher) fetchHTTP(ctx context.Context, u *url.URL, req Request) (*Response, error) {
	shown := u.Redacted()
	fail := func(status int, err error) *Error {
		return &Error{URL: shown, Status: status, Err: err}
	}

	hreq, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fail(0, unwrapURLError(err))
	}
	hreq.Header.Set("User-Agent", f.userAgent)
	hreq.Header.Set("Accept", acceptHeader)
	for k, v := range req.Header {
		switch http.CanonicalHeaderKey(k) {
		case "Accept-Encoding":
			// We decode gzip ourselves; an encoding we cannot read would
			// only turn into a parse error later.
		case "Host":
			hreq.Host = v
		default:
			hreq.Header.Set(k, v)
		}
	}
	// Asking for gzip explicitly turns off the transport's transparent
	// decompression, so the size cap below applies to the decompressed
	// bytes whatever transport the caller injected.
	hreq.Header.Set("Accept-Encoding", "gzip")
	if req.ETag != "" {
		hreq.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hreq.Header.Set("If-Modified-Since", req.LastModified)
	}

	if err := f.gate.wait(ctx, strings.ToLower(u.Hostname())); err != nil {
		return nil, fail(0, err)
	}

	tctx, cancel := context.WithTimeout(ctx, req.Timeout)
	defer cancel()
	// explain turns the transport's view of our own deadline into a sentence
	// that names the timeout; a cancelled parent context stays as it is.
	explain := func(err error) error {
		err = unwrapURLError(err)
		if ctx.Err() == nil && tctx.Err() != nil {
			return fmt.Errorf("no complete response within the %s timeout: %w", req.Timeout, context.DeadlineExceeded)
		}
		return err
	}

	resp, err := f.client.Do(hreq.WithContext(tctx))
	if err != nil {
		return nil, fail(0, explain(err))
	}
	defer resp.Body.Close()

	out := &Response{
		Status:       resp.StatusCode,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		ContentType:  resp.Header.Get("Content-Type"),
		MaxAge:       parseMaxAge(strings.Join(resp.Header.Values("Cache-Control"), ",")),
		URL:          resp.Request.URL.Redacted(),
	}
	if out.URL == "" {
		out.URL = shown
	}

	switch {
	case resp.StatusCode == http.StatusNotModified:
		out.NotModified = true
		if out.ETag == "" {
			out.ETag = req.ETag
		}
		if out.LastModified == "" {
			out.LastModified = req.LastModified
		}
		return out, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		e := fail(resp.StatusCode, nil)
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), f.now())
		}
		if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
			e.Err = errors.New("redirect without a usable Location")
		}
		return nil, e
	}

	encoding := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	if encoding == "" || encoding == "identity" {
		if resp.ContentLength > req.MaxBytes {
			return nil, fail(resp.StatusCode, tooLarge(req.MaxBytes))
		}
	}
	body, err := readBody(resp.Body, encoding, req.MaxBytes, resp.ContentLength)
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return nil, fail(resp.StatusCode, err)
		}
		return nil, fail(resp.StatusCode, fmt.Errorf("reading body: %w", explain(err)))
	}
	out.Body = body
	return out, nil
}

// readBody reads at most limit decompressed bytes, stopping at limit+1 so an
// endless or huge body costs no more than the cap.
func readBody(r io.Reader, encoding string, limit, contentLength int64) ([]byte, error) {
	switch encoding {
	case "", "identity":
	case "gzip", "x-gzip":
		// Some servers label plain bodies gzip; only decompress what
		// starts with the gzip magic number.
		br := bufio.NewReader(r)
		magic, err := br.Peek(2)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
			zr, err := gzip.NewReader(br)
			if err != nil {
				return nil, fmt.Errorf("gzip: %w", err)
			}
			defer zr.Close()
			r = zr
		} else {
			r = br
		}
		contentLength = -1
	default:
		return nil, fmt.Errorf("unsupported Content-Encoding %q", encoding)
	}
	var buf bytes.Buffer
	if contentLength > 0 && contentLength <= limit {
		buf.Grow(int(contentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if n > limit {
		return nil, tooLarge(limit)
	}
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// checkRedirect caps the redirect chain and names a loop as a loop.
func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	for _, prev := range via {
		if prev.URL.String() == req.URL.String() {
			return fmt.Errorf("redirect loop: %s was already visited after %d redirects", req.URL.Redacted(), len(via))
		}
	}
	if len(via) > f.maxRedirects {
		return fmt.Errorf("stopped after %d redirects (the cap), last to %s", f.maxRedirects, req.URL.Redacted())
	}
	return nil
}

// unwrapURLError drops net/url's "Get \"URL\":" wrapper: *Error already
// names the URL, and the wrapper would repeat any password in it.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
