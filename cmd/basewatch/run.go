package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/basewatch/basewatch/bot"
	"github.com/basewatch/basewatch/bot/incident"
	"github.com/basewatch/basewatch/bot/notify/console"
	"github.com/basewatch/basewatch/bot/notify/discord"
	"github.com/basewatch/basewatch/bot/notify/slack"
	"github.com/basewatch/basewatch/bot/store"
	"github.com/basewatch/basewatch/bot/web"
	"github.com/basewatch/basewatch/bot/websub"
	"github.com/basewatch/basewatch/config"
)

func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		return nil, errors.New("no config: give --config FILE or set BASEWATCH_CONFIG")
	}
	return config.Load(path)
}

func openStore(ctx context.Context, cfg *config.Config) (store.Store, error) {
	dsn := cfg.Store.Path
	if cfg.Store.Driver == "postgres" {
		dsn = cfg.Store.DSN
	}
	return store.Open(ctx, cfg.Store.Driver, dsn)
}

// buildOutputs makes every configured output. Console outputs print to
// stdout; --json makes them print one JSON object a line.
func buildOutputs(cfg *config.Config, stdout io.Writer, jsonLines bool) (map[string]bot.Output, error) {
	outs := map[string]bot.Output{}
	for _, o := range cfg.Outputs {
		loc, err := time.LoadLocation(o.Timezone)
		if err != nil {
			return nil, fmt.Errorf("output %s: %w", o.Name, err)
		}
		switch o.Type {
		case "console":
			outs[o.Name] = console.New(stdout, jsonLines || o.JSON, loc, time.Now)
		case "slack":
			s, err := slack.New(slack.Config{Token: o.Token, APIURL: o.APIURL, Mode: o.Mode, Location: loc})
			if err != nil {
				return nil, fmt.Errorf("output %s: %w", o.Name, err)
			}
			outs[o.Name] = s
		case "discord":
			d, err := discord.New(discord.Config{Token: o.Token, APIURL: o.APIURL, Mode: o.Mode, Location: loc})
			if err != nil {
				return nil, fmt.Errorf("output %s: %w", o.Name, err)
			}
			outs[o.Name] = d
		}
	}
	return outs, nil
}

// app is what the commands that run the bot share.
type app struct {
	bot   *bot.Bot
	cfg   *config.Config
	store store.Store
	log   *slog.Logger
	reg   *prometheus.Registry
	hubs  *websub.Subscriber // nil without websub.callback
}

func (a *app) close() {
	if err := a.store.Close(); err != nil {
		a.log.Error("store close", slog.Any("err", err))
	}
}

// handler is the HTTP listener's: status page, health, metrics, and the
// WebSub callback; slash commands add theirs to the mux.
func (a *app) handler() *http.ServeMux {
	loc, err := time.LoadLocation(a.cfg.Timezone)
	if err != nil {
		loc = time.UTC
	}
	mux := http.NewServeMux()
	mux.Handle("/", web.New(web.Options{Status: snapshot(a.bot), Ready: a.bot.Ready, Gatherer: a.reg, Logger: a.log, Location: loc}))
	if a.hubs != nil {
		u, _ := url.Parse(a.cfg.WebSub.Callback) // validated by config
		mux.Handle(strings.TrimSuffix(u.Path, "/")+"/", a.hubs)
	}
	return mux
}

// websub makes the subscriber that hubs push to, and the hook through
// which polls report the hubs feeds advertise.
func (a *app) websub(ctx context.Context) (func(feed, hub, topic string), error) {
	if a.cfg.WebSub.Callback == "" {
		return nil, nil
	}
	var err error
	a.hubs, err = websub.New(websub.Options{
		Callback: a.cfg.WebSub.Callback,
		Logger:   a.log,
		OnContent: func(feed string, body []byte, contentType string) {
			if err := a.bot.Push(ctx, feed, body, contentType); err != nil {
				a.log.Error("websub push", slog.String("feed", feed), slog.Any("err", err))
			}
		},
	})
	if err != nil {
		return nil, err
	}
	return func(feed, hub, topic string) {
		for _, s := range a.hubs.Subscriptions() {
			if s.Feed == feed && s.Hub == hub && s.State != websub.StateFailed && s.State != websub.StateDenied {
				return // asked already; renewals keep it
			}
		}
		go func() {
			if err := a.hubs.Subscribe(ctx, hub, topic, feed); err != nil {
				a.log.Warn("websub subscribe", slog.String("feed", feed), slog.String("hub", hub), slog.Any("err", err))
			}
		}()
	}, nil
}

