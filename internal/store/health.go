package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"sync/atomic"

	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// health follows whether the database takes writes, so that /readyz
// reports a node whose disk is full or whose PostgreSQL is read-only as not
// ready (reads still work there), and so that the PostgreSQL pool drops
// the connections it holds after a failure (see generation).
type health struct {
	writeDown atomic.Bool // the last write transaction failed as unavailable
	// generation counts unavailability failures on PostgreSQL. A pooled
	// connection opened in an earlier generation is dropped when next
	// taken from the pool: after a failover or a server switched to
	// read-only, old sessions stay read-only (default_transaction_read_only
	// is read at connection start), and only new ones see the writable
	// server.
	generation atomic.Uint64
}

const genKey = "childcentre.generation"

// afterConnect stamps a new PostgreSQL connection with the generation.
func (h *health) afterConnect(_ context.Context, c *pgx.Conn) error {
	c.PgConn().CustomData()[genKey] = h.generation.Load()
	return nil
}

// resetSession drops a pooled connection of an earlier generation
// (database/sql discards a connection on driver.ErrBadConn).
func (h *health) resetSession(_ context.Context, c *pgx.Conn) error {
	if g, _ := c.PgConn().CustomData()[genKey].(uint64); g != h.generation.Load() {
		return driver.ErrBadConn
	}
	return nil
}

// isUnavailable reports whether err means the database cannot serve the
// request now but may later: disk full or I/O failure, a read-only file or
// server, a lost or refused connection, a server shutting down.
func isUnavailable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case pg.Code == "25006": // read_only_sql_transaction
			return true
		case strings.HasPrefix(pg.Code, "08"), // connection exception
			strings.HasPrefix(pg.Code, "53"),  // insufficient resources (disk full, too many connections)
			strings.HasPrefix(pg.Code, "57P"), // admin or crash shutdown, cannot connect now
			strings.HasPrefix(pg.Code, "58"):  // system error (I/O)
			return true
		}
		return false
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		switch lite.Code() & 0xff {
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN:
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, pgconn.ErrConnClosed) || pgconn.SafeToRetry(err) ||
		errors.Is(err, sql.ErrConnDone) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// settle turns a transaction's internal error that the database's
// unavailability caused into an Unavailable one (503 with Retry-After, not
// 500), and keeps health up to date.
func (db *DB) settle(write bool, err error) error {
	if err == nil {
		if write {
			db.h.writeDown.Store(false)
		}
		return nil
	}
	if c := errs.CodeOf(err); c != errs.Internal && c != errs.Unavailable || !isUnavailable(err) {
		return err
	}
	if write {
		db.h.writeDown.Store(true)
	}
	if db.d == postgresDialect {
		db.h.generation.Add(1)
	}
	if errs.CodeOf(err) == errs.Unavailable {
		return err
	}
	return &errs.Error{Code: errs.Unavailable, Message: "the database cannot take the request now; please try again", Err: err}
}

// probeWrite writes the health row: it fails while the database takes no
// writes and succeeds (clearing writeDown) once it does again. It stores
// and clears 64 KiB of random bytes, so that the file must be able to grow
// (a full disk still takes a small update that fits in a page it has).
func (db *DB) probeWrite(ctx context.Context) error {
	pad := make([]byte, 64<<10)
	rand.Read(pad)
	return db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "UPDATE store_health SET probes = probes + 1, pad = ? WHERE id = 1", pad); err != nil {
			return err
		}
		_, err := tx.exec(ctx, "UPDATE store_health SET pad = NULL WHERE id = 1")
		return err
	})
}
