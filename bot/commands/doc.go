// Package commands answers the /incidents slash command from Slack and
// Discord: recent incidents, a site's incidents, "on this date", one
// incident with its reports, the feeds' health, and mutes.
//
// One platform-neutral core (Parse, Core.Run, Answer) reads the bot's store,
// gazetteer and status; a thin layer per platform verifies where requests
// come from (Slack's HMAC signature, Discord's Ed25519 signature), meets
// each platform's deadline by answering "working on it" and sending slow
// results later, and renders the answer in the platform's markup, escaped
// as the alerts are and never able to mention @everyone or @here. Answers
// are ephemeral unless shared, and paginated.
//
// The package knows nothing of how alerts are decided or delivered: mutes
// are rows in the store, which the pipeline honours.
package commands
