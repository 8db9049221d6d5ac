package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/basewatch/basewatch/bot/metrics"
	"github.com/basewatch/basewatch/bot/notify"
	"github.com/basewatch/basewatch/bot/store"
)

// Outbox tuning.
const (
	claimBatch   = 8                // small: a batch is sent before its lease ends, even paced at 1/s
	claimLease   = 30 * time.Second // after a crash, another process (or the restart) resends after this
	retryBase    = 2 * time.Second
	retryMax     = 10 * time.Minute
	downRecheck  = 5 * time.Minute // an output whose token is refused is tried again this often
	updateWait   = 5 * time.Second // an update waits this long for its alert to be sent
	maxWaits     = 1000            // an update whose alert never goes out gives up after this many waits
	commitMargin = 2 * time.Second // an update is queued at most this long before its transaction commits
)

// DeliverPending delivers what is due in the outbox until nothing is due,
// and returns how many deliveries were sent.
func (b *Bot) DeliverPending(ctx context.Context) (int, error) {
	sent := 0
	for {
		now := b.now()
		ds, err := b.store.ClaimDeliveries(ctx, b.owner, now, now.Add(claimLease), claimBatch)
		if err != nil {
			return sent, fmt.Errorf("outbox: claim: %w", err)
		}
		if len(ds) == 0 {
			return sent, nil
		}
		for _, d := range ds {
			if ctx.Err() != nil {
				return sent, ctx.Err()
			}
			if b.deliver(ctx, d) {
				sent++
			}
		}
	}
}

// deliver sends one claimed delivery and records the result. It reports
// whether the delivery was sent.
func (b *Bot) deliver(ctx context.Context, d store.Delivery) bool {
	log := b.log.With(slog.String("output", d.Output), slog.String("channel", d.Channel), slog.String("incident", d.IncidentID), slog.String("kind", d.Kind), slog.Int64("delivery", d.ID))
	bg := context.WithoutCancel(ctx)
	out, ok := b.outputs[d.Output]
	if !ok {
		log.Error("delivery failed: output not configured")
		_ = b.store.MarkFailed(bg, d.ID, fmt.Sprintf("output %q is not configured", d.Output))
		return false
	}
	// The message is rendered from the store as it stands now; its sent
	// time is this moment, so that an update queued before it is known to
	// be in it.
	rendered := b.now()
	ref, err := b.send(ctx, out, d)
	now := b.now()
	if err == nil {
		b.metrics.Delivered(d.Output, d.Kind, metrics.ResultSent)
		if err := b.store.MarkSent(bg, d.ID, ref, rendered); err != nil {
			log.Error("outbox: mark sent", slog.Any("err", err))
		}
		b.mu.Lock()
		delete(b.down, d.Output)
		b.mu.Unlock()
		log.Debug("delivered", slog.String("ref", ref))
		return true
	}
	var wait errWait
	switch {
	case errors.As(err, &wait) && d.Attempts < maxWaits:
		_ = b.store.MarkRetry(bg, d.ID, now.Add(wait.d), err.Error())
		return false
	case ctx.Err() != nil:
		_ = b.store.MarkRetry(bg, d.ID, now, "interrupted: "+err.Error())
		return false
	}
	if after, ok := notify.RetryAfter(err); ok {
		// The platform said how long to wait: wait exactly that, never
		// drop, and do not count it as a failed attempt.
		log.Warn("rate limited", slog.Duration("retry_after", after))
		b.metrics.Delivered(d.Output, d.Kind, metrics.ResultRateLimited)
		b.metrics.RateLimited(d.Output, after)
		_ = b.store.Postpone(bg, d.ID, now.Add(after), err.Error())
		return false
	}
	if notify.IsAuth(err) {
		b.mu.Lock()
		b.down[d.Output] = err.Error()
		b.mu.Unlock()
		log.Error("output down: credentials refused; deliveries kept until it is fixed", slog.Any("err", err))
		_ = b.store.Postpone(bg, d.ID, now.Add(downRecheck), err.Error())
		return false
	}
	limit := b.retries(d.Output)
	if !notify.Retryable(err) || d.Attempts >= limit {
		log.Error("delivery failed", slog.Any("err", err), slog.Int("attempts", d.Attempts))
		b.metrics.Delivered(d.Output, d.Kind, metrics.ResultFailed)
		_ = b.store.MarkFailed(bg, d.ID, err.Error())
		return false
	}
	backoff := retryBase << min(d.Attempts-1, 20)
	if backoff > retryMax || backoff <= 0 {
		backoff = retryMax
	}
	b.metrics.Delivered(d.Output, d.Kind, metrics.ResultRetry)
	log.Warn("delivery will be retried", slog.Any("err", err), slog.Int("attempts", d.Attempts), slog.Duration("backoff", backoff))
	_ = b.store.MarkRetry(bg, d.ID, now.Add(backoff), err.Error())
	return false
}

// collapsed is the ref recorded for an update that its alert already
// carried.
const collapsed = "collapsed into the alert"

