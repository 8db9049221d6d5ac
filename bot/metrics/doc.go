// Package metrics owns basewatch's Prometheus metrics: what the pipeline
// counts (fetches by feed and HTTP status, fetch durations, new items,
// events, incident decisions, deliveries by output and result, rate-limit
// waits) and the outbox gauges read from the store on each scrape.
//
// Every metric is named basewatch_*. The package knows nothing of feeds,
// rules, the store or the outputs: callers hand it plain labels and numbers.
// A nil *Metrics is valid and counts nothing, so tests and replay can run
// the pipeline without a registry.
//
// Figures an operator asks for are queries over these, for example the
// share of polls answered 304:
//
//	sum(rate(basewatch_feed_fetches_total{status="304"}[1h]))
//	  / sum(rate(basewatch_feed_fetches_total{status!="file"}[1h]))
//
// and alerts and updates per hour:
//
//	sum by (action) (increase(basewatch_decisions_total{action=~"alert|update"}[1h]))
package metrics
