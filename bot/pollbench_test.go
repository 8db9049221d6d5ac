package bot_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot"
	"github.com/basewatch/basewatch/bot/corpustest"
	"github.com/basewatch/basewatch/bot/store"
	"github.com/basewatch/basewatch/config"
	"github.com/basewatch/basewatch/feeds"
)

// Environment of the feed server process of BenchmarkPoll5000.
const (
	envFeedServer      = "BASEWATCH_BENCH_FEED_SERVER" // set in the child only
	envFeedServerFeeds = "BASEWATCH_BENCH_FEED_SERVER_FEEDS"
	envFeedServerTLS   = "BASEWATCH_BENCH_FEED_SERVER_TLS"
)

// manyFeeds serves n feeds, one per host name feedNNNN.test, each a small
// RSS document of its ten latest items. Feeds differ as real ones do: six
// in ten answer If-None-Match, two in ten If-Modified-Since, two in ten
// neither (always 200). POST /_bump?round=R adds an item to about one feed
// in ten; GET /_stats counts the answers by status.
type manyFeeds struct {
	n       int
	start   time.Time
	version []atomic.Int64
	by200   atomic.Int64
	by304   atomic.Int64
}

func newManyFeeds(n int) *manyFeeds {
	m := &manyFeeds{n: n, start: time.Now().Add(-24 * time.Hour).Truncate(time.Minute), version: make([]atomic.Int64, n)}
	for i := range m.version {
		m.version[i].Store(10)
	}
	return m
}

