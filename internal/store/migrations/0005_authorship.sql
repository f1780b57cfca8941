-- Authorship by API tokens: a change or an event made through the JSON
-- API (internal/api) names the token that made it, so that the history
-- and the timeline tell a national system's act from a person's.
-- Shipped: never edit this file; add a new migration instead (README.md).
--
-- by_token is the id of the API token (api_tokens.id, kept when revoked)
-- or 0; by_user is then 0. Both 0: the command line on the server. Rows
-- written before this migration keep 0: earlier versions did not record
-- the token, so their API changes (by_user 0) read as the command line's.
ALTER TABLE case_changes ADD COLUMN by_token {{.BigInt}} NOT NULL DEFAULT 0;
ALTER TABLE case_events ADD COLUMN by_token {{.BigInt}} NOT NULL DEFAULT 0;
