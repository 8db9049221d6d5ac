package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Drivers accepted by Open.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// Options configure OpenOptions.
type Options struct {
	// Driver is DriverSQLite or DriverPostgres.
	Driver string
	// DSN is, for SQLite, a file path (optionally "file:" prefixed and with
	// "?key=value" parameters that override the defaults, e.g.
	// "_synchronous=NORMAL" or "mode=ro"); for PostgreSQL a
	// postgres://user:pass@host/db URL or a "host=... dbname=..." string.
	DSN string
	// Now is the clock used for CreatedAt/UpdatedAt of incidents, CreatedAt
	// of deliveries and the expiry of feed leases. Nil means time.Now.
	Now func() time.Time
}

// Open opens the store of driver at dsn and brings its schema up to date.
// See Options for the forms of dsn.
func Open(ctx context.Context, driver, dsn string) (Store, error) {
	return OpenOptions(ctx, Options{Driver: driver, DSN: dsn})
}

// OpenOptions is Open with a clock.
func OpenOptions(ctx context.Context, o Options) (Store, error) {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	var (
		s   *sqlStore
		err error
	)
	switch o.Driver {
	case DriverSQLite:
		s, err = openSQLite(ctx, o.DSN)
	case DriverPostgres:
		s, err = openPostgres(ctx, o.DSN)
	default:
		return nil, fmt.Errorf("store: unknown driver %q (want %q or %q)", o.Driver, DriverSQLite, DriverPostgres)
	}
	if err != nil {
		return nil, err
	}
	s.now = now
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// sqliteDefaults are the connection parameters of every SQLite connection,
// unless the DSN overrides them: WAL so that readers never block the writer,
// a busy timeout so that a second process waits instead of failing, foreign
// keys on, and FULL sync so that a committed "sent" survives a power cut.
var sqliteDefaults = [][2]string{
	{"_busy_timeout", "10000"},
	{"_journal_mode", "WAL"},
	{"_foreign_keys", "1"},
	{"_synchronous", "FULL"},
}

// openSQLite opens two pools on one file: a writer with a single connection
// whose transactions are BEGIN IMMEDIATE (so writes are serialised in the
// process and across processes), and readers that may run in parallel with
// it thanks to WAL.
func openSQLite(ctx context.Context, dsn string) (*sqlStore, error) {
	path, query, _ := strings.Cut(dsn, "?")
	path = strings.TrimPrefix(path, "file:")
	if path == "" {
		return nil, errors.New("store: sqlite: empty database path (set store.path, e.g. basewatch.db)")
	}
	if path == ":memory:" || strings.Contains(query, "mode=memory") {
		return nil, errors.New("store: sqlite: in-memory databases are not supported (use a file path; a temporary directory for tests)")
	}
	where := "sqlite " + path
	if dir := filepath.Dir(path); dir != "" {
		if fi, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("store: open %s: directory %s: %w (create it first)", where, dir, err)
		} else if !fi.IsDir() {
			return nil, fmt.Errorf("store: open %s: %s is not a directory", where, dir)
		}
	}
	user, err := url.ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: bad parameters %q: %w", where, query, err)
	}
	readOnly := user.Get("mode") == "ro" || user.Get("immutable") == "1"

	build := func(extra ...[2]string) string {
		q := url.Values{}
		for _, kv := range sqliteDefaults {
			if readOnly && kv[0] == "_journal_mode" {
				continue // changing the journal mode is a write
			}
			q.Set(kv[0], kv[1])
		}
		for _, kv := range extra {
			q.Set(kv[0], kv[1])
		}
		for k, v := range user {
			q[k] = v
		}
		return "file:" + escapeSQLitePath(path) + "?" + q.Encode()
	}

	s := &sqlStore{d: dialectSQLite, where: where}
	s.write, err = sql.Open("sqlite", build([2]string{"_txlock", "immediate"}))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", where, err)
	}
	s.write.SetMaxOpenConns(1)
	s.write.SetMaxIdleConns(1)
	s.write.SetConnMaxLifetime(0)
	s.write.SetConnMaxIdleTime(0)
	// The writer connects first: it creates the file and switches it to
	// WAL before any reader looks at it.
	if err := s.write.PingContext(ctx); err != nil {
		s.write.Close()
		return nil, s.wrap("open", err)
	}
	s.stmts = newStmtCache(s.write)
	s.read, err = sql.Open("sqlite", build([2]string{"_query_only", "1"}))
	if err != nil {
		s.write.Close()
		return nil, fmt.Errorf("store: open %s: %w", where, err)
	}
	s.read.SetMaxOpenConns(4)
	s.read.SetMaxIdleConns(4)
	if err := s.read.PingContext(ctx); err != nil {
		s.Close()
		return nil, s.wrap("open", err)
	}
	return s, nil
}

// escapeSQLitePath escapes the characters that have a meaning in an SQLite
// URI filename.
func escapeSQLitePath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}

func openPostgres(ctx context.Context, dsn string) (*sqlStore, error) {
	where := "postgres " + RedactDSN(dsn)
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %s", where, scrubPassword(err.Error(), dsn))
	}
	where = fmt.Sprintf("postgres %s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(10)
	db.SetMaxIdleConns(5)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &sqlStore{d: dialectPostgres, where: where, read: db, write: db}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %s", where, scrubPassword(err.Error(), dsn))
	}
	return s, nil
}

var (
	kvPassword = regexp.MustCompile(`(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)
)

// RedactDSN returns dsn with any password replaced by "xxxxx", so that it
// can be logged or shown in an error. It understands postgres:// URLs
// (user:password@ and ?password=) and key=value strings; anything else,
// such as an SQLite path, is returned unchanged.
func RedactDSN(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			// Unparseable: cut everything between "://" and the last "@".
			scheme, rest, _ := strings.Cut(dsn, "://")
			if i := strings.LastIndex(rest, "@"); i >= 0 {
				return scheme + "://xxxxx@" + rest[i+1:]
			}
			return scheme + "://" + rest
		}
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		q := u.Query()
		if q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.Redacted()
	}
	return kvPassword.ReplaceAllString(dsn, "${1}xxxxx")
}

// scrubPassword removes the password of dsn from msg, for error messages
// of libraries that may quote it.
func scrubPassword(msg, dsn string) string {
	var pw []string
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			pw = append(pw, p)
		}
		if p := u.Query().Get("password"); p != "" {
			pw = append(pw, p)
		}
	}
	for _, m := range kvPassword.FindAllStringSubmatch(dsn, -1) {
		pw = append(pw, strings.Trim(m[2], "'"), m[2])
	}
	for _, p := range pw {
		if len(p) > 0 {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
		}
	}
	return msg
}
