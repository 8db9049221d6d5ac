// Package slack posts alerts, updates and recaps to Slack channels through
// the Web API (chat.postMessage, chat.update, conversations.history and
// conversations.replies) with github.com/slack-go/slack. Messages are Block
// Kit blocks with a plain-text fallback; every message carries metadata with
// the incident id and the delivery key so that a delivery interrupted by a
// crash can be found instead of posted twice. The package renders and sends;
// retrying, ordering and bookkeeping belong to the outbox.
package slack
