// Package metrics owns basewatch's Prometheus metrics: what the pipeline
// counts (fetches by feed and HTTP status, fetch durations, new items,
// events, incident decisions, deliveries by output and result, rate-limit
// waits) and the outbox gauges read from the store on each scrape.
//
// Every metric is named basewatch_*. The package knows nothing of feeds,
// rules, the store or the outputs: callers hand it plain labels and numbers.
// A nil *Metrics is valid and counts nothing, so tests and replay can run
// the pipeline without a registry.
package metrics
