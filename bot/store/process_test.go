package store

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Environment of the child processes of testTwoProcesses.
const (
	envHelper       = "BASEWATCH_STORE_HELPER" // role; set only in children
	envHelperDriver = "BASEWATCH_STORE_HELPER_DRIVER"
	envHelperDSN    = "BASEWATCH_STORE_HELPER_DSN"
)

// helperAttacks is the number of attacks both children decide.
const helperAttacks = 25

// attackDay is the date of attack i.
func attackDay(i int) time.Time { return day(2025, 1, 1).AddDate(0, 0, 2*i) }

// runHelper is a child process: it opens the store (racing the other child
// through the migrations), decides every attack with the check-then-create
// pattern of the pipeline, and between decisions claims and sends
// deliveries. It prints "created ID" and "claimed ID" lines.
func runHelper(role string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := Open(ctx, os.Getenv(envHelperDriver), os.Getenv(envHelperDSN))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	claim := func(limit int) (int, error) {
		now := time.Now()
		ds, err := s.ClaimDeliveries(ctx, role, now, now.Add(time.Hour), limit)
		for _, d := range ds {
			fmt.Fprintf(out, "claimed %d\n", d.ID)
			if err := s.MarkSent(ctx, d.ID, role, now); err != nil {
				return 0, err
			}
		}
		return len(ds), err
	}
	for i := range helperAttacks {
		err := s.Update(ctx, func(tx Tx) error {
			found, err := tx.IncidentsBetween(attackDay(i), attackDay(i))
			if err != nil {
				return err
			}
			id := ""
			if len(found) > 0 {
				id = found[0].ID
			} else {
				in := sampleIncident(fmt.Sprintf("%s-%d", role, i), attackDay(i))
				if err := tx.CreateIncident(&in); err != nil {
					return err
				}
				if _, err := tx.Enqueue(&Delivery{Key: "alert/" + in.ID, IncidentID: in.ID, Kind: "alert"}); err != nil {
					return err
				}
				id = in.ID
				fmt.Fprintf(out, "created %s\n", id)
			}
			return tx.AddReport(Report{IncidentID: id, ItemID: fmt.Sprintf("%s/%d", role, i)})
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if _, err := claim(4); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	for {
		n, err := claim(4)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if n == 0 {
			return 0
		}
	}
}

// testTwoProcesses runs two processes on one new database: they migrate
// it at once, decide the same attacks at once, and claim from one outbox.
// Each attack must have one incident with both reports and one alert, and
// each delivery must be claimed once.
func testTwoProcesses(t *testing.T, b backend) {
	dsn := b.fresh(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	const queued = 150
	// The outbox already holds deliveries, as after a restart.
	s := b.open(t, dsn, newClock())
	enqueue(t, s, "queued", queued, time.Time{})

	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for _, role := range []string{"one", "two"} {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), envHelper+"="+role, envHelperDriver+"="+b.driver, envHelperDSN+"="+dsn)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
		outs = append(outs, &out)
		t.Cleanup(func() {
			if errOut.Len() > 0 {
				t.Logf("%s stderr: %s", role, errOut.String())
			}
		})
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("process %d: %v", i+1, err)
		}
	}

	created := map[string]bool{}
	claims := map[int64]int{}
	perProcess := make([]int, len(outs))
	for i, out := range outs {
		for line := range strings.Lines(out.String()) {
			what, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
			switch what {
			case "created":
				created[arg] = true
			case "claimed":
				id, err := strconv.ParseInt(arg, 10, 64)
				if err != nil {
					t.Fatalf("bad line %q", line)
				}
				claims[id]++
				perProcess[i]++
			}
		}
	}
	t.Logf("claims per process: %v; incidents created: %d", perProcess, len(created))

	if len(created) != helperAttacks {
		t.Errorf("%d incidents created for %d attacks", len(created), helperAttacks)
	}
	all, err := s.Incidents(ctx, time.Time{}, time.Time{}, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != helperAttacks {
		t.Errorf("%d incidents in the store for %d attacks", len(all), helperAttacks)
	}
	for _, in := range all {
		reps, err := s.Reports(ctx, in.ID)
		if err != nil || len(reps) != 2 {
			t.Errorf("incident %s: %d reports, %v; want one from each process", in.ID, len(reps), err)
		}
	}
	ds, err := s.Deliveries(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != queued+helperAttacks {
		t.Errorf("%d deliveries, want %d", len(ds), queued+helperAttacks)
	}
	for _, d := range ds {
		if claims[d.ID] != 1 || d.State != DeliverySent || d.Attempts != 1 {
			t.Errorf("delivery %d (%s): claimed %d times, state %s, %d attempts", d.ID, d.Key, claims[d.ID], d.State, d.Attempts)
		}
	}
}
