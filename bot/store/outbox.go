package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

const deliveryColumns = `id, dedup_key, output, channel, incident_id, kind, payload, state, attempts,
	next_attempt, last_error, ref, lease_owner, lease_until, created_at, sent_at`

func scanDelivery(sc interface{ Scan(...any) error }) (Delivery, error) {
	var d Delivery
	err := sc.Scan(&d.ID, &d.Key, &d.Output, &d.Channel, &d.IncidentID, &d.Kind, &d.Payload, &d.State, &d.Attempts,
		tc(&d.NextAttempt), &d.LastError, &d.Ref, &d.LeaseOwner, tc(&d.LeaseUntil), tc(&d.CreatedAt), tc(&d.SentAt))
	return d, err
}

func queryDeliveries(ctx context.Context, q querier, query string, args ...any) ([]Delivery, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Enqueue implements Tx. State defaults to pending and CreatedAt to the
// store's clock; a zero NextAttempt means at once. d.ID is set, also when
// a delivery with the same Key already existed (to that one's ID).
func (t *sqlTx) Enqueue(d *Delivery) (bool, error) {
	op := fmt.Sprintf("enqueue delivery %q", d.Key)
	if d.Key == "" {
		return false, errors.New("store: enqueue delivery: empty key")
	}
	if d.State == "" {
		d.State = DeliveryPending
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = t.s.now()
	}
	dt := t.s.d.t
	var id int64
	err := t.q.QueryRowContext(t.ctx, `INSERT INTO deliveries
		(dedup_key, output, channel, incident_id, kind, payload, state, attempts, next_attempt, last_error, ref, created_at, sent_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (dedup_key) DO NOTHING
		RETURNING id`,
		d.Key, d.Output, d.Channel, d.IncidentID, d.Kind, d.Payload, d.State, d.Attempts, dt(d.NextAttempt),
		d.LastError, d.Ref, dt(d.CreatedAt), dt(d.SentAt)).Scan(&id)
	switch {
	case err == nil:
		d.ID = id
		return true, nil
	case !isNoRows(err):
		return false, t.s.wrap(op, err)
	}
	if err := t.q.QueryRowContext(t.ctx, `SELECT id FROM deliveries WHERE dedup_key = $1`, d.Key).Scan(&id); err != nil {
		return false, t.s.wrap(op, err)
	}
	d.ID = id
	return false, nil
}

// ClaimDeliveries implements Store. A limit of 0 or less claims every due
// delivery. On PostgreSQL, claimers in several processes skip each other's
// rows (FOR UPDATE SKIP LOCKED); on SQLite the claim is one immediate
// transaction.
func (s *sqlStore) ClaimDeliveries(ctx context.Context, owner string, now, leaseUntil time.Time, limit int) ([]Delivery, error) {
	if owner == "" {
		return nil, errors.New("store: claim deliveries: empty owner")
	}
	dt := s.d.t
	args := []any{owner, dt(leaseUntil), dt(now)}
	limitSQL, lockSQL := "", ""
	if limit > 0 {
		args = append(args, limit)
		limitSQL = "LIMIT $4"
	}
	if s.d == dialectPostgres {
		lockSQL = "FOR UPDATE SKIP LOCKED"
	}
	// The rows are picked in a materialised CTE, evaluated once: as a
	// subquery of the UPDATE, PostgreSQL may run it again for each row and,
	// skipping the rows this very statement has just locked, claim more
	// than limit.
	const due = `state = 'pending' AND (next_attempt IS NULL OR next_attempt <= $3) AND (lease_until IS NULL OR lease_until <= $3)`
	query := `WITH picked AS MATERIALIZED (
			SELECT id FROM deliveries WHERE ` + due + ` ORDER BY id ` + limitSQL + ` ` + lockSQL + `
		)
		UPDATE deliveries SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
		WHERE ` + due + ` AND id IN (SELECT id FROM picked)
		RETURNING ` + deliveryColumns
	var out []Delivery
	err := s.writeTx(ctx, "claim deliveries", false, func(tx querier) error {
		var err error
		out, err = queryDeliveries(ctx, tx, query, args...)
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Delivery) int { return int(a.ID - b.ID) })
	return out, nil
}

// setDelivery runs one UPDATE of delivery id; no such delivery is
// ErrNotFound.
func (s *sqlStore) setDelivery(ctx context.Context, op string, id int64, set string, args ...any) error {
	return s.writeTx(ctx, fmt.Sprintf("%s delivery %d", op, id), false, func(tx querier) error {
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET `+set+` WHERE id = $1`, append([]any{id}, args...)...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%w: delivery %d", ErrNotFound, id)
		}
		return nil
	})
}

// MarkSent implements Store.
func (s *sqlStore) MarkSent(ctx context.Context, id int64, ref string, at time.Time) error {
	return s.setDelivery(ctx, "mark sent", id,
		`state = 'sent', ref = $2, sent_at = $3, last_error = '', lease_owner = '', lease_until = NULL`,
		ref, s.d.t(at))
}

// MarkRetry implements Store.
func (s *sqlStore) MarkRetry(ctx context.Context, id int64, next time.Time, lastErr string) error {
	return s.setDelivery(ctx, "mark retry", id,
		`state = 'pending', next_attempt = $2, last_error = $3, lease_owner = '', lease_until = NULL`,
		s.d.t(next), lastErr)
}

// Postpone implements Store.
func (s *sqlStore) Postpone(ctx context.Context, id int64, next time.Time, reason string) error {
	return s.setDelivery(ctx, "postpone", id,
		`state = 'pending', next_attempt = $2, last_error = $3, lease_owner = '', lease_until = NULL,
		attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END`,
		s.d.t(next), reason)
}

// SentAlert implements Store.
func (s *sqlStore) SentAlert(ctx context.Context, incidentID, output, channel string) (Delivery, error) {
	ds, err := queryDeliveries(ctx, s.read, `SELECT `+deliveryColumns+` FROM deliveries
		WHERE incident_id = $1 AND output = $2 AND channel = $3 AND kind = 'alert' AND state = 'sent'
		ORDER BY id LIMIT 1`, incidentID, output, channel)
	if err != nil {
		return Delivery{}, s.wrap(fmt.Sprintf("read sent alert of incident %q", incidentID), err)
	}
	if len(ds) == 0 {
		return Delivery{}, fmt.Errorf("%w: sent alert of incident %q on %s/%s", ErrNotFound, incidentID, output, channel)
	}
	return ds[0], nil
}

// MarkFailed implements Store.
func (s *sqlStore) MarkFailed(ctx context.Context, id int64, lastErr string) error {
	return s.setDelivery(ctx, "mark failed", id,
		`state = 'failed', last_error = $2, lease_owner = '', lease_until = NULL`, lastErr)
}

// SentRef implements Store. When several alerts were sent (which the
// outbox keys should prevent) the first one's Ref is returned.
func (s *sqlStore) SentRef(ctx context.Context, incidentID, output, channel string) (string, error) {
	var ref string
	err := s.read.QueryRowContext(ctx, `SELECT ref FROM deliveries
		WHERE incident_id = $1 AND output = $2 AND channel = $3 AND kind = 'alert' AND state = 'sent'
		ORDER BY id LIMIT 1`, incidentID, output, channel).Scan(&ref)
	if isNoRows(err) {
		return "", fmt.Errorf("%w: sent alert of incident %q on %s/%s", ErrNotFound, incidentID, output, channel)
	}
	return ref, s.wrap(fmt.Sprintf("read sent alert of incident %q", incidentID), err)
}

// Deliveries implements Store: oldest first; an empty state lists all,
// a limit of 0 or less lists without limit.
func (s *sqlStore) Deliveries(ctx context.Context, state string, limit int) ([]Delivery, error) {
	query := `SELECT ` + deliveryColumns + ` FROM deliveries WHERE ($1 = '' OR state = $1) ORDER BY id`
	args := []any{state}
	if limit > 0 {
		query += ` LIMIT $2`
		args = append(args, limit)
	}
	out, err := queryDeliveries(ctx, s.read, query, args...)
	return out, s.wrap("read deliveries", err)
}

// OutboxStats implements Store. The age of the oldest pending delivery is
// measured from its CreatedAt; it is 0 when none is pending.
func (s *sqlStore) OutboxStats(ctx context.Context, now time.Time) (pending, failed int, oldest time.Duration, err error) {
	var p, f sql.NullInt64
	var first time.Time
	err = s.read.QueryRowContext(ctx, `SELECT
		SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END),
		SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END),
		MIN(CASE WHEN state = 'pending' THEN created_at END)
		FROM deliveries`).Scan(&p, &f, tc(&first))
	if err != nil {
		return 0, 0, 0, s.wrap("read outbox stats", err)
	}
	if !first.IsZero() && now.After(first) {
		oldest = now.Sub(first)
	}
	return int(p.Int64), int(f.Int64), oldest, nil
}
