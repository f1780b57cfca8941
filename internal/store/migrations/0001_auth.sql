-- Accounts, one-time recovery codes and server-side sessions (internal/auth).
-- Shipped: never edit this file; add a new migration instead (README.md).

CREATE TABLE users (
	id             {{.ID}},
	username       TEXT NOT NULL UNIQUE,
	display_name   TEXT NOT NULL,
	role           TEXT NOT NULL,
	country        TEXT NOT NULL DEFAULT '',
	language       TEXT NOT NULL DEFAULT '',
	password_hash  TEXT NOT NULL,
	totp_secret    {{.Blob}},
	totp_enrolled  {{.Bool}} NOT NULL DEFAULT FALSE,
	totp_last_step {{.BigInt}} NOT NULL DEFAULT 0,
	disabled       {{.Bool}} NOT NULL DEFAULT FALSE,
	created_at     {{.Time}} NOT NULL,
	updated_at     {{.Time}} NOT NULL
);
CREATE INDEX users_country_role ON users (country, role);

-- Only hashes of recovery codes are kept; a used code is deleted.
CREATE TABLE recovery_codes (
	id         {{.ID}},
	user_id    {{.BigInt}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	code_hash  {{.Blob}} NOT NULL,
	created_at {{.Time}} NOT NULL,
	UNIQUE (user_id, code_hash)
);

-- token_hash is the SHA-256 of the cookie's token: the token itself is
-- never stored. addr is a keyed hash of the client address.
CREATE TABLE sessions (
	id           {{.ID}},
	token_hash   {{.Blob}} NOT NULL UNIQUE,
	user_id      {{.BigInt}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	stage        TEXT NOT NULL,
	created_at   {{.Time}} NOT NULL,
	last_seen_at {{.Time}} NOT NULL,
	addr         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
CREATE INDEX sessions_created ON sessions (created_at);
