package store

import (
	"context"
	"fmt"
)

const reportColumns = `incident_id, item_id, feed, link, title, published, action, added`

// AddReport implements Tx. Adding the same item to the same incident again
// does nothing; an unknown incident is ErrNotFound.
func (t *sqlTx) AddReport(r Report) error {
	op := fmt.Sprintf("write report %q of incident %q", r.ItemID, r.IncidentID)
	if r.IncidentID == "" || r.ItemID == "" {
		return fmt.Errorf("store: %s: empty incident or item ID", op)
	}
	// Checked first rather than left to the foreign key: on PostgreSQL a
	// failed statement would abort the caller's whole transaction.
	var one int
	if err := t.q.QueryRowContext(t.ctx, `SELECT 1 FROM incidents WHERE id = $1`, r.IncidentID).Scan(&one); err != nil {
		if isNoRows(err) {
			return fmt.Errorf("%w: incident %q (adding report %q)", ErrNotFound, r.IncidentID, r.ItemID)
		}
		return t.s.wrap(op, err)
	}
	_, err := t.q.ExecContext(t.ctx, `INSERT INTO reports (`+reportColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (incident_id, item_id) DO NOTHING`,
		r.IncidentID, r.ItemID, r.Feed, r.Link, r.Title, t.s.d.t(r.Published), r.Action, r.Added)
	return t.s.wrap(op, err)
}

func queryReports(ctx context.Context, q querier, incidentID string) ([]Report, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+reportColumns+` FROM reports WHERE incident_id = $1 ORDER BY seq`, incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		var r Report
		if err := rows.Scan(&r.IncidentID, &r.ItemID, &r.Feed, &r.Link, &r.Title, tc(&r.Published), &r.Action, &r.Added); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Reports implements Tx: the reports of an incident in the order added.
func (t *sqlTx) Reports(incidentID string) ([]Report, error) {
	out, err := queryReports(t.ctx, t.q, incidentID)
	return out, t.s.wrap(fmt.Sprintf("read reports of incident %q", incidentID), err)
}

// Reports implements Store: the reports of an incident in the order added.
func (s *sqlStore) Reports(ctx context.Context, incidentID string) ([]Report, error) {
	out, err := queryReports(ctx, s.read, incidentID)
	return out, s.wrap(fmt.Sprintf("read reports of incident %q", incidentID), err)
}
