-- Mutes silence the alerts of one site or one rule until a time, like
-- Alertmanager's silences: incidents are still recorded, not posted. An
-- unmuted or replaced mute keeps its row with until set to when it ended.

CREATE TABLE mutes (
	id          {{SERIAL}},
	target_kind TEXT NOT NULL CHECK (target_kind IN ('site', 'rule')),
	target      TEXT NOT NULL,
	until       {{TIME}} NOT NULL,
	created_by  TEXT NOT NULL DEFAULT '',
	created_at  {{TIME}} NOT NULL,
	reason      TEXT NOT NULL DEFAULT ''
) {{STRICT}};
CREATE INDEX mutes_until ON mutes (until);
CREATE INDEX mutes_target ON mutes (target_kind, target, until);
