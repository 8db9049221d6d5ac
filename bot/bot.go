// Package bot is the daemon: it schedules feed polls, hands each new item to
// the rules, folds the events into incidents, queues alerts in the outbox in
// the same transaction, and delivers the outbox to the outputs.
//
// Every stage is a small step with one job — feeds fetch and parse, rules
// extract events, incident decides, the outbox delivers — and everything
// that must survive a restart lives in the store.
package bot

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/basewatch/basewatch/bot/incident"
	"github.com/basewatch/basewatch/bot/metrics"
	"github.com/basewatch/basewatch/bot/notify"
	"github.com/basewatch/basewatch/bot/store"
	"github.com/basewatch/basewatch/config"
	"github.com/basewatch/basewatch/feeds"
	"github.com/basewatch/basewatch/rules"
)

// Output delivers messages to one platform. Post and PostRecap return the
// platform's reference of the message; key is the delivery's unique key,
// carried in the message so that Find can tell whether an attempt that may
// have failed got through.
type Output interface {
	Post(ctx context.Context, channel string, a notify.Alert, key string) (ref string, err error)
	Update(ctx context.Context, channel, ref string, a notify.Alert, key string) (string, error)
	PostRecap(ctx context.Context, channel string, r notify.Recap, key string) (ref string, err error)
	Find(ctx context.Context, channel, key string) (string, error)
}

// Options are what New needs besides the config and the store.
type Options struct {
	Logger  *slog.Logger
	Now     func() time.Time // the clock; time.Now when nil
	Outputs map[string]Output
	Fetcher *feeds.Fetcher   // nil: a default fetcher
	Owner   string           // this process's name for leases; hostname-pid when empty
	Metrics *metrics.Metrics // nil: no metrics
	// OnHub is told of every WebSub hub a polled feed advertises, with
	// the feed's topic URL; nil: hubs are ignored.
	OnHub func(feed, hub, topic string)
}

// Bot ties the stages together.
type Bot struct {
	cfg     *config.Config
	store   store.Store
	gaz     *rules.Gazetteer
	matcher *rules.Matcher
	rules   []rules.Rule
	decider incident.Decider
	outputs map[string]Output
	fetcher *feeds.Fetcher
	log     *slog.Logger
	now     func() time.Time
	owner   string
	metrics *metrics.Metrics
	onHub   func(feed, hub, topic string)

	mu       sync.Mutex
	down     map[string]string // output name -> why it is down
	inFlight map[string]bool   // feeds being polled by this process
	wake     chan struct{}     // nudges the outbox
	running  atomic.Bool       // the scheduler runs
}

// New builds a bot from a validated config.
func New(cfg *config.Config, st store.Store, opts Options) (*Bot, error) {
	gaz, err := rules.LoadGazetteer(extraSites(cfg.Gazetteer.Sites))
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	m, err := rules.NewMatcher(gaz)
	if err != nil {
		return nil, fmt.Errorf("matcher: %w", err)
	}
	b := &Bot{
		cfg:      cfg,
		store:    st,
		gaz:      gaz,
		matcher:  m,
		rules:    ruleSet(cfg.Rules),
		outputs:  opts.Outputs,
		fetcher:  opts.Fetcher,
		log:      opts.Logger,
		now:      opts.Now,
		owner:    opts.Owner,
		metrics:  opts.Metrics,
		onHub:    opts.OnHub,
		down:     map[string]string{},
		inFlight: map[string]bool{},
		wake:     make(chan struct{}, 1),
	}
	b.decider = incident.Decider{Gazetteer: gaz, Window: time.Duration(cfg.Incidents.Window), BackgroundAge: time.Duration(cfg.Incidents.BackgroundAge), AlertUnconfirmed: cfg.Incidents.AlertUnconfirmed, FollowUp: time.Duration(cfg.Incidents.FollowUp)}
	if b.log == nil {
		b.log = slog.Default()
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.fetcher == nil {
		b.fetcher = feeds.NewFetcher(feeds.Options{})
	}
	if b.owner == "" {
		host, _ := os.Hostname()
		b.owner = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	if b.outputs == nil {
		b.outputs = map[string]Output{}
	}
	return b, nil
}

// Gazetteer returns the sites the bot knows.
func (b *Bot) Gazetteer() *rules.Gazetteer { return b.gaz }

// Matcher returns the rules' matcher.
func (b *Bot) Matcher() *rules.Matcher { return b.matcher }

// Rules returns the rules the bot applies: the config's, or one rule named
// "attacks" that alerts on attacks on any site when the config has none.
func (b *Bot) Rules() []rules.Rule { return append([]rules.Rule(nil), b.rules...) }

// Config returns the bot's config.
func (b *Bot) Config() *config.Config { return b.cfg }

// Store returns the bot's store.
func (b *Bot) Store() store.Store { return b.store }

func extraSites(cs []config.Site) []rules.Site {
	out := make([]rules.Site, len(cs))
	for i, c := range cs {
		out[i] = rules.Site{ID: c.ID, Name: c.Name, Kind: c.Kind, Country: c.Country, Province: c.Province,
			Lat: c.Lat, Lon: c.Lon, Aliases: c.Aliases, AliasesAR: c.AliasesAR, Related: c.Related}
	}
	return out
}

func ruleSet(cs []config.Rule) []rules.Rule {
	if len(cs) == 0 {
		return []rules.Rule{{Name: "attacks", Kind: "attack"}}
	}
	out := make([]rules.Rule, len(cs))
	for i, c := range cs {
		out[i] = rules.Rule{Name: c.Name, Kind: c.Kind, Sites: c.Sites, Weapons: c.Weapons, MinConfidence: c.MinConfidence, Exclude: c.Exclude}
	}
	return out
}

// accepting returns the names of the rules that want ev to alert, and why
// the first refused when none does.
func (b *Bot) accepting(ev rules.Event, text string) ([]string, string) {
	var names, refusals []string
	first := ""
	for _, r := range b.rules {
		ok, why := r.Accepts(b.gaz, ev, text)
		switch {
		case ok && first == "":
			first = why
			names = append(names, r.Name)
		case ok:
			names = append(names, r.Name)
		default:
			refusals = append(refusals, why)
		}
	}
	if len(names) == 0 {
		return nil, strings.Join(refusals, "; ")
	}
	return names, first
}

func (b *Bot) nudge() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// OutputsDown lists the outputs that refuse our credentials, and why.
func (b *Bot) OutputsDown() map[string]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make(map[string]string, len(b.down))
	for k, v := range b.down {
		out[k] = v
	}
	return out
}
