package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/basewatch/basewatch/bot"
	"github.com/basewatch/basewatch/bot/corpustest"
	"github.com/basewatch/basewatch/bot/notify/slack"
	"github.com/basewatch/basewatch/bot/notify/slack/slacktest"
	"github.com/basewatch/basewatch/bot/store"
	"github.com/basewatch/basewatch/config"
	"github.com/basewatch/basewatch/feeds"
)

// envTestPostgres is the store tests' variable: the DSN of a PostgreSQL
// database from which the test may create and drop databases. Unset, the
// test starts a throwaway cluster with .ci/postgres.sh.
const envTestPostgres = "BASEWATCH_TEST_POSTGRES"

// freshPostgres returns the DSN of a new, empty PostgreSQL database that is
// dropped (and its throwaway server stopped) at the end of the test. It
// skips the test, saying why, only when no PostgreSQL is installed.
func freshPostgres(t *testing.T) string {
	t.Helper()
	admin := os.Getenv(envTestPostgres)
	if admin == "" {
		bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
		if _, err := exec.LookPath("initdb"); err != nil && len(bins) == 0 {
			t.Skip("no PostgreSQL installed (no /usr/lib/postgresql/*/bin/initdb or initdb on PATH) and " + envTestPostgres + " not set")
		}
		// Not t.TempDir: the postgres user must be able to reach it, and
		// the socket path must stay short.
		dir, err := os.MkdirTemp("", "bw-pg-")
		if err != nil {
			t.Fatal(err)
		}
		script, _ := filepath.Abs("../.ci/postgres.sh")
		var out, errOut bytes.Buffer
		cmd := exec.Command(script, "start", dir)
		cmd.Env = append(os.Environ(), fmt.Sprintf("WATCH_PID=%d", os.Getpid()))
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			os.RemoveAll(dir)
			t.Fatalf("%s start %s: %v\n%s", script, dir, err, errOut.String())
		}
		t.Cleanup(func() {
			if b, err := exec.Command(script, "stop", dir).CombinedOutput(); err != nil {
				t.Errorf("%s stop %s: %v\n%s", script, dir, err, b)
			}
			os.RemoveAll(dir)
		})
		admin = strings.TrimSpace(out.String())
	}
	cfg, err := pgx.ParseConfig(admin)
	if err != nil {
		t.Fatalf("%s: %v", envTestPostgres, err)
	}
	db := stdlib.OpenDB(*cfg)
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	name := fmt.Sprintf("bw_replicas_%d_%d", os.Getpid(), time.Now().UnixNano())
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := db.ExecContext(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	if strings.HasPrefix(admin, "postgres://") || strings.HasPrefix(admin, "postgresql://") {
		i := strings.LastIndex(admin, "/")
		rest := ""
		if q := strings.Index(admin[i:], "?"); q >= 0 {
			rest = admin[i+q:]
		}
		return admin[:i+1] + name + rest
	}
	return admin + " dbname=" + name // the last dbname wins
}

// replicaClock is the shared clock of both replicas and both store
// handles, moved by the test only.
type replicaClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *replicaClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *replicaClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// feedHost serves generated feeds at /NAME.xml, revealing items as the test
// says, and watches who fetches what: the most requests for one feed in
// flight at once, and, when frozen, it holds the requests of one user agent
// without answering, like a process that stopped dead mid-poll.
type feedHost struct {
	mu       sync.Mutex
	items    map[string][]corpustest.Item // by feed, oldest first
	visible  map[string]int
	inFlight map[string]int
	overlaps []string // feeds fetched twice at once
	freeze   string   // user agent whose requests hang
	frozen   map[string]bool
	release  chan struct{}
	requests map[string]int // by user agent
}

func newFeedHost() *feedHost {
	return &feedHost{items: map[string][]corpustest.Item{}, visible: map[string]int{}, inFlight: map[string]int{},
		frozen: map[string]bool{}, release: make(chan struct{}), requests: map[string]int{}}
}

func (h *feedHost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	feed := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/"), ".xml")
	ua := r.Header.Get("User-Agent")
	h.mu.Lock()
	h.requests[ua]++
	h.inFlight[feed]++
	if h.inFlight[feed] > 1 && h.freeze == "" {
		h.overlaps = append(h.overlaps, feed)
	}
	freeze := h.freeze != "" && ua == h.freeze
	if freeze {
		h.frozen[feed] = true
	}
	body := corpustest.RSS(feed, h.items[feed][:h.visible[feed]])
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.inFlight[feed]--
		h.mu.Unlock()
	}()
	if freeze {
		select {
		case <-h.release:
		case <-r.Context().Done():
		}
		return
	}
	// Long enough for the other replica to try the same feed meanwhile.
	time.Sleep(2 * time.Millisecond)
	w.Header().Set("Content-Type", "application/rss+xml")
	w.Write(body)
}

// add appends items to their feeds, hidden until reveal.
func (h *feedHost) add(items []corpustest.Item) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, it := range items {
		h.items[it.Feed] = append(h.items[it.Feed], it)
	}
}

