// Package discord posts alerts, updates and recaps to Discord channels
// through the REST API with github.com/bwmarrin/discordgo (no gateway
// connection). Messages are embeds; replies reference the original message;
// every message carries a nonce with enforce_nonce and a short delivery tag
// in its embed footer so that a delivery interrupted by a crash is found
// instead of posted twice. Mentions are never parsed. The package renders
// and sends; retrying and bookkeeping belong to the outbox.
//
// discordgo builds its URLs from package-level endpoint variables. This
// package leaves them alone: an Output rewrites the request URLs in its own
// HTTP transport, so outputs with different API base URLs can live in one
// process. The same transport takes discordgo's rate-limit headers for the
// output's own pacer, so discordgo never sleeps outside a context.
package discord
