-- The first schema. The upper-case placeholders in double braces are replaced
-- per dialect (see migrations.go). Times are UTC, NULL for the zero time.

CREATE TABLE feeds (
	name          TEXT PRIMARY KEY,
	etag          TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	last_poll     {{TIME}},
	last_success  {{TIME}},
	last_error    TEXT NOT NULL DEFAULT '',
	last_error_at {{TIME}},
	failures      INTEGER NOT NULL DEFAULT 0,
	next_poll     {{TIME}},
	items         INTEGER NOT NULL DEFAULT 0
) {{STRICT}};

CREATE TABLE feed_leases (
	name        TEXT PRIMARY KEY,
	lease_owner TEXT NOT NULL,
	lease_until {{TIME}} NOT NULL
) {{STRICT}};

CREATE TABLE seen (
	item_key TEXT PRIMARY KEY,
	feed     TEXT NOT NULL,
	seen_at  {{TIME}}
) {{STRICT}};
CREATE INDEX seen_seen_at ON seen (seen_at);

CREATE TABLE incidents (
	id              TEXT PRIMARY KEY,
	site_id         TEXT NOT NULL DEFAULT '',
	location        TEXT NOT NULL DEFAULT '',
	region          TEXT NOT NULL DEFAULT '',
	country         TEXT NOT NULL DEFAULT '',
	latitude        {{FLOAT}} NOT NULL DEFAULT 0,
	longitude       {{FLOAT}} NOT NULL DEFAULT 0,
	unconfirmed     {{BOOL}} NOT NULL DEFAULT {{FALSE}},
	event_date      {{TIME}},
	event_month_day INTEGER NOT NULL DEFAULT 0, -- month*100 + day of event_date, for "on this date"
	window_start    {{TIME}},
	window_end      {{TIME}},
	sub_event_type  TEXT NOT NULL DEFAULT '',
	projectiles     INTEGER NOT NULL DEFAULT 0,
	fatalities      INTEGER NOT NULL DEFAULT 0,
	wounded         INTEGER NOT NULL DEFAULT 0,
	victims         TEXT NOT NULL DEFAULT '',
	actor           TEXT NOT NULL DEFAULT '',
	actor_role      TEXT NOT NULL DEFAULT '',
	summary         TEXT NOT NULL DEFAULT '',
	source          TEXT NOT NULL DEFAULT '',
	known           {{BOOL}} NOT NULL DEFAULT {{FALSE}},
	alerted         {{BOOL}} NOT NULL DEFAULT {{FALSE}},
	rule            TEXT NOT NULL DEFAULT '',
	first_report    TEXT NOT NULL DEFAULT '',
	created_at      {{TIME}},
	updated_at      {{TIME}}
) {{STRICT}};
CREATE INDEX incidents_event_date ON incidents (event_date);
CREATE INDEX incidents_site_id ON incidents (site_id, event_date);
CREATE INDEX incidents_month_day ON incidents (event_month_day);

CREATE TABLE reports (
	seq         {{SERIAL}},
	incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
	item_id     TEXT NOT NULL,
	feed        TEXT NOT NULL DEFAULT '',
	link        TEXT NOT NULL DEFAULT '',
	title       TEXT NOT NULL DEFAULT '',
	published   {{TIME}},
	action      TEXT NOT NULL DEFAULT '',
	added       TEXT NOT NULL DEFAULT '',
	UNIQUE (incident_id, item_id)
) {{STRICT}};

CREATE TABLE deliveries (
	id           {{SERIAL}},
	dedup_key    TEXT NOT NULL UNIQUE,
	output       TEXT NOT NULL DEFAULT '',
	channel      TEXT NOT NULL DEFAULT '',
	incident_id  TEXT NOT NULL DEFAULT '',
	kind         TEXT NOT NULL DEFAULT '',
	payload      {{BLOB}},
	state        TEXT NOT NULL DEFAULT 'pending',
	attempts     INTEGER NOT NULL DEFAULT 0,
	next_attempt {{TIME}},
	last_error   TEXT NOT NULL DEFAULT '',
	ref          TEXT NOT NULL DEFAULT '',
	lease_owner  TEXT NOT NULL DEFAULT '',
	lease_until  {{TIME}},
	created_at   {{TIME}},
	sent_at      {{TIME}}
) {{STRICT}};
CREATE INDEX deliveries_due ON deliveries (state, next_attempt);
CREATE INDEX deliveries_incident ON deliveries (incident_id, output, channel);
