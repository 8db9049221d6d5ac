package console

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot/notify"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s:\n--- got\n%s\n--- want\n%s", name, path, got, want)
	}
}

var (
	baghdad = time.FixedZone("+03", 3*3600)
	now     = time.Date(2024, 3, 5, 11, 17, 0, 0, time.UTC)
)

// sampleAlert is an invented incident: the site, outlets and wording are
// made up for the tests.
func sampleAlert() notify.Alert {
	return notify.Alert{
		Kind:        "alert",
		IncidentID:  "inc-20240305-0007",
		Rule:        "iraq-bases",
		Reason:      "drone + named base + attack verb",
		Weapon:      "drone",
		Site:        "Harir Air Base",
		SiteID:      "iq-harir",
		Country:     "Iraq",
		Latitude:    36.5321,
		Longitude:   44.3402,
		EventDate:   time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC),
		ReportedAt:  time.Date(2024, 3, 5, 11, 5, 0, 0, time.UTC),
		Projectiles: 2,
		Killed:      -1,
		Wounded:     3,
		Actor:       "Example Brigades",
		ActorRole:   "claimed",
		Title:       "Two drones hit Harir base in Erbil province, three hurt",
		Sources: []notify.Source{
			{Feed: "Example Wire", Title: "Two drones hit Harir base", Link: "https://wire.example/a/1"},
			{Feed: "Sample Daily", Title: "Harir base attacked", Link: "https://daily.example/harir?id=2&lang=en"},
			{Feed: "Bad Link Times", Title: "x", Link: "javascript:alert(1)"},
			{Feed: "Fourth Outlet", Title: "y", Link: "https://fourth.example/y"},
		},
		SourceCount: 5,
	}
}

func TestOutput(t *testing.T) {
	upd := sampleAlert()
	upd.Kind = "update"
	upd.Killed = 1
	upd.Changes = []string{"Toll now 1 killed, 3 wounded", "Claimed by Example Brigades"}
	recap := notify.Recap{Date: time.Date(2024, 3, 5, 0, 0, 0, 0, baghdad), Lines: []notify.RecapLine{
		{IncidentID: "inc-1", Year: 2020, Site: "Harir Air Base", Weapon: "rocket", Killed: 0, Wounded: 0, Link: "https://wire.example/2020"},
		{IncidentID: "inc-2", Year: 2022, Site: "", Weapon: "", Killed: 2, Wounded: -1},
	}}
	for _, jsonLines := range []bool{false, true} {
		name := "text"
		if jsonLines {
			name = "json"
		}
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			o := New(&buf, jsonLines, baghdad, func() time.Time { return now })
			ctx := context.Background()
			ref, err := o.Post(ctx, "", sampleAlert(), "k1")
			if err != nil || ref != "console|k1" {
				t.Fatalf("Post = %q, %v", ref, err)
			}
			if _, err := o.Update(ctx, "", ref, upd, "k2"); err != nil {
				t.Fatal(err)
			}
			if _, err := o.PostRecap(ctx, "", recap, "k3"); err != nil {
				t.Fatal(err)
			}
			if _, err := o.PostRecap(ctx, "", notify.Recap{Date: recap.Date, Empty: "Nothing on this date."}, "k4"); err != nil {
				t.Fatal(err)
			}
			before := buf.Len()
			if ref, err := o.PostRecap(ctx, "", notify.Recap{Date: recap.Date}, "k5"); err != nil || ref != "" {
				t.Fatalf("empty recap = %q, %v", ref, err)
			}
			if buf.Len() != before {
				t.Errorf("an empty recap without Empty text printed %q", buf.String()[before:])
			}
			if jsonLines {
				for i, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
					var m map[string]any
					if err := json.Unmarshal([]byte(line), &m); err != nil {
						t.Errorf("line %d is not JSON: %v", i+1, err)
					}
				}
			}
			golden(t, name, buf.Bytes())
		})
	}
}

func TestEscapesTerminalControls(t *testing.T) {
	a := sampleAlert()
	a.Title = "Base hit\x1b[2J\x1b]0;owned\x07 again\r\nsecond line \u202eevil"
	var buf bytes.Buffer
	if _, err := New(&buf, false, nil, nil).Post(context.Background(), "", a, "k"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"\x1b", "\x07", "\r", "\u202e", "second line\n"} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q:\n%s", bad, out)
		}
	}
	if !strings.Contains(out, "Report:   Base hit [2J ]0;owned again second line evil") {
		t.Errorf("title not printed as one clean line:\n%s", out)
	}
}

func TestFind(t *testing.T) {
	o := New(&bytes.Buffer{}, false, nil, nil)
	ctx := context.Background()
	if ref, _ := o.Find(ctx, "", "k"); ref != "" {
		t.Fatalf("Find before Post = %q", ref)
	}
	ref, err := o.Post(ctx, "", sampleAlert(), "k")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := o.Find(ctx, "", "k"); got != ref {
		t.Errorf("Find = %q, want %q", got, ref)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestWriteErrorAndCancel(t *testing.T) {
	o := New(failWriter{}, false, nil, nil)
	if _, err := o.Post(context.Background(), "", sampleAlert(), "k"); err == nil || !strings.Contains(err.Error(), "broken pipe") {
		t.Errorf("Post on a broken writer: %v", err)
	}
	if ref, _ := o.Find(context.Background(), "", "k"); ref != "" {
		t.Errorf("a failed write was remembered as %q", ref)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var buf bytes.Buffer
	if _, err := New(&buf, false, nil, nil).Post(ctx, "", sampleAlert(), "k"); !errors.Is(err, context.Canceled) || buf.Len() != 0 {
		t.Errorf("cancelled Post: %v, wrote %q", err, buf.String())
	}
}
