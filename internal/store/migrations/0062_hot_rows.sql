-- Tables of a few rows that every write updates: the head of the audit
-- chain (one row, moved by every batch of writes) and the generations of
-- the duplicate check's blocks (one row per country, birth year and sex,
-- moved by every registration). On PostgreSQL each update leaves the old
-- version of the row behind in the same page until the page is pruned,
-- which happens only once the page is nearly full, or autovacuum runs
-- (once a minute at most): under the node's load test a lookup of three
-- blocks walked hundreds of dead versions and took 0.4 ms, ten times
-- the lookup of a session. With most of each page kept free, every
-- access prunes it. SQLite overwrites rows in place and needs nothing.
-- Shipped: never edit this file; add a new migration instead (README.md).
{{- if .Postgres}}
ALTER TABLE child_blocks SET (fillfactor = 10);
ALTER TABLE audit_head SET (fillfactor = 10);
{{- end}}
{{- if .SQLite}}
SELECT 1;
{{- end}}
