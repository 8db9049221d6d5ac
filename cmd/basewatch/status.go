package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/basewatch/basewatch/bot/notify"
)

func cmdStatus(ctx context.Context, e *env, args []string) error {
	fs := newFlags("status", e)
	var c common
	c.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := setup(ctx, e, &c, false)
	if err != nil {
		return err
	}
	defer a.close()
	b := a.bot
	s, err := b.Status(ctx)
	if err != nil {
		return err
	}
	w := e.stdout
	fmt.Fprintln(w, "FEEDS")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tHEALTH\tLAST SUCCESS\tFAILURES\tNEXT POLL\tLAST ERROR")
	for _, f := range s.Feeds {
		health := "ok"
		switch {
		case f.LastPoll.IsZero():
			health = "never polled"
		case !f.Healthy:
			health = "FAILING"
		}
		next := "on schedule " + f.Schedule
		if !f.NextPoll.IsZero() && f.NextPoll.After(s.Now) {
			next = f.NextPoll.UTC().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%s\t%s\n", f.Name, health, when(f.LastSuccess, s.Now), f.Failures, next, dash(f.LastError))
	}
	tw.Flush()

	fmt.Fprintln(w, "\nLATEST INCIDENTS")
	printIncidents(w, s.Latest)

	fmt.Fprintln(w, "\n"+notify.RecapHeader(s.OnThisDate))
	if len(s.OnThisDate.Lines) == 0 {
		fmt.Fprintln(w, "  none in earlier years")
	}
	for _, l := range s.OnThisDate.Lines {
		fmt.Fprintln(w, "  "+notify.RecapText(l))
	}

	fmt.Fprintf(w, "\nOUTBOX\n  pending %d (oldest %s), failed %d\n", s.Pending, s.OldestAge.Round(time.Second), s.Failed)
	for _, d := range s.FailedItems {
		fmt.Fprintf(w, "  failed: %s %s #%s incident %s after %d attempts: %s\n", d.Kind, d.Output, d.Channel, d.IncidentID, d.Attempts, d.LastError)
	}
	for name, why := range s.Down {
		fmt.Fprintf(w, "  output %s DOWN: %s\n", name, why)
	}
	return nil
}

func when(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return notify.Ago(now, t)
}
