-- Regional statistics on the hub (internal/stats): the publications made,
-- so that a published period stays frozen across restarts and later
-- publications (docs/statistics.md, "Differencing").
-- Shipped: never edit this file; add a new migration instead (README.md).
--
-- body is the stats.Publication as JSON: coded dimension values and
-- counts only, the same figures the public files carry (suppressed cells
-- included, with their counts: the hub must keep them to keep the
-- suppression pattern and the frozen figures). Old rows are kept: they
-- are the record of what was published when.
CREATE TABLE stats_publications (
	id           {{.ID}},
	published_at {{.Time}} NOT NULL,
	k            INTEGER NOT NULL,
	mapping      TEXT NOT NULL,
	body         TEXT NOT NULL
);
