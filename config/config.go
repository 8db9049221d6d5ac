// Package config loads and validates basewatch's one YAML file.
//
// Loading is strict: an unknown key, a wrong type, a bad cron spec, a
// duplicate name or an output that no route uses is an error that names the
// file, the line and the field. Secrets are written as ${VAR} and expanded
// from the environment. The package knows the shape of the file only; what
// the settings do is for bot to decide.
package config

import "time"

// Config is the whole file.
type Config struct {
	Store     Store     `yaml:"store"`
	Listen    string    `yaml:"listen"`   // HTTP listener for status, metrics and slash commands; empty: none
	Timezone  string    `yaml:"timezone"` // default timezone of outputs and recaps
	Defaults  Defaults  `yaml:"defaults"`
	Feeds     []Feed    `yaml:"feeds"`
	Gazetteer Gazetteer `yaml:"gazetteer"`
	Rules     []Rule    `yaml:"rules"`
	Incidents Incidents `yaml:"incidents"`
	Outputs   []Output  `yaml:"outputs"`
	Routes    []Route   `yaml:"routes"`
	Commands  Commands  `yaml:"commands"`
	WebSub    WebSub    `yaml:"websub"`

	// Path is the file the config was read from; Dir its directory, against
	// which relative feed paths resolve.
	Path string `yaml:"-"`
	Dir  string `yaml:"-"`
}

// Store selects and configures the database.
type Store struct {
	Driver string `yaml:"driver"` // sqlite (default) or postgres
	Path   string `yaml:"path"`   // sqlite file, default basewatch.db (relative to the working directory)
	DSN    string `yaml:"dsn"`    // postgres://...
	Seed   *bool  `yaml:"seed"`   // load the shipped seed incidents on first start; default true
}

// SeedEnabled reports whether the shipped seed incidents load on first start.
func (s Store) SeedEnabled() bool { return s.Seed == nil || *s.Seed }

// Defaults apply to every feed that does not set its own.
type Defaults struct {
	Schedule string   `yaml:"schedule"` // default "@every 5m"
	Timeout  Duration `yaml:"timeout"`  // default 30s
	MaxSize  ByteSize `yaml:"max_size"` // default 10MiB
}

// Feed is one news feed to poll.
type Feed struct {
	Name     string            `yaml:"name"`
	URL      string            `yaml:"url"` // http(s)://, file:// or a path relative to the config file
	Schedule string            `yaml:"schedule"`
	Timeout  Duration          `yaml:"timeout"`
	MaxSize  ByteSize          `yaml:"max_size"`
	Headers  map[string]string `yaml:"headers"`
	Language string            `yaml:"language"` // when the feed does not say
}

// Gazetteer extends the embedded list of sites.
type Gazetteer struct {
	Sites []Site `yaml:"sites"`
}

// Site adds a site, or aliases to an existing site when ID is known.
type Site struct {
	ID        string   `yaml:"id"`
	Name      string   `yaml:"name"`
	Kind      string   `yaml:"kind"`
	Country   string   `yaml:"country"`
	Province  string   `yaml:"province"`
	Lat       float64  `yaml:"lat"`
	Lon       float64  `yaml:"lon"`
	Aliases   []string `yaml:"aliases"`
	AliasesAR []string `yaml:"aliases_ar"`
	Related   []string `yaml:"related"`
}

// Rule decides which events alert.
type Rule struct {
	Name          string   `yaml:"name"`
	Kind          string   `yaml:"kind"`  // attack (default) or strike (US or coalition strikes on militias)
	Sites         []string `yaml:"sites"` // site ids, countries, kinds, or "all"; empty: all
	Weapons       []string `yaml:"weapons"`
	MinConfidence float64  `yaml:"min_confidence"`
	Exclude       []string `yaml:"exclude"`
}

