-- The readiness probe's row: when a write has failed because the database
-- could not take it (disk full, read-only, unreachable), /readyz writes
-- here to learn whether writes work again, so the node reports ready again
-- by itself once the database is back.
-- Shipped: never edit this file; add a new migration instead (README.md).
CREATE TABLE store_health (
	id     {{.BigInt}} PRIMARY KEY,
	probes {{.BigInt}} NOT NULL DEFAULT 0,
	pad    {{.Blob}} -- written and cleared by each probe
);
INSERT INTO store_health (id, probes) VALUES (1, 0);
