package commands

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/basewatch/basewatch/bot/notify"
	"github.com/basewatch/basewatch/bot/store"
)

// ruleNames are the names of the rules the bot applies.
func (c *Core) ruleNames() []string {
	var out []string
	for _, r := range c.b.Rules() {
		out = append(out, r.Name)
	}
	return out
}

// target is a resolved mute target and how to name it in answers.
type target struct {
	kind, id, name string
}

// resolve finds what req.Kind and req.Target name: a rule by its exact
// name (any case), else a site by Lookup. The answer is set when nothing
// matches.
func (c *Core) resolve(req Request) (target, *Answer) {
	q := strings.TrimSpace(req.Target)
	if req.Kind != store.MuteSite {
		for _, r := range c.ruleNames() {
			if strings.EqualFold(r, q) {
				return target{store.MuteRule, r, "rule " + r}, nil
			}
		}
		if req.Kind == store.MuteRule {
			a := failed(fmt.Sprintf("No rule named %q.", notify.Truncate(q, 60)), false, "")
			a.Text = []string{"Rules: " + strings.Join(c.ruleNames(), ", ")}
			return target{}, &a
		}
	}
	s, ok := c.lookupSite(q)
	if !ok {
		a := noSite(q)
		if req.Kind == "" {
			a.Title = fmt.Sprintf("No site or rule matches %q.", notify.Truncate(q, 60))
			a.Text = append(a.Text, "Rules: "+strings.Join(c.ruleNames(), ", "))
		}
		return target{}, &a
	}
	return target{store.MuteSite, s.ID, fmt.Sprintf("site %s (%s)", siteName(s), s.ID)}, nil
}

func (c *Core) refuse(req Request, w Caller) Answer {
	c.log.Warn("slash command refused: not an admin", slog.String("command", req.Command), slog.String("caller", w.String()))
	a := failed("Only admins can mute and unmute.", false, "")
	if len(c.admins) == 0 {
		a.Text = []string{"No admins are configured: add user or role ids to commands.admins."}
	} else {
		a.Text = []string{fmt.Sprintf("Ask an admin, or have your id (%s) added to commands.admins.", notify.Truncate(w.UserID, 40))}
	}
	return a
}

func (c *Core) mute(ctx context.Context, req Request, w Caller) (Answer, error) {
	if !c.admin(w) {
		return c.refuse(req, w), nil
	}
	t, bad := c.resolve(req)
	if bad != nil {
		return *bad, nil
	}
	now := c.now()
	m, err := c.b.Store().Mute(ctx, store.Mute{Kind: t.kind, Target: t.id, Until: now.Add(req.For), CreatedBy: w.String(), CreatedAt: now, Reason: req.Reason})
	if err != nil {
		return Answer{}, err
	}
	c.log.Info("muted", slog.String("kind", t.kind), slog.String("target", t.id), slog.Time("until", m.Until), slog.String("caller", w.String()), slog.String("reason", req.Reason))
	a := Answer{Title: fmt.Sprintf("Muted %s for %s", t.name, formatDuration(req.For))}
	a.Text = []string{
		fmt.Sprintf("Until %s. Its incidents are still recorded and listed; their alerts are not posted.", m.Until.In(c.loc).Format("Mon 2 Jan 2006 15:04 MST")),
		fmt.Sprintf("Undo: /incidents unmute %s %s", t.kind, t.id),
	}
	if req.Reason != "" {
		a.Text = append(a.Text, "Reason: "+req.Reason)
	}
	return a, nil
}

func (c *Core) unmute(ctx context.Context, req Request, w Caller) (Answer, error) {
	if !c.admin(w) {
		return c.refuse(req, w), nil
	}
	// An active mute of exactly that target first: its rule may have left
	// the config since.
	ms, err := c.b.Store().Mutes(ctx, c.now())
	if err != nil {
		return Answer{}, err
	}
	t := target{}
	for _, m := range ms {
		if strings.EqualFold(m.Target, strings.TrimSpace(req.Target)) && (req.Kind == "" || req.Kind == m.Kind) {
			t = target{m.Kind, m.Target, c.muteName(m)}
			break
		}
	}
	if t.id == "" {
		var bad *Answer
		if t, bad = c.resolve(req); bad != nil {
			return *bad, nil
		}
	}
	ok, err := c.b.Store().Unmute(ctx, t.kind, t.id)
	if err != nil {
		return Answer{}, err
	}
	if !ok {
		return failed(fmt.Sprintf("%s was not muted.", upperFirst(t.name)), false, ""), nil
	}
	c.log.Info("unmuted", slog.String("kind", t.kind), slog.String("target", t.id), slog.String("caller", w.String()))
	return Answer{Title: fmt.Sprintf("Unmuted %s", t.name), Text: []string{"Its next alerts will be posted."}}, nil
}

func (c *Core) muteName(m store.Mute) string {
	if m.Kind == store.MuteSite {
		if s, ok := c.b.Gazetteer().Site(m.Target); ok {
			return fmt.Sprintf("site %s (%s)", siteName(s), s.ID)
		}
	}
	return m.Kind + " " + notify.Clean(m.Target)
}

func (c *Core) mutes(ctx context.Context, req Request) (Answer, error) {
	now := c.now()
	ms, err := c.b.Store().Mutes(ctx, now)
	if err != nil {
		return Answer{}, err
	}
	a := Answer{Title: "Mutes"}
	if len(ms) == 0 {
		a.Text = []string{"Nothing is muted: every alert is posted."}
		return a, nil
	}
	a.Text = []string{"Incidents of these are recorded and listed, but not posted."}
	lo, hi := c.page(&a, req, len(ms), "mute")
	a.Request = nil // nothing to share
	for _, m := range ms[lo:hi] {
		line := fmt.Sprintf("until %s (%s) · by %s", m.Until.In(c.loc).Format("Mon 2 Jan 15:04 MST"), inTime(now, m.Until), notify.Clean(m.CreatedBy))
		if r := notify.Clean(m.Reason); r != "" {
			line += " · " + r
		}
		a.Items = append(a.Items, Item{Title: c.muteName(m), Lines: []string{line}})
	}
	return a, nil
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