// errWait asks the outbox to try again later without counting a failure.
type errWait struct {
	d   time.Duration
	why string
}

func (e errWait) Error() string { return e.why }

func (b *Bot) retries(output string) int {
	for _, o := range b.cfg.Outputs {
		if o.Name == output && o.Retries > 0 {
			return o.Retries
		}
	}
	return 8
}

func (b *Bot) send(ctx context.Context, out Output, d store.Delivery) (string, error) {
	var p payload
	if len(d.Payload) > 0 {
		if err := json.Unmarshal(d.Payload, &p); err != nil {
			return "", fmt.Errorf("outbox: payload of delivery %d: %w", d.ID, err)
		}
	}
	switch d.Kind {
	case "recap":
		r, err := b.recapFor(ctx, p)
		if err != nil {
			return "", err
		}
		if len(r.Lines) == 0 && r.Empty == "" {
			return "", nil // nothing to say today
		}
		if d.Attempts > 1 {
			if ref, err := out.Find(ctx, d.Channel, d.Key); err == nil && ref != "" {
				return ref, nil
			}
		}
		return out.PostRecap(ctx, d.Channel, r, d.Key)
	case "alert":
		a, err := b.alertFor(ctx, d.IncidentID, "alert", p)
		if err != nil {
			return "", err
		}
		if d.Attempts > 1 {
			// An earlier attempt may have got through before a crash or
			// a timeout: look before posting again.
			ref, err := out.Find(ctx, d.Channel, d.Key)
			if err != nil {
				return "", err
			}
			if ref != "" {
				return ref, nil
			}
		}
		return out.Post(ctx, d.Channel, a, d.Key)
	case "update":
		alert, err := b.store.SentAlert(ctx, d.IncidentID, d.Output, d.Channel)
		if errors.Is(err, store.ErrNotFound) {
			// The alert has not gone out yet; when it does, it carries
			// the latest facts, so the update waits for it.
			return "", errWait{updateWait, "waiting for the alert to be sent"}
		}
		if err != nil {
			return "", err
		}
		if !alert.SentAt.Before(d.CreatedAt.Add(commitMargin)) {
			// The alert was rendered after this update was queued (and
			// its transaction committed), with the facts the update
			// brings: one message, not two.
			return collapsed, nil
		}
		ref := alert.Ref
		a, err := b.alertFor(ctx, d.IncidentID, "update", p)
		if err != nil {
			return "", err
		}
		return out.Update(ctx, d.Channel, ref, a, d.Key)
	}
	return "", fmt.Errorf("outbox: unknown delivery kind %q", d.Kind)
}

// alertFor renders an incident as it stands now.
func (b *Bot) alertFor(ctx context.Context, id, kind string, p payload) (notify.Alert, error) {
	in, err := b.store.Incident(ctx, id)
	if err != nil {
		return notify.Alert{}, fmt.Errorf("outbox: incident %s: %w", id, err)
	}
	reps, err := b.store.Reports(ctx, id)
	if err != nil {
		return notify.Alert{}, fmt.Errorf("outbox: reports of %s: %w", id, err)
	}
	a := AlertOf(in, reps)
	a.Kind = kind
	if p.Rule != "" {
		a.Rule = p.Rule
	}
	a.Reason = p.Reason
	a.Changes = p.Changes
	return a, nil
}

// AlertOf lays out an incident and its reports as a message.
func AlertOf(in store.Incident, reps []store.Report) notify.Alert {
	a := notify.Alert{
		Kind:        "alert",
		IncidentID:  in.ID,
		Rule:        in.Rule,
		Weapon:      in.SubEventType,
		Site:        in.Location,
		SiteID:      in.SiteID,
		Country:     in.Country,
		Region:      in.Region,
		Unconfirmed: in.Unconfirmed,
		Latitude:    in.Latitude,
		Longitude:   in.Longitude,
		EventDate:   in.EventDate,
		ReportedAt:  in.CreatedAt,
		Projectiles: in.Projectiles,
		Killed:      in.Fatalities,
		Wounded:     in.Wounded,
		Victims:     in.Victims,
		Actor:       in.Actor,
		ActorRole:   in.ActorRole,
		Title:       in.Summary,
		SourceCount: len(reps),
	}
	for i, r := range reps {
		if i == 0 {
			a.Title = r.Title
			a.ReportedAt = r.Published
		}
		if len(a.Sources) < notify.MaxSources {
			a.Sources = append(a.Sources, notify.Source{Feed: r.Feed, Title: r.Title, Link: r.Link})
		}
	}
	return a
}

// RunOutbox delivers the outbox until ctx ends: at once when nudged by a
// new alert, and every few seconds for retries.
func (b *Bot) RunOutbox(ctx context.Context) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		if _, err := b.DeliverPending(ctx); err != nil && ctx.Err() == nil {
			b.log.Error("outbox", slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-b.wake:
		case <-t.C:
		}
	}
}
