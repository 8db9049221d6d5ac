package rules

import "time"

// Input is what the rules read of one item.
type Input struct {
	Title     string
	Summary   string
	Content   string
	Language  string    // "en", "ar" or empty; not needed: the folding reads both
	Published time.Time // resolves relative dates ("on Wednesday", "overnight")
}

// Span is a piece of the text that decided a field. Start and End are byte
// offsets into Result.Text (the non-empty title, summary and content joined
// by "\n"), and Text is Result.Text[Start:End].
type Span struct {
	Field string // site, region, weapon, verb, date, projectiles, killed, wounded, actor, negation...
	Start int
	End   int
	Text  string
}

// Event is one attack an item reports, or (Kind "strike") a US or
// coalition strike on militias, which the default rules do not accept.
type Event struct {
	Kind         string // "attack" (on a site) or "strike" (US/coalition strike on militias)
	SiteID       string // gazetteer id; empty when only a region is known
	Site         string // display name of the site, or the region
	Region       string // province or region ("Anbar", "western Iraq", "Jordan")
	Country      string
	Unconfirmed  bool      // region only, or site inferred from the region
	Date         time.Time // civil date at UTC midnight; zero when unknown
	DateExplicit bool      // the text gave the date (not just the publish time)
	Since        time.Time `json:",omitzero"` // for a vague recent date ("this week"), the first day it may mean
	Weapon       string    // rocket, mortar, missile, rocket or missile, ballistic missile, drone, ied, explosive, gunfire, airstrike, unknown
	Projectiles  int       // 0 when not given
	Killed       int       // -1 when not given
	Wounded      int       // -1 when not given
	Victims      string    // who they were, when given ("two Americans and a Briton"); counts without a number are lower bounds
	Actor        string    // group id or name that claimed it or was blamed
	ActorRole    string    // "claimed" or "blamed"
	Background   bool      // mentioned as history (chronology, anniversary, "in response to"), not reported as news
	Confidence   float64   // 0..1
	Evidence     []Span
}
