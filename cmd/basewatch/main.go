// Command basewatch polls news feeds for attacks on named sites, folds every
// report of one attack into one incident and posts one alert per incident.
//
//	basewatch run [--once] [--json] --config FILE
//	basewatch check --config FILE
//	basewatch match [--title T --summary S --published RFC3339 | --feed URL|FILE] < item.json
//	basewatch replay --items ITEMS.jsonl [--known KNOWN.csv] [--seed] [--config FILE]
//	basewatch incidents import|list|show ...
//	basewatch recap [--date MM-DD] [--output NAME]
//	basewatch status
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

const usage = `basewatch watches news feeds for attacks on named sites and posts one alert per attack.

Usage:
  basewatch run [--once] [--json] [--config FILE]   poll on schedule (or once) and post alerts
  basewatch check [--config FILE]                   validate the config and summarise it
  basewatch match [flags]                           show what the rules find in one item
  basewatch replay --items FILE [--known FILE]      run the pipeline over items, print decisions
  basewatch incidents import|list|show              manage known incidents
  basewatch recap [--date MM-DD] [--output NAME]    print or post the "on this date" recap
  basewatch status [--config FILE]                  feeds, latest incidents and the outbox
  basewatch discord invite --app-id ID              the Discord invite link with the least permissions

The config file is --config FILE, else $BASEWATCH_CONFIG.
Run "basewatch COMMAND -h" for a command's flags.
`

// errUsage marks an error already explained to the user.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs one command until it ends or ctx does (SIGINT, SIGTERM), and
// returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmds := map[string]func(context.Context, *env, []string) error{
		"run":       cmdRun,
		"check":     cmdCheck,
		"match":     cmdMatch,
		"replay":    cmdReplay,
		"incidents": cmdIncidents,
		"recap":     cmdRecap,
		"status":    cmdStatus,
		"discord":   cmdDiscord,
	}
	fn, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "basewatch: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if err := fn(ctx, e, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		if !errors.Is(err, errUsage) {
			fmt.Fprintf(stderr, "basewatch %s: %v\n", args[0], err)
		}
		return 1
	}
	return 0
}

// env is what every command reads and writes.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// common flags of commands that read the config and log.
type common struct {
	config    string
	logFormat string
	verbose   bool
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.config, "config", os.Getenv("BASEWATCH_CONFIG"), "config file (default $BASEWATCH_CONFIG)")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format on stderr: text or json")
	fs.BoolVar(&c.verbose, "v", false, "log every decision (debug level)")
}

func (c *common) logger(w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	if c.verbose {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(c.logFormat, "json") {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func newFlags(name string, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet("basewatch "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}
