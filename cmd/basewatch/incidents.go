package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/basewatch/basewatch/bot/incident"
	"github.com/basewatch/basewatch/bot/store"
)

func cmdIncidents(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "usage: basewatch incidents import [--skip-bad] FILE | list [--days N] [--site ID] | show ID | export [--format csv|acled]")
		return errUsage
	}
	fs := newFlags("incidents "+args[0], e)
	var c common
	c.register(fs)
	skipBad := fs.Bool("skip-bad", false, "import: import the good rows of a file with bad ones")
	days := fs.Int("days", 0, "list: only incidents of the last N days (0: all)")
	site := fs.String("site", "", "list: only incidents at this site id")
	limit := fs.Int("limit", 50, "list: at most this many (export: 0, all)")
	format := fs.String("format", "csv", "export: csv (basewatch's columns) or acled (ACLED's)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	a, err := setup(ctx, e, &c, false)
	if err != nil {
		return err
	}
	defer a.close()
	b := a.bot
	st := b.Store()
	switch args[0] {
	case "import":
		if fs.NArg() != 1 {
			return errors.New("usage: basewatch incidents import [--skip-bad] FILE")
		}
		return importKnown(ctx, st, b, fs.Arg(0), *skipBad, e.stdout)
	case "list":
		from := time.Time{}
		if *days > 0 {
			from = time.Now().UTC().AddDate(0, 0, -*days)
		}
		ins, err := st.Incidents(ctx, from, time.Now().UTC().AddDate(1, 0, 0), *site, *limit)
		if err != nil {
			return err
		}
		printIncidents(e.stdout, ins)
		return nil
	case "export":
		ins, err := st.Incidents(ctx, time.Time{}, time.Time{}, *site, 0)
		if err != nil {
			return err
		}
		// Oldest first, as a list of known incidents reads.
		for i, j := 0, len(ins)-1; i < j; i, j = i+1, j-1 {
			ins[i], ins[j] = ins[j], ins[i]
		}
		return incident.Export(e.stdout, *format, ins)
	case "show":
		if fs.NArg() != 1 {
			return errors.New("usage: basewatch incidents show ID")
		}
		in, err := st.Incident(ctx, fs.Arg(0))
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no incident %q (basewatch incidents list shows their ids)", fs.Arg(0))
		}
		if err != nil {
			return err
		}
		reps, err := st.Reports(ctx, in.ID)
		if err != nil {
			return err
		}
		printIncident(e.stdout, in, reps)
		return nil
	}
	return fmt.Errorf("unknown incidents command %q (import, list or show)", args[0])
}

func printIncidents(w io.Writer, ins []store.Incident) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDATE\tSITE\tWEAPON\tKILLED\tWOUNDED\tACTOR\tSTATE")
	for _, in := range ins {
		state := "alerted"
		if in.Known {
			state = "known"
		} else if !in.Alerted {
			state = "recorded"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", in.ID, in.EventDate.Format("2006-01-02"), in.Location,
			in.SubEventType, num(in.Fatalities), num(in.Wounded), dash(in.Actor), state)
	}
	tw.Flush()
}

func printIncident(w io.Writer, in store.Incident, reps []store.Report) {
	fmt.Fprintf(w, "%s: %s at %s, %s\n", in.ID, dash(in.SubEventType), in.Location, in.EventDate.Format("Mon 2 Jan 2006"))
	fmt.Fprintf(w, "  place:   %s, %s, %s (%.2f, %.2f)%s\n", in.Location, dash(in.Region), dash(in.Country), in.Latitude, in.Longitude, map[bool]string{true: " — site unconfirmed"}[in.Unconfirmed])
	fmt.Fprintf(w, "  toll:    %s killed, %s wounded %s\n", num(in.Fatalities), num(in.Wounded), in.Victims)
	if in.Projectiles > 0 {
		fmt.Fprintf(w, "  fired:   %d\n", in.Projectiles)
	}
	if in.Actor != "" {
		fmt.Fprintf(w, "  actor:   %s (%s)\n", in.Actor, in.ActorRole)
	}
	fmt.Fprintf(w, "  summary: %s\n", in.Summary)
	if in.Source != "" {
		fmt.Fprintf(w, "  source:  %s\n", in.Source)
	}
	fmt.Fprintf(w, "  reports: %d\n", len(reps))
	for _, r := range reps {
		fmt.Fprintf(w, "    %s  %-9s %s — %s\n      %s (%s)\n", r.Published.UTC().Format("2006-01-02 15:04"), r.Action, r.Feed, r.Title, r.Link, r.Added)
	}
}

func num(n int) string {
	if n < 0 {
		return "?"
	}
	return fmt.Sprint(n)
}

func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
