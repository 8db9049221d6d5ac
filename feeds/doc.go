// Package feeds fetches RSS 2.0, Atom and JSON Feed documents and turns their
// entries into basewatch's own Item type.
//
// It owns everything between a feed URL and a slice of plain-text items: the
// HTTP client (conditional GET, gzip, size and time caps, redirect cap,
// per-host spacing), local files, character sets, HTML stripping, link
// canonicalisation, stable item ids and WebSub hub discovery. It knows nothing
// about configuration, storage, scheduling, rules or alerts: the caller keeps
// each feed's ETag, Last-Modified and back-off state and decides when to poll.
//
// A hostile or broken feed (invalid XML, a wrong charset, a huge or endless
// body, a server that hangs or loops redirects) costs at most the request's
// timeout and size cap and ends in an error that says what went wrong; nothing
// in this package panics on bad input.
package feeds
