package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pragma reads one PRAGMA on the writer connection of an SQLite store.
func pragma(t *testing.T, s Store, name string) string {
	t.Helper()
	var v string
	if err := s.(*sqlStore).write.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

func TestSQLitePragmas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	s := sqliteBackend.open(t, path, newClock())
	for name, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "synchronous": "2", "busy_timeout": "10000"} {
		if got := pragma(t, s, name); got != want {
			t.Errorf("PRAGMA %s = %s, want %s", name, got, want)
		}
	}
	// The DSN's parameters override the defaults.
	o := sqliteBackend.open(t, path+"?_synchronous=NORMAL&_busy_timeout=50", newClock())
	if got := pragma(t, o, "synchronous"); got != "1" {
		t.Errorf("with _synchronous=NORMAL: synchronous = %s, want 1", got)
	}
	if got := pragma(t, o, "busy_timeout"); got != "50" {
		t.Errorf("with _busy_timeout=50: busy_timeout = %s", got)
	}
	// A file: URI names the same file.
	u := sqliteBackend.open(t, "file:"+path, newClock())
	update(t, s, func(tx Tx) error { return tx.MarkSeen("f", []string{"k"}, time.Now()) })
	update(t, u, func(tx Tx) error {
		seen, err := tx.Seen([]string{"k"})
		if !seen["k"] {
			t.Error("the file: URI opened another database")
		}
		return err
	})
}

func TestSQLiteOpenErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		dsn  string
		want string
	}{
		{"", "empty database path"},
		{":memory:", "in-memory"},
		{filepath.Join(dir, "no", "such", "dir", "x.db"), "no/such/dir"},
		{filepath.Join(dir, "x.db") + "?_journal_mode=SIDEWAYS", "x.db"},
	}
	for _, c := range cases {
		t.Run(c.dsn, func(t *testing.T) {
			s, err := Open(ctx, "sqlite", c.dsn)
			if err == nil {
				s.Close()
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "store: ") {
				t.Errorf("error %q does not start with store: and name %q", err, c.want)
			}
		})
	}
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("not a database\n", 400)), 0o644); err != nil {
		t.Fatal(err)
	}
	if s, err := Open(ctx, "sqlite", notDB); err == nil {
		s.Close()
		t.Error("opening a text file: no error")
	} else if t.Logf("text file: %v", err); !strings.Contains(err.Error(), "not a basewatch database") {
		t.Errorf("opening a text file: %v", err)
	}
}

