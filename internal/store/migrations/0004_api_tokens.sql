-- API tokens of national systems (internal/api): each belongs to one
-- system, one country and a set of scopes.
-- Shipped: never edit this file; add a new migration instead (README.md).
--
-- token_hash is the SHA-256 of the token: the token itself is shown once
-- when it is created and never stored. A revoked token is kept (revoked_at
-- set) so that the audit log's "token:<id>" still names something.
CREATE TABLE api_tokens (
	id           {{.ID}},
	name         TEXT NOT NULL,         -- the national system, never a person
	country      TEXT NOT NULL,
	scopes       TEXT NOT NULL,         -- space-separated: read write export
	token_hash   {{.Blob}} NOT NULL UNIQUE,
	created_at   {{.Time}} NOT NULL,
	last_used_at {{.Time}},             -- NULL: never used; written at most once a minute
	revoked_at   {{.Time}}              -- NULL: active
);
CREATE INDEX api_tokens_country ON api_tokens (country, id);
