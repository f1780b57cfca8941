-- The node's side of the exchange with the hub (internal/cases sharing
-- rules, internal/nodesync): what is shared of each child, the outbox of
-- messages to the hub, the hits the hub notified, the inbox cursor and the
-- network's linkage secret.
-- Shipped: never edit this file; add a new migration instead (README.md).
--
-- Nothing here is identifying: refs are random, filters are Bloom-filter
-- encodings under the network's secret, metadata are codes. The secret
-- itself is sealed with the node's keyring.

-- exchange_records: one row per child the sharing rules have looked at.
-- ref is the child's pseudonymous reference on the hub: random, stable,
-- never the national reference nor children.ref. key_id is the linkage
-- secret the row was last brought up to date under ('' none), uploaded
-- whether the hub holds (or is about to hold) the child's encoding.
CREATE TABLE exchange_records (
	child_id {{.BigInt}} PRIMARY KEY REFERENCES children (id) ON DELETE CASCADE,
	ref      TEXT NOT NULL UNIQUE,
	key_id   TEXT NOT NULL DEFAULT '',
	uploaded {{.Bool}} NOT NULL DEFAULT FALSE
);

-- exchange_share_decisions: a supervisor's decision that a case based on
-- suspicion only may (share) or may not be shared with the network.
CREATE TABLE exchange_share_decisions (
	case_id    {{.BigInt}} PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
	share      {{.Bool}} NOT NULL,
	decided_by TEXT NOT NULL, -- the actor's reference (user:N)
	decided_at {{.Time}} NOT NULL
);

-- exchange_outbox: messages to the hub, written in the transaction of the
-- change they carry. msg_id is the envelope's ID (the hub's idempotency
-- key); body is the JSON of the message (exchange.Upsert, Withdraw,
-- HitDecision, Sealed). status: pending, refused (with code; not retried).
-- A delivered message is deleted.
CREATE TABLE exchange_outbox (
	id         {{.ID}},
	msg_id     TEXT NOT NULL UNIQUE,
	type       TEXT NOT NULL,
	ref        TEXT NOT NULL DEFAULT '',
	body       {{.Blob}} NOT NULL,
	status     TEXT NOT NULL DEFAULT 'pending',
	attempts   INTEGER NOT NULL DEFAULT 0,
	next_at    {{.Time}} NOT NULL,
	code       TEXT NOT NULL DEFAULT '',
	created_at {{.Time}} NOT NULL
);
CREATE INDEX exchange_outbox_status ON exchange_outbox (status, id);
CREATE INDEX exchange_outbox_ref ON exchange_outbox (ref, status);

-- exchange_hits: hit notices. One row per pair (local ref, other country,
-- other ref): a pair once rejected stays rejected whatever the hub sends.
-- status: open, confirmed, rejected, followup, withdrawn.
CREATE TABLE exchange_hits (
	id            {{.ID}},
	hit_id        TEXT NOT NULL UNIQUE,
	child_id      {{.BigInt}} REFERENCES children (id) ON DELETE CASCADE,
	local_ref     TEXT NOT NULL,
	other_country TEXT NOT NULL,
	other_ref     TEXT NOT NULL,
	band          TEXT NOT NULL,
	status        TEXT NOT NULL,
	received_at   {{.Time}} NOT NULL,
	decided_at    {{.Time}},
	decided_by    TEXT NOT NULL DEFAULT '',
	UNIQUE (local_ref, other_country, other_ref)
);
CREATE INDEX exchange_hits_status ON exchange_hits (status, id);

-- exchange_state: small named values (the inbox cursor).
CREATE TABLE exchange_state (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- exchange_secrets: the network's linkage secrets this node holds, sealed
-- with the node's keyring (purpose linkage-secret, bound to key_id). The
-- current one encodes; older ones are kept until rotation completes.
CREATE TABLE exchange_secrets (
	id         {{.ID}},
	key_id     TEXT NOT NULL UNIQUE,
	secret     {{.Blob}} NOT NULL, -- sealed
	origin     TEXT NOT NULL,      -- the country that made it
	created_at {{.Time}} NOT NULL
);
