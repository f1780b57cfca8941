package store

import (
	"context"
	"database/sql"
	"slices"
	"sync"
)

// Group commit. On SQLite every write goes through the one write
// connection, and a commit waits for fsync (synchronous=FULL): one commit
// per request made that fsync the node's ceiling under load (a search is
// audited, so it writes too). On PostgreSQL every write that is audited
// locks the head of the audit chain until it commits, so writes ran one
// at a time there too, each holding the lock through its own WAL flush:
// about 150 requests/s under the mixed load, with the server waiting on
// the lock most of the time. Writes that arrive while a commit is under
// way are instead run one after another in a single transaction, each
// inside a savepoint, and committed together with one fsync (one lock of
// the audit head). Each keeps its own outcome: an error (or panic) rolls
// back to its savepoint only; a failed commit fails every write of the
// batch. The caller returns only after the commit, so an acknowledged
// write is as durable as before. A writer's savepoint is set before its
// first statement, and its audit entries wait in memory for the batch's
// commit (audit_defer.go): a write that only records an act (a search)
// costs the batch no statement of its own.
//
// The first writer to arrive leads: it runs a batch (its own write and
// those queued), then hands the lead to the first writer still queued.

// maxGroup bounds a batch, so that one commit's latency stays small.
const maxGroup = 64

type groupReq struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan groupResult // a result, or lead = true: run the next batch
}

type groupResult struct {
	lead     bool
	err      error
	panicked bool
	panicVal any
}

type group struct {
	mu      sync.Mutex
	queue   []*groupReq
	leading bool
}

// groupUpdate runs fn in a write transaction shared with concurrent
// writers. It is Update.
func (db *DB) groupUpdate(ctx context.Context, fn func(*Tx) error) error {
	req := &groupReq{ctx: ctx, fn: fn, done: make(chan groupResult, 1)}
	g := &db.group
	g.mu.Lock()
	g.queue = append(g.queue, req)
	lead := !g.leading
	g.leading = true
	g.mu.Unlock()
	for {
		if lead {
			db.runGroup()
		}
		var r groupResult
		select {
		case r = <-req.done:
		case <-ctx.Done():
			if db.withdraw(req) {
				return dbErr(ctx.Err(), "store: transaction")
			}
			// A batch has taken the write (its fn runs under ctx and
			// ends soon): its outcome comes after the commit.
			r = <-req.done
		}
		if r.lead {
			lead = true
			continue
		}
		if r.panicked {
			panic(r.panicVal)
		}
		return r.err
	}
}

// withdraw takes req out of the queue if no batch has taken it yet, as a
// writer whose context ends while it waits for the write connection.
// The lead, if it was just handed to req, passes on.
func (db *DB) withdraw(req *groupReq) bool {
	g := &db.group
	g.mu.Lock()
	defer g.mu.Unlock()
	i := slices.Index(g.queue, req)
	if i < 0 {
		return false
	}
	g.queue = slices.Delete(g.queue, i, i+1)
	select {
	case r := <-req.done: // only a lead can be pending for a queued writer
		if !r.lead {
			panic("store: a result for a queued write")
		}
		if len(g.queue) > 0 {
			g.queue[0].done <- groupResult{lead: true}
		} else {
			g.leading = false
		}
	default:
	}
	return true
}

// runGroup runs one batch from the queue, then passes the lead on.
func (db *DB) runGroup() {
	g := &db.group
	g.mu.Lock()
	n := min(len(g.queue), maxGroup)
	batch := g.queue[:n:n]
	g.queue = g.queue[n:]
	g.mu.Unlock()

	results := db.commitGroup(batch)

	g.mu.Lock()
	if len(g.queue) > 0 {
		g.queue[0].done <- groupResult{lead: true}
	} else {
		g.leading = false
	}
	g.mu.Unlock()
	for i, r := range batch {
		r.done <- results[i]
	}
}

// commitGroup runs the batch in one transaction.
func (db *DB) commitGroup(batch []*groupReq) []groupResult {
	results := make([]groupResult, len(batch))
	failAll := func(err error) []groupResult {
		for i := range results {
			if results[i].err == nil && !results[i].panicked {
				results[i].err = err
			}
		}
		return results
	}
	// The transaction outlives any one writer's context; each statement
	// runs under its writer's.
	bg := context.Background()
	stx, err := db.write.BeginTx(bg, &sql.TxOptions{})
	if err != nil {
		return failAll(dbErr(err, "store: begin transaction"))
	}
	// The batch's audit entries, inserted together before the commit
	// (audit_defer.go).
	buf := &auditBuf{}
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i].err = dbErr(err, "store: transaction")
			continue
		}
		if len(batch) == 1 {
			// A writer alone needs no savepoint: its failure rolls back
			// the transaction. A savepoint costs more than its three
			// statements: SQLite copies every page the writer changes
			// into the savepoint's journal.
			results[i] = runOne(r, &Tx{tx: stx, db: db, write: true, audit: buf})
			if results[i].err != nil || results[i].panicked {
				stx.Rollback()
				return results
			}
			continue
		}
		sp, mark := &savepoint{}, buf.mark()
		results[i] = runOne(r, &Tx{tx: stx, db: db, write: true, audit: buf, sp: sp, detached: db.d == postgresDialect})
		if sp.err != nil {
			stx.Rollback()
			return failAll(dbErr(sp.err, "store: savepoint"))
		}
		if results[i].err != nil || results[i].panicked {
			if sp.set {
				if _, err := stx.ExecContext(bg, "ROLLBACK TO w"); err != nil {
					stx.Rollback()
					return failAll(dbErr(err, "store: rollback to savepoint"))
				}
			}
			buf.restore(mark, sp.set)
		}
		if sp.set {
			if _, err := stx.ExecContext(bg, "RELEASE w"); err != nil {
				stx.Rollback()
				return failAll(dbErr(err, "store: release savepoint"))
			}
		}
	}
	if err := (&Tx{tx: stx, db: db, write: true, audit: buf}).flushAudit(bg); err != nil {
		stx.Rollback()
		return failAll(err)
	}
	if err := stx.Commit(); err != nil {
		return failAll(dbErr(err, "store: commit"))
	}
	return results
}

// runOne runs one writer's fn, turning a panic into a result that the
// writer's own goroutine raises again.
func runOne(r *groupReq, tx *Tx) (res groupResult) {
	defer func() {
		if v := recover(); v != nil {
			res = groupResult{panicked: true, panicVal: v}
		}
	}()
	return groupResult{err: r.fn(tx)}
}