func (m *manyFeeds) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_bump":
		round, _ := strconv.Atoi(r.URL.Query().Get("round"))
		bumped := 0
		for i := range m.n {
			h := fnv.New32a()
			fmt.Fprintf(h, "%d/%d", i, round)
			if h.Sum32()%10 == 0 {
				m.version[i].Add(1)
				bumped++
			}
		}
		fmt.Fprintln(w, bumped)
		return
	case "/_stats":
		fmt.Fprintf(w, "%d %d\n", m.by200.Load(), m.by304.Load())
		return
	}
	host, _, _ := strings.Cut(r.Host, ".")
	i, err := strconv.Atoi(strings.TrimPrefix(host, "feed"))
	if err != nil || i < 0 || i >= m.n {
		http.NotFound(w, r)
		return
	}
	v := m.version[i].Load()
	lastMod := m.start.Add(time.Duration(v) * time.Minute).UTC()
	switch i % 10 {
	case 0, 1, 2, 3, 4, 5:
		etag := fmt.Sprintf(`"f%d-v%d"`, i, v)
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			m.by304.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
	case 6, 7:
		w.Header().Set("Last-Modified", lastMod.Format(http.TimeFormat))
		if t, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !lastMod.After(t) {
			m.by304.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	m.by200.Add(1)
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Write(m.body(i, v))
}

// body is feed i at version v: items v-9..v, mostly quiet news, one in
// fifty an attack.
func (m *manyFeeds) body(i int, v int64) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed %d</title><link>https://feed%04d.test/</link>`, i, i)
	for j := v; j > v-10 && j > 0; j-- {
		pub := m.start.Add(time.Duration(j) * time.Minute)
		title, summary := corpustest.Quiet(i+int(j), pub)
		title += " (" + strconv.Itoa(i) + "/" + strconv.FormatInt(j, 10) + ")"
		if (int64(i)+j)%50 == 0 {
			title = fmt.Sprintf("Rockets hit Camp Taji, report %d/%d", i, j)
			summary = fmt.Sprintf("Three rockets struck Camp Taji on %s, officials said.", pub.Weekday())
		}
		fmt.Fprintf(&b, `<item><title>%s</title><link>https://feed%04d.test/news/%d</link><guid>feed%04d-%d</guid><description>%s</description><pubDate>%s</pubDate></item>`,
			title, i, j, i, j, summary, pub.Format(time.RFC1123Z))
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

// TestFeedServerProcess is not a test: BenchmarkPoll5000 runs the test
// binary again with only this test and envFeedServer set, so that the
// feeds are served by another process whose CPU time the benchmark does
// not count. It prints the address (and the certificate for TLS) and
// serves until its standard input closes.
func TestFeedServerProcess(t *testing.T) {
	if os.Getenv(envFeedServer) == "" {
		t.Skip("the feed server process of BenchmarkPoll5000, not a test")
	}
	n, _ := strconv.Atoi(os.Getenv(envFeedServerFeeds))
	srv := httptest.NewUnstartedServer(newManyFeeds(n))
	if os.Getenv(envFeedServerTLS) != "" {
		srv.StartTLS()
		cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
		fmt.Printf("CERT %s\n", base64.StdEncoding.EncodeToString(cert))
	} else {
		srv.Start()
	}
	defer srv.Close()
	fmt.Printf("ADDR %s\n", srv.Listener.Addr())
	io.Copy(io.Discard, os.Stdin)
}

// feedServerProcess starts TestFeedServerProcess in a child and returns
// its address and, for TLS, a pool trusting its certificate.
func feedServerProcess(b *testing.B, n int, useTLS bool) (addr string, roots *x509.CertPool) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFeedServerProcess$")
	cmd.Env = append(os.Environ(), envFeedServer+"=1", envFeedServerFeeds+"="+strconv.Itoa(n))
	if useTLS {
		cmd.Env = append(cmd.Env, envFeedServerTLS+"=1")
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if pemB64, ok := strings.CutPrefix(line, "CERT "); ok {
			raw, err := base64.StdEncoding.DecodeString(pemB64)
			if err != nil {
				b.Fatal(err)
			}
			roots = x509.NewCertPool()
			roots.AppendCertsFromPEM(raw)
		}
		if a, ok := strings.CutPrefix(line, "ADDR "); ok {
			go io.Copy(io.Discard, stdout)
			return a, roots
		}
	}
	b.Fatalf("feed server process said no address: %v", sc.Err())
	return "", nil
}

// allToOne is a transport that dials addr whatever the host, so that each
// feed can have its own host name (the fetcher spaces requests per host)
// while one server answers them all. It is otherwise the fetcher's own
// default transport.
func allToOne(addr string, roots *x509.CertPool) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 4
	t.MaxResponseHeaderBytes = 256 << 10
	d := &net.Dialer{Timeout: 10 * time.Second}
	t.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}
	if roots != nil {
		// httptest's certificate names example.com.
		t.TLSClientConfig = &tls.Config{RootCAs: roots, ServerName: "example.com"}
	}
	return &http.Client{Transport: t}
}

// BenchmarkPoll5000 polls 5,000 feeds, each on its own host, served by
// another process: a realistic mix of 304s (conditional GETs of unchanged
// feeds), 200s of unchanged feeds that ignore validators, and 200s with a
// new item (about one feed in ten per round). After a first round that
// stores every feed's items (not measured), each iteration is one full
// round of Bot.PollAll on a durable SQLite store. It reports feeds per
// minute, CPU seconds per round (user+system of this process only), the
// share of one core that 5,000 feeds every 5 minutes would take, and peak
// heap and RSS.
//
//	go test ./bot -run '^$' -bench 'BenchmarkPoll5000' -benchtime 3x -timeout 30m
func BenchmarkPoll5000(b *testing.B) {
	for _, scheme := range []string{"http", "https"} {
		b.Run(scheme, func(b *testing.B) { benchPoll(b, 5000, scheme) })
	}
}