// setup loads the config and opens the store and the bot, loading the seed
// incidents on first start.
func setup(ctx context.Context, e *env, c *common, jsonLines bool) (*app, error) {
	cfg, err := loadConfig(c.config)
	if err != nil {
		return nil, err
	}
	log := c.logger(e.stderr)
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, store: st, log: log}
	outs, err := buildOutputs(cfg, e.stdout, jsonLines)
	if err != nil {
		a.close()
		return nil, err
	}
	reg, m := newMetrics(st)
	a.reg = reg
	onHub, err := a.websub(ctx)
	if err != nil {
		a.close()
		return nil, err
	}
	if a.bot, err = bot.New(cfg, st, bot.Options{Logger: log, Outputs: outs, Metrics: m, OnHub: onHub}); err != nil {
		a.close()
		return nil, err
	}
	if cfg.Store.SeedEnabled() {
		n, err := incident.LoadSeed(ctx, st, a.bot.Gazetteer())
		if err != nil {
			a.close()
			return nil, fmt.Errorf("seed incidents: %w", err)
		}
		if n > 0 {
			log.Info("loaded the seed list of past incidents", slog.Int("incidents", n))
		}
	}
	return a, nil
}

func cmdRun(ctx context.Context, e *env, args []string) error {
	fs := newFlags("run", e)
	var c common
	c.register(fs)
	once := fs.Bool("once", false, "poll every feed once, deliver, and exit")
	jsonLines := fs.Bool("json", false, "console outputs print one JSON object a line")
	grace := fs.Duration("grace", 20*time.Second, "on SIGINT/SIGTERM, how long to finish work in flight")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := setup(ctx, e, &c, *jsonLines)
	if err != nil {
		return err
	}
	defer a.close()
	b := a.bot
	if !*once {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		g, gctx := errgroup.WithContext(ctx)
		mux := a.handler()
		wait, err := a.slashCommands(gctx, g, mux)
		if err != nil {
			cancel()
			g.Wait()
			return err
		}
		g.Go(func() error { return b.Run(gctx, *grace) })
		if a.cfg.Listen != "" {
			g.Go(func() error {
				err := serve(gctx, a.cfg.Listen, mux, a.log)
				wait()
				return err
			})
		}
		if a.hubs != nil {
			g.Go(func() error { a.hubs.Run(gctx, time.Minute); return nil })
		}
		return g.Wait()
	}
	failed := 0
	for _, r := range b.PollAll(ctx) {
		if r.Err != nil {
			failed++
		}
	}
	// Deliver what this run queued, and what an earlier run left behind.
	if _, err := b.DeliverPending(ctx); err != nil {
		return err
	}
	if failed > 0 && failed == len(a.cfg.Feeds) {
		return fmt.Errorf("every feed failed (see the log above)")
	}
	return nil
}

func cmdCheck(ctx context.Context, e *env, args []string) error {
	fs := newFlags("check", e)
	var c common
	c.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(c.config)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return errUsage
	}
	b, err := bot.New(cfg, nil, bot.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: ok\n", cfg.Path)
	fmt.Fprintf(e.stdout, "store:   %s\n", storeLine(cfg))
	fmt.Fprintf(e.stdout, "feeds:   %d\n", len(cfg.Feeds))
	for _, f := range cfg.Feeds {
		fmt.Fprintf(e.stdout, "  %-20s %-16s %s\n", f.Name, f.Schedule, f.URL)
	}
	fmt.Fprintf(e.stdout, "sites:   %d in the gazetteer\n", len(b.Gazetteer().Sites()))
	fmt.Fprintf(e.stdout, "rules:   %d\n", len(cfg.Rules))
	for _, r := range cfg.Rules {
		fmt.Fprintf(e.stdout, "  %-20s kind %s, sites %v, min confidence %.2f\n", r.Name, r.Kind, orAll(r.Sites), r.MinConfidence)
	}
	fmt.Fprintf(e.stdout, "outputs: %d\n", len(cfg.Outputs))
	for _, o := range cfg.Outputs {
		extra := ""
		if o.Recap != nil {
			extra = fmt.Sprintf(", recap %q", o.Recap.Schedule)
		}
		fmt.Fprintf(e.stdout, "  %-20s %s%s\n", o.Name, o.Type, extra)
	}
	fmt.Fprintf(e.stdout, "routes:  %d\n", len(cfg.Routes))
	for _, r := range cfg.Routes {
		for _, t := range r.To {
			fmt.Fprintf(e.stdout, "  %-20s -> %s%s\n", r.Rule, t.Output, chanSuffix(t))
		}
	}
	return nil
}

func storeLine(cfg *config.Config) string {
	if cfg.Store.Driver == "postgres" {
		return "postgres " + store.RedactDSN(cfg.Store.DSN)
	}
	return "sqlite " + cfg.Store.Path
}

func orAll(s []string) []string {
	if len(s) == 0 {
		return []string{"all"}
	}
	return s
}

func chanSuffix(t config.Target) string {
	s := ""
	if t.Channel != "" {
		s += " #" + t.Channel
	}
	if t.MinSeverity != "" && t.MinSeverity != "any" {
		s += " (min severity " + t.MinSeverity + ")"
	}
	return s
}
