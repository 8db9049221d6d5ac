package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is the SQL flavour of a database.
type dialect int

const (
	dialectSQLite dialect = iota
	dialectPostgres
)

// Advisory lock keys (PostgreSQL): one serialises Update across processes,
// the other migrations. Arbitrary constants, spelled "bwupdate", "bwmigrat".
const (
	updateLockKey  int64 = 0x6277_7570_6461_7465
	migrateLockKey int64 = 0x6277_6d69_6772_6174
)

// maxAttempts bounds the retries of a write transaction that failed because
// the database was busy (SQLite) or a serialisation failure or deadlock
// (PostgreSQL).
const maxAttempts = 5

// sqlStore implements Store on database/sql for both dialects. For SQLite,
// write is a single-connection pool whose transactions are BEGIN IMMEDIATE
// and read a pool of query-only connections; for PostgreSQL both are the
// same pool.
type sqlStore struct {
	d     dialect
	write *sql.DB
	read  *sql.DB
	now   func() time.Time
	where string     // "sqlite PATH" or "postgres HOST:PORT/DB", for errors
	stmts *stmtCache // SQLite writer's; nil for PostgreSQL
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// t encodes a time for a query argument: UTC with microsecond precision
// (PostgreSQL's), as INTEGER unix microseconds for SQLite and timestamptz
// for PostgreSQL; the zero time is NULL.
func (d dialect) t(v time.Time) any {
	if v.IsZero() {
		return nil
	}
	v = v.UTC().Truncate(time.Microsecond)
	if d == dialectSQLite {
		return v.UnixMicro()
	}
	return v
}

// timeCol scans a time column written by dialect.t: NULL is the zero time.
type timeCol struct{ p *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.p = time.Time{}
	case int64:
		*c.p = time.UnixMicro(v).UTC()
	case time.Time:
		*c.p = v.UTC()
	default:
		return fmt.Errorf("time column: unexpected %T", src)
	}
	return nil
}

// tc is short for timeCol{p}.
func tc(p *time.Time) timeCol { return timeCol{p} }

// hint says in a few words what an error from the database probably means
// for the person running basewatch, or "" when it needs no explanation.
func hint(err error) string {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			return "disk full?"
		case sqlite3.SQLITE_READONLY:
			return "read-only database file, directory or disk?"
		case sqlite3.SQLITE_IOERR:
			return "disk error or disk full?"
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return "damaged or not a basewatch database: restore it from a backup"
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return "locked by another process for too long?"
		case sqlite3.SQLITE_CANTOPEN:
			return "missing directory or no permission?"
		}
		return ""
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53100":
			return "disk full on the PostgreSQL server?"
		case pe.Code == "25006":
			return "read-only server: a standby?"
		case pe.Code == "53300":
			return "too many connections to the server"
		case strings.HasPrefix(pe.Code, "57P"):
			return "server shutting down?"
		case strings.HasPrefix(pe.Code, "28"):
			return "wrong user or password?"
		}
	}
	return ""
}

// retryable reports whether a failed transaction may succeed if run again.
func retryable(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return false
}

// wrap adds the operation and a hint to an error from the database. Errors
// already wrapped by this package pass unchanged.
func (s *sqlStore) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrExists) || errors.Is(err, errWrapped) {
		return err
	}
	if h := hint(err); h != "" {
		return &storeError{msg: fmt.Sprintf("store: %s (%s): %v (%s)", op, s.where, err, h), err: err}
	}
	return &storeError{msg: fmt.Sprintf("store: %s (%s): %v", op, s.where, err), err: err}
}

// errWrapped marks errors already wrapped by wrap.
var errWrapped = errors.New("store: wrapped")

type storeError struct {
	msg string
	err error
}

func (e *storeError) Error() string { return e.msg }
func (e *storeError) Unwrap() []error {
	return []error{e.err, errWrapped}
}

// retry runs fn until it succeeds, fails with an error that a retry
// cannot fix, or maxAttempts are used.
func (s *sqlStore) retry(ctx context.Context, fn func() error) error {
	var err error
	for attempt := 1; ; attempt++ {
		err = fn()
		if err == nil || !retryable(err) || attempt == maxAttempts {
			return err
		}
		wait := time.Duration(attempt*attempt)*10*time.Millisecond + rand.N(10*time.Millisecond)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// writeTx runs fn in a write transaction, retried when busy: BEGIN
// IMMEDIATE on SQLite, so that reads inside fn see the latest state and
// the commit cannot fail on a stale snapshot.
func (s *sqlStore) writeTx(ctx context.Context, op string, lock bool, fn func(tx querier) error) error {
	err := s.retry(ctx, func() error {
		tx, err := s.write.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		var q querier = tx
		if s.stmts != nil {
			q = cachedTx{tx: tx, c: s.stmts}
			// Deferred first, so run after Rollback has freed the
			// connection.
			defer s.stmts.prepareWanted(context.WithoutCancel(ctx))
		}
		// Also when fn panics; a no-op after Commit.
		defer tx.Rollback()
		if lock && s.d == dialectPostgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, updateLockKey); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
		}
		if err := fn(q); err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
		return nil
	})
	var ce callerError
	if errors.As(err, &ce) {
		return ce.err
	}
	return s.wrap(op, err)
}

// callerError carries an error of Update's caller through writeTx, so that
// it is returned as it is.
type callerError struct{ err error }

func (e callerError) Error() string { return e.err.Error() }
func (e callerError) Unwrap() error { return e.err }

// Update implements Store. When the database is busy (or, on PostgreSQL,
// a serialisation failure or deadlock happens) fn is run again in a new
// transaction, so fn must not have effects outside the Tx.
func (s *sqlStore) Update(ctx context.Context, fn func(Tx) error) error {
	return s.writeTx(ctx, "update", true, func(tx querier) error {
		if err := fn(&sqlTx{ctx: ctx, q: tx, s: s}); err != nil {
			return callerError{err}
		}
		return nil
	})
}

// Ping implements Store.
func (s *sqlStore) Ping(ctx context.Context) error {
	var one int
	if err := s.read.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return s.wrap("ping", err)
	}
	return nil
}

// Close implements Store.
func (s *sqlStore) Close() error {
	var errs []error
	if s.stmts != nil {
		s.stmts.close()
	}
	if s.read != nil {
		errs = append(errs, s.read.Close())
	}
	if s.write != nil && s.write != s.read {
		errs = append(errs, s.write.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return s.wrap("close", err)
	}
	return nil
}

// sqlTx implements Tx inside Update.
type sqlTx struct {
	ctx context.Context
	q   querier
	s   *sqlStore
}

// placeholders returns "$from, $from+1, ..." n times.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
