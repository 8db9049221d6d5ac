package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

const incidentColumns = `id, site_id, location, region, country, latitude, longitude, unconfirmed,
	event_date, window_start, window_end, sub_event_type, projectiles, fatalities, wounded,
	victims, actor, actor_role, summary, source, known, alerted, rule, first_report, created_at, updated_at`

func scanIncident(sc interface{ Scan(...any) error }) (Incident, error) {
	var in Incident
	err := sc.Scan(&in.ID, &in.SiteID, &in.Location, &in.Region, &in.Country, &in.Latitude, &in.Longitude, &in.Unconfirmed,
		tc(&in.EventDate), tc(&in.WindowStart), tc(&in.WindowEnd), &in.SubEventType, &in.Projectiles, &in.Fatalities, &in.Wounded,
		&in.Victims, &in.Actor, &in.ActorRole, &in.Summary, &in.Source, &in.Known, &in.Alerted, &in.Rule, &in.FirstReport,
		tc(&in.CreatedAt), tc(&in.UpdatedAt))
	return in, err
}

// incidentArgs are the values of incidentColumns, in order.
func (d dialect) incidentArgs(in *Incident) []any {
	return []any{in.ID, in.SiteID, in.Location, in.Region, in.Country, in.Latitude, in.Longitude, in.Unconfirmed,
		d.t(in.EventDate), d.t(in.WindowStart), d.t(in.WindowEnd), in.SubEventType, in.Projectiles, in.Fatalities, in.Wounded,
		in.Victims, in.Actor, in.ActorRole, in.Summary, in.Source, in.Known, in.Alerted, in.Rule, in.FirstReport,
		d.t(in.CreatedAt), d.t(in.UpdatedAt)}
}

// monthDay is the event_month_day of an event date: month*100 + day in
// UTC, 0 for the zero time.
func monthDay(t time.Time) int {
	if t.IsZero() {
		return 0
	}
	t = t.UTC()
	return int(t.Month())*100 + t.Day()
}

