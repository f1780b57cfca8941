package store

import (
	"container/list"
	"context"
	"database/sql"
	"sync"
)

// Prepared statements of SQLite's write connection. The SQLite driver
// parses a statement anew on every call: accepting uploads on the hub,
// parsing took a third of the CPU (docs/scaling.md). PostgreSQL needs
// none of this: pgx keeps a cache of prepared statements per connection.
//
// database/sql prepares a *sql.Stmt on a free connection of its pool, and
// the write pool's one connection is busy for as long as a transaction
// runs. So a statement is not prepared when it is first run, inside a
// transaction: a query run a second time is noted, and prepared by the
// group commit's leader after the commit, while the connection is free
// (runGroup). Later transactions run it through Tx.StmtContext, which
// reuses the statement the connection holds. Queries whose text varies (IN
// lists of any length) rarely repeat and stay unprepared; a bounded LRU
// keeps the others.

// maxCachedStmts bounds the prepared statements the write connection holds.
const maxCachedStmts = 256

// maxSeenStmts bounds the queries remembered as run once; past it the
// memory starts again.
const maxSeenStmts = 4096

type stmtCache struct {
	mu     sync.Mutex
	byText map[string]*list.Element // value: *cachedStmt
	lru    list.List                // front: used last
	seen   map[string]bool          // run once, unprepared
	wanted []string                 // run twice: prepare after the commit
}

type cachedStmt struct {
	query string
	st    *sql.Stmt
}

// get returns the prepared statement of query, nil when there is none
// yet; a query run the second time is noted for prepare.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.byText[query]; e != nil {
		c.lru.MoveToFront(e)
		return e.Value.(*cachedStmt).st
	}
	if c.seen[query] {
		delete(c.seen, query)
		c.wanted = append(c.wanted, query)
		return nil
	}
	if c.seen == nil || len(c.seen) >= maxSeenStmts {
		c.seen = map[string]bool{}
	}
	c.seen[query] = true
	return nil
}

// prepare prepares the queries noted by get on pool, whose connection must
// be free (no transaction open). A query that fails to prepare is left
// unprepared: running it reports its error as before.
func (c *stmtCache) prepare(ctx context.Context, pool *sql.DB) {
	c.mu.Lock()
	wanted := c.wanted
	c.wanted = nil
	c.mu.Unlock()
	for _, q := range wanted {
		c.mu.Lock()
		_, have := c.byText[q]
		c.mu.Unlock()
		if have {
			continue
		}
		st, err := pool.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if c.byText == nil {
			c.byText = map[string]*list.Element{}
		}
		c.byText[q] = c.lru.PushFront(&cachedStmt{query: q, st: st})
		var evicted []*sql.Stmt
		for c.lru.Len() > maxCachedStmts {
			e := c.lru.Back()
			cs := c.lru.Remove(e).(*cachedStmt)
			delete(c.byText, cs.query)
			evicted = append(evicted, cs.st)
		}
		c.mu.Unlock()
		for _, st := range evicted {
			st.Close() // a transaction using it keeps it until it ends
		}
	}
}

// close closes every prepared statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for e := c.lru.Front(); e != nil; e = e.Next() {
		e.Value.(*cachedStmt).st.Close()
	}
	c.byText, c.seen, c.wanted = nil, nil, nil
	c.lru.Init()
}

// stmt returns the prepared statement of query for this transaction, nil
// when it runs unprepared: every transaction but SQLite's writes.
func (tx *Tx) stmt(ctx context.Context, query string) *sql.Stmt {
	if !tx.write || !tx.db.d.SQLite {
		return nil
	}
	st := tx.db.stmts.get(query)
	if st == nil {
		return nil
	}
	return tx.tx.StmtContext(ctx, st)
}
