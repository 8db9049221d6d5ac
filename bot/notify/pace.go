package notify

import (
	"context"
	"sync"
	"time"
)

// Pacer spaces the messages an output sends to each channel so that no
// channel receives more than Burst messages in any Window, and holds a
// channel back after the platform rate-limited it. Waiting honours the
// context, so a stopping daemon never hangs in a pacer.
type Pacer struct {
	burst  int
	window time.Duration
	now    func() time.Time
	sleep  func(context.Context, time.Duration) error

	mu    sync.Mutex
	chans map[string]*pace
	hold  time.Time // no sends to any channel before this
}

type pace struct {
	sent []time.Time // reserved send times within the last window, oldest first
	hold time.Time   // no sends before this
}

// NewPacer returns a pacer allowing burst messages per window and channel.
// now and sleep default to the real clock; tests pass a fake clock and a
// sleep that advances it.
func NewPacer(burst int, window time.Duration, now func() time.Time, sleep func(context.Context, time.Duration) error) *Pacer {
	if burst < 1 {
		burst = 1
	}
	if now == nil {
		now = time.Now
	}
	if sleep == nil {
		sleep = Sleep
	}
	return &Pacer{burst: burst, window: window, now: now, sleep: sleep, chans: make(map[string]*pace)}
}

// Wait blocks until channel may receive another message and reserves that
// slot, or returns the context's error.
func (p *Pacer) Wait(ctx context.Context, channel string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p.mu.Lock()
	now := p.now()
	c := p.chans[channel]
	if c == nil {
		c = &pace{}
		p.chans[channel] = c
	}
	// Forget sends that left the window.
	i := 0
	for i < len(c.sent) && !c.sent[i].After(now.Add(-p.window)) {
		i++
	}
	c.sent = c.sent[i:]
	at := now
	if len(c.sent) >= p.burst {
		at = latest(at, c.sent[len(c.sent)-p.burst].Add(p.window))
	}
	at = latest(latest(at, c.hold), p.hold)
	c.sent = append(c.sent, at)
	p.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		return p.sleep(ctx, d)
	}
	return nil
}

// Hold keeps channel quiet for d from now, as a platform asked with a 429.
func (p *Pacer) Hold(channel string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.chans[channel]
	if c == nil {
		c = &pace{}
		p.chans[channel] = c
	}
	c.hold = latest(c.hold, p.now().Add(d))
}

// HoldAll keeps every channel quiet for d from now, after a rate limit that
// covers the whole account (Discord's global limit).
func (p *Pacer) HoldAll(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hold = latest(p.hold, p.now().Add(d))
}

// Sleep waits d or until ctx ends, whichever comes first.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
