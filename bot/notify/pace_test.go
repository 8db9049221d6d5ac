package notify

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock whose sleep advances it and records each wait.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.t = c.t.Add(d)
	return ctx.Err()
}

func TestPacerBurstWindow(t *testing.T) {
	c := &fakeClock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := NewPacer(5, 5*time.Second, c.now, c.sleep)
	ctx := context.Background()
	for range 7 {
		if err := p.Wait(ctx, "chan-a"); err != nil {
			t.Fatal(err)
		}
	}
	// Five go at once; the sixth waits for the first five to leave the
	// window, and the seventh goes with it in the new window.
	if want := []time.Duration{5 * time.Second}; !equalDurations(c.waits, want) {
		t.Errorf("waits = %v, want %v", c.waits, want)
	}
	// Another channel is not slowed down.
	c.waits = nil
	if err := p.Wait(ctx, "chan-b"); err != nil || len(c.waits) != 0 {
		t.Errorf("chan-b waited %v (%v)", c.waits, err)
	}
}

func TestPacerOnePerSecond(t *testing.T) {
	c := &fakeClock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := NewPacer(1, time.Second, c.now, c.sleep)
	for range 3 {
		if err := p.Wait(context.Background(), "C1"); err != nil {
			t.Fatal(err)
		}
	}
	if want := []time.Duration{time.Second, time.Second}; !equalDurations(c.waits, want) {
		t.Errorf("waits = %v, want %v", c.waits, want)
	}
}

func TestPacerHold(t *testing.T) {
	c := &fakeClock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := NewPacer(5, 5*time.Second, c.now, c.sleep)
	p.Hold("C1", 7*time.Second)
	if err := p.Wait(context.Background(), "C1"); err != nil {
		t.Fatal(err)
	}
	if want := []time.Duration{7 * time.Second}; !equalDurations(c.waits, want) {
		t.Errorf("waits = %v, want %v", c.waits, want)
	}
}

func TestPacerHoldAll(t *testing.T) {
	c := &fakeClock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := NewPacer(5, 5*time.Second, c.now, c.sleep)
	p.HoldAll(2 * time.Second)
	for _, ch := range []string{"C1", "C2"} {
		if err := p.Wait(context.Background(), ch); err != nil {
			t.Fatal(err)
		}
	}
	if want := []time.Duration{2 * time.Second}; !equalDurations(c.waits, want) {
		t.Errorf("waits = %v, want %v (the second channel goes after the hold)", c.waits, want)
	}
}

func TestPacerCancel(t *testing.T) {
	p := NewPacer(1, time.Hour, nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	if err := p.Wait(ctx, "C1"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Wait(ctx, "C1") }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Wait after cancel = %v", err)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
