package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"time"

	"github.com/basewatch/basewatch/bot/metrics"
	"github.com/basewatch/basewatch/bot/store"
	"github.com/basewatch/basewatch/config"
	"github.com/basewatch/basewatch/feeds"
)

// Backoff bounds for failing feeds.
const (
	backoffBase = time.Minute
	backoffMax  = 6 * time.Hour
)

// feedBackoff is how long a feed that failed n times in a row rests.
func feedBackoff(n int) time.Duration {
	if n <= 0 {
		return 0
	}
	d := backoffBase << min(n-1, 16)
	if d > backoffMax || d <= 0 {
		d = backoffMax
	}
	return d
}

// PollResult says what one poll did.
type PollResult struct {
	Feed     string
	Skipped  string // why the feed was not polled, when it was not
	NotMod   bool
	Items    int
	New      int
	Outcomes []Outcome
	Err      error
}

// PollFeed polls one feed unless it rests (backoff, Retry-After, max-age)
// or another process holds it, and processes its new items. One feed's
// failure is recorded on the feed and returned; it never stops the others.
func (b *Bot) PollFeed(ctx context.Context, f config.Feed) PollResult {
	res := PollResult{Feed: f.Name}
	log := b.log.With(slog.String("feed", f.Name))

	b.mu.Lock()
	if b.inFlight[f.Name] {
		b.mu.Unlock()
		res.Skipped = "a poll of this feed is still running"
		return res
	}
	b.inFlight[f.Name] = true
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		delete(b.inFlight, f.Name)
		b.mu.Unlock()
	}()

	now := b.now()
	st, err := b.store.FeedState(ctx, f.Name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		res.Err = fmt.Errorf("feed %s: state: %w", f.Name, err)
		return res
	}
	st.Name = f.Name
	if now.Before(st.NextPoll) {
		res.Skipped = "resting until " + st.NextPoll.UTC().Format(time.RFC3339)
		log.Debug("feed skipped", slog.String("why", res.Skipped))
		return res
	}
	// The lease outlives the request's timeout; a process killed while it
	// polls frees the feed this long after.
	lease := time.Duration(f.Timeout) + 30*time.Second
	ok, err := b.store.LeaseFeed(ctx, f.Name, b.owner, now.Add(lease))
	if err != nil {
		res.Err = fmt.Errorf("feed %s: lease: %w", f.Name, err)
		return res
	}
	if !ok {
		res.Skipped = "another process holds this feed"
		return res
	}
	defer func() {
		if err := b.store.ReleaseFeed(context.WithoutCancel(ctx), f.Name, b.owner); err != nil {
			log.Warn("feed release", slog.Any("err", err))
		}
	}()

	st.LastPoll = now
	start := time.Now()
	resp, err := b.fetcher.Fetch(ctx, feeds.Request{
		URL: b.feedURL(f), ETag: st.ETag, LastModified: st.LastModified,
		Header: f.Headers, Timeout: time.Duration(f.Timeout), MaxBytes: int64(f.MaxSize),
	})
	b.metrics.Fetched(f.Name, fetchStatus(resp, err), time.Since(start))
	var items []feeds.Item
	if err == nil && !resp.NotModified {
		items, err = feeds.Parse(f.Name, resp.Body, resp.ContentType, now)
		if err != nil {
			err = fmt.Errorf("parse %s: %w", b.feedURL(f), err)
		} else if b.onHub != nil {
			if hub, self := feeds.Hub(resp.Body); hub != "" {
				if self == "" {
					self = resp.URL
				}
				b.onHub(f.Name, hub, self)
			}
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			res.Err = ctx.Err()
			return res
		}
		st.Failures++
		st.LastError, st.LastErrorAt = err.Error(), now
		wait := feedBackoff(st.Failures)
		var fe *feeds.Error
		if errors.As(err, &fe) && fe.RetryAfter > wait {
			wait = fe.RetryAfter
		}
		st.NextPoll = now.Add(wait)
		res.Err = fmt.Errorf("feed %s: %w", f.Name, err)
		log.Error("feed failed", slog.Any("err", err), slog.Int("failures", st.Failures), slog.Time("next_poll", st.NextPoll))
		if serr := b.store.SaveFeedState(context.WithoutCancel(ctx), st); serr != nil {
			log.Error("feed state", slog.Any("err", serr))
		}
		return res
	}

	st.Failures, st.LastError, st.LastSuccess = 0, "", now
	st.ETag, st.LastModified = resp.ETag, resp.LastModified
	st.NextPoll = time.Time{}
	if resp.MaxAge > 0 {
		st.NextPoll = now.Add(resp.MaxAge)
	}
	res.NotMod = resp.NotModified
	if !resp.NotModified {
		st.Items = len(items)
	}
	res.Items = len(items)
	res.Outcomes, res.New, res.Err = b.processFeedItems(ctx, f, items)
	if ctx.Err() != nil {
		return res
	}
	b.metrics.NewItems(f.Name, res.New)
	if err := b.store.SaveFeedState(context.WithoutCancel(ctx), st); err != nil {
		res.Err = fmt.Errorf("feed %s: state: %w", f.Name, err)
	}
	log.Info("feed polled", slog.Bool("not_modified", res.NotMod), slog.Int("items", res.Items), slog.Int("new", res.New))
	return res
}

