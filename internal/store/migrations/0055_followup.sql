-- Follow-up requests after a hit (issue 11, internal/followup): both the
-- requesting and the receiving node keep one row per thread, and the
-- thread's events in order. Coded columns are in clear for lists and
-- deadlines; free text and disclosed details are sealed at rest with the
-- node's keyring (purpose "followup", bound to the thread).
-- Shipped: never edit this file; add a new migration instead (README.md).

CREATE TABLE followup_requests (
	id            {{.ID}},
	thread        TEXT NOT NULL,
	direction     TEXT NOT NULL, -- out: this node asked; in: another node asked
	other_country TEXT NOT NULL,
	child_id      {{.BigInt}} REFERENCES children (id) ON DELETE SET NULL,
	local_ref     TEXT NOT NULL,
	other_ref     TEXT NOT NULL,
	hit_id        TEXT NOT NULL DEFAULT '',
	urgency       TEXT NOT NULL,
	handling      TEXT NOT NULL,
	legal_basis   TEXT NOT NULL,
	state         TEXT NOT NULL,
	deadline      {{.Time}},
	created_by    TEXT NOT NULL,
	created_at    {{.Time}} NOT NULL,
	updated_at    {{.Time}} NOT NULL,
	body          {{.Blob}} NOT NULL,
	UNIQUE (thread, direction)
);
CREATE INDEX followup_requests_deadline ON followup_requests (state, deadline);

CREATE TABLE followup_events (
	id         {{.ID}},
	request_id {{.BigInt}} NOT NULL REFERENCES followup_requests (id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	actor      TEXT NOT NULL,
	at         {{.Time}} NOT NULL,
	detail     TEXT NOT NULL DEFAULT '',
	body       {{.Blob}}
);
CREATE INDEX followup_events_request ON followup_events (request_id, id);

-- followup_seen: the IDs of sealed messages opened, so that a replay (by
-- the hub or anyone on the path) is refused.
CREATE TABLE followup_seen (
	msg_id       TEXT PRIMARY KEY,
	from_country TEXT NOT NULL,
	at           {{.Time}} NOT NULL
);
