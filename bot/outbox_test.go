package bot_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot"
	"github.com/basewatch/basewatch/bot/notify"
	"github.com/basewatch/basewatch/bot/store"
	"github.com/basewatch/basewatch/config"
	"github.com/basewatch/basewatch/feeds"
)

// board is an output that keeps what it was sent, like a chat channel
// would: every message with its key, so Find works as on the platforms.
type board struct {
	mu      sync.Mutex
	posts   map[string]string // key -> ref
	updates []string
	fail    error // returned by the next Post, then cleared
}

func newBoard() *board { return &board{posts: map[string]string{}} }

func (b *board) Post(_ context.Context, ch string, a notify.Alert, key string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.fail; err != nil {
		b.fail = nil
		return "", err
	}
	ref := fmt.Sprintf("%s|%d", ch, len(b.posts)+1)
	b.posts[key] = ref
	return ref, nil
}

func (b *board) Update(_ context.Context, ch, ref string, a notify.Alert, key string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.updates = append(b.updates, ref)
	return ref + "/reply", nil
}

func (b *board) PostRecap(ctx context.Context, ch string, r notify.Recap, key string) (string, error) {
	return b.Post(ctx, ch, notify.Alert{}, key)
}

func (b *board) Find(_ context.Context, ch, key string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.posts[key], nil
}

func (b *board) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.posts)
}

func boardConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Parse("c.yaml", []byte(`feeds: [{name: f, url: none}]
rules: [{name: attacks}]
outputs: [{name: chat, type: console}]
routes: [{rule: attacks, to: [{output: chat, channel: C1}]}]
`), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// boardBot is a bot over a fresh SQLite store whose one output, chat,
// posts to out, with a clock a minute after attackItem's publication.
func boardBot(t *testing.T, out bot.Output) (*bot.Bot, store.Store, *clock) {
	t.Helper()
	st, err := store.Open(context.Background(), "sqlite", filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := &clock{t: attackItem.Published.Add(time.Minute)}
	b, err := bot.New(boardConfig(t), st, bot.Options{Logger: discard(), Now: clk.now, Outputs: map[string]bot.Output{"chat": out}})
	if err != nil {
		t.Fatal(err)
	}
	return b, st, clk
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

var attackItem = feeds.Item{
	Feed: "f", ID: "a1", Link: "https://f.example/a1",
	Title:     "Rockets hit Camp Taji north of Baghdad",
	Summary:   "Three rockets struck Camp Taji on Friday evening, wounding two soldiers.",
	Published: time.Date(2022, 6, 4, 10, 0, 0, 0, time.UTC),
}

// TestOutboxCrashBetweenSendAndRecord: the process posts, dies before it
// records the post, and restarts. The alert must be on the board once.
func TestOutboxCrashBetweenSendAndRecord(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	clk := &clock{t: attackItem.Published.Add(time.Minute)}
	chat := newBoard()

	st, err := store.Open(ctx, "sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(boardConfig(t), st, bot.Options{Logger: discard(), Now: clk.now, Outputs: map[string]bot.Output{"chat": chat}, Owner: "first"})
	if err != nil {
		t.Fatal(err)
	}
	o, err := b.ProcessItem(ctx, attackItem)
	if err != nil || len(o.Decisions) != 1 || o.Decisions[0].Action != "alert" {
		t.Fatalf("process: %+v, %v", o.Decisions, err)
	}
	// The first process claims the delivery and posts it, then dies.
	ds, err := st.ClaimDeliveries(ctx, "first", clk.now(), clk.now().Add(time.Minute), 10)
	if err != nil || len(ds) != 1 {
		t.Fatalf("claim: %v, %v", ds, err)
	}
	if _, err := chat.Post(ctx, ds[0].Channel, notify.Alert{}, ds[0].Key); err != nil {
		t.Fatal(err)
	}
	st.Close()

	// The restarted process waits out the dead one's lease and delivers.
	clk.add(5 * time.Minute)
	st, err = store.Open(ctx, "sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b, err = bot.New(boardConfig(t), st, bot.Options{Logger: discard(), Now: clk.now, Outputs: map[string]bot.Output{"chat": chat}, Owner: "second"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.DeliverPending(ctx); err != nil {
		t.Fatal(err)
	}
	if n := chat.count(); n != 1 {
		t.Errorf("board has %d posts, want 1", n)
	}
	pending, failed, _, err := st.OutboxStats(ctx, clk.now())
	if err != nil || pending != 0 || failed != 0 {
		t.Errorf("outbox after restart: pending %d failed %d err %v", pending, failed, err)
	}
	// The item is not handed to the rules again after the restart.
	o, err = b.ProcessItem(ctx, attackItem)
	if err != nil || !o.Seen {
		t.Errorf("item after reopen: seen=%v err=%v", o.Seen, err)
	}
}

// TestOutboxRetriesAndRateLimit: a rate-limited post waits exactly the
// Retry-After and is not dropped; an update goes to the alert's thread.
func TestOutboxRetriesAndRateLimit(t *testing.T) {
	ctx := context.Background()
	chat := newBoard()
	chat.fail = &notify.RateLimitError{RetryAfter: 30 * time.Second, Err: errors.New("429")}
	b, _, clk := boardBot(t, chat)
	if _, err := b.ProcessItem(ctx, attackItem); err != nil {
		t.Fatal(err)
	}
	if n, _ := b.DeliverPending(ctx); n != 0 || chat.count() != 0 {
		t.Fatalf("sent %d while rate limited", n)
	}
	clk.add(29 * time.Second)
	if n, _ := b.DeliverPending(ctx); n != 0 {
		t.Fatalf("sent %d before Retry-After elapsed", n)
	}
	clk.add(time.Second)
	if n, _ := b.DeliverPending(ctx); n != 1 || chat.count() != 1 {
		t.Fatalf("after Retry-After: sent %d, board %d", n, chat.count())
	}

	// A later report with a death toll updates the alert in its thread.
	later := attackItem
	later.ID, later.Link = "a2", "https://f.example/a2"
	later.Title = "Soldier dies of wounds after Camp Taji rocket attack"
	later.Summary = "One of the soldiers wounded when rockets hit Camp Taji on Friday has died, officials said."
	later.Published = attackItem.Published.Add(3 * time.Hour)
	clk.add(3 * time.Hour)
	o, err := b.ProcessItem(ctx, later)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Decisions) != 1 || o.Decisions[0].Action != "update" {
		t.Fatalf("later report: %+v", o.Decisions)
	}
	if _, err := b.DeliverPending(ctx); err != nil {
		t.Fatal(err)
	}
	if chat.count() != 1 || len(chat.updates) != 1 {
		t.Errorf("posts %d updates %d; want 1 and 1", chat.count(), len(chat.updates))
	}
}

// failing is a board that answers 429 for its first n posts.
type failing struct {
	*board
	n int
}

func (f *failing) Post(ctx context.Context, ch string, a notify.Alert, key string) (string, error) {
	if f.n > 0 {
		f.n--
		return "", &notify.RateLimitError{RetryAfter: time.Second, Err: errors.New("429")}
	}
	return f.board.Post(ctx, ch, a, key)
}

// TestOutboxRateLimitStormNeverDrops: more 429s than the retry limit still
// end in one post; waiting is not failing.
func TestOutboxRateLimitStormNeverDrops(t *testing.T) {
	ctx := context.Background()
	chat := &failing{board: newBoard(), n: 20} // the output's retry limit is 8
	b, st, clk := boardBot(t, chat)
	if _, err := b.ProcessItem(ctx, attackItem); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 25 && chat.count() == 0; i++ {
		if _, err := b.DeliverPending(ctx); err != nil {
			t.Fatal(err)
		}
		clk.add(time.Second)
	}
	if chat.count() != 1 {
		t.Fatalf("posts %d after a storm of 20 rate limits, want 1", chat.count())
	}
	if _, failed, _, _ := st.OutboxStats(ctx, clk.now()); failed != 0 {
		t.Errorf("%d deliveries failed", failed)
	}
}

// TestOutboxCollapsesBurst: an alert and its update both waiting in the
// outbox go out as one message with the latest facts.
func TestOutboxCollapsesBurst(t *testing.T) {
	ctx := context.Background()
	chat := newBoard()
	b, st, clk := boardBot(t, chat)
	later := attackItem
	later.ID, later.Link = "a2", "https://f.example/a2"
	later.Title = "Soldier dies of wounds after Camp Taji rocket attack"
	later.Summary = "One of the soldiers wounded when rockets hit Camp Taji on Friday has died, officials said."
	for _, it := range []feeds.Item{attackItem, later} {
		if _, err := b.ProcessItem(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	clk.add(5 * time.Second)
	if _, err := b.DeliverPending(ctx); err != nil {
		t.Fatal(err)
	}
	if chat.count() != 1 || len(chat.updates) != 0 {
		t.Errorf("posts %d, updates %d; want the alert alone", chat.count(), len(chat.updates))
	}
	if pending, failed, _, _ := st.OutboxStats(ctx, clk.now()); pending != 0 || failed != 0 {
		t.Errorf("outbox: pending %d failed %d", pending, failed)
	}
}

// TestMutedSiteRecordsButDoesNotPost: a muted site's incidents are
// recorded and not posted; after the mute ends, a new attack posts.
func TestMutedSiteRecordsButDoesNotPost(t *testing.T) {
	ctx := context.Background()
	chat := newBoard()
	b, st, clk := boardBot(t, chat)
	if _, err := st.Mute(ctx, store.Mute{Kind: store.MuteSite, Target: "taji", Until: clk.now().Add(time.Hour), CreatedBy: "U1", CreatedAt: clk.now()}); err != nil {
		t.Fatal(err)
	}
	o, err := b.ProcessItem(ctx, attackItem)
	if err != nil || len(o.Decisions) != 1 || o.Decisions[0].Action != "alert" {
		t.Fatalf("decisions %+v, %v", o.Decisions, err)
	}
	b.DeliverPending(ctx)
	if chat.count() != 0 {
		t.Errorf("a muted site's alert was posted")
	}
	if _, err := st.Incident(ctx, o.Decisions[0].Incident.ID); err != nil {
		t.Errorf("the muted incident was not recorded: %v", err)
	}
	clk.add(3 * 24 * time.Hour)
	next := attackItem
	next.ID, next.Link, next.Title = "a3", "https://f.example/a3", "Rockets hit Camp Taji again"
	next.Summary = "Two rockets struck Camp Taji on Monday morning."
	next.Published = clk.now()
	if _, err := b.ProcessItem(ctx, next); err != nil {
		t.Fatal(err)
	}
	b.DeliverPending(ctx)
	if chat.count() != 1 {
		t.Errorf("after the mute ended: %d posts, want 1", chat.count())
	}
}

// revoked is a board whose token was revoked until fixed is set.
type revoked struct {
	*board
	fixed bool
}

func (r *revoked) Post(ctx context.Context, ch string, a notify.Alert, key string) (string, error) {
	if !r.fixed {
		return "", fmt.Errorf("slack: token_revoked: %w", notify.ErrAuth)
	}
	return r.board.Post(ctx, ch, a, key)
}

// TestOutputDownKeepsAlerts: a revoked token marks the output down and
// keeps its alerts, however long it lasts; once fixed, they go out once.
func TestOutputDownKeepsAlerts(t *testing.T) {
	ctx := context.Background()
	chat := &revoked{board: newBoard()}
	b, st, clk := boardBot(t, chat)
	if _, err := b.ProcessItem(ctx, attackItem); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ { // far more than the output's 8 retries
		b.DeliverPending(ctx)
		clk.add(10 * time.Minute)
	}
	if down := b.OutputsDown(); down["chat"] == "" {
		t.Errorf("output not marked down: %v", down)
	}
	if pending, failed, _, _ := st.OutboxStats(ctx, clk.now()); pending != 1 || failed != 0 {
		t.Fatalf("while down: pending %d failed %d; want the alert kept", pending, failed)
	}
	chat.fixed = true
	b.DeliverPending(ctx)
	if chat.count() != 1 || len(b.OutputsDown()) != 0 {
		t.Errorf("after the fix: posts %d, down %v", chat.count(), b.OutputsDown())
	}
}
