package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/basewatch/basewatch/bot"
	"github.com/basewatch/basewatch/bot/notify"
	"github.com/basewatch/basewatch/bot/store"
	"github.com/basewatch/basewatch/bot/web"
	"github.com/basewatch/basewatch/rules"
)

// DefaultPageSize is how many items an answer shows before "next page".
const DefaultPageSize = 10

// maxResults bounds the incidents one list reads from the store.
const maxResults = 1000

// Options are what New needs besides the bot.
type Options struct {
	// Admins are the user and role ids allowed to mute and unmute; nil:
	// the config's commands.admins.
	Admins   []string
	Now      func() time.Time // nil: time.Now
	Location *time.Location   // times in answers; nil: the config's timezone
	PageSize int              // items a page; 0: DefaultPageSize
	Logger   *slog.Logger     // nil: slog.Default()
}

// Core runs commands against the bot for every platform. It is safe for
// concurrent use.
type Core struct {
	b        *bot.Bot
	admins   []string
	now      func() time.Time
	loc      *time.Location
	pageSize int
	log      *slog.Logger
}

// New returns the commands of b.
func New(b *bot.Bot, opts Options) *Core {
	c := &Core{b: b, admins: opts.Admins, now: opts.Now, loc: opts.Location, pageSize: opts.PageSize, log: opts.Logger}
	if c.admins == nil && b.Config() != nil {
		c.admins = b.Config().Commands.Admins
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.loc == nil {
		c.loc = time.UTC
		if cfg := b.Config(); cfg != nil {
			if loc, err := time.LoadLocation(cfg.Timezone); err == nil {
				c.loc = loc
			}
		}
	}
	if c.pageSize <= 0 {
		c.pageSize = DefaultPageSize
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	return c
}

// Caller is who sent a command.
type Caller struct {
	Platform string   // "slack" or "discord"
	UserID   string   // the platform's user id
	RoleIDs  []string // Discord roles of the member; none on Slack
}

func (w Caller) String() string { return w.Platform + ":" + w.UserID }

// admin reports whether w may mute and unmute.
func (c *Core) admin(w Caller) bool {
	for _, a := range c.admins {
		if a == "" {
			continue
		}
		if a == w.UserID || slices.Contains(w.RoleIDs, a) {
			return true
		}
	}
	return false
}

// Handle parses text (what follows /incidents) and runs it.
func (c *Core) Handle(ctx context.Context, text string, w Caller) Answer {
	req, err := Parse(text)
	return c.runParsed(ctx, req, err, w)
}

// runParsed runs req, or answers with the usage when err says it was not
// understood.
func (c *Core) runParsed(ctx context.Context, req Request, err error, w Caller) Answer {
	if err != nil {
		var ue *UsageError
		if errors.As(err, &ue) {
			return failed(upperFirst(notify.Clean(ue.Msg)), true, ue.Command)
		}
		return failed("That command was not understood.", true, "")
	}
	return c.Run(ctx, req, w)
}

// Run answers req. Failures of the store are logged and answered with a
// short apology: details stay in the log.
func (c *Core) Run(ctx context.Context, req Request, w Caller) Answer {
	if req.Page < 1 {
		req.Page = 1
	}
	var (
		a   Answer
		err error
	)
	switch req.Command {
	case CmdRecent:
		a, err = c.recent(ctx, req)
	case CmdSite:
		a, err = c.site(ctx, req)
	case CmdOnThisDay:
		a, err = c.onThisDay(ctx, req)
	case CmdShow:
		a, err = c.show(ctx, req)
	case CmdFeeds:
		a, err = c.feeds(ctx, req)
	case CmdMutes:
		a, err = c.mutes(ctx, req)
	case CmdMute:
		a, err = c.mute(ctx, req, w)
	case CmdUnmute:
		a, err = c.unmute(ctx, req, w)
	case CmdHelp:
		a = help()
	default:
		a = failed(fmt.Sprintf("unknown command %q", notify.Truncate(req.Command, 30)), true, "")
	}
	if err != nil {
		c.log.Error("slash command", slog.String("command", req.Command), slog.String("caller", w.String()), slog.Any("err", err))
		if ctx.Err() != nil {
			return failed("Sorry, that took too long. Try again in a minute, or ask for fewer days.", false, "")
		}
		return failed("Sorry, the incident store did not answer. Try again in a minute.", false, "")
	}
	return a
}

func help() Answer {
	a := Answer{Title: "basewatch: ask about attacks on the sites it watches"}
	for _, u := range usages {
		a.Items = append(a.Items, Item{Title: "/incidents " + u.line, Lines: []string{u.what}})
	}
	a.Text = []string{"Answers are shown to you only; use Share to post one in the channel."}
	return a
}

// today is the civil date of now in the answers' timezone, as UTC
// midnight like incident dates.
func (c *Core) today() time.Time {
	t := c.now().In(c.loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// page cuts n items into pages for req and fills the answer's paging.
func (c *Core) page(a *Answer, req Request, n int, noun string) (from, to int) {
	pages := max(1, (n+c.pageSize-1)/c.pageSize)
	p := min(req.Page, pages)
	a.Page, a.Pages = p, pages
	if p > 1 {
		prev := req
		prev.Page = p - 1
		a.Prev = &prev
	}
	if p < pages {
		next := req
		next.Page = p + 1
		a.Next = &next
	}
	share := req
	share.Page = p
	a.Request = &share
	count := fmt.Sprintf("%d %s", n, plural(noun, n))
	if n == 1 {
		count = "1 " + noun
	}
	if pages > 1 {
		a.Footer = fmt.Sprintf("Page %d of %d · %s", p, pages, count)
	} else {
		a.Footer = count
	}
	from = (p - 1) * c.pageSize
	return from, min(from+c.pageSize, n)
}

func plural(noun string, n int) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

// incidentItems lays out incidents as the alerts headline them.
func (c *Core) incidentItems(ctx context.Context, ins []store.Incident) ([]Item, error) {
	now := c.now()
	out := make([]Item, 0, len(ins))
	for _, in := range ins {
		reps, err := c.b.Store().Reports(ctx, in.ID)
		if err != nil {
			return nil, fmt.Errorf("reports of %s: %w", in.ID, err)
		}
		v := notify.NewView(alertOf(in, reps), c.loc, now)
		it := Item{Title: v.Headline, URL: v.TitleURL, MapURL: v.MapURL, IncidentID: v.IncidentID}
		if l := joinNonEmpty(" · ", v.Toll, v.Claim, v.Outlets); l != "" {
			it.Lines = append(it.Lines, l)
		}
		out = append(out, it)
	}
	return out, nil
}

// alertOf lays out an incident as its alert does. An incident without
// reports (imported from the history) is dated by its event date, not by
// when it was imported.
func alertOf(in store.Incident, reps []store.Report) notify.Alert {
	a := bot.AlertOf(in, reps)
	if len(reps) == 0 {
		a.ReportedAt = time.Time{}
	}
	return a
}

// lookupSite finds the site a person typed, best match first.
func (c *Core) lookupSite(q string) (rules.Site, bool) {
	g := c.b.Gazetteer()
	if g == nil {
		return rules.Site{}, false
	}
	if s, ok := g.Site(q); ok {
		return s, true
	}
	found := g.Lookup(q)
	if len(found) == 0 {
		return rules.Site{}, false
	}
	return found[0], true
}

func siteName(s rules.Site) string {
	return joinNonEmpty(", ", notify.Clean(s.Name), notify.Clean(s.Country))
}

func noSite(q string) Answer {
	a := failed(fmt.Sprintf("No site matches %q.", notify.Truncate(notify.Clean(q), 60)), false, "")
	a.Text = []string{"Write the name as the news does, e.g. \"Erbil air base\" or \"Ain al-Asad\"."}
	return a
}

func (c *Core) recent(ctx context.Context, req Request) (Answer, error) {
	var a Answer
	siteID, where := "", ""
	if req.Site != "" {
		s, ok := c.lookupSite(req.Site)
		if !ok {
			return noSite(req.Site), nil
		}
		siteID, where = s.ID, " at "+siteName(s)
		req.Site = s.ID
	}
	today := c.today()
	from := today.AddDate(0, 0, 1-req.Days)
	ins, err := c.b.Store().Incidents(ctx, from, today.AddDate(0, 0, 1), siteID, maxResults)
	if err != nil {
		return a, err
	}
	if req.Days == 1 {
		a.Title = "Incidents today" + where
	} else {
		a.Title = fmt.Sprintf("Incidents in the last %d days%s", req.Days, where)
	}
	return c.incidentList(ctx, a, req, ins)
}

func (c *Core) incidentList(ctx context.Context, a Answer, req Request, ins []store.Incident) (Answer, error) {
	lo, hi := c.page(&a, req, len(ins), "incident")
	if len(ins) == 0 {
		a.Text = []string{"None."}
		a.Footer = ""
		return a, nil
	}
	if len(ins) == maxResults {
		a.Footer += fmt.Sprintf(" (the latest %d)", maxResults)
	}
	var err error
	a.Items, err = c.incidentItems(ctx, ins[lo:hi])
	return a, err
}

func (c *Core) site(ctx context.Context, req Request) (Answer, error) {
	s, ok := c.lookupSite(req.Site)
	if !ok {
		return noSite(req.Site), nil
	}
	req.Site = s.ID
	ins, err := c.b.Store().Incidents(ctx, time.Time{}, time.Time{}, s.ID, maxResults)
	if err != nil {
		return Answer{}, err
	}
	a := Answer{Title: "Incidents at " + siteName(s)}
	if u := notify.MapURL(s.Lat, s.Lon); u != "" {
		a.Text = append(a.Text, fmt.Sprintf("%s, %s · %s", notify.Clean(s.Kind), notify.Clean(s.Province), u))
	}
	return c.incidentList(ctx, a, req, ins)
}

func (c *Core) onThisDay(ctx context.Context, req Request) (Answer, error) {
	today := c.today()
	date := today
	if req.Month != 0 {
		date = time.Date(today.Year(), req.Month, req.Day, 0, 0, 0, 0, time.UTC)
	}
	var r notify.Recap
	if date.Month() == req.Month || req.Month == 0 {
		var err error
		if r, err = c.b.Recap(ctx, date, ""); err != nil {
			return Answer{}, err
		}
	} else {
		// 29 February asked in a year without one.
		ins, err := c.b.Store().IncidentsOnDay(ctx, req.Month, req.Day)
		if err != nil {
			return Answer{}, err
		}
		r.Date = time.Date(2000, req.Month, req.Day, 0, 0, 0, 0, time.UTC)
		for _, in := range ins {
			if in.EventDate.Year() < today.Year() {
				r.Lines = append(r.Lines, notify.RecapLine{IncidentID: in.ID, Year: in.EventDate.Year(), Site: in.Location,
					Weapon: in.SubEventType, Killed: in.Fatalities, Wounded: in.Wounded, Link: in.Source})
			}
		}
	}
	a := Answer{Title: notify.RecapHeader(r)}
	lo, hi := c.page(&a, req, len(r.Lines), "incident")
	if len(r.Lines) == 0 {
		a.Text = []string{"No incidents on this date in earlier years."}
		a.Footer = ""
		return a, nil
	}
	for _, l := range r.Lines[lo:hi] {
		a.Items = append(a.Items, Item{Title: notify.RecapText(l), URL: notify.SafeURL(l.Link), IncidentID: notify.Clean(l.IncidentID)})
	}
	return a, nil
}

func (c *Core) show(ctx context.Context, req Request) (Answer, error) {
	st := c.b.Store()
	in, err := st.Incident(ctx, req.ID)
	if errors.Is(err, store.ErrNotFound) {
		a := failed(fmt.Sprintf("No incident %q.", req.ID), false, "")
		a.Text = []string{"Incident ids are at the foot of each alert and list, e.g. 2024-01-28-tower-22."}
		return a, nil
	}
	if err != nil {
		return Answer{}, err
	}
	reps, err := st.Reports(ctx, in.ID)
	if err != nil {
		return Answer{}, err
	}
	now := c.now()
	v := notify.NewView(alertOf(in, reps), c.loc, now)
	a := Answer{Title: v.Headline, Incident: &v}
	if in.Known {
		a.Text = append(a.Text, "From the history of past attacks (never alerted).")
	}
	lo, hi := c.page(&a, req, len(reps), "report")
	for _, r := range reps[lo:hi] {
		title := notify.Clean(r.Title)
		if title == "" {
			title = "(no title)"
		}
		var parts []string
		if f := notify.Clean(r.Feed); f != "" {
			parts = append(parts, f)
		}
		if !r.Published.IsZero() {
			parts = append(parts, fmt.Sprintf("%s (%s)", r.Published.In(c.loc).Format("Mon 2 Jan 2006 15:04 MST"), notify.Ago(now, r.Published)))
		}
		if added := notify.Clean(r.Added); added != "" {
			parts = append(parts, added)
		}
		a.Items = append(a.Items, Item{Title: notify.Truncate(title, 200), URL: notify.SafeURL(r.Link), Lines: []string{strings.Join(parts, " · ")}})
	}
	if len(reps) == 0 {
		a.Footer = "no reports"
	}
	return a, nil
}

func (c *Core) feeds(ctx context.Context, req Request) (Answer, error) {
	s, err := c.b.Status(ctx)
	if err != nil {
		return Answer{}, err
	}
	now := s.Now
	ok, failing, never := 0, 0, 0
	var items []Item
	for _, f := range s.Feeds {
		health := "ok"
		switch {
		case f.LastPoll.IsZero():
			health = "never polled"
			never++
		case !f.Healthy:
			health = "FAILING"
			failing++
		default:
			ok++
		}
		it := Item{Title: notify.Clean(f.Name) + " — " + health}
		last := "last success: never"
		if !f.LastSuccess.IsZero() {
			last = "last success " + notify.Ago(now, f.LastSuccess)
		}
		next := "next poll on schedule " + notify.Clean(f.Schedule)
		if !f.NextPoll.IsZero() && f.NextPoll.After(now) {
			next = fmt.Sprintf("next poll %s (%s)", f.NextPoll.In(c.loc).Format("15:04 MST"), inTime(now, f.NextPoll))
		}
		it.Lines = append(it.Lines, last+" · "+next+fmt.Sprintf(" · %d items", f.Items))
		if f.LastError != "" {
			e := fmt.Sprintf("last error (%d in a row): %s", f.Failures, notify.Truncate(notify.Clean(web.Redact(f.LastError)), 300))
			it.Lines = append(it.Lines, e)
		}
		items = append(items, it)
	}
	a := Answer{Title: "Feeds"}
	a.Text = []string{fmt.Sprintf("%d ok, %d failing, %d never polled", ok, failing, never)}
	for _, name := range sortedKeys(s.Down) {
		a.Text = append(a.Text, fmt.Sprintf("Output %s is DOWN: %s", notify.Clean(name), notify.Truncate(notify.Clean(web.Redact(s.Down[name])), 200)))
	}
	if s.Failed > 0 || s.Pending > 0 {
		a.Text = append(a.Text, fmt.Sprintf("Outbox: %d pending, %d failed", s.Pending, s.Failed))
	}
	lo, hi := c.page(&a, req, len(items), "feed")
	a.Items = items[lo:hi]
	return a, nil
}

// inTime says how long until t: "in 3 min", "in 2 h", "in 4 days".
func inTime(now, t time.Time) string {
	if d := t.Sub(now); d >= time.Minute {
		return "in " + notify.Span(d)
	}
	return "in under a minute"
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
