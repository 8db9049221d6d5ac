package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/basewatch/basewatch/bot/notify"
	"github.com/basewatch/basewatch/bot/store"
	"github.com/basewatch/basewatch/config"
)

// FeedHealth is one feed's line in the status.
type FeedHealth struct {
	Name        string
	URL         string
	Schedule    string
	LastPoll    time.Time
	LastSuccess time.Time
	LastError   string
	Failures    int
	NextPoll    time.Time // zero: on its schedule
	Items       int
	Healthy     bool
}

// Status is what basewatch status and the status page show.
type Status struct {
	Now         time.Time
	Feeds       []FeedHealth
	Latest      []store.Incident
	OnThisDate  notify.Recap
	Pending     int
	Failed      int
	OldestAge   time.Duration
	FailedItems []store.Delivery
	Down        map[string]string
}

// Status gathers the health of feeds, the latest incidents, the "on this
// date" panel and the outbox.
func (b *Bot) Status(ctx context.Context) (Status, error) {
	now := b.now()
	s := Status{Now: now, Down: b.OutputsDown()}
	states, err := b.store.FeedStates(ctx)
	if err != nil {
		return s, fmt.Errorf("status: feeds: %w", err)
	}
	byName := map[string]store.FeedState{}
	for _, st := range states {
		byName[st.Name] = st
	}
	for _, f := range b.cfg.Feeds {
		st := byName[f.Name]
		s.Feeds = append(s.Feeds, FeedHealth{
			Name: f.Name, URL: f.URL, Schedule: f.Schedule, LastPoll: st.LastPoll, LastSuccess: st.LastSuccess,
			LastError: st.LastError, Failures: st.Failures, NextPoll: st.NextPoll, Items: st.Items,
			Healthy: st.Failures == 0 && !st.LastSuccess.IsZero(),
		})
	}
	if s.Latest, err = b.store.Incidents(ctx, time.Time{}, now.AddDate(0, 0, 2), "", 10); err != nil {
		return s, fmt.Errorf("status: incidents: %w", err)
	}
	loc := b.location()
	local := now.In(loc)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	if s.OnThisDate, err = b.Recap(ctx, day, ""); err != nil {
		return s, err
	}
	if s.Pending, s.Failed, s.OldestAge, err = b.store.OutboxStats(ctx, now); err != nil {
		return s, fmt.Errorf("status: outbox: %w", err)
	}
	if s.FailedItems, err = b.store.Deliveries(ctx, store.DeliveryFailed, 10); err != nil && !errors.Is(err, store.ErrNotFound) {
		return s, fmt.Errorf("status: outbox: %w", err)
	}
	return s, nil
}

func (b *Bot) location() *time.Location {
	if loc, err := time.LoadLocation(b.cfg.Timezone); err == nil {
		return loc
	}
	return time.UTC
}

// FeedConfig returns the configured feed of that name.
func (b *Bot) FeedConfig(name string) (config.Feed, bool) {
	for _, f := range b.cfg.Feeds {
		if f.Name == name {
			return f, true
		}
	}
	return config.Feed{}, false
}

// Ready reports whether the bot can do its work: the store answers and,
// when it runs as a daemon, the scheduler is running.
func (b *Bot) Ready(ctx context.Context) error {
	if err := b.store.Ping(ctx); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if !b.running.Load() {
		return errors.New("scheduler not running")
	}
	return nil
}
