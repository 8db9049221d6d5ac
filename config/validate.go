package config

import (
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"
)

// CronParser is the parser every schedule in the file goes through: five
// fields, descriptors such as @every 5m and @daily, and CRON_TZ= prefixes.
var CronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule parses a schedule as the config does, with a hint for the
// common mistakes.
func ParseSchedule(spec string) (cron.Schedule, error) {
	s, err := CronParser.Parse(spec)
	if err == nil {
		return s, nil
	}
	hint := ""
	trimmed := strings.TrimSpace(spec)
	if strings.HasPrefix(trimmed, "every ") {
		hint = fmt.Sprintf(" (try %q)", "@"+trimmed)
	} else if _, derr := time.ParseDuration(trimmed); derr == nil {
		hint = fmt.Sprintf(" (try %q)", "@every "+trimmed)
	}
	return nil, fmt.Errorf("%q is not a cron spec%s", spec, hint)
}

// Severity levels a route target may require.
var severities = map[string]bool{"": true, "any": true, "wounded": true, "killed": true}

func validate(d *decoder, c *Config, _ *yaml.Node) {
	at := func(field, format string, args ...any) {
		d.errs = append(d.errs, &Error{File: d.file, Line: d.lineOf(field), Field: field, Msg: fmt.Sprintf(format, args...)})
	}

	switch c.Store.Driver {
	case "":
		c.Store.Driver = "sqlite"
	case "sqlite", "postgres":
	default:
		at("store.driver", "%q is not a store driver (sqlite or postgres)", c.Store.Driver)
	}
	if c.Store.Driver == "sqlite" && c.Store.Path == "" {
		c.Store.Path = DefaultStore
	}
	if c.Store.Driver == "postgres" && c.Store.DSN == "" {
		at("store.dsn", "the postgres driver needs a dsn (postgres://user@host/db)")
	}
	if c.Timezone == "" {
		c.Timezone = "UTC"
	} else if _, err := time.LoadLocation(c.Timezone); err != nil {
		at("timezone", "%q is not a timezone (try \"Asia/Baghdad\" or \"UTC\")", c.Timezone)
	}

	if c.Defaults.Schedule == "" {
		c.Defaults.Schedule = DefaultSchedule
	} else if _, err := ParseSchedule(c.Defaults.Schedule); err != nil {
		at("defaults.schedule", "%v", err)
	}
	if c.Defaults.Timeout == 0 {
		c.Defaults.Timeout = Duration(DefaultTimeout)
	}
	if c.Defaults.MaxSize == 0 {
		c.Defaults.MaxSize = DefaultMaxSize
	}
	if c.Incidents.Window == 0 {
		c.Incidents.Window = Duration(36 * time.Hour)
	}
	if c.Incidents.FollowUp == 0 {
		c.Incidents.FollowUp = Duration(7 * 24 * time.Hour)
	}
	if c.Incidents.BackgroundAge == 0 {
		c.Incidents.BackgroundAge = Duration(72 * time.Hour)
	}

	if len(c.Feeds) == 0 {
		at("feeds", "no feeds: add at least one")
	}
	feedNames := map[string]int{}
	for i := range c.Feeds {
		f := &c.Feeds[i]
		p := fmt.Sprintf("feeds[%d]", i)
		if f.Name == "" {
			at(p+".name", "missing")
		} else if j, dup := feedNames[f.Name]; dup {
			at(p+".name", "%q is already the name of feeds[%d]", f.Name, j)
		} else {
			feedNames[f.Name] = i
		}
		if f.URL == "" {
			at(p+".url", "missing")
		}
		if f.Schedule == "" {
			f.Schedule = c.Defaults.Schedule
		} else if _, err := ParseSchedule(f.Schedule); err != nil {
			at(p+".schedule", "%v", err)
		}
		if f.Timeout == 0 {
			f.Timeout = c.Defaults.Timeout
		}
		if f.MaxSize == 0 {
			f.MaxSize = c.Defaults.MaxSize
		}
	}

	for i, s := range c.Gazetteer.Sites {
		p := fmt.Sprintf("gazetteer.sites[%d]", i)
		if s.ID == "" {
			at(p+".id", "missing")
		}
		if s.Lat < -90 || s.Lat > 90 {
			at(p+".lat", "%v is not a latitude", s.Lat)
		}
		if s.Lon < -180 || s.Lon > 180 {
			at(p+".lon", "%v is not a longitude", s.Lon)
		}
	}

	ruleNames := map[string]int{}
	for i := range c.Rules {
		r := &c.Rules[i]
		p := fmt.Sprintf("rules[%d]", i)
		if r.Name == "" {
			at(p+".name", "missing")
		} else if j, dup := ruleNames[r.Name]; dup {
			at(p+".name", "%q is already the name of rules[%d]", r.Name, j)
		} else {
			ruleNames[r.Name] = i
		}
		switch r.Kind {
		case "":
			r.Kind = "attack"
		case "attack", "strike":
		default:
			at(p+".kind", "%q is not a rule kind (attack or strike)", r.Kind)
		}
		if r.MinConfidence < 0 || r.MinConfidence > 1 {
			at(p+".min_confidence", "%v is not between 0 and 1", r.MinConfidence)
		}
	}

	outNames := map[string]int{}
	for i := range c.Outputs {
		o := &c.Outputs[i]
		p := fmt.Sprintf("outputs[%d]", i)
		if o.Name == "" {
			at(p+".name", "missing")
		} else if j, dup := outNames[o.Name]; dup {
			at(p+".name", "%q is already the name of outputs[%d]", o.Name, j)
		} else {
			outNames[o.Name] = i
		}
		switch o.Type {
		case "console":
		case "slack", "discord":
			if o.Token == "" {
				at(p+".token", "a %s output needs a token (write it as ${%s_BOT_TOKEN})", o.Type, strings.ToUpper(o.Type))
			}
		case "":
			at(p+".type", "missing (console, slack or discord)")
		default:
			at(p+".type", "%q is not an output type (console, slack or discord)", o.Type)
		}
		switch o.Mode {
		case "":
			o.Mode = "both"
		case "edit", "thread", "both":
		default:
			at(p+".mode", "%q is not an update mode (edit, thread or both)", o.Mode)
		}
		if o.Timezone == "" {
			o.Timezone = c.Timezone
		} else if _, err := time.LoadLocation(o.Timezone); err != nil {
			at(p+".timezone", "%q is not a timezone", o.Timezone)
		}
		if o.Retries == 0 {
			o.Retries = 8
		}
		if o.Recap != nil {
			if _, err := ParseSchedule(o.Recap.Schedule); err != nil {
				at(p+".recap.schedule", "%v", err)
			}
		}
	}

	if cb := c.WebSub.Callback; cb != "" {
		u, err := url.Parse(cb)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			at("websub.callback", "%q is not an absolute http(s) URL", cb)
		case c.Listen == "":
			at("websub.callback", "hubs need the HTTP listener: set listen too")
		}
	}

	used := map[string]bool{}
	for i, r := range c.Routes {
		p := fmt.Sprintf("routes[%d]", i)
		if _, ok := ruleNames[r.Rule]; !ok {
			at(p+".rule", "%q is not the name of a rule", r.Rule)
		}
		if len(r.To) == 0 {
			at(p+".to", "a route needs at least one output")
		}
		for j, t := range r.To {
			tp := fmt.Sprintf("%s.to[%d]", p, j)
			if _, ok := outNames[t.Output]; !ok {
				at(tp+".output", "%q is not the name of an output", t.Output)
			}
			used[t.Output] = true
			if !severities[t.MinSeverity] {
				at(tp+".min_severity", "%q is not a severity (any, wounded or killed)", t.MinSeverity)
			}
		}
	}
	validateCommands(c, at)

	for i, o := range c.Outputs {
		if o.Name != "" && !used[o.Name] && o.Recap == nil {
			at(fmt.Sprintf("outputs[%d].name", i), "output %q is used by no route", o.Name)
		}
	}
}

