-- API tokens expire (issue 10 L6): a token leaked from a national system's
-- configuration stops working by itself.
-- Shipped: never edit this file; add a new migration instead (README.md).
--
-- expires_at NULL: a token made before this migration; it expires at
-- created_at plus the longest lifetime (tokens.MaxLifetime), computed by
-- the program so that the SQL stays the same on both databases.
ALTER TABLE api_tokens ADD COLUMN expires_at {{.Time}};
