package store

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestRedactDSN(t *testing.T) {
	cases := []struct{ in, want string }{
		{"postgres://bw:s3cret@db.example:5432/basewatch?sslmode=require", "postgres://bw:xxxxx@db.example:5432/basewatch?sslmode=require"},
		{"postgresql://bw@db.example/basewatch", "postgresql://bw@db.example/basewatch"},
		{"postgres://db.example/basewatch?user=bw&password=s3cret", "postgres://db.example/basewatch?password=xxxxx&user=bw"},
		{"postgres://bw:p%40ss@db.example/basewatch", "postgres://bw:xxxxx@db.example/basewatch"},
		{"postgres://bw:bad%zz@db.example/basewatch", "postgres://xxxxx@db.example/basewatch"},
		{"host=db.example user=bw password=s3cret dbname=basewatch", "host=db.example user=bw password=xxxxx dbname=basewatch"},
		{"host=db.example password = 's3 cret' dbname=basewatch", "host=db.example password = xxxxx dbname=basewatch"},
		{"host=/run/postgresql dbname=basewatch", "host=/run/postgresql dbname=basewatch"},
		{"data/basewatch.db", "data/basewatch.db"},
	}
	for _, c := range cases {
		if got := RedactDSN(c.in); got != c.want {
			t.Errorf("RedactDSN(%q) = %q, want %q", c.in, got, c.want)
		}
		if strings.Contains(RedactDSN(c.in), "s3") {
			t.Errorf("RedactDSN(%q) leaks the password", c.in)
		}
	}
}

// TestPostgresOpenErrorsHidePassword connects to a loopback port where no
// server listens and with a DSN that does not parse: neither error may show
// the password, and both must name where.
func TestPostgresOpenErrorsHidePassword(t *testing.T) {
	cases := []struct{ dsn, want string }{
		{"postgres://bw:hunter2-secret@127.0.0.1:1/basewatch?connect_timeout=2", "127.0.0.1"},
		{"host=127.0.0.1 port=1 user=bw password=hunter2-secret dbname=basewatch connect_timeout=2", "127.0.0.1"},
		{"postgres://bw:hunter2-secret@127.0.0.1:notaport/basewatch", "127.0.0.1"},
		{"host=127.0.0.1 port=1 password=hunter2-secret connect_timeout=2", "127.0.0.1"},
	}
	for _, c := range cases {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		s, err := Open(ctx, "postgres", c.dsn)
		cancel()
		if err == nil {
			s.Close()
			t.Errorf("Open(%s): no error", RedactDSN(c.dsn))
			continue
		}
		t.Logf("%v", err)
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error leaks the password: %v", err)
		}
		if !strings.HasPrefix(err.Error(), "store: open postgres") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %q does not start with %q and name %q", err, "store: open postgres", c.want)
		}
	}
}

func TestOpenUnknownDriver(t *testing.T) {
	_, err := Open(context.Background(), "mysql", "x")
	if err == nil || !strings.Contains(err.Error(), `"mysql"`) {
		t.Errorf("Open with driver mysql: %v", err)
	}
}

func TestMigrations(t *testing.T) {
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no migrations embedded")
	}
	for _, m := range ms {
		for d, r := range dialectTypes {
			if out := r.Replace(m.sql); strings.Contains(out, "{{") {
				t.Errorf("%s: dialect %d leaves a placeholder", m.name, d)
			}
		}
	}
	bad := []fstest.MapFS{
		{"migrations/0001_a.sql": {}, "migrations/0003_c.sql": {}},
		{"migrations/0001_a.sql": {}, "migrations/2_b.sql": {}},
		{"migrations/0001_a.sql": {Data: []byte("CREATE TABLE {{TYPO}}")}},
		{"migrations/first.sql": {}},
	}
	for _, fsys := range bad {
		if _, err := loadMigrations(fsys); err == nil {
			t.Errorf("loadMigrations accepted %v", fsys)
		}
	}
}
