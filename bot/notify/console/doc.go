// Package console prints alerts, updates and recaps to a terminal or a log
// pipe: a readable block per message, or one JSON object per line. It knows
// nothing of the outbox or the store; it only renders what it is given.
package console
