package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/basewatch/basewatch/bot"
	"github.com/basewatch/basewatch/config"
	"github.com/basewatch/basewatch/feeds"
	"github.com/basewatch/basewatch/rules"
)

func cmdMatch(ctx context.Context, e *env, args []string) error {
	fs := newFlags("match", e)
	var c common
	c.register(fs)
	title := fs.String("title", "", "item title")
	summary := fs.String("summary", "", "item summary")
	content := fs.String("content", "", "item content")
	published := fs.String("published", "", "publication time, RFC 3339 (default now)")
	feed := fs.String("feed", "", "read every item of this feed URL or file instead")
	jsonOut := fs.Bool("json", false, "print the events as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := defaultConfig()
	if c.config != "" {
		var err error
		if cfg, err = config.Load(c.config); err != nil {
			return err
		}
	}
	b, err := bot.New(cfg, nil, bot.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	var items []feeds.Item
	switch {
	case *feed != "":
		resp, err := feeds.NewFetcher(feeds.Options{}).Fetch(ctx, feeds.Request{URL: *feed})
		if err != nil {
			return err
		}
		if items, err = feeds.Parse(*feed, resp.Body, resp.ContentType, time.Now()); err != nil {
			return err
		}
	case *title != "" || *summary != "" || *content != "":
		it := feeds.Item{Title: *title, Summary: *summary, Content: *content, Published: time.Now().UTC()}
		if *published != "" {
			if it.Published, err = time.Parse(time.RFC3339, *published); err != nil {
				return fmt.Errorf("--published: %w", err)
			}
		}
		items = append(items, it)
	default:
		raw, err := io.ReadAll(io.LimitReader(e.stdin, 16<<20))
		if err != nil {
			return err
		}
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		for {
			var ri bot.ReplayItem
			if err := dec.Decode(&ri); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return fmt.Errorf("stdin: %w (want a JSON object with title, summary, published)", err)
			}
			if ri.Published.IsZero() {
				ri.Published = time.Now().UTC()
			}
			items = append(items, ri.Item())
		}
		if len(items) == 0 {
			return errors.New("no item: give --title/--summary, --feed, or a JSON object on stdin")
		}
	}
	for _, it := range items {
		res := b.Matcher().Extract(rules.Input{Title: it.Title, Summary: it.Summary, Content: it.Content, Language: it.Language, Published: it.Published})
		if *jsonOut {
			enc := json.NewEncoder(e.stdout)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(struct {
				Title  string        `json:"title"`
				Events []rules.Event `json:"events"`
				Reason string        `json:"reason,omitempty"`
			}{it.Title, res.Events, res.Reason}); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(e.stdout, "%s\n", it.Title)
		if len(res.Events) == 0 {
			fmt.Fprintf(e.stdout, "  no event: %s\n\n", res.Reason)
			continue
		}
		for i, ev := range res.Events {
			date := "date unknown"
			if !ev.Date.IsZero() {
				date = ev.Date.Format("2006-01-02")
			}
			kind := ""
			if ev.Background {
				kind = " (background: history, not news)"
			}
			fmt.Fprintf(e.stdout, "  event %d: %s at %s on %s, confidence %.2f%s\n", i+1, ev.Weapon, ev.Site, date, ev.Confidence, kind)
			if ev.Unconfirmed {
				fmt.Fprintf(e.stdout, "    site unconfirmed (region %s)\n", ev.Region)
			}
			if ev.Projectiles > 0 {
				fmt.Fprintf(e.stdout, "    projectiles %d\n", ev.Projectiles)
			}
			if ev.Killed >= 0 || ev.Wounded >= 0 {
				fmt.Fprintf(e.stdout, "    killed %s, wounded %s %s\n", num(ev.Killed), num(ev.Wounded), ev.Victims)
			}
			if ev.Actor != "" {
				fmt.Fprintf(e.stdout, "    %s: %s\n", ev.ActorRole, ev.Actor)
			}
			for _, sp := range ev.Evidence {
				fmt.Fprintf(e.stdout, "    %-12s %q\n", sp.Field, sp.Text)
			}
			for _, r := range b.Rules() {
				ok, why := r.Accepts(b.Gazetteer(), ev, res.Text)
				verdict := "refuses"
				if ok {
					verdict = "accepts"
				}
				fmt.Fprintf(e.stdout, "    rule %s %s: %s\n", r.Name, verdict, why)
			}
		}
		fmt.Fprintln(e.stdout)
	}
	return nil
}
