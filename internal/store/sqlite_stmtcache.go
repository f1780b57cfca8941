package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
)

// SQLite connections keep their prepared statements. The SQLite driver
// compiles every statement that database/sql hands it as a string and
// throws it away after one use; under load that parsing was a tenth of
// the node's CPU. Each connection here keeps the statements it has run,
// by text, and runs them again with new arguments. (PostgreSQL needs
// none of this: pgx keeps a statement cache per connection itself.)

// stmtCacheSize bounds the statements one connection keeps. The node's
// hot queries number a few dozen (those with IN lists once per list
// length); the oldest is dropped when a new one does not fit.
const stmtCacheSize = 256

// sqliteConnector opens SQLite connections that keep their statements.
type sqliteConnector struct {
	drv driver.Driver
	dsn string
}

// openSQLitePool is sql.Open("sqlite", dsn) with connections that keep
// their prepared statements.
func openSQLitePool(dsn string) (*sql.DB, error) {
	// sql.Open connects to nothing: it only finds the driver registered
	// under the name.
	probe, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	drv := probe.Driver()
	probe.Close()
	return sql.OpenDB(sqliteConnector{drv: drv, dsn: dsn}), nil
}

func (c sqliteConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return newCachingConn(conn)
}

func (c sqliteConnector) Driver() driver.Driver { return c.drv }

// sqliteConn is the SQLite driver's connection the way database/sql uses
// it: every optional interface that the driver's connection implements.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachingConn is a connection that keeps its prepared statements.
// database/sql uses a connection from one goroutine at a time (and closes
// rows under the same lock), so it needs no lock of its own.
type cachingConn struct {
	sqliteConn
	stmts map[string]*cachedStmt
	order []string // texts of stmts, oldest first
}

// cachedStmt is a kept statement; busy while rows read from it are open,
// when a second use of the same text runs uncached instead of resetting
// the first.
type cachedStmt struct {
	si      driver.Stmt
	busy    bool
	dropped bool // no longer kept: closed when its rows are
}

func newCachingConn(conn driver.Conn) (driver.Conn, error) {
	c, ok := conn.(sqliteConn)
	if !ok {
		conn.Close()
		return nil, errors.New("store: the SQLite driver's connection lacks an interface database/sql uses")
	}
	return &cachingConn{sqliteConn: c, stmts: map[string]*cachedStmt{}}, nil
}

// stmt returns the kept statement for query, preparing it on first use,
// or nil when it is in use or cannot be prepared (the caller then runs
// the query the ordinary way, which reports any error).
func (c *cachingConn) stmt(ctx context.Context, query string) *cachedStmt {
	if s := c.stmts[query]; s != nil {
		if s.busy {
			return nil
		}
		return s
	}
	si, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	_, q := si.(driver.StmtQueryContext)
	_, e := si.(driver.StmtExecContext)
	if !q || !e {
		si.Close()
		return nil
	}
	for len(c.order) >= stmtCacheSize {
		old := c.order[0]
		c.order = c.order[1:]
		c.drop(c.stmts[old])
		delete(c.stmts, old)
	}
	s := &cachedStmt{si: si}
	c.stmts[query] = s
	c.order = append(c.order, query)
	return s
}

// QueryContext implements driver.QueryerContext with a kept statement.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s := c.stmt(ctx, query)
	if s == nil {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	rows, err := s.si.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	s.busy = true
	return &cachedRows{Rows: rows, s: s}, nil
}

// ExecContext implements driver.ExecerContext with a kept statement.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s := c.stmt(ctx, query)
	if s == nil {
		return c.sqliteConn.ExecContext(ctx, query, args)
	}
	return s.si.(driver.StmtExecContext).ExecContext(ctx, args)
}

// drop closes s, or has it closed when its rows are.
func (c *cachingConn) drop(s *cachedStmt) {
	if s == nil {
		return
	}
	s.dropped = true
	if !s.busy {
		s.si.Close()
	}
}

// Close closes the kept statements, then the connection.
func (c *cachingConn) Close() error {
	for _, s := range c.stmts {
		c.drop(s)
	}
	c.stmts, c.order = nil, nil
	return c.sqliteConn.Close()
}

// cachedRows are rows of a kept statement: closing them frees the
// statement for its next use.
type cachedRows struct {
	driver.Rows
	s *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.s.busy = false
	if r.s.dropped {
		r.s.si.Close()
	}
	return err
}
