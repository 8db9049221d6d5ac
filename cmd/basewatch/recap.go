package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/basewatch/basewatch/bot/notify"
)

func cmdRecap(ctx context.Context, e *env, args []string) error {
	fs := newFlags("recap", e)
	var c common
	c.register(fs)
	date := fs.String("date", "", "month and day, MM-DD (default today in the config's timezone)")
	output := fs.String("output", "", "post through this output (default: print)")
	channel := fs.String("channel", "", "channel to post to (default the output's recap channel)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := setup(ctx, e, &c, false)
	if err != nil {
		return err
	}
	defer a.close()
	b, cfg := a.bot, a.cfg
	loc, err := time.LoadLocation(cfg.Timezone)
	if err != nil {
		return err
	}
	now := time.Now().In(loc)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if *date != "" {
		md, err := time.Parse("01-02", *date)
		if err != nil {
			return fmt.Errorf("--date %q is not MM-DD", *date)
		}
		year := now.Year()
		if md.Month() == time.February && md.Day() == 29 && !(year%4 == 0 && (year%100 != 0 || year%400 == 0)) {
			year = year - year%4 // the last leap year: 29 February needs one
		}
		day = time.Date(year, md.Month(), md.Day(), 0, 0, 0, 0, time.UTC)
	}
	if *output == "" {
		r, err := b.Recap(ctx, day, "")
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, notify.RecapHeader(r))
		if len(r.Lines) == 0 {
			fmt.Fprintln(e.stdout, "  no incidents on this date in earlier years")
		}
		for _, l := range r.Lines {
			fmt.Fprintln(e.stdout, "  "+notify.RecapText(l))
		}
		return nil
	}
	ch, empty := *channel, ""
	found := false
	for _, o := range cfg.Outputs {
		if o.Name == *output {
			found = true
			if o.Recap != nil {
				empty = o.Recap.Empty
				if ch == "" {
					ch = o.Recap.Channel
				}
			}
		}
	}
	if !found {
		return fmt.Errorf("no output %q in %s", *output, cfg.Path)
	}
	added, err := b.QueueRecap(ctx, *output, ch, day, empty)
	if err != nil {
		return err
	}
	if !added {
		return errors.New("the recap of this date was already posted (or queued) on this output and channel")
	}
	_, err = b.DeliverPending(ctx)
	return err
}
