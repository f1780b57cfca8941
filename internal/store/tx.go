package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Tx is one database transaction. Domain adapters in this package wrap it
// (authTx for auth.Tx; cases, exchange… follow the same pattern): a small
// struct embedding *Tx that adds the domain's methods, so that every domain
// shares the transaction, the dialect helpers and AppendAudit. A new
// domain adds one file here, like auth.go:
//
//	type CaseStore struct{ db *DB }                 // implements cases.Store
//	func NewCaseStore(db *DB) *CaseStore
//	func (s *CaseStore) Update(ctx context.Context, fn func(cases.Tx) error) error {
//		return s.db.Update(ctx, func(tx *Tx) error { return fn(casesTx{tx}) })
//	}
//	type casesTx struct{ *Tx }                      // CreateChild…; AppendAudit comes with *Tx
//
// and its tables in a new migration. An act spanning domains can wrap the
// same *Tx in both adapters.
type Tx struct {
	tx    conn // the transaction; on PostgreSQL a View's is the pool (view)
	db    *DB
	write bool
	// detached: the transaction is shared by a batch of writers on
	// PostgreSQL (group.go), and a writer's context ending must not end
	// a statement: pgx closes the connection when it does, and with it
	// the other writers' work. statement_timeout still bounds each.
	detached bool
	// bulk counts the children inserted by CreateChildren: a large
	// import is followed by Optimize (CaseStore.Update).
	bulk int
	// audit holds the audit entries of a group-commit transaction until
	// its commit (audit_defer.go); nil appends at once.
	audit *auditBuf
	// sp is the writer's savepoint in a batch of several writers, set
	// before the writer's first statement (see savepoint).
	sp *savepoint
}

// savepoint is a writer's savepoint in a shared transaction. It is set
// lazily, before the writer's first statement: a writer that runs none
// (a search only appends its audit entry, which is deferred) needs no
// savepoint and costs the batch no round trip.
type savepoint struct {
	set bool
	err error // setting it failed: the batch fails
}

// begin sets the writer's savepoint if it is not set yet.
func (tx *Tx) begin() {
	if tx.sp == nil || tx.sp.set || tx.sp.err != nil {
		return
	}
	if _, err := tx.tx.ExecContext(context.Background(), "SAVEPOINT w"); err != nil {
		tx.sp.err = err
		return
	}
	tx.sp.set = true
}

// Update runs fn in a read-write transaction, committed if fn returns nil
// and rolled back otherwise (also if fn panics). fn's error is returned
// unchanged. Updates run one batch at a time, concurrent ones committed
// together (group.go), on both engines, so fn must not call Update (or
// DB.AppendAudit) itself: it would wait for ever for the batch it is in.
// Use the *Tx it is given.
func (db *DB) Update(ctx context.Context, fn func(*Tx) error) error {
	return db.settle(true, db.groupUpdate(ctx, fn))
}

// View runs fn in a read-only transaction, on the read pool. Acts that must
// be audited (reads of sensitive records included) need Update: an audit
// record is a write. On PostgreSQL fn's statements run on the pool
// outside a transaction (view): each sees the data committed when it
// starts, as it would in a transaction at READ COMMITTED, on a
// connection the server keeps read-only.
func (db *DB) View(ctx context.Context, fn func(*Tx) error) error {
	return db.settle(false, db.view(ctx, fn))
}

// conn runs statements: a *sql.Tx, or for a View on PostgreSQL the
// *sql.DB of the pool.
type conn interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// view runs fn for View: in a read-only transaction of the read pool on
// SQLite (one snapshot for all of fn), on the read pool itself on
// PostgreSQL.
func (db *DB) view(ctx context.Context, fn func(*Tx) error) (err error) {
	if db.d == postgresDialect {
		// PostgreSQL reads committed data statement by statement inside
		// a transaction as well (READ COMMITTED, its default and ours):
		// a read-only transaction gave a View nothing but one connection
		// and two more round trips, BEGIN and COMMIT, on every request.
		// Each statement runs on the read pool, whose connections the
		// server keeps read-only.
		return fn(&Tx{tx: db.read, db: db})
	}
	stx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return dbErr(err, "store: begin transaction")
	}
	done := false
	defer func() {
		if !done {
			// fn panicked: end the transaction, then let it unwind.
			_ = stx.Rollback()
		}
	}()
	err = fn(&Tx{tx: stx, db: db})
	done = true
	if err != nil {
		if rerr := stx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			db.log.Error("store: rollback failed", "err", rerr)
		}
		return err
	}
	if err := stx.Commit(); err != nil {
		return dbErr(err, "store: commit")
	}
	return nil
}

// Now returns the store's clock reading, in UTC to the microsecond: the
// precision every stored time has.
func (tx *Tx) Now() time.Time { return tx.db.now().UTC().Truncate(time.Microsecond) }

func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	tx.begin()
	return tx.tx.ExecContext(tx.ctx(ctx), tx.db.d.rebind(query), args...)
}

// execN runs a statement and returns the number of rows it changed.
func (tx *Tx) execN(ctx context.Context, query string, args ...any) (int, error) {
	res, err := tx.exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func (tx *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	tx.begin()
	return tx.tx.QueryContext(tx.ctx(ctx), tx.db.d.rebind(query), args...)
}

func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	tx.begin()
	return tx.tx.QueryRowContext(tx.ctx(ctx), tx.db.d.rebind(query), args...)
}

// ctx is the context a statement runs under (see detached).
func (tx *Tx) ctx(ctx context.Context) context.Context {
	if tx.detached {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// t and b encode times and booleans for the dialect.
func (tx *Tx) t(v time.Time) any { return tx.db.d.timeArg(v) }
func (tx *Tx) b(v bool) any      { return tx.db.d.boolArg(v) }

// timeOr returns *p, or now when it is zero, stored back into *p at the
// precision the database keeps, so the caller holds what was written.
func (tx *Tx) timeOr(p *time.Time) time.Time {
	if p.IsZero() {
		*p = tx.Now()
	} else {
		*p = p.UTC().Truncate(time.Microsecond)
	}
	return *p
}

// dbErr maps a driver error onto an errs code. Messages name no values.
func dbErr(err error, op string) error {
	if err == nil {
		return nil
	}
	switch classify(err) {
	case errUnique:
		return &errs.Error{Code: errs.Conflict, Message: "the record already exists", Err: err}
	case errForeignKey:
		return &errs.Error{Code: errs.Conflict, Message: "the record refers to a record that does not exist", Err: err}
	case errBusy:
		return &errs.Error{Code: errs.Unavailable, Message: "the database is busy; please try again", Err: err}
	}
	return errs.Wrap(err, op)
}

// notFound maps sql.ErrNoRows onto an errs.NotFound error about what.
func notFound(err error, what, op string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, "%s not found", what)
	}
	return dbErr(err, op)
}

// scanAll reads every row with scan and closes rows: the loop that every
// listing would otherwise repeat. op names the operation in errors.
func scanAll[T any](rows *sql.Rows, op string, scan func(row interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, dbErr(err, op)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(err, op)
	}
	return out, nil
}
