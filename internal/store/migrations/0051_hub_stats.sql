-- The statistics codes of the hub's records (exchange.StatsCodes): what the
-- regional figures count by (internal/stats, docs/statistics.md). Coded
-- values from closed lists only; erased with the record.
-- Shipped: never edit this file; add a new migration instead (README.md).
CREATE TABLE hub_record_stats (
	record_id    {{.BigInt}} PRIMARY KEY REFERENCES hub_records (id) ON DELETE CASCADE,
	status       TEXT NOT NULL,
	exploitation TEXT NOT NULL,
	age_group    TEXT NOT NULL,
	age_basis    TEXT NOT NULL,
	citizenship  TEXT NOT NULL,
	registered   TEXT NOT NULL -- YYYY-MM-DD
);
