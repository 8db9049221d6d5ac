package metrics

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Values of the status label of Fetches besides the HTTP status code.
const (
	StatusNotModified = "304"   // the feed had not changed
	StatusError       = "error" // no HTTP response: DNS, connect, timeout, size cap, parse
	StatusFile        = "file"  // read from a local file, not over HTTP
)

// Values of the action label of Decisions.
const (
	ActionAlert     = "alert"
	ActionUpdate    = "update"
	ActionDuplicate = "duplicate"
	ActionKnown     = "known"
	ActionIgnored   = "ignored"
)

// Values of the result label of Deliveries.
const (
	ResultSent        = "sent"
	ResultRetry       = "retry"
	ResultFailed      = "failed"
	ResultRateLimited = "ratelimited"
)

// OutboxTimeout bounds how long one scrape waits for the outbox figures.
const OutboxTimeout = 5 * time.Second

// Metrics holds basewatch's collectors. The fields are exported so that the
// pipeline can use the full client_golang API; the methods do the common
// cases and are safe on a nil *Metrics.
type Metrics struct {
	// Fetches counts feed fetches by feed and status: the HTTP status
	// code ("200", "304", "500"), StatusError or StatusFile.
	Fetches *prometheus.CounterVec
	// FetchDuration observes how long each fetch took, by feed.
	FetchDuration *prometheus.HistogramVec
	// Items counts new items handed to the rules, by feed.
	Items *prometheus.CounterVec
	// Events counts attack events the rules extracted.
	Events prometheus.Counter
	// Decisions counts incident decisions by action (ActionAlert, ...).
	Decisions *prometheus.CounterVec
	// Deliveries counts delivery attempts by output, kind (alert, update,
	// recap) and result (ResultSent, ...).
	Deliveries *prometheus.CounterVec
	// RateLimitWaits counts the times an output asked us to wait.
	RateLimitWaits *prometheus.CounterVec
	// RateLimitSeconds sums the waits the outputs asked for.
	RateLimitSeconds *prometheus.CounterVec

	outbox *outboxCollector
}

// New creates the metrics and registers them with reg; with a nil reg they
// are created but not registered. It panics if reg already holds metrics of
// the same names, as prometheus.MustRegister does: that is a programming
// error, found at start.
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "basewatch_feed_fetches_total",
			Help: "Feed fetches by feed and status (HTTP status code, \"error\" when there was no response, \"file\" for local files).",
		}, []string{"feed", "status"}),
		FetchDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "basewatch_feed_fetch_duration_seconds",
			Help:    "Time taken by one feed fetch, from request to parsed items.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"feed"}),
		Items: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "basewatch_feed_items_total",
			Help: "New feed items handed to the rules.",
		}, []string{"feed"}),
		Events: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "basewatch_events_total",
			Help: "Attack events extracted from items by the rules.",
		}),
		Decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "basewatch_decisions_total",
			Help: "Incident decisions by action: alert, update, duplicate, known, ignored.",
		}, []string{"action"}),
		Deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "basewatch_deliveries_total",
			Help: "Outbox delivery attempts by output, kind and result: sent, retry, failed, ratelimited.",
		}, []string{"output", "kind", "result"}),
		RateLimitWaits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "basewatch_ratelimit_waits_total",
			Help: "Times an output asked basewatch to wait before its next request.",
		}, []string{"output"}),
		RateLimitSeconds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "basewatch_ratelimit_wait_seconds_total",
			Help: "Seconds of waiting the outputs asked for.",
		}, []string{"output"}),
		outbox: newOutboxCollector(),
	}
	if reg != nil {
		reg.MustRegister(m.Fetches, m.FetchDuration, m.Items, m.Events, m.Decisions,
			m.Deliveries, m.RateLimitWaits, m.RateLimitSeconds, m.outbox)
	}
	return m
}

// Fetched records one fetch of feed that ended with status (an HTTP code,
// StatusNotModified, StatusError or StatusFile) after d.
func (m *Metrics) Fetched(feed, status string, d time.Duration) {
	if m == nil {
		return
	}
	m.Fetches.WithLabelValues(feed, status).Inc()
	m.FetchDuration.WithLabelValues(feed).Observe(d.Seconds())
}

