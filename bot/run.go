package bot

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
	"golang.org/x/sync/errgroup"

	"github.com/basewatch/basewatch/config"
)

// maxJitter spreads the feeds that share a schedule.
const maxJitter = 5 * time.Second

// Run polls every feed on its schedule, posts recaps on theirs and delivers
// the outbox, until ctx ends. Then it stops taking new work and waits up to
// grace for what is in flight.
func (b *Bot) Run(ctx context.Context, grace time.Duration) error {
	c := cron.New(cron.WithParser(config.CronParser), cron.WithLocation(time.UTC))
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()

	for _, f := range b.cfg.Feeds {
		sched, err := config.ParseSchedule(f.Schedule)
		if err != nil {
			return err
		}
		// SkipIfStillRunning: the same feed never runs twice at once.
		job := cron.NewChain(cron.SkipIfStillRunning(cron.DiscardLogger)).Then(cron.FuncJob(func() {
			select {
			case <-time.After(jitter(maxJitter)):
			case <-ctx.Done():
				return
			}
			if r := b.PollFeed(work, f); r.Err != nil {
				b.log.Debug("poll", slog.String("feed", f.Name), slog.Any("err", r.Err))
			}
		}))
		c.Schedule(sched, job)
	}
	for _, o := range b.cfg.Outputs {
		b.scheduleRecaps(ctx, c, o)
	}

	b.log.Info("basewatch running", slog.Int("feeds", len(b.cfg.Feeds)), slog.Int("outputs", len(b.outputs)), slog.String("owner", b.owner))
	c.Start()
	b.running.Store(true)
	defer b.running.Store(false)
	// A first poll of every feed at start, so nobody waits a whole interval.
	go b.PollAll(work)

	g, gctx := errgroup.WithContext(work)
	g.Go(func() error { b.RunOutbox(gctx); return nil })

	<-ctx.Done()
	b.log.Info("stopping: finishing work in flight", slog.Duration("grace", grace))
	cronDone := c.Stop().Done()
	select {
	case <-cronDone:
	case <-time.After(grace):
		b.log.Warn("stopping: polls still running after the grace period; abandoning them")
	}
	stopWork()
	return g.Wait()
}

func (b *Bot) scheduleRecaps(ctx context.Context, c *cron.Cron, o config.Output) {
	if o.Recap == nil {
		return
	}
	sched, err := config.ParseSchedule(o.Recap.Schedule)
	if err != nil {
		return
	}
	name := o.Name
	c.Schedule(sched, cron.FuncJob(func() {
		if _, err := b.QueueRecapToday(ctx, name); err != nil {
			b.log.Error("recap", slog.String("output", name), slog.Any("err", err))
		}
	}))
}

// QueueRecapToday queues the recap of today, as the date reads in the
// output's timezone, on the output's recap channel.
func (b *Bot) QueueRecapToday(ctx context.Context, output string) (bool, error) {
	for _, o := range b.cfg.Outputs {
		if o.Name != output || o.Recap == nil {
			continue
		}
		loc, err := time.LoadLocation(o.Timezone)
		if err != nil {
			loc = time.UTC
		}
		now := b.now().In(loc)
		date := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
		return b.QueueRecap(ctx, o.Name, o.Recap.Channel, date, o.Recap.Empty)
	}
	return false, fmt.Errorf("recap: output %q has no recap configured", output)
}
