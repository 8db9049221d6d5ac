package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/basewatch/basewatch/bot/incident"
	"github.com/basewatch/basewatch/bot/store"
	"github.com/basewatch/basewatch/config"
	"github.com/basewatch/basewatch/feeds"
	"github.com/basewatch/basewatch/rules"
)

// Outcome is what became of one item: a decision per event, or one
// Ignored decision when the item reports no attack, or Seen when it was
// handed to the rules before.
type Outcome struct {
	Item      feeds.Item
	Seen      bool
	Decisions []incident.Decision
}

// payload is what the outbox keeps of a delivery; the message itself is
// rendered from the incident at the time it is sent, so that an alert
// still waiting in the outbox goes out with the latest facts.
type payload struct {
	Rule    string   `json:"rule,omitempty"`
	Reason  string   `json:"reason,omitempty"`
	Changes []string `json:"changes,omitempty"`
	Date    string   `json:"date,omitempty"` // recaps: YYYY-MM-DD
	Empty   string   `json:"empty,omitempty"`
}

// ProcessItem runs one item through the rules and, in one store
// transaction, marks it seen, folds its events into incidents and queues
// the alerts and updates they call for. An item already seen (by id, link,
// or title on the same day) is not processed again.
func (b *Bot) ProcessItem(ctx context.Context, it feeds.Item) (Outcome, error) {
	outs, err := b.ProcessItems(ctx, []feeds.Item{it}, nil)
	if err != nil {
		return Outcome{Item: it}, err
	}
	return outs[0], nil
}