// processFeedItems hands a feed's items to the pipeline one by one; an item
// that fails is not marked seen, so the next poll tries it again.
func (b *Bot) processFeedItems(ctx context.Context, f config.Feed, items []feeds.Item) ([]Outcome, int, error) {
	var outs []Outcome
	var firstErr error
	fresh := 0
	for _, it := range items {
		if it.Language == "" {
			it.Language = f.Language
		}
		o, err := b.ProcessItem(ctx, it)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("feed %s: %w", f.Name, err)
			}
			b.log.Error("item failed", slog.String("feed", f.Name), slog.String("item", it.ID), slog.Any("err", err))
			if ctx.Err() != nil {
				break
			}
			continue
		}
		if !o.Seen {
			fresh++
		}
		outs = append(outs, o)
	}
	return outs, fresh, firstErr
}

// Push processes a feed body a WebSub hub pushed: the same items, the same
// pipeline as a poll, seconds after the publisher posts.
func (b *Bot) Push(ctx context.Context, feed string, body []byte, contentType string) error {
	f, ok := b.FeedConfig(feed)
	if !ok {
		return fmt.Errorf("push for unknown feed %q", feed)
	}
	items, err := feeds.Parse(f.Name, body, contentType, b.now())
	if err != nil {
		return fmt.Errorf("push for feed %s: %w", f.Name, err)
	}
	_, fresh, err := b.processFeedItems(ctx, f, items)
	b.metrics.NewItems(f.Name, fresh)
	b.log.Info("feed pushed", slog.String("feed", f.Name), slog.Int("items", len(items)), slog.Int("new", fresh))
	return err
}

// feedURL resolves a relative path against the config file's directory.
func (b *Bot) feedURL(f config.Feed) string {
	u := f.URL
	if strings.Contains(u, "://") || filepath.IsAbs(u) || b.cfg.Dir == "" {
		return u
	}
	return filepath.Join(b.cfg.Dir, u)
}

// PollAll polls every feed once, a few at a time, requests to one host
// spaced by the fetcher.
func (b *Bot) PollAll(ctx context.Context) []PollResult {
	results := make([]PollResult, len(b.cfg.Feeds))
	sem := make(chan struct{}, 8)
	done := make(chan int)
	for i, f := range b.cfg.Feeds {
		go func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = b.PollFeed(ctx, f)
			done <- i
		}()
	}
	for range b.cfg.Feeds {
		<-done
	}
	return results
}

// jitter spreads feeds that share a schedule over a little time.
func jitter(max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(max)))
}

// fetchStatus is the metrics label of a fetch's outcome.
func fetchStatus(resp *feeds.Response, err error) string {
	var fe *feeds.Error
	switch {
	case err != nil && errors.As(err, &fe) && fe.Status > 0:
		return metrics.FetchStatus(fe.Status)
	case err != nil:
		return metrics.StatusError
	case resp.NotModified:
		return metrics.StatusNotModified
	case resp.Status == 0:
		return metrics.StatusFile
	}
	return metrics.FetchStatus(resp.Status)
}
