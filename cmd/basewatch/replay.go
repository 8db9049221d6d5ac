package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/basewatch/basewatch/bot"
	"github.com/basewatch/basewatch/bot/incident"
	"github.com/basewatch/basewatch/bot/store"
	"github.com/basewatch/basewatch/config"
)

// defaultConfig is what replay and match use without --config: one rule
// that alerts on attacks on any site, and no outputs.
func defaultConfig() *config.Config {
	cfg, err := config.Parse("built-in", []byte(`feeds: [{name: replay, url: none}]
rules: [{name: attacks}]
`), func(string) (string, bool) { return "", false })
	if err != nil {
		panic("built-in config: " + err.Error())
	}
	return cfg
}

func cmdReplay(ctx context.Context, e *env, args []string) error {
	fs := newFlags("replay", e)
	var c common
	c.register(fs)
	itemsPath := fs.String("items", "", "items, one JSON object a line (required)")
	knownPath := fs.String("known", "", "known incidents CSV (basewatch's or ACLED's) loaded before the first item")
	seed := fs.Bool("seed", false, "also load the shipped seed list of past incidents")
	keep := fs.String("store", "", "keep the replay's SQLite store at this path (default: a temporary file)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *itemsPath == "" {
		fmt.Fprintln(e.stderr, "basewatch replay: --items is required")
		fs.Usage()
		return errUsage
	}
	cfg := defaultConfig()
	if c.config != "" {
		var err error
		if cfg, err = config.Load(c.config); err != nil {
			return err
		}
	}
	f, err := os.Open(*itemsPath)
	if err != nil {
		return err
	}
	items, err := bot.ReadReplayItems(f, *itemsPath)
	f.Close()
	if err != nil {
		return err
	}

	path := *keep
	if path == "" {
		dir, err := os.MkdirTemp("", "basewatch-replay-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "replay.db")
	}
	// The replay's store is scratch unless kept: no need to wait for the
	// disk on every item.
	dsn := path
	if *keep == "" {
		dsn += "?_synchronous=OFF"
	}
	st, err := store.Open(ctx, "sqlite", dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	log := c.logger(e.stderr)
	if !c.verbose {
		log = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	b, err := bot.New(cfg, st, bot.Options{Logger: log, Owner: "replay"})
	if err != nil {
		return err
	}
	if *seed {
		if _, err := incident.LoadSeed(ctx, st, b.Gazetteer()); err != nil {
			return err
		}
	}
	if *knownPath != "" {
		// A replay measures: a known incident at a site the gazetteer
		// lacks is reported on stderr and the rest is replayed.
		if err := importKnown(ctx, st, b, *knownPath, true, e.stderr); err != nil {
			return err
		}
	}
	var progress func(int, int)
	if isTerminal(e.stderr) {
		progress = func(done, total int) {
			width := 30
			filled := done * width / total
			fmt.Fprintf(e.stderr, "\r[%-*s] %d/%d items", width, bar(filled), done, total)
			if done == total {
				fmt.Fprintln(e.stderr)
			}
		}
	}
	return b.Replay(ctx, items, e.stdout, progress)
}

func bar(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '='
	}
	return string(b)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// importKnown reads a known-incidents file into the store: all of it, or
// nothing when a row is bad, unless skipBad.
func importKnown(ctx context.Context, st store.Store, b *bot.Bot, path string, skipBad bool, out io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	ins, errs := incident.ParseKnown(f, b.Gazetteer())
	if len(errs) > 0 {
		if !skipBad {
			return fmt.Errorf("%d bad row(s), nothing imported (use --skip-bad to import the rest):\n%w", len(errs), errors.Join(rowErrs(path, errs)...))
		}
		for _, e := range errs {
			fmt.Fprintf(out, "skipped %s:%d: %s\n", path, e.Line, e.Msg)
		}
	}
	n, err := incident.Import(ctx, st, ins)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "imported %d incident(s) from %s (%d already known)\n", n, path, len(ins)-n)
	return nil
}

func rowErrs(path string, errs incident.ImportErrors) []error {
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = fmt.Errorf("%s:%d: %s", path, e.Line, e.Msg)
	}
	return out
}