func (d *decoder) lineOf(field string) int {
	for f := field; f != ""; {
		if l, ok := d.lines[f]; ok {
			return l
		}
		i := strings.LastIndexAny(f, ".[")
		if i < 0 {
			break
		}
		f = f[:i]
	}
	return 0
}

// validateCommands checks the slash commands' settings.
func validateCommands(c *Config, at func(field, format string, args ...any)) {
	cm := &c.Commands
	for i, a := range cm.Admins {
		if strings.TrimSpace(a) == "" {
			at(fmt.Sprintf("commands.admins[%d]", i), "empty: give a Slack or Discord user id, or a Discord role id")
		}
	}
	switch cm.SlackMode {
	case "":
		cm.SlackMode = "http"
	case "http", "socket":
	default:
		at("commands.slack_mode", "%q is not a Slack mode (http or socket)", cm.SlackMode)
	}
	if cm.SlackMode == "socket" && !strings.HasPrefix(cm.SlackAppToken, "xapp-") {
		at("commands.slack_app_token", "socket mode needs an app-level token (xapp-..., with the connections:write scope; write it as ${SLACK_APP_TOKEN})")
	}
	if cm.SlackMode == "http" && cm.SlackSigningSecret != "" && c.Listen == "" {
		at("commands.slack_signing_secret", "Slack commands over HTTP need a listener: set listen (e.g. \":8080\") or slack_mode: socket")
	}
	switch cm.DiscordMode {
	case "":
		cm.DiscordMode = "gateway"
	case "gateway", "http":
	default:
		at("commands.discord_mode", "%q is not a Discord mode (gateway or http)", cm.DiscordMode)
	}
	if cm.DiscordAppID != "" && !snowflake(cm.DiscordAppID) {
		at("commands.discord_app_id", "%q is not a Discord application id (digits, from the developer portal)", cm.DiscordAppID)
	}
	if cm.DiscordGuildID != "" && !snowflake(cm.DiscordGuildID) {
		at("commands.discord_guild_id", "%q is not a Discord server id (digits)", cm.DiscordGuildID)
	}
	if cm.DiscordGuildID != "" && cm.DiscordAppID == "" {
		at("commands.discord_guild_id", "set discord_app_id too")
	}
	if cm.DiscordPublicKey != "" {
		if b, err := hex.DecodeString(cm.DiscordPublicKey); err != nil || len(b) != 32 {
			at("commands.discord_public_key", "not an Ed25519 public key (64 hex digits, from the developer portal)")
		}
	}
	if cm.DiscordAppID != "" {
		if cm.DiscordMode == "http" && cm.DiscordPublicKey == "" {
			at("commands.discord_public_key", "discord_mode http needs the application's public key")
		}
		if cm.DiscordMode == "http" && c.Listen == "" {
			at("commands.discord_mode", "Discord commands over HTTP need a listener: set listen")
		}
		if cm.DiscordToken == "" {
			found := false
			for _, o := range c.Outputs {
				found = found || o.Type == "discord"
			}
			if !found {
				at("commands.discord_token", "Discord commands need a bot token: set discord_token (${DISCORD_BOT_TOKEN}) or add a discord output")
			}
		}
	}
	if cm.ResponseURLBase != "" {
		if u, err := url.Parse(cm.ResponseURLBase); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			at("commands.response_url_base", "%q is not an http or https URL", cm.ResponseURLBase)
		}
	}
}

// snowflake reports whether s looks like a Discord id.
func snowflake(s string) bool {
	if len(s) < 5 || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
