-- Missing-child alerts (issue 11). On the hub: the active alerts, each on
-- a record the hub holds (gone with it), and the sightings notified, so
-- that each is notified once and a cancellation reaches every node told.
-- On a node: the alerts it raised and the sighting notices it received.
-- Nothing here identifies a child: refs are pseudonymous, the rest codes.
-- Shipped: never edit this file; add a new migration instead (README.md).

CREATE TABLE hub_alerts (
	id         {{.ID}},
	alert_key  TEXT NOT NULL UNIQUE,
	country    TEXT NOT NULL,
	ref        TEXT NOT NULL,
	record_id  {{.BigInt}} NOT NULL REFERENCES hub_records (id) ON DELETE CASCADE,
	urgency    TEXT NOT NULL,
	protect    {{.Bool}} NOT NULL,
	created_at {{.Time}} NOT NULL,
	UNIQUE (country, ref)
);

CREATE TABLE hub_sightings (
	alert_id  {{.BigInt}} NOT NULL REFERENCES hub_alerts (id) ON DELETE CASCADE,
	record_id {{.BigInt}} NOT NULL,
	country   TEXT NOT NULL,
	at        {{.Time}} NOT NULL,
	PRIMARY KEY (alert_id, record_id)
);

-- followup_alerts: the alerts this node raised (state active or cancelled).
CREATE TABLE followup_alerts (
	id           {{.ID}},
	child_id     {{.BigInt}} REFERENCES children (id) ON DELETE SET NULL,
	ref          TEXT NOT NULL,
	urgency      TEXT NOT NULL,
	protect      {{.Bool}} NOT NULL,
	state        TEXT NOT NULL,
	created_by   TEXT NOT NULL,
	created_at   {{.Time}} NOT NULL,
	cancelled_at {{.Time}}
);

-- followup_sightings: possible-sighting notices received. alerting: this
-- node raised the alert (other_country registered the child); otherwise
-- another node's alert matches this node's record (other_country is the
-- alerting country, '' when it protects the location).
CREATE TABLE followup_sightings (
	id            {{.ID}},
	alert_key     TEXT NOT NULL,
	local_ref     TEXT NOT NULL,
	child_id      {{.BigInt}} REFERENCES children (id) ON DELETE SET NULL,
	alerting      {{.Bool}} NOT NULL,
	other_country TEXT NOT NULL,
	urgency       TEXT NOT NULL,
	band          TEXT NOT NULL,
	registered    {{.Time}},
	received_at   {{.Time}} NOT NULL,
	withdrawn     {{.Bool}} NOT NULL DEFAULT FALSE,
	UNIQUE (alert_key, local_ref)
);

-- The hub's inbox carries sighting notices as JSON (exchange.Sighting:
-- references and codes only).
ALTER TABLE hub_inbox ADD COLUMN sighting TEXT NOT NULL DEFAULT '';