// FetchStatus is the status label for an HTTP status code, or StatusError
// when there was no response (code 0).
func FetchStatus(code int) string {
	if code <= 0 {
		return StatusError
	}
	return strconv.Itoa(code)
}

// NewItems records n new items of feed handed to the rules.
func (m *Metrics) NewItems(feed string, n int) {
	if m == nil || n <= 0 {
		return
	}
	m.Items.WithLabelValues(feed).Add(float64(n))
}

// Extracted records n events extracted by the rules.
func (m *Metrics) Extracted(n int) {
	if m == nil || n <= 0 {
		return
	}
	m.Events.Add(float64(n))
}

// Decided records one incident decision.
func (m *Metrics) Decided(action string) {
	if m == nil {
		return
	}
	m.Decisions.WithLabelValues(action).Inc()
}

// Delivered records one delivery attempt of kind to output with its result.
func (m *Metrics) Delivered(output, kind, result string) {
	if m == nil {
		return
	}
	m.Deliveries.WithLabelValues(output, kind, result).Inc()
}

// RateLimited records that output asked to wait for wait.
func (m *Metrics) RateLimited(output string, wait time.Duration) {
	if m == nil {
		return
	}
	m.RateLimitWaits.WithLabelValues(output).Inc()
	m.RateLimitSeconds.WithLabelValues(output).Add(max(wait, 0).Seconds())
}

// OutboxFunc reads the outbox figures: deliveries pending, deliveries
// failed for good, and the age of the oldest pending one.
type OutboxFunc func(ctx context.Context) (pending, failed int, oldest time.Duration, err error)

// WatchOutbox makes each scrape call f (bounded by OutboxTimeout) and report
// basewatch_outbox_pending, basewatch_outbox_failed and
// basewatch_outbox_oldest_seconds. When f fails the gauges are left out of
// that scrape and basewatch_outbox_read_errors_total counts the failure, so
// that a store outage does not take every other metric with it. A later
// call replaces f; a nil f stops the gauges.
func (m *Metrics) WatchOutbox(f func(ctx context.Context) (pending, failed int, oldest time.Duration, err error)) {
	if m == nil {
		return
	}
	m.outbox.set(f)
}

// outboxCollector reads the outbox on each scrape.
type outboxCollector struct {
	pending, failed, oldest *prometheus.Desc
	errors                  prometheus.Counter

	mu sync.Mutex
	f  OutboxFunc
}

func newOutboxCollector() *outboxCollector {
	return &outboxCollector{
		pending: prometheus.NewDesc("basewatch_outbox_pending", "Deliveries waiting in the outbox.", nil, nil),
		failed:  prometheus.NewDesc("basewatch_outbox_failed", "Deliveries that failed for good and need an operator.", nil, nil),
		oldest:  prometheus.NewDesc("basewatch_outbox_oldest_seconds", "Age of the oldest pending delivery; 0 when none is pending.", nil, nil),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "basewatch_outbox_read_errors_total",
			Help: "Scrapes that could not read the outbox figures from the store.",
		}),
	}
}

func (c *outboxCollector) set(f OutboxFunc) {
	c.mu.Lock()
	c.f = f
	c.mu.Unlock()
}

// Describe implements prometheus.Collector.
func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.pending
	ch <- c.failed
	ch <- c.oldest
	c.errors.Describe(ch)
}

// Collect implements prometheus.Collector.
func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	f := c.f
	c.mu.Unlock()
	if f != nil {
		ctx, cancel := context.WithTimeout(context.Background(), OutboxTimeout)
		pending, failed, oldest, err := f(ctx)
		cancel()
		if err != nil {
			c.errors.Inc()
		} else {
			ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(pending))
			ch <- prometheus.MustNewConstMetric(c.failed, prometheus.GaugeValue, float64(failed))
			ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, max(oldest, 0).Seconds())
		}
	}
	c.errors.Collect(ch)
}
