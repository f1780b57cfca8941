package store

import (
	"context"
	"time"
)

// optimizeAfter is how many children a transaction must insert in bulk
// (an import) before the store refreshes the planner's statistics.
const optimizeAfter = 1000

// optimizedTables are the tables a bulk import fills.
const optimizedTables = `children, child_tokens, child_blocks, child_block_log, cases, case_events, case_changes, audit_log, audit_head`

// Optimize brings the planner's statistics, and on PostgreSQL the
// visibility map, up to date after a bulk change. Until then PostgreSQL
// plans the registry's queries without statistics for the new rows, and
// its index-only scans (the blind index, child_tokens_lookup) fetch every
// row from the table to learn whether it is visible: a search for a
// common name cost twice the database's time on a registry of 20,000
// children just imported as on the same registry once vacuumed.
// Autovacuum does the same within minutes; this spares the first
// minutes after an import.
//
// On PostgreSQL it runs VACUUM (ANALYZE), which takes no lock that
// blocks reads or writes; an application role that does not own the
// tables is told so in a warning and nothing is done (the database
// owner's autovacuum still runs). On SQLite it runs PRAGMA optimize over
// every table (mask 0x10002), which analyses only those whose statistics
// are missing or stale, each on a bounded sample (analysis_limit).
func (db *DB) Optimize(ctx context.Context) error {
	const op = "store: optimize"
	start := time.Now()
	stmts := []string{`PRAGMA analysis_limit = 1000`, `PRAGMA optimize = 0x10002`}
	if db.d == postgresDialect {
		stmts = []string{`VACUUM (ANALYZE) ` + optimizedTables}
	}
	// Outside any transaction: VACUUM cannot run in one, and on SQLite
	// the write connection (one connection) is the one that may write
	// the statistics.
	for _, q := range stmts {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			return dbErr(err, op)
		}
	}
	db.log.Info("store: statistics refreshed after a bulk change", "took", time.Since(start).Round(time.Millisecond))
	return nil
}
