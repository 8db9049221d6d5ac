package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot"
	"github.com/basewatch/basewatch/bot/notify/slack/slacktest"
	"github.com/basewatch/basewatch/bot/store"
)

// Bounds of TestKill9.
const (
	killRounds   = 10
	killFor      = 12 * time.Second // stop killing after this long
	killMinDelay = 50 * time.Millisecond
	killMaxDelay = 1500 * time.Millisecond
	killSettle   = 90 * time.Second // the last phase gives up after this long (leases of the dead last ~32 s)
	killAttacks  = 30
	killToken    = "xoxb-kill-test-token"
)

// buildBinary builds basewatch into dir once.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "basewatch")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestKill9 runs the real binary as a daemon over a corpus of attacks that
// keep appearing in three feeds, kills it with SIGKILL at random moments
// and restarts it, then lets it finish. Slack is a fake at the HTTP
// boundary that keeps every message it accepted, also those whose sender
// died before reading the answer. Every incident must be alerted exactly
// once, and no message key may appear twice.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary, kills it for ~12 s and waits out the dead's leases (~45 s in all); skipped with -short")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)

	feedNames := []string{"wire-a", "wire-b", "wire-c"}
	sites := corpusSites(t, 10)
	items := genCorpus(t, killAttacks, sites, feedNames)
	want := map[string]bool{}
	for _, it := range items {
		if it.Incident != "" {
			want[it.Incident] = true
		}
	}
	if len(want) != killAttacks {
		t.Fatalf("corpus has %d distinct incidents, want %d", len(want), killAttacks)
	}

	// One channel per site, each by its own rule, so that the output's
	// pacing (a message a second per channel) does not make the test slow.
	var channels []string
	var rulesYAML, routesYAML strings.Builder
	for _, s := range sites {
		ch := "C" + strings.ToUpper(strings.ReplaceAll(s.ID, "-", ""))
		channels = append(channels, ch)
		fmt.Fprintf(&rulesYAML, "  - {name: site-%s, sites: [%s]}\n", s.ID, s.ID)
		fmt.Fprintf(&routesYAML, "  - {rule: site-%s, to: [{output: newsroom, channel: %s}]}\n", s.ID, ch)
	}
	slack := slacktest.NewServer(slacktest.Config{Token: killToken, Channels: channels, Latency: 80 * time.Millisecond})
	t.Cleanup(slack.Close)
	feedSrv := &corpusServer{items: items, every: 150 * time.Millisecond, start: time.Now()}
	var feedsYAML strings.Builder
	for i, name := range feedNames {
		base := serveOn(t, listenLoopback(t, 2+i), feedSrv)
		fmt.Fprintf(&feedsYAML, "  - {name: %s, url: %q}\n", name, base+"/"+name+".xml")
	}
	dbPath := filepath.Join(dir, "basewatch.db")
	cfg := fmt.Sprintf(`store: {path: %q, seed: false}
timezone: UTC
defaults: {schedule: "@every 1s", timeout: 2s}
feeds:
%srules:
%soutputs:
  - name: newsroom
    type: slack
    token: ${BW_KILL_SLACK_TOKEN}
    api_url: %q
    mode: both
routes:
%s`, dbPath, feedsYAML.String(), rulesYAML.String(), slack.APIURL(), routesYAML.String())
	cfgPath := filepath.Join(dir, "basewatch.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "BW_KILL_SLACK_TOKEN="+killToken)
	logs := filepath.Join(dir, "logs")
	os.Mkdir(logs, 0o755)
	start := func(name string, args ...string) (*exec.Cmd, *os.File) {
		t.Helper()
		logf, err := os.Create(filepath.Join(logs, name+".log"))
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, append(args, "--config", cfgPath, "-v")...)
		cmd.Env, cmd.Dir, cmd.Stdout, cmd.Stderr = env, dir, logf, logf
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, logf
	}
	defer func() {
		if t.Failed() {
			dumpLogs(t, logs)
		}
	}()

	// Kill the daemon at random moments while items keep appearing.
	began := time.Now()
	kills := 0
	for round := 0; round < killRounds && time.Since(began) < killFor; round++ {
		cmd, logf := start(fmt.Sprintf("round-%02d", round), "run")
		delay := killMinDelay + rand.N(killMaxDelay-killMinDelay)
		time.Sleep(delay)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatalf("round %d: kill: %v", round, err)
		}
		cmd.Wait()
		logf.Close()
		kills++
		t.Logf("round %d: killed after %v; %d items visible, %d messages in Slack", round, delay.Round(time.Millisecond), feedSrv.revealed(), slackCount(slack))
	}
	// Let every item appear, then run to completion: run --once until the
	// outbox is empty and nothing is left unpolled.
	for feedSrv.revealed() < len(items) {
		time.Sleep(50 * time.Millisecond)
	}
	killed := time.Since(began)
	settleStart := time.Now()
	var pending int
	for n := 0; ; n++ {
		cmd, logf := start(fmt.Sprintf("final-%02d", n), "run", "--once")
		err := cmd.Wait()
		logf.Close()
		if err != nil {
			t.Fatalf("final run --once: %v (log %s)", err, logf.Name())
		}
		pending = outboxPending(t, dbPath)
		if pending == 0 && sawEverything(t, logf.Name(), feedNames) {
			break
		}
		if time.Since(settleStart) > killSettle {
			t.Fatalf("after %v of run --once, %d deliveries still pending or a feed not polled to its end", killSettle, pending)
		}
		time.Sleep(time.Second)
	}
	t.Logf("%d kills in %v; finished %v later; %d conversations.history lookups (Find after a possibly lost answer)",
		kills, killed.Round(time.Millisecond), time.Since(settleStart).Round(time.Millisecond), slack.CallCount("conversations.history"))

	top, replies := slack.Snapshot()
	alerts := map[string]int{}
	keys := map[string]int{}
	for _, m := range append(top, replies...) {
		if m.Key == "" {
			t.Errorf("message %s in %s has no basewatch metadata", m.TS, m.Channel)
			continue
		}
		keys[m.Key]++
	}
	for _, m := range top {
		if m.Kind != "alert" {
			t.Errorf("top-level message %s in %s is a %q, want alert", m.TS, m.Channel, m.Kind)
			continue
		}
		alerts[m.IncidentID]++
	}
	for id := range want {
		if alerts[id] != 1 {
			t.Errorf("incident %s alerted %d times, want once", id, alerts[id])
		}
	}
	for id, n := range alerts {
		if !want[id] {
			t.Errorf("incident %s alerted %d times; it is not in the corpus", id, n)
		}
	}
	for k, n := range keys {
		if n > 1 {
			t.Errorf("message key %s posted %d times", k, n)
		}
	}
	updates := 0
	for _, m := range replies {
		if m.Kind == "update" {
			updates++
		}
	}
	if updates == 0 {
		t.Error("no update reached Slack: the corpus's second reports should add tolls")
	}
	t.Logf("Slack holds %d alerts and %d thread replies (%d updates)", len(top), len(replies), updates)

	// What an uninterrupted run decides: the same incidents.
	var jl bytes.Buffer
	for _, it := range items {
		json.NewEncoder(&jl).Encode(bot.ReplayItem{Feed: it.Feed, GUID: it.GUID, Link: it.Link, Title: it.Title, Summary: it.Summary, Published: it.Published})
	}
	itemsPath := filepath.Join(dir, "items.jsonl")
	os.WriteFile(itemsPath, jl.Bytes(), 0o644)
	out, err := exec.Command(bin, "replay", "--items", itemsPath).Output()
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	var replayed []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var d bot.Decision
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			t.Fatalf("replay line %q: %v", line, err)
		}
		if d.Action == "alert" {
			replayed = append(replayed, d.Incident)
		}
	}
	slices.Sort(replayed)
	var posted []string
	for id := range alerts {
		posted = append(posted, id)
	}
	slices.Sort(posted)
	if !slices.Equal(replayed, posted) {
		t.Errorf("an uninterrupted replay alerts\n%v\nthe killed daemon alerted\n%v", replayed, posted)
	}
}

