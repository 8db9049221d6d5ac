// Package web is basewatch's operator-facing HTTP surface: /healthz (the
// process is up), /readyz (the store answers and the scheduler runs),
// /metrics (Prometheus exposition) and, at /, a status page that shows at a
// glance whether basewatch is working: each feed's health, the latest
// incidents, the "on this date" panel and the outbox.
//
// The page is server-rendered from an embedded html/template with embedded
// CSS and no JavaScript. It renders a Snapshot, this package's own plain
// copy of the daemon's status, fetched per request through the one-method
// StatusSource interface; the package does not import the daemon (package
// bot), the store implementation or any output, so it builds while they
// change. Text shown on the page passes through a redactor so that tokens,
// webhook URLs, query strings and DSN passwords quoted in error messages are
// never rendered or logged.
package web