// TestSQLiteDiskFull fills the database to SQLite's page limit, which fails
// the way a full disk does (SQLITE_FULL), in the middle of a transaction.
func TestSQLiteDiskFull(t *testing.T) {
	path := filepath.Join(t.TempDir(), "full.db")
	s := sqliteBackend.open(t, path, newClock())
	kept := sampleIncident("kept", day(2025, 3, 13))
	update(t, s, func(tx Tx) error { return tx.CreateIncident(&kept) })
	pages := pragma(t, s, "page_count")
	if _, err := s.(*sqlStore).write.ExecContext(ctx, "PRAGMA max_page_count = "+pages); err != nil {
		t.Fatal(err)
	}
	err := s.Update(ctx, func(tx Tx) error {
		for i := range 200 {
			in := sampleIncident(fmt.Sprintf("big-%d", i), day(2025, 3, 13))
			in.Summary = strings.Repeat("x", 4000)
			if err := tx.CreateIncident(&in); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		t.Fatal("no error writing past the page limit")
	}
	msg := err.Error()
	t.Logf("disk full: %v", err)
	for _, want := range []string{"store: write incident", path, "disk full?"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
	// Reads go on, and nothing of the failed transaction is there.
	if n, err := s.CountIncidents(ctx); err != nil || n != 1 {
		t.Errorf("after the failure: %d incidents, %v; want 1", n, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = sqliteBackend.open(t, path, newClock())
	if got := pragma(t, s, "integrity_check"); got != "ok" {
		t.Errorf("integrity_check after disk full: %s", got)
	}
	if got, err := s.Incident(ctx, "kept"); err != nil || got.Summary != kept.Summary {
		t.Errorf("incident written before: %+v, %v", got, err)
	}
	in := sampleIncident("after", day(2025, 3, 14))
	update(t, s, func(tx Tx) error { return tx.CreateIncident(&in) })
}

// TestSQLiteReadOnly opens the file read-only (O_RDONLY, as on a read-only
// mount; chmod does not stop root, who runs the tests): reads work, writes
// fail with a clear error, and the database is intact afterwards.
func TestSQLiteReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ro.db")
	s := sqliteBackend.open(t, path, newClock())
	in := sampleIncident("inc-1", day(2025, 3, 13))
	update(t, s, func(tx Tx) error { return tx.CreateIncident(&in) })
	if err := s.SaveFeedState(ctx, FeedState{Name: "wire", Items: 3}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	ro := sqliteBackend.open(t, path+"?mode=ro", newClock())
	if got, err := ro.Incident(ctx, "inc-1"); err != nil || got.ID != "inc-1" {
		t.Fatalf("read from a read-only database: %+v, %v", got, err)
	}
	writes := map[string]error{
		"update": ro.Update(ctx, func(tx Tx) error {
			x := sampleIncident("inc-2", day(2025, 3, 14))
			return tx.CreateIncident(&x)
		}),
		"save feed": ro.SaveFeedState(ctx, FeedState{Name: "wire", Items: 4}),
	}
	for what, err := range writes {
		t.Logf("%s: %v", what, err)
		if err == nil {
			t.Errorf("%s on a read-only database: no error", what)
			continue
		}
		if !strings.Contains(err.Error(), "read-only") || !strings.Contains(err.Error(), path) {
			t.Errorf("%s on a read-only database: %q does not say read-only and name the file", what, err)
		}
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}

	s = sqliteBackend.open(t, path, newClock())
	if got := pragma(t, s, "integrity_check"); got != "ok" {
		t.Errorf("integrity_check: %s", got)
	}
	if st, err := s.FeedState(ctx, "wire"); err != nil || st.Items != 3 {
		t.Errorf("feed state after the failed write: %+v, %v", st, err)
	}
	if n, _ := s.CountIncidents(ctx); n != 1 {
		t.Errorf("%d incidents, want 1", n)
	}
}

// TestSQLiteNewerSchema refuses a database written by a newer basewatch.
func TestSQLiteNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	s := sqliteBackend.open(t, path, newClock())
	if _, err := s.(*sqlStore).write.ExecContext(ctx, `UPDATE schema_version SET version = 999`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := Open(ctx, "sqlite", path)
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("open of a newer schema: %v", err)
	}
}

func TestSQLiteBusyIsRetried(t *testing.T) {
	// Another connection (another process, as far as SQLite can tell)
	// holds the write lock for a while; the store's busy timeout and
	// retries outlast it.
	path := filepath.Join(t.TempDir(), "busy.db")
	s := sqliteBackend.open(t, path+"?_busy_timeout=20", newClock())
	other := sqliteBackend.open(t, path, newClock())
	tx, err := other.(*sqlStore).write.BeginTx(ctx, nil) // BEGIN IMMEDIATE
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(150 * time.Millisecond)
		tx.Rollback()
		close(released)
	}()
	err = s.Update(ctx, func(tx Tx) error { return tx.MarkSeen("f", []string{"k"}, time.Now()) })
	<-released
	if err != nil {
		t.Fatalf("update while another connection writes: %v", err)
	}

	// When the lock is never released, the error says so.
	tx, err = other.(*sqlStore).write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	err = s.Update(ctx, func(tx Tx) error { return tx.MarkSeen("f", []string{"k2"}, time.Now()) })
	if err == nil || !strings.Contains(err.Error(), "locked by another process") {
		t.Errorf("update under a lock never released: %v", err)
	}
	var se interface{ Code() int }
	if !errors.As(err, &se) {
		t.Errorf("error %v does not unwrap to the driver's", err)
	}
}
