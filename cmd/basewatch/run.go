package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/basewatch/basewatch/bot"
	"github.com/basewatch/basewatch/bot/incident"
	"github.com/basewatch/basewatch/bot/notify/console"
	"github.com/basewatch/basewatch/bot/notify/discord"
	"github.com/basewatch/basewatch/bot/notify/slack"
	"github.com/basewatch/basewatch/bot/store"
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

// setup loads the config and opens the store and the bot, loading the seed
// incidents on first start.
func setup(ctx context.Context, e *env, c *common, jsonLines bool) (*bot.Bot, *config.Config, func(), error) {
	cfg, err := loadConfig(c.config)
	if err != nil {
		return nil, nil, nil, err
	}
	log := c.logger(e.stderr)
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	outs, err := buildOutputs(cfg, e.stdout, jsonLines)
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	b, err := bot.New(cfg, st, bot.Options{Logger: log, Outputs: outs})
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	if cfg.Store.SeedEnabled() {
		n, err := incident.LoadSeed(ctx, st, b.Gazetteer())
		if err != nil {
			st.Close()
			return nil, nil, nil, fmt.Errorf("seed incidents: %w", err)
		}
		if n > 0 {
			log.Info("loaded the seed list of past incidents", slog.Int("incidents", n))
		}
	}
	return b, cfg, func() {
		if err := st.Close(); err != nil {
			log.Error("store close", slog.Any("err", err))
		}
	}, nil
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
	b, _, closeStore, err := setup(ctx, e, &c, *jsonLines)
	if err != nil {
		return err
	}
	defer closeStore()
	if !*once {
		return b.Run(ctx, *grace)
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
	if failed > 0 && failed == len(b.Config().Feeds) {
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