// ProcessItems is ProcessItem for several items in order, in one
// transaction: all of them are processed or none. now gives the clock of
// the i-th item (the bot's clock when nil).
func (b *Bot) ProcessItems(ctx context.Context, items []feeds.Item, now func(i int) time.Time) ([]Outcome, error) {
	if now == nil {
		now = func(int) time.Time { return b.now() }
	}
	results := make([]rules.Result, len(items))
	for i, it := range items {
		results[i] = b.matcher.Extract(rules.Input{Title: it.Title, Summary: it.Summary, Content: it.Content, Language: it.Language, Published: it.Published})
	}
	outs := make([]Outcome, len(items))
	queued := 0
	err := b.store.Update(ctx, func(tx store.Tx) error {
		queued = 0
		for i, it := range items {
			outs[i] = Outcome{Item: it}
			n, err := b.process(tx, &outs[i], results[i], now(i))
			if err != nil {
				return fmt.Errorf("item %s: %w", it.ID, err)
			}
			queued += n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, o := range outs {
		b.logOutcome(o)
		if !o.Seen {
			b.metrics.Extracted(len(results[i].Events))
			for _, d := range o.Decisions {
				b.metrics.Decided(d.Action)
			}
		}
	}
	if queued > 0 {
		b.nudge()
	}
	return outs, nil
}

// process decides one item inside tx and returns how many deliveries it
// queued.
func (b *Bot) process(tx store.Tx, out *Outcome, res rules.Result, now time.Time) (int, error) {
	it := out.Item
	keys := it.Keys()
	seen, err := tx.Seen(keys)
	if err != nil {
		return 0, err
	}
	if len(seen) > 0 {
		out.Seen = true
		return 0, nil
	}
	if err := tx.MarkSeen(it.Feed, keys, now); err != nil {
		return 0, err
	}
	if len(res.Events) == 0 {
		out.Decisions = []incident.Decision{{Action: incident.Ignored, Reason: res.Reason}}
		return 0, nil
	}
	queued := 0
	rep := incident.Report{ItemID: it.ID, Feed: it.Feed, Link: it.Link, Title: it.Title, Published: it.Published}
	rep.Text = res.Text
	for i, ev := range res.Events {
		rep.Others = rep.Others[:0:0]
		for j, o := range res.Events {
			if j != i {
				rep.Others = append(rep.Others, o)
			}
		}
		var accepted []string
		accept := func(ev rules.Event) (string, bool, string) {
			names, why := b.accepting(ev, res.Text)
			accepted = names
			if len(names) == 0 {
				return "", false, why
			}
			return names[0], true, why
		}
		dec, err := b.decider.Decide(tx, ev, rep, accept)
		if err != nil {
			return 0, err
		}
		n, err := b.enqueue(tx, dec, accepted, it.ID, now)
		if err != nil {
			return 0, err
		}
		queued += n
		out.Decisions = append(out.Decisions, dec)
	}
	return queued, nil
}

// enqueue queues the deliveries a decision calls for: an alert to every
// target of every accepting rule whose severity it meets, and, for an
// update, an update to every target that has the alert, or the alert to a
// target whose severity the update now meets.
func (b *Bot) enqueue(tx store.Tx, dec incident.Decision, accepted []string, itemID string, now time.Time) (int, error) {
	n := 0
	in := dec.Incident
	if dec.Action != incident.Alert && dec.Action != incident.Update {
		return 0, nil
	}
	mutes, err := tx.ActiveMutes(now)
	if err != nil {
		return 0, err
	}
	if m, ok := muted(mutes, in, accepted); ok {
		// Like an Alertmanager silence: recorded, not posted.
		b.log.Info("alert muted", slog.String("incident", in.ID), slog.String("mute", m.Kind+" "+m.Target), slog.Time("until", m.Until))
		return 0, nil
	}
	switch dec.Action {
	case incident.Alert:
		p, _ := json.Marshal(payload{Rule: dec.Rule, Reason: dec.Reason})
		for _, t := range b.targets(accepted) {
			if !meets(in, t.MinSeverity) {
				continue
			}
			for _, ch := range b.channels(t) {
				added, err := tx.Enqueue(&store.Delivery{Key: alertKey(in.ID, t.Output, ch), Output: t.Output, Channel: ch, IncidentID: in.ID, Kind: "alert", Payload: p, CreatedAt: now})
				if err != nil {
					return n, err
				}
				if added {
					n++
				}
			}
		}
	case incident.Update:
		p, _ := json.Marshal(payload{Rule: in.Rule, Changes: dec.Changes})
		for _, t := range b.targets([]string{in.Rule}) {
			if !meets(in, t.MinSeverity) {
				continue
			}
			for _, ch := range b.channels(t) {
				added, err := tx.Enqueue(&store.Delivery{Key: alertKey(in.ID, t.Output, ch), Output: t.Output, Channel: ch, IncidentID: in.ID, Kind: "alert", Payload: p, CreatedAt: now})
				if err != nil {
					return n, err
				}
				if !added {
					added, err = tx.Enqueue(&store.Delivery{Key: fmt.Sprintf("update:%s:%s:%s:%s", in.ID, t.Output, ch, itemID), Output: t.Output, Channel: ch, IncidentID: in.ID, Kind: "update", Payload: p, CreatedAt: now})
					if err != nil {
						return n, err
					}
				}
				if added {
					n++
				}
			}
		}
	}
	return n, nil
}

// muted returns the mute that silences an incident: one of its site, or
// of every rule that would post it.
func muted(mutes []store.Mute, in store.Incident, rules []string) (store.Mute, bool) {
	if len(rules) == 0 && in.Rule != "" {
		rules = []string{in.Rule}
	}
	silenced := 0
	for _, m := range mutes {
		if m.Kind == store.MuteSite && in.SiteID != "" && m.Target == in.SiteID {
			return m, true
		}
	}
	var last store.Mute
	for _, r := range rules {
		for _, m := range mutes {
			if m.Kind == store.MuteRule && m.Target == r {
				silenced++
				last = m
				break
			}
		}
	}
	return last, len(rules) > 0 && silenced == len(rules)
}

func alertKey(incidentID, output, channel string) string {
	return fmt.Sprintf("alert:%s:%s:%s", incidentID, output, channel)
}

// targets lists the route targets of the named rules, each once.
func (b *Bot) targets(ruleNames []string) []config.Target {
	want := map[string]bool{}
	for _, r := range ruleNames {
		want[r] = true
	}
	seen := map[config.Target]bool{}
	var out []config.Target
	for _, r := range b.cfg.Routes {
		if !want[r.Rule] {
			continue
		}
		for _, t := range r.To {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// channels are the target's channel, else its output's default channels,
// else the output's only channel ("").
func (b *Bot) channels(t config.Target) []string {
	if t.Channel != "" {
		return []string{t.Channel}
	}
	for _, o := range b.cfg.Outputs {
		if o.Name == t.Output && len(o.Channels) > 0 {
			return o.Channels
		}
	}
	return []string{""}
}

func meets(in store.Incident, severity string) bool {
	switch severity {
	case "killed":
		return in.Fatalities > 0
	case "wounded":
		return in.Fatalities > 0 || in.Wounded > 0
	}
	return true
}

func (b *Bot) logOutcome(o Outcome) {
	log := b.log.With(slog.String("feed", o.Item.Feed), slog.String("item", o.Item.ID))
	if o.Seen {
		log.Debug("item already seen")
		return
	}
	for _, d := range o.Decisions {
		attrs := []any{slog.String("action", d.Action), slog.String("reason", d.Reason)}
		if d.Incident.ID != "" {
			attrs = append(attrs, slog.String("incident", d.Incident.ID))
		}
		level := slog.LevelDebug
		if d.Action == incident.Alert || d.Action == incident.Update {
			level = slog.LevelInfo
		}
		log.Log(context.Background(), level, "decision", attrs...)
	}
}
