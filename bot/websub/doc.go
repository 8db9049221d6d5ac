// Package websub is a WebSub (W3C Recommendation, formerly PubSubHubbub)
// subscriber: it asks a feed's hub to push new content to a callback URL,
// answers the hub's verification of intent, checks the signature of every
// push with the secret it gave the hub, and hands the verified feed body
// to a callback. It renews each subscription before its lease runs out.
//
// WebSub is an accelerator, not a replacement for polling: a push lets
// basewatch see an item seconds after it is published instead of at the
// next poll, but subscriptions live in memory, hubs fail silently, and a
// restart re-subscribes with new secrets, so feeds keep their schedule.
//
// Every subscription gets its own random secret. A push without a valid
// X-Hub-Signature (HMAC-SHA1, -SHA256, -SHA384 or -SHA512 of the body) is
// acknowledged, as the specification requires, and dropped, so nobody who
// learns the callback URL can inject items. Bodies are capped.
//
// The package knows nothing of feed parsing, the store or the pipeline: it
// deals in hub URLs, topics, feed names and bytes.
package websub