func queryIncidents(ctx context.Context, q querier, query string, args ...any) ([]Incident, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Incident
	for rows.Next() {
		in, err := scanIncident(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

func getIncident(ctx context.Context, q querier, id string) (Incident, error) {
	in, err := scanIncident(q.QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Incident{}, fmt.Errorf("%w: incident %q", ErrNotFound, id)
	}
	return in, err
}

// between builds the WHERE clause for EventDate in [from, to]; a zero from
// or to leaves that end open.
func (d dialect) between(from, to time.Time, args []any) (string, []any) {
	var conds []string
	if !from.IsZero() {
		args = append(args, d.t(from))
		conds = append(conds, fmt.Sprintf("event_date >= $%d", len(args)))
	}
	if !to.IsZero() {
		args = append(args, d.t(to))
		conds = append(conds, fmt.Sprintf("event_date <= $%d", len(args)))
	}
	if len(conds) == 0 {
		return "TRUE", args
	}
	return strings.Join(conds, " AND "), args
}

// IncidentsBetween implements Tx. A zero from or to leaves that end open.
func (t *sqlTx) IncidentsBetween(from, to time.Time) ([]Incident, error) {
	where, args := t.s.d.between(from, to, nil)
	out, err := queryIncidents(t.ctx, t.q, `SELECT `+incidentColumns+` FROM incidents WHERE `+where+
		` ORDER BY event_date, created_at, id`, args...)
	return out, t.s.wrap("read incidents", err)
}

// IncidentsNear implements Tx.
func (t *sqlTx) IncidentsNear(from, to time.Time, siteIDs []string) ([]Incident, error) {
	where, args := t.s.d.between(from, to, nil)
	cond := "site_id = ''"
	if len(siteIDs) > 0 {
		cond += " OR site_id IN (" + placeholders(len(args)+1, len(siteIDs)) + ")"
		for _, id := range siteIDs {
			args = append(args, id)
		}
	}
	out, err := queryIncidents(t.ctx, t.q, `SELECT `+incidentColumns+` FROM incidents WHERE `+where+
		` AND (`+cond+`) ORDER BY event_date, created_at, id`, args...)
	return out, t.s.wrap("read incidents", err)
}

// Incident implements Tx.
func (t *sqlTx) Incident(id string) (Incident, error) {
	in, err := getIncident(t.ctx, t.q, id)
	return in, t.s.wrap(fmt.Sprintf("read incident %q", id), err)
}

// CreateIncident implements Tx. CreatedAt is kept when set (an import of a
// past incident), else set from the store's clock; UpdatedAt is set to
// CreatedAt. An existing ID is ErrExists.
func (t *sqlTx) CreateIncident(in *Incident) error {
	if in.ID == "" {
		return errors.New("store: create incident: empty ID")
	}
	if in.CreatedAt.IsZero() {
		in.CreatedAt = t.s.now()
	}
	in.CreatedAt = in.CreatedAt.UTC().Truncate(time.Microsecond)
	in.UpdatedAt = in.CreatedAt
	args := append(t.s.d.incidentArgs(in), monthDay(in.EventDate))
	// ON CONFLICT DO NOTHING rather than a failing INSERT: on PostgreSQL
	// a failed statement would abort the caller's whole transaction.
	res, err := t.q.ExecContext(t.ctx, `INSERT INTO incidents (`+incidentColumns+`, event_month_day)
		VALUES (`+placeholders(1, len(args))+`) ON CONFLICT (id) DO NOTHING`, args...)
	if err != nil {
		return t.s.wrap(fmt.Sprintf("write incident %q", in.ID), err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return t.s.wrap(fmt.Sprintf("write incident %q", in.ID), err)
	} else if n == 0 {
		return fmt.Errorf("%w: incident %q", ErrExists, in.ID)
	}
	return nil
}

// UpdateIncident implements Tx: every field but ID and CreatedAt is
// written, and UpdatedAt set from the store's clock.
func (t *sqlTx) UpdateIncident(in *Incident) error {
	updated := t.s.now().UTC().Truncate(time.Microsecond)
	d := t.s.d
	res, err := t.q.ExecContext(t.ctx, `UPDATE incidents SET
		site_id = $2, location = $3, region = $4, country = $5, latitude = $6, longitude = $7, unconfirmed = $8,
		event_date = $9, window_start = $10, window_end = $11, sub_event_type = $12, projectiles = $13,
		fatalities = $14, wounded = $15, victims = $16, actor = $17, actor_role = $18, summary = $19,
		source = $20, known = $21, alerted = $22, rule = $23, first_report = $24, updated_at = $25,
		event_month_day = $26
		WHERE id = $1`,
		in.ID, in.SiteID, in.Location, in.Region, in.Country, in.Latitude, in.Longitude, in.Unconfirmed,
		d.t(in.EventDate), d.t(in.WindowStart), d.t(in.WindowEnd), in.SubEventType, in.Projectiles,
		in.Fatalities, in.Wounded, in.Victims, in.Actor, in.ActorRole, in.Summary,
		in.Source, in.Known, in.Alerted, in.Rule, in.FirstReport, d.t(updated),
		monthDay(in.EventDate))
	if err != nil {
		return t.s.wrap(fmt.Sprintf("write incident %q", in.ID), err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return t.s.wrap(fmt.Sprintf("write incident %q", in.ID), err)
	} else if n == 0 {
		return fmt.Errorf("%w: incident %q", ErrNotFound, in.ID)
	}
	in.UpdatedAt = updated
	return nil
}

// Incident implements Store.
func (s *sqlStore) Incident(ctx context.Context, id string) (Incident, error) {
	in, err := getIncident(ctx, s.read, id)
	return in, s.wrap(fmt.Sprintf("read incident %q", id), err)
}

// Incidents implements Store. A zero from or to leaves that end open.
func (s *sqlStore) Incidents(ctx context.Context, from, to time.Time, siteID string, limit int) ([]Incident, error) {
	where, args := s.d.between(from, to, nil)
	if siteID != "" {
		args = append(args, siteID)
		where += fmt.Sprintf(" AND site_id = $%d", len(args))
	}
	query := `SELECT ` + incidentColumns + ` FROM incidents WHERE ` + where + ` ORDER BY event_date DESC, created_at DESC, id DESC`
	if limit > 0 {
		args = append(args, limit)
		query += fmt.Sprintf(" LIMIT $%d", len(args))
	}
	out, err := queryIncidents(ctx, s.read, query, args...)
	return out, s.wrap("read incidents", err)
}

// IncidentsOnDay implements Store. The day is the UTC civil date of
// EventDate, exactly: a recap on 28 February that should also show the
// 29 Februaries of leap years asks for both days.
func (s *sqlStore) IncidentsOnDay(ctx context.Context, month time.Month, day int) ([]Incident, error) {
	if month < time.January || month > time.December || day < 1 || day > 31 {
		return nil, fmt.Errorf("store: incidents on day: bad date %d-%d", month, day)
	}
	out, err := queryIncidents(ctx, s.read, `SELECT `+incidentColumns+` FROM incidents
		WHERE event_month_day = $1 ORDER BY event_date, created_at, id`, int(month)*100+day)
	return out, s.wrap("read incidents on day", err)
}

// CountIncidents implements Store.
func (s *sqlStore) CountIncidents(ctx context.Context) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM incidents`).Scan(&n)
	return n, s.wrap("count incidents", err)
}
