-- Accounts with rights over others' data or accounts need a second
-- administrator's approval, and every account is enrolled by a one-time
-- link that the new user opens to choose their own password (issue 10 H2).
-- Shipped: never edit this file; add a new migration instead (README.md).
--
-- pending: TRUE until a second administrator approves the account; it
-- cannot sign in meanwhile. created_by: the user id of the administrator
-- who created it (0: the command line). enrol_token_hash: SHA-256 of the
-- one-time enrolment link's token, NULL once used; enrol_expires_at: when
-- the link stops working. Accounts made before this migration are
-- approved and enrolled.
ALTER TABLE users ADD COLUMN pending {{.Bool}} NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN created_by {{.BigInt}} NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN enrol_token_hash {{.Blob}};
ALTER TABLE users ADD COLUMN enrol_expires_at {{.Time}};
CREATE UNIQUE INDEX users_enrol_token ON users (enrol_token_hash);