func benchPoll(b *testing.B, n int, scheme string) {
	ctx := context.Background()
	addr, roots := feedServerProcess(b, n, scheme == "https")
	client := allToOne(addr, roots)
	control := "http://" + addr
	if scheme == "https" {
		control = "https://" + addr
	}
	var feedsYAML strings.Builder
	for i := range n {
		fmt.Fprintf(&feedsYAML, "  - {name: feed%04d, url: \"%s://feed%04d.test/rss.xml\"}\n", i, scheme, i)
	}
	raw := "defaults: {schedule: \"@every 5m\", timeout: 30s}\nfeeds:\n" + feedsYAML.String() + "rules: [{name: attacks}]\n"
	cfg, err := config.Parse("poll.yaml", []byte(raw), func(string) (string, bool) { return "", false })
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "poll.db")
	open := func(params string) (*bot.Bot, store.Store) {
		st, err := store.Open(ctx, store.DriverSQLite, path+params)
		if err != nil {
			b.Fatal(err)
		}
		f := feeds.NewFetcher(feeds.Options{Client: client})
		bt, err := bot.New(cfg, st, bot.Options{Owner: "bench", Fetcher: f, Logger: discard()})
		if err != nil {
			b.Fatal(err)
		}
		return bt, st
	}
	// The first round stores 50,000 items: setup, so without fsync.
	bt, st := open("?_synchronous=OFF")
	if failed := pollErrors(bt.PollAll(ctx)); failed > 0 {
		b.Fatalf("first round: %d feeds failed", failed)
	}
	st.Close()
	bt, st = open("")
	defer st.Close()
	stats := func() (int, int) {
		resp, err := client.Get(control + "/_stats")
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		var ok, nm int
		fmt.Fscan(resp.Body, &ok, &nm)
		return ok, nm
	}

	// What the first round grew is not this round's: give it back to
	// the OS before sampling.
	debug.FreeOSMemory()
	b.Logf("%s: RSS %.1f MB after the first round", scheme, float64(residentBytes())/(1<<20))
	mem := startMemPeak(10 * time.Millisecond)
	var wall, cpu time.Duration
	rounds, new200, ok200, nm304 := 0, 0, 0, 0
	for b.Loop() {
		rounds++
		resp, err := client.Post(control+"/_bump?round="+strconv.Itoa(rounds), "text/plain", nil)
		if err != nil {
			b.Fatal(err)
		}
		var bumped int
		fmt.Fscan(resp.Body, &bumped)
		resp.Body.Close()
		ok0, nm0 := stats()
		c0, t0 := cpuTime(), time.Now()
		res := bt.PollAll(ctx)
		wall += time.Since(t0)
		cpu += cpuTime() - c0
		if failed := pollErrors(res); failed > 0 {
			b.Fatalf("round %d: %d feeds failed", rounds, failed)
		}
		ok1, nm1 := stats()
		ok200 += ok1 - ok0
		nm304 += nm1 - nm0
		for _, r := range res {
			if r.New > 0 {
				new200++
			}
		}
	}
	heap, _, rss := mem.Stop()
	perRound := cpu / time.Duration(rounds)
	b.ReportMetric(float64(n*rounds)/wall.Minutes(), "feeds/min")
	b.ReportMetric(perRound.Seconds(), "cpu-s/round")
	b.ReportMetric(100*perRound.Seconds()/(5*time.Minute).Seconds(), "%core@5min")
	b.ReportMetric(heap, "peak-heap-MB")
	b.ReportMetric(rss, "peak-rss-MB")
	b.ReportMetric(float64(nm304)/float64(rounds), "304s/round")
	b.ReportMetric(float64(new200)/float64(rounds), "feeds-with-new/round")
	b.Logf("%s: %d rounds of %d feeds: %v wall and %v CPU per round; %d answers 200 and %d 304 per round",
		scheme, rounds, n, (wall / time.Duration(rounds)).Round(time.Millisecond), perRound.Round(time.Millisecond), ok200/rounds, nm304/rounds)
}

func pollErrors(rs []bot.PollResult) int {
	n := 0
	var once sync.Once
	for _, r := range rs {
		if r.Err != nil {
			n++
			once.Do(func() { fmt.Fprintln(os.Stderr, "first failure:", r.Err) })
		}
	}
	return n
}
