package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func basewatch(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

func example(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "config", "example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRunOnceExample is the README's first command: alerts on the first
// run, none on the second, and back once the store is deleted.
func TestRunOnceExample(t *testing.T) {
	cfg := example(t)
	t.Chdir(t.TempDir())
	alerts := func() int {
		out, errs, code := basewatch(t, "", "run", "--once", "--json", "--config", cfg)
		if code != 0 {
			t.Fatalf("run --once exited %d\nstderr:\n%s", code, errs)
		}
		n := 0
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if line == "" {
				continue
			}
			var v map[string]any
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				t.Fatalf("stdout line is not JSON: %q: %v", line, err)
			}
			n++
		}
		return n
	}
	first := alerts()
	if first == 0 {
		t.Fatal("first run printed no alert from the shipped samples")
	}
	if n := alerts(); n != 0 {
		t.Errorf("second run printed %d alerts; the store should remember them", n)
	}
	if err := os.Remove("basewatch.db"); err != nil {
		t.Fatal(err)
	}
	os.Remove("basewatch.db-wal")
	os.Remove("basewatch.db-shm")
	if n := alerts(); n != first {
		t.Errorf("after deleting the store: %d alerts, want %d again", n, first)
	}
}

// TestBadFeedsDoNotStopOthers: a missing and a malformed feed each cost one
// clear log line; the good feed's alerts still appear.
func TestBadFeedsDoNotStopOthers(t *testing.T) {
	dir := t.TempDir()
	samples, _ := filepath.Abs(filepath.Join("..", "..", "config", "samples"))
	t.Chdir(dir)
	if err := os.WriteFile(filepath.Join(dir, "broken.xml"), []byte("<rss><channel><item><title>unclosed"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := `store: {path: ` + filepath.Join(dir, "s.db") + `}
feeds:
  - name: missing
    url: nowhere/missing.xml
  - name: broken
    url: broken.xml
  - name: good
    url: ` + filepath.Join(samples, "levant-wire.xml") + `
rules: [{name: attacks}]
outputs: [{name: console, type: console}]
routes: [{rule: attacks, to: [{output: console}]}]
`
	if err := os.WriteFile("c.yaml", []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := basewatch(t, "", "run", "--once", "--json", "--config", "c.yaml")
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, errs)
	}
	if strings.TrimSpace(out) == "" {
		t.Error("the good feed's alerts did not appear")
	}
	for _, feed := range []string{"missing", "broken"} {
		n := 0
		for _, line := range strings.Split(errs, "\n") {
			if strings.Contains(line, "feed="+feed) && strings.Contains(line, "level=ERROR") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("feed %s: %d error lines, want 1\n%s", feed, n, errs)
		}
	}
}

func TestCheck(t *testing.T) {
	out, errs, code := basewatch(t, "", "check", "--config", example(t))
	if code != 0 {
		t.Fatalf("check example: exit %d: %s", code, errs)
	}
	for _, want := range []string{"feeds:   3", "rules:   1", "outputs: 1", "routes:  1"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("feeds:\n  - name: a\n    url: a.xml\n    schedul: \"@every 5m\"\n"), 0o644)
	_, errs, code = basewatch(t, "", "check", "--config", bad)
	if code == 0 {
		t.Fatal("check accepted a typo'd key")
	}
	if !strings.Contains(errs, "bad.yaml:4: feeds[0].schedul: unknown field") {
		t.Errorf("stderr lacks file:line and field:\n%s", errs)
	}
}

func TestReplayCommand(t *testing.T) {
	items := filepath.Join(t.TempDir(), "items.jsonl")
	os.WriteFile(items, []byte(`{"feed":"f","guid":"g1","link":"https://f.example/1","title":"Rockets hit Camp Taji north of Baghdad","summary":"Three rockets struck Camp Taji on Friday evening, wounding two soldiers.","published":"2022-06-04T10:00:00Z","extra":1}
{"feed":"f","guid":"g2","link":"https://f.example/2","title":"Football: Baghdad derby ends level","summary":"","published":"2022-06-04T11:00:00Z"}
`), 0o644)
	out, errs, code := basewatch(t, "", "replay", "--items", items)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got:\n%s", out)
	}
	var d struct{ Item, Action, Site, Date string }
	json.Unmarshal([]byte(lines[0]), &d)
	if d.Item != "g1" || d.Action != "alert" || !strings.Contains(d.Site, "Taji") || d.Date != "2022-06-03" {
		t.Errorf("first decision = %+v", d)
	}
	json.Unmarshal([]byte(lines[1]), &d)
	if d.Item != "g2" || d.Action != "ignored" {
		t.Errorf("second decision = %+v", d)
	}
}

// TestDaemonListener: run as a daemon with a listener, the status page,
// health, readiness and metrics answer; SIGTERM (a cancelled context) stops
// it cleanly with status 0.
func TestDaemonListener(t *testing.T) {
	dir := t.TempDir()
	samples, _ := filepath.Abs(filepath.Join("..", "..", "config", "samples"))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := filepath.Join(dir, "c.yaml")
	os.WriteFile(cfg, []byte(`listen: `+addr+`
commands: {slack_signing_secret: test-signing-secret}
store: {path: `+filepath.Join(dir, "s.db")+`}
feeds: [{name: levant, url: `+filepath.Join(samples, "levant-wire.xml")+`, schedule: "@every 1h"}]
rules: [{name: attacks}]
outputs: [{name: console, type: console}]
routes: [{rule: attacks, to: [{output: console}]}]
`), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var out, errb bytes.Buffer
	go func() { done <- run(ctx, []string{"run", "--config", cfg}, strings.NewReader(""), &out, &errb) }()

	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, _ := get("/readyz")
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("never ready; stderr:\n%s", errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code, body := get("/healthz"); code != 200 {
		t.Errorf("/healthz: %d %s", code, body)
	}
	// The first poll runs at start; wait for it to show on the page.
	var page string
	for time.Now().Before(deadline) {
		_, page = get("/")
		if strings.Contains(page, "levant") && strings.Contains(page, "Ain al-Asad") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(page, "levant") || !strings.Contains(page, "Ain al-Asad") {
		t.Errorf("status page lacks the feed or the incident:\n%s", page)
	}
	if code, body := get("/metrics"); code != 200 || !strings.Contains(body, "basewatch_feed_fetches_total") {
		t.Errorf("/metrics: %d\n%.500s", code, body)
	}

	// Slash commands are on the same listener: signed requests answer,
	// unsigned ones are refused.
	form := "command=%2Fincidents&text=site+ain+al-asad&user_id=U1&team_id=T1&channel_id=C1&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2Fx"
	slack := func(sign bool) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/commands", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if sign {
			ts := strconv.FormatInt(time.Now().Unix(), 10)
			mac := hmac.New(sha256.New, []byte("test-signing-secret"))
			mac.Write([]byte("v0:" + ts + ":" + form))
			req.Header.Set("X-Slack-Request-Timestamp", ts)
			req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := slack(false); code != http.StatusUnauthorized {
		t.Errorf("unsigned slash command: %d %s", code, body)
	}
	if code, body := slack(true); code != 200 || !strings.Contains(body, "Ain al-Asad") {
		t.Errorf("signed /incidents site: %d, %d bytes\n%.800s", code, len(body), body)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after SIGTERM; stderr:\n%s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("did not stop after SIGTERM")
	}
}