// Incidents tunes how events fold into incidents.
type Incidents struct {
	Window        Duration `yaml:"window"`         // how far apart two reports of one attack may date it; default 36h
	BackgroundAge Duration `yaml:"background_age"` // events older than this at publication never alert; default 72h
	// AlertUnconfirmed alerts at once on an attack placed only in a region
	// ("a base in north-eastern Syria"); by default its incident is held
	// until a report names the site.
	AlertUnconfirmed bool `yaml:"alert_unconfirmed"`
	// FollowUp is how far back a report that names a site but no date of
	// its own ("the drone strike that killed three soldiers") looks for
	// the attack it follows up; default 7 days (168h).
	FollowUp Duration `yaml:"follow_up"`
}

// Output is one place alerts go.
type Output struct {
	Name     string   `yaml:"name"`
	Type     string   `yaml:"type"` // console, slack, discord
	Token    string   `yaml:"token"`
	APIURL   string   `yaml:"api_url"`
	Mode     string   `yaml:"mode"` // updates: edit, thread, both (default both)
	Timezone string   `yaml:"timezone"`
	JSON     bool     `yaml:"json"` // console: one JSON object a line
	Retries  int      `yaml:"retries"`
	Recap    *Recap   `yaml:"recap"`
	Channels []string `yaml:"channels"` // default channels when a route names none
}

// Recap posts "on this date" from the incident history on a schedule.
type Recap struct {
	Schedule string `yaml:"schedule"` // cron spec, CRON_TZ= honoured
	Channel  string `yaml:"channel"`
	Empty    string `yaml:"empty"` // posted on a day with no incidents; empty: post nothing
}

// Route sends a rule's alerts to outputs.
type Route struct {
	Rule string   `yaml:"rule"`
	To   []Target `yaml:"to"`
}

// Target is one output (and channel) of a route.
type Target struct {
	Output      string `yaml:"output"`
	Channel     string `yaml:"channel"`
	MinSeverity string `yaml:"min_severity"` // any (default), wounded, killed
}

// WebSub lets feeds that advertise a hub push new items in seconds.
type WebSub struct {
	// Callback is the public URL at which hubs reach basewatch's listener,
	// e.g. https://basewatch.example.org/websub; empty: no subscriptions.
	Callback string `yaml:"callback"`
}

// Commands configures slash commands.
type Commands struct {
	SlackSigningSecret string   `yaml:"slack_signing_secret"`
	DiscordPublicKey   string   `yaml:"discord_public_key"`
	Admins             []string `yaml:"admins"` // user or role ids allowed to mute and unmute

	// SlackMode is how Slack reaches the commands: http (POST
	// /slack/commands and /slack/interactions on the listener, signed with
	// SlackSigningSecret) or socket (Socket Mode over a websocket opened
	// with SlackAppToken, for installs without a public URL). Default http.
	SlackMode     string `yaml:"slack_mode"`
	SlackAppToken string `yaml:"slack_app_token"` // xapp-..., Socket Mode only
	// DiscordAppID is the Discord application whose /incidents command is
	// registered on start; empty: no Discord commands.
	DiscordAppID   string `yaml:"discord_app_id"`
	DiscordGuildID string `yaml:"discord_guild_id"` // register in this server only (instant updates); empty: global
	// DiscordMode is how Discord reaches the commands: gateway (the bot's
	// websocket, default) or http (POST /discord/interactions on the
	// listener, signed with DiscordPublicKey).
	DiscordMode string `yaml:"discord_mode"`
	// DiscordToken is the bot token that registers the command and opens
	// the gateway; empty: the token of the first discord output.
	DiscordToken string `yaml:"discord_token"`
	// ResponseURLBase allows Slack response_urls under this URL besides
	// https://hooks.slack.com/ (a proxy, a test server).
	ResponseURLBase string `yaml:"response_url_base"`
}

// Defaults filled by Load.
const (
	DefaultSchedule = "@every 5m"
	DefaultTimeout  = 30 * time.Second
	DefaultMaxSize  = 10 << 20
	DefaultStore    = "basewatch.db"
)
