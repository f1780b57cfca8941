-- The hub (internal/hub): encodings, clusters, hits, inboxes, the work
-- queue of matching and the registry of nodes.
-- Shipped: never edit this file; add a new migration instead (README.md).
--
-- Nothing here identifies a child: a record is a Bloom-filter encoding made
-- with a secret the hub does not hold, a node's pseudonymous reference and
-- coded metadata. Sealed messages are ciphertext the hub cannot open.

-- The nodes that reached the hub, as their certificates name them.
CREATE TABLE hub_nodes (
	country       TEXT PRIMARY KEY,
	serial        TEXT NOT NULL,
	certificate   {{.Blob}} NOT NULL,   -- DER of the last certificate presented
	not_after     {{.Time}} NOT NULL,
	first_contact {{.Time}} NOT NULL,
	last_contact  {{.Time}} NOT NULL,
	schema_fp     TEXT NOT NULL DEFAULT '',
	key_id        TEXT NOT NULL DEFAULT '',
	software      TEXT NOT NULL DEFAULT '',
	pending       {{.BigInt}} NOT NULL DEFAULT 0, -- the node's outbox depth, as it last said
	messages      {{.BigInt}} NOT NULL DEFAULT 0  -- messages accepted from it
);

-- Message ids seen, per sender: a replayed id is answered "duplicate".
CREATE TABLE hub_messages (
	country     TEXT NOT NULL,
	msg_id      TEXT NOT NULL,
	received_at {{.Time}} NOT NULL,
	PRIMARY KEY (country, msg_id)
);

-- Clusters of records that probably concern one child; ids only.
CREATE TABLE hub_clusters (
	id         {{.ID}},
	created_at {{.Time}} NOT NULL
);

-- One encoding per (country, ref). cluster_id 0: alone. version grows with
-- every upload of the same ref, so that stale matching work is skipped.
CREATE TABLE hub_records (
	id          {{.ID}},
	country     TEXT NOT NULL,
	ref         TEXT NOT NULL,
	schema_fp   TEXT NOT NULL,
	key_id      TEXT NOT NULL,
	filter      {{.Blob}} NOT NULL,
	sex         TEXT NOT NULL,
	birth_band  TEXT NOT NULL,
	category    TEXT NOT NULL,
	evidence    TEXT NOT NULL,
	year        {{.BigInt}} NOT NULL,
	shareable   {{.Bool}} NOT NULL,
	cluster_id  {{.BigInt}} NOT NULL DEFAULT 0,
	version     {{.BigInt}} NOT NULL DEFAULT 1,
	received_at {{.Time}} NOT NULL,
	UNIQUE (country, ref)
);
CREATE INDEX hub_records_cluster ON hub_records (cluster_id);

-- Every change to hub_records by sequence: hub processes follow it to keep
-- their in-memory index current. Only the record id, never a reference.
CREATE TABLE hub_changes (
	seq       {{.ID}},
	record_id {{.BigInt}} NOT NULL
);

-- Matching work: one entry per upload, taken under a lease (claimed_by,
-- claimed_until) so that several hub processes share it and a crashed
-- one's work is taken again.
CREATE TABLE hub_queue (
	id            {{.ID}},
	record_id     {{.BigInt}} NOT NULL,
	version       {{.BigInt}} NOT NULL,
	received_at   {{.Time}} NOT NULL,
	claimed_by    TEXT NOT NULL DEFAULT '',
	claimed_until {{.Time}}
);
CREATE INDEX hub_queue_record ON hub_queue (record_id);

-- Hits: pairs of records of two countries notified to both. (a, b) is in
-- canonical order (a_country, a_ref) < (b_country, b_ref), and unique: no
-- pair is ever notified twice.
CREATE TABLE hub_hits (
	id          {{.ID}},
	hit_key     TEXT NOT NULL UNIQUE,
	a_id        {{.BigInt}} NOT NULL,
	a_country   TEXT NOT NULL,
	a_ref       TEXT NOT NULL,
	b_id        {{.BigInt}} NOT NULL,
	b_country   TEXT NOT NULL,
	b_ref       TEXT NOT NULL,
	score_milli {{.BigInt}} NOT NULL,
	band        TEXT NOT NULL,
	decision_a  TEXT NOT NULL DEFAULT '',
	decision_b  TEXT NOT NULL DEFAULT '',
	created_at  {{.Time}} NOT NULL,
	UNIQUE (a_country, a_ref, b_country, b_ref)
);
CREATE INDEX hub_hits_a ON hub_hits (a_id);
CREATE INDEX hub_hits_b ON hub_hits (b_id);

-- Pairs a node rejected: never notified again, even after re-uploads.
CREATE TABLE hub_rejections (
	a_country   TEXT NOT NULL,
	a_ref       TEXT NOT NULL,
	b_country   TEXT NOT NULL,
	b_ref       TEXT NOT NULL,
	rejected_by TEXT NOT NULL,
	rejected_at {{.Time}} NOT NULL,
	PRIMARY KEY (a_country, a_ref, b_country, b_ref)
);

-- Each node's inbox of notices, read by sequence and deleted when the node
-- acknowledges them.
CREATE TABLE hub_inbox (
	seq           {{.ID}},
	country       TEXT NOT NULL,
	type          TEXT NOT NULL,
	created_at    {{.Time}} NOT NULL,
	hit_key       TEXT NOT NULL DEFAULT '',
	local_ref     TEXT NOT NULL DEFAULT '',
	other_country TEXT NOT NULL DEFAULT '',
	other_ref     TEXT NOT NULL DEFAULT '',
	band          TEXT NOT NULL DEFAULT '',
	sealed_from   TEXT NOT NULL DEFAULT '',
	sealed_kind   TEXT NOT NULL DEFAULT '',
	ciphertext    {{.Blob}}
);
CREATE INDEX hub_inbox_country ON hub_inbox (country, seq);
CREATE INDEX hub_inbox_hit ON hub_inbox (hit_key);

-- Counters that outlive processes (hits issued).
CREATE TABLE hub_counters (
	name  TEXT PRIMARY KEY,
	value {{.BigInt}} NOT NULL
);
INSERT INTO hub_counters (name, value) VALUES ('hits_issued', 0);