// reveal makes every added item visible.
func (h *feedHost) reveal() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for f, its := range h.items {
		h.visible[f] = len(its)
	}
}

// TestReplicasSharePostgres runs two bots, as two processes would, on two
// store handles to one PostgreSQL database: both poll every feed many
// rounds at once while the same attacks appear in several feeds. No feed
// is fetched by both at once, no attack gets two incidents, no alert is
// queued or posted twice. Then one replica freezes in the middle of its
// polls, holding their leases, and the other takes those feeds over once
// the leases expire, within one poll interval.
func TestReplicasSharePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster; skipped with -short")
	}
	dsn := freshPostgres(t)
	ctx := context.Background()
	clk := &replicaClock{t: time.Date(2021, 6, 1, 9, 0, 0, 0, time.UTC)}

	const nFeeds = 12
	var names []string
	var feedsYAML strings.Builder
	host := newFeedHost()
	srv := httptest.NewServer(host)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(host.release) })
	for i := range nFeeds {
		name := fmt.Sprintf("wire-%02d", i)
		names = append(names, name)
		fmt.Fprintf(&feedsYAML, "  - {name: %s, url: %q}\n", name, srv.URL+"/"+name+".xml")
	}
	const token = "xoxb-replicas-token"
	chat := slacktest.NewServer(slacktest.Config{Token: token, Channels: []string{"CNEWS"}})
	t.Cleanup(chat.Close)
	// The feeds' timeout makes the lease: timeout + 2 min, within the
	// default 5 min poll interval.
	raw := fmt.Sprintf(`store: {driver: postgres, dsn: %q, seed: false}
defaults: {schedule: "@every 5m", timeout: 1m}
feeds:
%srules: [{name: attacks}]
outputs: [{name: newsroom, type: slack, token: %s, channels: [CNEWS]}]
routes: [{rule: attacks, to: [{output: newsroom}]}]
`, dsn, feedsYAML.String(), token)
	cfg, err := config.Parse("replicas.yaml", []byte(raw), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	interval := 5 * time.Minute

	replica := func(owner string) (*bot.Bot, store.Store) {
		st, err := store.OpenOptions(ctx, store.Options{Driver: store.DriverPostgres, DSN: dsn, Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		// The pacer's clock is its own: a wait moves it, never the
		// replicas' clock that decides leases.
		pace := &replicaClock{t: clk.Now()}
		out, err := slack.New(slack.Config{Token: token, APIURL: chat.APIURL(), HTTPClient: chat.Client(), Now: pace.Now,
			Sleep: func(ctx context.Context, d time.Duration) error { pace.Add(d); return nil }})
		if err != nil {
			t.Fatal(err)
		}
		f := feeds.NewFetcher(feeds.Options{Client: srv.Client(), HostInterval: time.Microsecond, UserAgent: owner})
		b, err := bot.New(cfg, st, bot.Options{Owner: owner, Now: clk.Now, Fetcher: f, Logger: discard(),
			Outputs: map[string]bot.Output{"newsroom": out}})
		if err != nil {
			t.Fatal(err)
		}
		return b, st
	}
	botA, stA := replica("replica-a")
	botB, _ := replica("replica-b")

	// Each round, three new attacks, each reported in up to three feeds.
	const rounds = 15
	sites := genSites(t)
	attacks := map[string]bool{}
	k := 0
	addAttacks := func(n int, feedsOf func(i int) []string) {
		var items []corpustest.Item
		for range n {
			site := sites[k%len(sites)]
			day := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 2*(k/len(sites)))
			for r, f := range feedsOf(k) {
				it := corpustest.Attack(f, k, r, site, day)
				items = append(items, it)
				attacks[it.Incident] = true
			}
			k++
		}
		host.add(items)
	}
	skippedByLease := 0
	for round := range rounds {
		addAttacks(3, func(i int) []string {
			return []string{names[i%nFeeds], names[(i+5)%nFeeds], names[(i+7)%nFeeds]}
		})
		host.reveal()
		var wg sync.WaitGroup
		var resA, resB []bot.PollResult
		wg.Go(func() { resA = botA.PollAll(ctx) })
		wg.Go(func() { resB = botB.PollAll(ctx) })
		wg.Wait()
		// Both may poll one feed in a round, one after the other; never
		// at once (checked at the server).
		for _, r := range append(resA, resB...) {
			if r.Err != nil {
				t.Errorf("round %d: %v", round, r.Err)
			}
			if strings.Contains(r.Skipped, "another process") {
				skippedByLease++
			}
		}
		wg.Go(func() {
			if _, err := botA.DeliverPending(ctx); err != nil {
				t.Error(err)
			}
		})
		wg.Go(func() {
			if _, err := botB.DeliverPending(ctx); err != nil {
				t.Error(err)
			}
		})
		wg.Wait()
		clk.Add(time.Minute)
	}
	// Whatever a race left unpolled, a last pass by each replica in turn.
	botA.PollAll(ctx)
	botB.PollAll(ctx)
	botA.DeliverPending(ctx)
	botB.DeliverPending(ctx)

	host.mu.Lock()
	if len(host.overlaps) > 0 {
		t.Errorf("feeds fetched by both replicas at once: %v", host.overlaps)
	}
	t.Logf("requests: %v; %d polls skipped because the other replica held the feed", host.requests, skippedByLease)
	if host.requests["replica-a"] == 0 || host.requests["replica-b"] == 0 {
		t.Errorf("one replica did all the polling (%v): the test did not run them side by side", host.requests)
	}
	host.mu.Unlock()
	checkOnce(t, stA, chat, attacks)

	// Replica B freezes in the middle of polling: its requests for these
	// feeds hang, so it holds their leases and never gives them back.
	addAttacks(4, func(i int) []string { return []string{names[i%nFeeds]} })
	host.reveal()
	host.mu.Lock()
	host.freeze = "replica-b"
	host.mu.Unlock()
	frozenAt := clk.Now()
	go botB.PollAll(context.Background()) // never returns while frozen
	deadline := time.Now().Add(10 * time.Second)
	for {
		host.mu.Lock()
		n := len(host.frozen)
		host.mu.Unlock()
		if n >= 8 { // PollAll polls 8 feeds at a time
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica B froze on only %d feeds", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	host.mu.Lock()
	held := map[string]bool{}
	for f := range host.frozen {
		held[f] = true
	}
	host.mu.Unlock()

	// While B's leases run, A leaves its feeds alone.
	for _, r := range botA.PollAll(ctx) {
		if held[r.Feed] && r.Skipped == "" {
			t.Errorf("replica A polled %s while frozen replica B held it", r.Feed)
		}
	}
	// Step the clock a minute at a time, as the schedule would: A takes
	// over each feed once B's lease has run out, within one interval.
	takenAt := map[string]time.Time{}
	for len(takenAt) < len(held) && clk.Now().Sub(frozenAt) <= 2*interval {
		clk.Add(time.Minute)
		for _, r := range botA.PollAll(ctx) {
			if r.Err != nil {
				t.Errorf("after the freeze: %v", r.Err)
			}
			if held[r.Feed] && r.Skipped == "" && takenAt[r.Feed].IsZero() {
				takenAt[r.Feed] = clk.Now()
			}
		}
	}
	for f := range held {
		switch {
		case takenAt[f].IsZero():
			t.Errorf("replica A never took over %s from frozen replica B", f)
		case takenAt[f].Sub(frozenAt) > interval:
			t.Errorf("replica A took over %s %v after B froze; want within one poll interval (%v)", f, takenAt[f].Sub(frozenAt), interval)
		}
	}
	t.Logf("B froze holding %d feeds; A took them over after %v of the clock", len(held), maxWait(takenAt, frozenAt))
	if _, err := botA.DeliverPending(ctx); err != nil {
		t.Fatal(err)
	}
	checkOnce(t, stA, chat, attacks)
}

func maxWait(at map[string]time.Time, from time.Time) time.Duration {
	var m time.Duration
	for _, t := range at {
		m = max(m, t.Sub(from))
	}
	return m
}

// checkOnce checks that every attack has exactly one incident, one alert
// delivery sent, and one alert in the chat; and nothing else alerted.
func checkOnce(t *testing.T, st store.Store, chat *slacktest.Server, attacks map[string]bool) {
	t.Helper()
	ctx := context.Background()
	ins, err := st.Incidents(ctx, time.Time{}, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, in := range ins {
		if !attacks[in.ID] {
			t.Errorf("incident %s (%s on %s) is not one of the attacks: an attack opened twice?", in.ID, in.SiteID, in.EventDate.Format("2006-01-02"))
		}
		got[in.ID] = true
	}
	for id := range attacks {
		if !got[id] {
			t.Errorf("attack %s has no incident", id)
		}
	}
	alerts := map[string]int{}
	for _, state := range []string{store.DeliveryPending, store.DeliverySent, store.DeliveryFailed} {
		ds, err := st.Deliveries(ctx, state, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.Kind != "alert" {
				continue
			}
			alerts[d.IncidentID]++
			if state != store.DeliverySent {
				t.Errorf("alert of %s is %s: %s", d.IncidentID, state, d.LastError)
			}
		}
	}
	posted := map[string]int{}
	top, _ := chat.Snapshot()
	for _, m := range top {
		if m.Kind == "alert" {
			posted[m.IncidentID]++
		}
	}
	for id := range attacks {
		if alerts[id] != 1 {
			t.Errorf("attack %s: %d alerts queued, want 1", id, alerts[id])
		}
		if posted[id] != 1 {
			t.Errorf("attack %s: %d alerts in the chat, want 1", id, posted[id])
		}
	}
	t.Logf("%d attacks, %d incidents, %d alerts in the chat", len(attacks), len(ins), len(top))
}
