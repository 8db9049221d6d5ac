package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

const muteColumns = `id, target_kind, target, until, created_by, created_at, reason`

func queryMutes(ctx context.Context, q querier, d dialect, now time.Time) ([]Mute, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+muteColumns+` FROM mutes WHERE until > $1 ORDER BY until, id`, d.t(now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Mute
	for rows.Next() {
		var m Mute
		if err := rows.Scan(&m.ID, &m.Kind, &m.Target, tc(&m.Until), &m.CreatedBy, tc(&m.CreatedAt), &m.Reason); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func checkMuteTarget(kind, target string) error {
	if kind != MuteSite && kind != MuteRule {
		return fmt.Errorf("store: mute: kind %q: want %q or %q", kind, MuteSite, MuteRule)
	}
	if target == "" {
		return errors.New("store: mute: empty target")
	}
	return nil
}

// Mute implements Store. It runs in an Update transaction, so that it is
// serialised with the decisions that read mutes.
func (s *sqlStore) Mute(ctx context.Context, m Mute) (Mute, error) {
	if err := checkMuteTarget(m.Kind, m.Target); err != nil {
		return m, err
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = s.now()
	}
	m.CreatedAt = m.CreatedAt.UTC().Truncate(time.Microsecond)
	m.Until = m.Until.UTC().Truncate(time.Microsecond)
	if !m.Until.After(m.CreatedAt) {
		return m, fmt.Errorf("store: mute %s %q: until %s is not after %s", m.Kind, m.Target,
			m.Until.Format(time.RFC3339), m.CreatedAt.Format(time.RFC3339))
	}
	op := fmt.Sprintf("mute %s %q", m.Kind, m.Target)
	err := s.Update(ctx, func(tx Tx) error {
		t := tx.(*sqlTx)
		d := s.d
		if _, err := t.q.ExecContext(ctx, `UPDATE mutes SET until = $1
			WHERE target_kind = $2 AND target = $3 AND until > $1`, d.t(m.CreatedAt), m.Kind, m.Target); err != nil {
			return err
		}
		return t.q.QueryRowContext(ctx, `INSERT INTO mutes (target_kind, target, until, created_by, created_at, reason)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			m.Kind, m.Target, d.t(m.Until), m.CreatedBy, d.t(m.CreatedAt), m.Reason).Scan(&m.ID)
	})
	return m, s.wrap(op, err)
}

// Unmute implements Store: the active mute ends at the store's clock.
func (s *sqlStore) Unmute(ctx context.Context, kind, target string) (bool, error) {
	if err := checkMuteTarget(kind, target); err != nil {
		return false, err
	}
	now := s.d.t(s.now())
	var n int64
	err := s.Update(ctx, func(tx Tx) error {
		res, err := tx.(*sqlTx).q.ExecContext(ctx, `UPDATE mutes SET until = $1
			WHERE target_kind = $2 AND target = $3 AND until > $1`, now, kind, target)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n > 0, s.wrap(fmt.Sprintf("unmute %s %q", kind, target), err)
}

// Mutes implements Store.
func (s *sqlStore) Mutes(ctx context.Context, now time.Time) ([]Mute, error) {
	out, err := queryMutes(ctx, s.read, s.d, now)
	return out, s.wrap("read mutes", err)
}

// ActiveMutes implements Tx.
func (t *sqlTx) ActiveMutes(now time.Time) ([]Mute, error) {
	out, err := queryMutes(t.ctx, t.q, t.s.d, now)
	return out, t.s.wrap("read mutes", err)
}
