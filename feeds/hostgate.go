package feeds

import (
	"context"
	"sync"
	"time"
)

// hostGate spaces requests to one host by a fixed interval. Each caller
// reserves the next free slot for its host under a lock and then waits for it
// outside the lock, so any number of goroutines get distinct, ordered slots
// and a cancelled context frees its caller at once.
type hostGate struct {
	interval time.Duration
	now      func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error

	mu   sync.Mutex
	next map[string]time.Time // host -> earliest time of the next request
}

func newHostGate(interval time.Duration, now func() time.Time) *hostGate {
	return &hostGate{
		interval: interval,
		now:      now,
		sleep:    sleepCtx,
		next:     make(map[string]time.Time),
	}
}

// pruneAt bounds the map: past this many hosts, hosts whose slot has passed
// are forgotten (they would be granted "now" anyway).
const pruneAt = 1024

// wait blocks until host's next slot, or until ctx is done.
func (g *hostGate) wait(ctx context.Context, host string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	g.mu.Lock()
	now := g.now()
	slot := g.next[host]
	if slot.Before(now) {
		slot = now
	}
	g.next[host] = slot.Add(g.interval)
	if len(g.next) > pruneAt {
		for h, t := range g.next {
			if !t.After(now) {
				delete(g.next, h)
			}
		}
	}
	g.mu.Unlock()

	d := slot.Sub(now)
	if d <= 0 {
		return nil
	}
	if err := g.sleep(ctx, d); err != nil {
		// Give the slot back if nobody queued behind it.
		g.mu.Lock()
		if g.next[host].Equal(slot.Add(g.interval)) {
			g.next[host] = slot
		}
		g.mu.Unlock()
		return err
	}
	return nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
