package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

const feedColumns = `name, etag, last_modified, last_poll, last_success, last_error, last_error_at, failures, next_poll, items`

func scanFeedState(sc interface{ Scan(...any) error }) (FeedState, error) {
	var st FeedState
	err := sc.Scan(&st.Name, &st.ETag, &st.LastModified, tc(&st.LastPoll), tc(&st.LastSuccess),
		&st.LastError, tc(&st.LastErrorAt), &st.Failures, tc(&st.NextPoll), &st.Items)
	return st, err
}

// FeedState implements Store.
func (s *sqlStore) FeedState(ctx context.Context, name string) (FeedState, error) {
	st, err := scanFeedState(s.read.QueryRowContext(ctx, `SELECT `+feedColumns+` FROM feeds WHERE name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return FeedState{}, fmt.Errorf("%w: feed %q", ErrNotFound, name)
	}
	if err != nil {
		return FeedState{}, s.wrap(fmt.Sprintf("read feed %q", name), err)
	}
	return st, nil
}

// SaveFeedState implements Store.
func (s *sqlStore) SaveFeedState(ctx context.Context, st FeedState) error {
	if st.Name == "" {
		return errors.New("store: save feed state: empty feed name")
	}
	d := s.d
	return s.writeTx(ctx, fmt.Sprintf("write feed %q", st.Name), false, func(tx querier) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO feeds (`+feedColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (name) DO UPDATE SET
				etag = excluded.etag, last_modified = excluded.last_modified,
				last_poll = excluded.last_poll, last_success = excluded.last_success,
				last_error = excluded.last_error, last_error_at = excluded.last_error_at,
				failures = excluded.failures, next_poll = excluded.next_poll, items = excluded.items`,
			st.Name, st.ETag, st.LastModified, d.t(st.LastPoll), d.t(st.LastSuccess),
			st.LastError, d.t(st.LastErrorAt), st.Failures, d.t(st.NextPoll), st.Items)
		return err
	})
}

// FeedStates implements Store: every feed ever saved, by name.
func (s *sqlStore) FeedStates(ctx context.Context) ([]FeedState, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+feedColumns+` FROM feeds ORDER BY name`)
	if err != nil {
		return nil, s.wrap("read feeds", err)
	}
	defer rows.Close()
	var out []FeedState
	for rows.Next() {
		st, err := scanFeedState(rows)
		if err != nil {
			return nil, s.wrap("read feeds", err)
		}
		out = append(out, st)
	}
	return out, s.wrap("read feeds", rows.Err())
}
