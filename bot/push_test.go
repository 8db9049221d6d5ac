package bot_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot"
	"github.com/basewatch/basewatch/bot/store"
	"github.com/basewatch/basewatch/config"
	"github.com/basewatch/basewatch/feeds"
)

const hubFeed = `<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title>
<atom:link rel="hub" href="https://hub.example/"/><atom:link rel="self" href="https://t.example/feed.xml"/>
%ITEMS%</channel></rss>`

const pushedItem = `<item><guid>p1</guid><title>Drone strikes Harir air base</title><link>https://t.example/p1</link>
<description>A drone hit the Harir base north-east of Erbil on Monday night, officials said.</description><pubDate>Tue, 07 Jun 2022 06:00:00 GMT</pubDate></item>`

// TestHubAndPush: a polled feed that advertises a hub is reported with its
// topic, and a body the hub pushes runs through the same pipeline.
func TestHubAndPush(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Replace(hubFeed, "%ITEMS%", "", 1)))
	}))
	defer srv.Close()
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite", filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg, err := config.Parse("c.yaml", []byte("feeds: [{name: f, url: "+srv.URL+"}]\nrules: [{name: attacks}]\noutputs: [{name: chat, type: console}]\nroutes: [{rule: attacks, to: [{output: chat}]}]\n"), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	var hub, topic string
	chat := newBoard()
	clk := &clock{t: time.Date(2022, 6, 7, 6, 30, 0, 0, time.UTC)}
	b, err := bot.New(cfg, st, bot.Options{
		Logger: discard(), Now: clk.now, Outputs: map[string]bot.Output{"chat": chat},
		Fetcher: feeds.NewFetcher(feeds.Options{Client: srv.Client(), HostInterval: time.Millisecond}),
		OnHub:   func(feed, h, tp string) { hub, topic = h, tp },
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := b.PollFeed(ctx, cfg.Feeds[0]); r.Err != nil {
		t.Fatal(r.Err)
	}
	if hub != "https://hub.example/" || topic != "https://t.example/feed.xml" {
		t.Fatalf("hub %q topic %q", hub, topic)
	}
	body := strings.Replace(hubFeed, "%ITEMS%", pushedItem, 1)
	if err := b.Push(ctx, "f", []byte(body), "application/rss+xml"); err != nil {
		t.Fatal(err)
	}
	if err := b.Push(ctx, "nope", []byte(body), "application/rss+xml"); err == nil {
		t.Error("a push for an unknown feed was accepted")
	}
	b.DeliverPending(ctx)
	if chat.count() != 1 {
		t.Errorf("posts after the push: %d, want 1", chat.count())
	}
}
