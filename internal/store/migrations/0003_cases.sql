-- The case registry (internal/cases): children, their aliases and age
-- assessments, cases, timeline events, the visible change history, the
-- blind index of names and the linkage encodings for duplicate detection.
-- Shipped: never edit this file; add a new migration instead (README.md).
--
-- Identifying values are stored only sealed (AEAD, internal/crypto), in
-- the {{.Blob}} columns marked "sealed", each bound to its record's ref and
-- its column. Everything else is in clear because queries need it: the
-- country scopes every query, birth_year, sex, citizenships and the case
-- columns serve filters and statistics. docs/data-model.md says why each
-- column is sealed or not.

CREATE TABLE children (
	id              {{.ID}},
	ref             TEXT NOT NULL UNIQUE, -- random 128-bit reference: binds the sealed columns
	country         TEXT NOT NULL,
	national_ref    TEXT,                 -- the national system's reference; NULL when none
	sex             TEXT NOT NULL,
	birth_precision TEXT NOT NULL,
	birth_year      INTEGER NOT NULL DEFAULT 0,
	citizenships    TEXT NOT NULL DEFAULT '', -- ISO 3166-1 codes, space-separated
	languages       TEXT NOT NULL DEFAULT '', -- ISO 639 codes, space-separated
	given_names     {{.Blob}} NOT NULL,   -- sealed
	family_name     {{.Blob}} NOT NULL,   -- sealed
	birth_date      {{.Blob}} NOT NULL,   -- sealed
	birth_place     {{.Blob}} NOT NULL,   -- sealed
	notes           {{.Blob}} NOT NULL,   -- sealed
	linkage         {{.Blob}},            -- CLK under the node-local linkage key
	version         INTEGER NOT NULL,
	created_at      {{.Time}} NOT NULL,
	updated_at      {{.Time}} NOT NULL,
	UNIQUE (country, national_ref)
);
CREATE INDEX children_country ON children (country, id);
CREATE INDEX children_birth ON children (country, birth_year, sex);

CREATE TABLE child_aliases (
	id       {{.ID}},
	child_id {{.BigInt}} NOT NULL REFERENCES children (id) ON DELETE CASCADE,
	seq      INTEGER NOT NULL,
	name     {{.Blob}} NOT NULL, -- sealed
	script   TEXT NOT NULL DEFAULT '',
	source   TEXT NOT NULL DEFAULT '',
	UNIQUE (child_id, seq)
);

CREATE TABLE child_assessments (
	id          {{.ID}},
	child_id    {{.BigInt}} NOT NULL REFERENCES children (id) ON DELETE CASCADE,
	seq         INTEGER NOT NULL,
	date        TEXT NOT NULL DEFAULT '',
	method      TEXT NOT NULL,
	outcome     {{.Blob}} NOT NULL, -- sealed
	assessed_by {{.Blob}} NOT NULL, -- sealed
	UNIQUE (child_id, seq)
);

-- The blind index: keyed hashes (HMAC-SHA256, 128 bits, key derived from the
-- node's index key) of each canonical name token (kind n) and of its
-- phonetic key (kind p). It reveals which children share a token, not the
-- token. Lookups go by (country, token).
CREATE TABLE child_tokens (
	child_id {{.BigInt}} NOT NULL REFERENCES children (id) ON DELETE CASCADE,
	country  TEXT NOT NULL,
	kind     TEXT NOT NULL,
	token    {{.Blob}} NOT NULL,
	PRIMARY KEY (child_id, kind, token)
);
CREATE INDEX child_tokens_lookup ON child_tokens (country, token, child_id);

CREATE TABLE cases (
	id              {{.ID}},
	ref             TEXT NOT NULL UNIQUE,
	child_id        {{.BigInt}} NOT NULL REFERENCES children (id) ON DELETE CASCADE,
	country         TEXT NOT NULL,
	category        TEXT NOT NULL,
	evidence        TEXT NOT NULL,
	status          TEXT NOT NULL,
	missing         {{.Bool}} NOT NULL DEFAULT FALSE,
	responsible_org TEXT NOT NULL DEFAULT '',
	placement       TEXT NOT NULL,
	legal_basis     TEXT NOT NULL DEFAULT '',
	consent         {{.Bool}} NOT NULL DEFAULT FALSE,
	handling        TEXT NOT NULL,
	opened_at       {{.Time}} NOT NULL,
	closed_at       {{.Time}},
	close_by        {{.BigInt}},
	close_at        {{.Time}},
	close_reason    {{.Blob}}, -- sealed
	reject_by       {{.BigInt}},
	reject_at       {{.Time}},
	reject_reason   {{.Blob}}, -- sealed
	version         INTEGER NOT NULL,
	created_at      {{.Time}} NOT NULL,
	updated_at      {{.Time}} NOT NULL
);
CREATE INDEX cases_child ON cases (child_id, country);
-- One index per filter of the registry's list, each with child_id so
-- that the list's count and page read only the index.
CREATE INDEX cases_country_status ON cases (country, status, child_id);
CREATE INDEX cases_country_category ON cases (country, category, child_id);
CREATE INDEX cases_country_evidence ON cases (country, evidence, child_id);
CREATE INDEX cases_country_missing ON cases (country, missing, child_id);
CREATE INDEX cases_country_opened ON cases (country, opened_at, child_id);

-- Forms of exploitation of a case (Directive 2011/36/EU as amended).
CREATE TABLE case_exploitation (
	case_id {{.BigInt}} NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	form    TEXT NOT NULL,
	PRIMARY KEY (case_id, form)
);

CREATE TABLE case_events (
	id           {{.ID}},
	ref          TEXT NOT NULL UNIQUE,
	case_id      {{.BigInt}} NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	country      TEXT NOT NULL,
	type         TEXT NOT NULL,
	at           {{.Time}} NOT NULL,
	municipality TEXT NOT NULL DEFAULT '',
	place_type   TEXT NOT NULL DEFAULT '',
	notes        {{.Blob}} NOT NULL, -- sealed
	by_user      {{.BigInt}} NOT NULL DEFAULT 0,
	created_at   {{.Time}} NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, at, id);
CREATE INDEX case_events_country ON case_events (country, type, at);

-- Who changed which fields of which record, when: names of fields, never
-- values. Kept with the record and erased with it.
CREATE TABLE case_changes (
	id        {{.ID}},
	country   TEXT NOT NULL,
	entity    TEXT NOT NULL,
	entity_id {{.BigInt}} NOT NULL,
	action    TEXT NOT NULL,
	fields    TEXT NOT NULL DEFAULT '',
	by_user   {{.BigInt}} NOT NULL DEFAULT 0,
	at        {{.Time}} NOT NULL
);
CREATE INDEX case_changes_entity ON case_changes (entity, entity_id, id);
