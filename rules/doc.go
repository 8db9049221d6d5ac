// Package rules reads news items the way a careful wire editor would and
// decides whether they report an attack on a named site: an air base, an
// airport, an embassy, an outpost of US or coalition forces in Iraq, Syria
// or Jordan.
//
// It owns the gazetteer (sites, regions and armed groups, embedded from
// data/ and extendable from the config), the folding of English and Arabic
// text (Normalize), a one-pass Aho-Corasick matcher over every alias and cue
// word (its alphabet is the words the aliases and cues use, so each token of
// a text costs one lookup in a small table), and the extraction of one Event per attack an item mentions: site,
// date, weapon, projectiles, killed and wounded, the group that claimed it,
// whether it is background (a chronology, an anniversary, the cause named in
// a report of a US strike), and the spans of text that decided each field.
// Rule decides which events a newsroom wants.
//
// A site alone is never an attack: the evidence (a weapon, a verb of attack
// or impact) must be tied to it in the same sentence or the next, and
// visits, sport, drills, handovers, space launches, drone footage, threats,
// foiled launches and analysis pieces are recognised and set aside, each
// with a one-line reason.
//
// The package knows nothing of feeds, the store, the config file or the
// bot: it reads an Input and returns a Result.
package rules
