package commands

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/basewatch/basewatch/bot/notify"
)

// Command names: the first word after /incidents.
const (
	CmdRecent    = "recent"
	CmdSite      = "site"
	CmdOnThisDay = "onthisday"
	CmdShow      = "show"
	CmdFeeds     = "feeds"
	CmdHelp      = "help"
	CmdMute      = "mute"
	CmdUnmute    = "unmute"
	CmdMutes     = "mutes"
)

// Limits on what a request may ask.
const (
	DefaultDays = 7
	MaxDays     = 366
	MinMute     = time.Minute
	MaxMute     = 90 * 24 * time.Hour
	maxText     = 500 // characters of a whole command line
	maxID       = 64  // characters of an incident id
	maxReason   = 200
)

// Request is one parsed command. Site and Target hold what the user typed;
// they are looked up when the request runs.
type Request struct {
	Command string
	Days    int        // recent: how many days back, today included
	Site    string     // recent (optional), site
	Month   time.Month // onthisday: 0 for today
	Day     int
	ID      string        // show
	Kind    string        // mute, unmute: "site", "rule" or "" to find out
	Target  string        // mute, unmute
	For     time.Duration // mute
	Reason  string        // mute
	Page    int           // 1-based; 0 means 1
}

// UsageError says why a command line was not understood; Command is the
// command whose usage to show ("" for the general help).
type UsageError struct {
	Command string
	Msg     string
}

func (e *UsageError) Error() string { return e.Msg }

func usageErr(cmd, format string, args ...any) error {
	return &UsageError{Command: cmd, Msg: fmt.Sprintf(format, args...)}
}

// usages are the one-line usages of the commands, in help order.
var usages = []struct{ cmd, line, what string }{
	{CmdRecent, "recent [days] [site]", "incidents of the last days (default 7), at one site or all"},
	{CmdSite, "site <name>", "every incident at a site (spelling need not be exact)"},
	{CmdOnThisDay, "onthisday [MM-DD]", "incidents on this date (or MM-DD) in earlier years"},
	{CmdShow, "show <id>", "one incident with all its reports"},
	{CmdFeeds, "feeds", "health of each feed: last success, last error, next poll"},
	{CmdMutes, "mutes", "the active mutes"},
	{CmdMute, "mute [site|rule] <name> <duration> [reason]", "admins: stop posting alerts of a site or rule for a while (e.g. 6h, 2d)"},
	{CmdUnmute, "unmute [site|rule] <name>", "admins: end a mute"},
	{CmdHelp, "help", "this list"},
}

// Usage returns the usage line of cmd, or of every command when cmd is
// not one.
func Usage(cmd string) string {
	for _, u := range usages {
		if u.cmd == cmd {
			return "/incidents " + u.line
		}
	}
	lines := make([]string, len(usages))
	for i, u := range usages {
		lines[i] = "/incidents " + u.line
	}
	return strings.Join(lines, "\n")
}

// Parse reads the text after /incidents. Anything it does not understand is
// a *UsageError.
func Parse(text string) (Request, error) {
	text = notify.Clean(text)
	if utf8.RuneCountInString(text) > maxText {
		return Request{}, usageErr("", "that command is too long (at most %d characters)", maxText)
	}
	words := strings.Fields(text)
	if len(words) == 0 {
		return Request{Command: CmdHelp}, nil
	}
	cmd, args := strings.ToLower(words[0]), words[1:]
	r := Request{Command: cmd}
	switch cmd {
	case CmdHelp:
	case CmdFeeds, CmdMutes:
		if len(args) > 0 {
			return r, usageErr(cmd, "%s takes no arguments", cmd)
		}
	case CmdRecent:
		r.Days = DefaultDays
		if len(args) > 0 {
			if n, ok := parseDays(args[0]); ok {
				if n < 1 || n > MaxDays {
					return r, usageErr(cmd, "days must be between 1 and %d", MaxDays)
				}
				r.Days = n
				args = args[1:]
			}
		}
		r.Site = strings.Join(args, " ")
	case CmdSite:
		if len(args) == 0 {
			return r, usageErr(cmd, "which site?")
		}
		r.Site = strings.Join(args, " ")
	case CmdOnThisDay:
		switch len(args) {
		case 0:
		case 1:
			m, d, err := parseMonthDay(args[0])
			if err != nil {
				return r, usageErr(cmd, "%v", err)
			}
			r.Month, r.Day = m, d
		default:
			return r, usageErr(cmd, "give one date, as MM-DD")
		}
	case CmdShow:
		if len(args) != 1 {
			return r, usageErr(cmd, "give one incident id")
		}
		if !validID(args[0]) {
			return r, usageErr(cmd, "%q is not an incident id", notify.Truncate(args[0], maxID))
		}
		r.ID = args[0]
	case CmdMute, CmdUnmute:
		if len(args) > 0 {
			if k := strings.ToLower(args[0]); k == "site" || k == "rule" {
				r.Kind, args = k, args[1:]
			}
		}
		if cmd == CmdUnmute {
			if len(args) == 0 {
				return r, usageErr(cmd, "which site or rule?")
			}
			r.Target = strings.Join(args, " ")
			break
		}
		at := -1
		for i, a := range args {
			if _, ok := parseDuration(a); ok {
				at = i
				break
			}
		}
		if at < 0 {
			return r, usageErr(cmd, "for how long? give a duration such as 30m, 6h or 2d")
		}
		return muteRequest(r.Kind, strings.Join(args[:at], " "), args[at], strings.Join(args[at+1:], " "))
	default:
		return Request{Command: CmdHelp}, usageErr("", "unknown command %q", notify.Truncate(words[0], 30))
	}
	return r, nil
}

