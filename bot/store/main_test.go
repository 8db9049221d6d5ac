package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// EnvTestPostgres names the environment variable with the DSN of a
// PostgreSQL database the tests may use to create and drop databases. When
// it is not set, the tests start a throwaway cluster with .ci/postgres.sh.
const EnvTestPostgres = "BASEWATCH_TEST_POSTGRES"

// postgresScript starts and stops the throwaway cluster.
const postgresScript = "../../.ci/postgres.sh"

// pgEnv is the PostgreSQL server of this test run, set up by TestMain.
type pgEnv struct {
	admin   string // DSN of a database from which to create the others
	skip    string // why PostgreSQL tests are skipped, when admin is ""
	adminDB *sql.DB
	n       atomic.Int64
}

var pg pgEnv

func TestMain(m *testing.M) {
	if role := os.Getenv(envHelper); role != "" {
		// A child process started by testTwoProcesses.
		os.Exit(runHelper(role))
	}
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	stop, err := setupPostgres()
	if err != nil {
		fmt.Fprintln(os.Stderr, "store tests:", err)
		return 1
	}
	defer stop()
	return m.Run()
}

// setupPostgres fills pg: from EnvTestPostgres, or from a cluster it
// starts, or with the reason to skip.
func setupPostgres() (stop func(), err error) {
	stop = func() {}
	if dsn := os.Getenv(EnvTestPostgres); dsn != "" {
		pg.admin = dsn
	} else {
		bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
		if _, err := exec.LookPath("initdb"); err != nil && len(bins) == 0 {
			pg.skip = "no PostgreSQL installed (no /usr/lib/postgresql/*/bin/initdb or initdb on PATH) and " + EnvTestPostgres + " not set"
			return stop, nil
		}
		// The script gives dir to the postgres user; its parent (the
		// temporary directory) is searchable by all.
		dir, err := os.MkdirTemp("", "basewatch-pg-")
		if err != nil {
			return stop, err
		}
		var out, errOut bytes.Buffer
		cmd := exec.Command(postgresScript, "start", dir)
		// The watchdog stops the server if this process dies first.
		cmd.Env = append(os.Environ(), fmt.Sprintf("WATCH_PID=%d", os.Getpid()))
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			os.RemoveAll(dir)
			return stop, fmt.Errorf("%s start %s: %v\n%s", postgresScript, dir, err, errOut.String())
		}
		pg.admin = strings.TrimSpace(out.String())
		stop = func() {
			if pg.adminDB != nil {
				pg.adminDB.Close()
			}
			cmd := exec.Command(postgresScript, "stop", dir)
			cmd.Stderr = os.Stderr
			if err := cmd.Run(); err != nil {
				fmt.Fprintf(os.Stderr, "%s stop %s: %v\n", postgresScript, dir, err)
			}
			os.RemoveAll(dir)
		}
	}
	cfg, err := pgx.ParseConfig(pg.admin)
	if err != nil {
		stop()
		return func() {}, fmt.Errorf("%s: %v", EnvTestPostgres, err)
	}
	pg.adminDB = stdlib.OpenDB(*cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := pg.adminDB.PingContext(ctx); err != nil {
		stop()
		return func() {}, fmt.Errorf("connect to test PostgreSQL %s: %v", RedactDSN(pg.admin), err)
	}
	return stop, nil
}

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// backend is one implementation under test: its driver, and how to make
// a DSN of a new, empty database.
type backend struct {
	driver string
	fresh  func(t *testing.T) string
}

// open opens dsn with clk and closes it at the end of the test.
func (b backend) open(t *testing.T, dsn string, clk *clock) Store {
	t.Helper()
	s, err := OpenOptions(context.Background(), Options{Driver: b.driver, DSN: dsn, Now: clk.Now})
	if err != nil {
		t.Fatalf("open %s: %v", b.driver, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

var sqliteBackend = backend{
	driver: DriverSQLite,
	fresh: func(t *testing.T) string {
		return filepath.Join(t.TempDir(), "basewatch.db")
	},
}

var postgresBackend = backend{
	driver: DriverPostgres,
	fresh: func(t *testing.T) string {
		t.Helper()
		if pg.admin == "" {
			t.Skip("PostgreSQL tests skipped: " + pg.skip)
		}
		name := fmt.Sprintf("bw_test_%d_%d", os.Getpid(), pg.n.Add(1))
		ctx := context.Background()
		if _, err := pg.adminDB.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			t.Fatalf("create database %s: %v", name, err)
		}
		t.Cleanup(func() {
			if _, err := pg.adminDB.ExecContext(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
				t.Errorf("drop database %s: %v", name, err)
			}
		})
		return withDatabase(t, pg.admin, name)
	},
}

// withDatabase returns dsn naming database db instead.
func withDatabase(t testing.TB, dsn, db string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		u.Path = "/" + db
		return u.String()
	}
	return dsn + " dbname=" + db // the last dbname wins
}