func slackCount(f *slacktest.Server) int {
	top, replies := f.Snapshot()
	return len(top) + len(replies)
}

// sawEverything reports whether the run that logged to path polled every
// feed and found nothing new: every item was handed to the rules.
func sawEverything(t *testing.T, path string, feedNames []string) bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range feedNames {
		if !strings.Contains(string(b), `msg="feed polled" feed=`+f+` not_modified=false`) ||
			!regexp.MustCompile(`msg="feed polled" feed=`+f+` .* new=0`).Match(b) {
			return false
		}
	}
	return true
}

// outboxPending counts the deliveries not yet sent or failed, reading the
// store the daemon wrote.
func outboxPending(t *testing.T, path string) int {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.DriverSQLite, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pending, failed, _, err := st.OutboxStats(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if failed > 0 {
		ds, _ := st.Deliveries(ctx, store.DeliveryFailed, 10)
		for _, d := range ds {
			t.Errorf("delivery %s failed: %s", d.Key, d.LastError)
		}
	}
	return pending
}

// dumpLogs prints the tail of every process's log.
func dumpLogs(t *testing.T, dir string) {
	names, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	for _, n := range names {
		b, _ := os.ReadFile(n)
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		t.Logf("--- %s (last %d lines)\n%s", filepath.Base(n), min(15, len(lines)), strings.Join(lines[max(0, len(lines)-15):], "\n"))
	}
}
