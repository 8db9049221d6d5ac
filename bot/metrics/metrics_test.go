package metrics

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

func TestCounters(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	m := New(reg)

	m.Fetched("alpha", FetchStatus(200), 250*time.Millisecond)
	m.Fetched("alpha", StatusNotModified, 31250*time.Microsecond)
	m.Fetched("alpha", StatusNotModified, 62500*time.Microsecond)
	m.Fetched("beta", FetchStatus(0), 2*time.Second)
	m.Fetched("local", StatusFile, time.Millisecond)
	m.NewItems("alpha", 3)
	m.NewItems("alpha", 0)
	m.NewItems("alpha", -2)
	m.Extracted(2)
	m.Decided(ActionAlert)
	m.Decided(ActionUpdate)
	m.Decided(ActionUpdate)
	m.Delivered("slack", "alert", ResultSent)
	m.Delivered("slack", "alert", ResultRateLimited)
	m.Delivered("discord", "update", ResultFailed)
	m.RateLimited("slack", 1500*time.Millisecond)
	m.RateLimited("slack", 2*time.Second)
	m.RateLimited("slack", -time.Second)

	tests := []struct {
		name string
		c    prometheus.Collector
		want float64
	}{
		{"200s", m.Fetches.WithLabelValues("alpha", "200"), 1},
		{"304s", m.Fetches.WithLabelValues("alpha", "304"), 2},
		{"errors", m.Fetches.WithLabelValues("beta", "error"), 1},
		{"files", m.Fetches.WithLabelValues("local", "file"), 1},
		{"items, zero and negative ignored", m.Items.WithLabelValues("alpha"), 3},
		{"events", m.Events, 2},
		{"alerts", m.Decisions.WithLabelValues("alert"), 1},
		{"updates", m.Decisions.WithLabelValues("update"), 2},
		{"sent", m.Deliveries.WithLabelValues("slack", "alert", "sent"), 1},
		{"rate limited", m.Deliveries.WithLabelValues("slack", "alert", "ratelimited"), 1},
		{"failed", m.Deliveries.WithLabelValues("discord", "update", "failed"), 1},
		{"waits", m.RateLimitWaits.WithLabelValues("slack"), 3},
		{"wait seconds, negative as zero", m.RateLimitSeconds.WithLabelValues("slack"), 3.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := value(t, tt.c); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}

	// The histogram: three fetches of alpha, one under 50 ms, two under
	// 100 ms, all under 250 ms (bounds are inclusive). The durations are
	// exact in binary so that the sum compares exactly.
	want := `
# HELP basewatch_feed_fetch_duration_seconds Time taken by one feed fetch, from request to parsed items.
# TYPE basewatch_feed_fetch_duration_seconds histogram
basewatch_feed_fetch_duration_seconds_bucket{feed="alpha",le="0.05"} 1
basewatch_feed_fetch_duration_seconds_bucket{feed="alpha",le="0.1"} 2
basewatch_feed_fetch_duration_seconds_bucket{feed="alpha",le="0.25"} 3
basewatch_feed_fetch_duration_seconds_bucket{feed="alpha",le="0.5"} 3
basewatch_feed_fetch_duration_seconds_bucket{feed="alpha",le="1"} 3
basewatch_feed_fetch_duration_seconds_bucket{feed="alpha",le="2.5"} 3
basewatch_feed_fetch_duration_seconds_bucket{feed="alpha",le="5"} 3
basewatch_feed_fetch_duration_seconds_bucket{feed="alpha",le="10"} 3
basewatch_feed_fetch_duration_seconds_bucket{feed="alpha",le="30"} 3
basewatch_feed_fetch_duration_seconds_bucket{feed="alpha",le="60"} 3
basewatch_feed_fetch_duration_seconds_bucket{feed="alpha",le="+Inf"} 3
basewatch_feed_fetch_duration_seconds_sum{feed="alpha"} 0.34375
basewatch_feed_fetch_duration_seconds_count{feed="alpha"} 3
`
	// Compare alpha's series only: the other feeds' are deleted first.
	m.FetchDuration.DeleteLabelValues("beta")
	m.FetchDuration.DeleteLabelValues("local")
	compare(t, reg, want, "basewatch_feed_fetch_duration_seconds")
}

func TestNamesAndLint(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	m := New(reg)
	// Touch each vector so that it appears in the exposition.
	m.Fetched("f", "200", time.Second)
	m.NewItems("f", 1)
	m.Extracted(1)
	m.Decided(ActionKnown)
	m.Delivered("o", "alert", ResultSent)
	m.RateLimited("o", time.Second)
	m.WatchOutbox(func(context.Context) (int, int, time.Duration, error) { return 1, 0, time.Second, nil })

	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, mf := range mfs {
		names = append(names, mf.GetName())
		if !strings.HasPrefix(mf.GetName(), "basewatch_") {
			t.Errorf("metric %s lacks the basewatch_ prefix", mf.GetName())
		}
	}
	for _, want := range []string{
		"basewatch_feed_fetches_total", "basewatch_feed_fetch_duration_seconds", "basewatch_feed_items_total",
		"basewatch_events_total", "basewatch_decisions_total", "basewatch_deliveries_total",
		"basewatch_ratelimit_waits_total", "basewatch_ratelimit_wait_seconds_total",
		"basewatch_outbox_pending", "basewatch_outbox_failed", "basewatch_outbox_oldest_seconds",
		"basewatch_outbox_read_errors_total",
	} {
		if !contains(names, want) {
			t.Errorf("metric %s not gathered; got %v", want, names)
		}
	}
	problems, err := promlint.NewWithMetricFamilies(mfs).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

func TestWatchOutbox(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	m := New(reg)

	// Before WatchOutbox there are no gauges, and gathering works.
	if n := count(t, reg, "basewatch_outbox_pending"); n != 0 {
		t.Fatalf("before WatchOutbox: %d series", n)
	}

	var calls atomic.Int32
	var fail atomic.Bool
	m.WatchOutbox(func(ctx context.Context) (int, int, time.Duration, error) {
		calls.Add(1)
		if _, ok := ctx.Deadline(); !ok {
			t.Error("outbox read without a deadline")
		}
		if fail.Load() {
			return 0, 0, 0, errors.New("database is locked")
		}
		return 4, 2, 90 * time.Second, nil
	})
	want := `
# HELP basewatch_outbox_failed Deliveries that failed for good and need an operator.
# TYPE basewatch_outbox_failed gauge
basewatch_outbox_failed 2
# HELP basewatch_outbox_oldest_seconds Age of the oldest pending delivery; 0 when none is pending.
# TYPE basewatch_outbox_oldest_seconds gauge
basewatch_outbox_oldest_seconds 90
# HELP basewatch_outbox_pending Deliveries waiting in the outbox.
# TYPE basewatch_outbox_pending gauge
basewatch_outbox_pending 4
# HELP basewatch_outbox_read_errors_total Scrapes that could not read the outbox figures from the store.
# TYPE basewatch_outbox_read_errors_total counter
basewatch_outbox_read_errors_total 0
`
	compare(t, reg, want, "basewatch_outbox_pending", "basewatch_outbox_failed", "basewatch_outbox_oldest_seconds", "basewatch_outbox_read_errors_total")
	if calls.Load() != 1 {
		t.Errorf("outbox read %d times in one scrape, want 1", calls.Load())
	}

	// A failing read leaves the gauges out, counts the error, and the rest
	// of the scrape still works.
	fail.Store(true)
	m.Decided(ActionAlert)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("scrape failed with the outbox unreadable: %v", err)
	}
	var names []string
	for _, mf := range mfs {
		names = append(names, mf.GetName())
	}
	if contains(names, "basewatch_outbox_pending") {
		t.Error("outbox gauges reported although the read failed")
	}
	if !contains(names, "basewatch_decisions_total") {
		t.Error("other metrics missing when the outbox read failed")
	}
	if got := value(t, m.outbox.errors); got != 1 {
		t.Errorf("read errors = %v, want 1", got)
	}

	// Replacing and removing the function.
	m.WatchOutbox(func(context.Context) (int, int, time.Duration, error) { return 0, 0, -time.Second, nil })
	compare(t, reg, `
# HELP basewatch_outbox_oldest_seconds Age of the oldest pending delivery; 0 when none is pending.
# TYPE basewatch_outbox_oldest_seconds gauge
basewatch_outbox_oldest_seconds 0
`, "basewatch_outbox_oldest_seconds")
	m.WatchOutbox(nil)
	if n := count(t, reg, "basewatch_outbox_pending"); n != 0 {
		t.Errorf("after WatchOutbox(nil): %d series", n)
	}
}

func TestNilMetrics(t *testing.T) {
	var m *Metrics
	// None of these may panic.
	m.Fetched("f", "200", time.Second)
	m.NewItems("f", 1)
	m.Extracted(1)
	m.Decided(ActionAlert)
	m.Delivered("o", "alert", ResultSent)
	m.RateLimited("o", time.Second)
	m.WatchOutbox(func(context.Context) (int, int, time.Duration, error) { return 0, 0, 0, nil })
}

func TestNilRegisterer(t *testing.T) {
	m := New(nil)
	m.Decided(ActionAlert)
	if got := value(t, m.Decisions.WithLabelValues(ActionAlert)); got != 1 {
		t.Errorf("unregistered metrics count %v, want 1", got)
	}
}

func TestDuplicateRegistrationPanics(t *testing.T) {
	reg := prometheus.NewRegistry()
	New(reg)
	defer func() {
		if recover() == nil {
			t.Error("registering twice on one registry did not panic")
		}
	}()
	New(reg)
}

func TestFetchStatus(t *testing.T) {
	for code, want := range map[int]string{0: "error", -1: "error", 200: "200", 304: "304", 503: "503"} {
		if got := FetchStatus(code); got != want {
			t.Errorf("FetchStatus(%d) = %q, want %q", code, got, want)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// value returns the value of the one counter or gauge that c collects.
func value(t *testing.T, c prometheus.Collector) float64 {
	t.Helper()
	ch := make(chan prometheus.Metric, 16)
	c.Collect(ch)
	close(ch)
	var ms []prometheus.Metric
	for m := range ch {
		ms = append(ms, m)
	}
	if len(ms) != 1 {
		t.Fatalf("collector gave %d metrics, want 1", len(ms))
	}
	var pb dto.Metric
	if err := ms[0].Write(&pb); err != nil {
		t.Fatal(err)
	}
	switch {
	case pb.Counter != nil:
		return pb.Counter.GetValue()
	case pb.Gauge != nil:
		return pb.Gauge.GetValue()
	}
	t.Fatalf("metric is neither a counter nor a gauge: %v", &pb)
	return 0
}

// exposition gathers reg and renders the families named in the text format.
func exposition(t *testing.T, reg prometheus.Gatherer, names ...string) string {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	var b strings.Builder
	for _, mf := range mfs {
		if contains(names, mf.GetName()) {
			if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
				t.Fatal(err)
			}
		}
	}
	return b.String()
}

// compare checks the exposition of the families named against want.
func compare(t *testing.T, reg prometheus.Gatherer, want string, names ...string) {
	t.Helper()
	if got := exposition(t, reg, names...); strings.TrimSpace(got) != strings.TrimSpace(want) {
		t.Errorf("exposition differs\n--- got\n%s\n--- want\n%s", got, want)
	}
}

// count is the number of series of the family name.
func count(t *testing.T, reg prometheus.Gatherer, name string) int {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return len(mf.GetMetric())
		}
	}
	return 0
}

func BenchmarkFetched(b *testing.B) {
	m := New(prometheus.NewRegistry())
	b.ReportAllocs()
	for b.Loop() {
		m.Fetched("wire-english", StatusNotModified, 40*time.Millisecond)
	}
}
