package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// LeaseFeed implements Store. Expiry is judged by the store's clock
// (Options.Now), so processes sharing a database should have synchronised
// clocks; a lease is renewed by its owner calling LeaseFeed again.
func (s *sqlStore) LeaseFeed(ctx context.Context, name, owner string, until time.Time) (bool, error) {
	if name == "" || owner == "" {
		return false, fmt.Errorf("store: lease feed %q: empty feed name or owner %q", name, owner)
	}
	now := s.now()
	var got bool
	err := s.writeTx(ctx, fmt.Sprintf("lease feed %q", name), false, func(tx querier) error {
		var holder string
		err := tx.QueryRowContext(ctx, `INSERT INTO feed_leases (name, lease_owner, lease_until)
			VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until = excluded.lease_until
			WHERE feed_leases.lease_owner = excluded.lease_owner OR feed_leases.lease_until <= $4
			RETURNING lease_owner`,
			name, owner, s.d.t(until), s.d.t(now)).Scan(&holder)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			got = false
			return nil
		case err != nil:
			return err
		}
		got = holder == owner
		return nil
	})
	return got, err
}

// ReleaseFeed implements Store. Releasing a lease held by another owner,
// or none, does nothing.
func (s *sqlStore) ReleaseFeed(ctx context.Context, name, owner string) error {
	return s.writeTx(ctx, fmt.Sprintf("release feed %q", name), false, func(tx querier) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM feed_leases WHERE name = $1 AND lease_owner = $2`, name, owner)
		return err
	})
}