// muteRequest checks the parts of a mute.
func muteRequest(kind, target, duration, reason string) (Request, error) {
	r := Request{Command: CmdMute, Kind: strings.ToLower(kind), Target: strings.TrimSpace(target)}
	if r.Kind != "" && r.Kind != "site" && r.Kind != "rule" {
		return r, usageErr(CmdMute, "mute a site or a rule, not %q", notify.Truncate(kind, 20))
	}
	if r.Target == "" {
		return r, usageErr(CmdMute, "which site or rule?")
	}
	d, ok := parseDuration(duration)
	if !ok {
		return r, usageErr(CmdMute, "for how long? give a duration such as 30m, 6h or 2d")
	}
	if d < MinMute || d > MaxMute {
		return r, usageErr(CmdMute, "a mute lasts between %s and %d days", MinMute, int(MaxMute/(24*time.Hour)))
	}
	r.For = d
	r.Reason = notify.Truncate(notify.Clean(reason), maxReason)
	return r, nil
}

// String writes r back as a command line that Parse reads as r, page
// included; it is what buttons carry.
func (r Request) String() string {
	parts := []string{r.Command}
	switch r.Command {
	case CmdRecent:
		parts = append(parts, strconv.Itoa(r.Days))
		if r.Site != "" {
			parts = append(parts, r.Site)
		}
	case CmdSite:
		parts = append(parts, r.Site)
	case CmdOnThisDay:
		if r.Month != 0 {
			parts = append(parts, fmt.Sprintf("%02d-%02d", int(r.Month), r.Day))
		}
	case CmdShow:
		parts = append(parts, r.ID)
	case CmdMute:
		parts = append(parts, r.Kind, r.Target, formatDuration(r.For))
		if r.Reason != "" {
			parts = append(parts, r.Reason)
		}
	case CmdUnmute:
		parts = append(parts, r.Kind, r.Target)
	}
	return strings.Join(parts, " ")
}

// pageSep separates the page from the command in a button's value.
const pageSep = ":"

// encode is the value of a button that runs r at page.
func encode(r Request, page int) string {
	return strconv.Itoa(page) + pageSep + r.String()
}

// decode reads a button's value written by encode. Only read commands are
// accepted: a button never mutes.
func decode(v string) (Request, error) {
	p, text, ok := strings.Cut(v, pageSep)
	page, err := strconv.Atoi(p)
	if !ok || err != nil || page < 1 || page > 1000 {
		return Request{}, fmt.Errorf("bad button value %q", notify.Truncate(v, 40))
	}
	r, err := Parse(text)
	if err != nil {
		return Request{}, err
	}
	switch r.Command {
	case CmdMute, CmdUnmute:
		return Request{}, fmt.Errorf("button for %s refused", r.Command)
	}
	r.Page = page
	return r, nil
}

func parseDays(s string) (int, bool) {
	s = strings.ToLower(s)
	for _, suffix := range []string{"days", "day", "d"} {
		if t, ok := strings.CutSuffix(s, suffix); ok {
			s = t
			break
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// parseMonthDay reads MM-DD (or M-D, MM/DD).
func parseMonthDay(s string) (time.Month, int, error) {
	s = strings.ReplaceAll(s, "/", "-")
	ms, ds, ok := strings.Cut(s, "-")
	m, err1 := strconv.Atoi(ms)
	d, err2 := strconv.Atoi(ds)
	if !ok || err1 != nil || err2 != nil || len(ms) > 2 || len(ds) > 2 {
		return 0, 0, fmt.Errorf("%q is not a date: write MM-DD, e.g. 03-05", notify.Truncate(s, 20))
	}
	// 2024 is a leap year, so 02-29 is a date.
	if m < 1 || m > 12 || d < 1 || d > time.Date(2024, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return 0, 0, fmt.Errorf("%02d-%02d is not a date", m, d)
	}
	return time.Month(m), d, nil
}

// parseDuration reads 90m, 6h, 2d, 1w or Go durations such as 1h30m.
func parseDuration(s string) (time.Duration, bool) {
	s = strings.ToLower(s)
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	for _, u := range []struct {
		suffix string
		unit   time.Duration
	}{{"w", 7 * 24 * time.Hour}, {"d", 24 * time.Hour}} {
		if t, ok := strings.CutSuffix(s, u.suffix); ok {
			n, err := strconv.Atoi(t)
			if err != nil || n > 1000 {
				return 0, false
			}
			return time.Duration(n) * u.unit, true
		}
	}
	d, err := time.ParseDuration(s)
	return d, err == nil
}

// formatDuration writes d so that parseDuration reads it back: days when
// whole, else Go's form.
func formatDuration(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// validID accepts the characters of incident ids.
func validID(s string) bool {
	if s == "" || len(s) > maxID {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:", r)) {
			return false
		}
	}
	return true
}
