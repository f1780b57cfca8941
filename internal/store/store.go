package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Options configures Open.
type Options struct {
	// URL selects the database: postgres:// or postgresql:// for
	// PostgreSQL; otherwise a SQLite file path, also written sqlite://PATH or
	// file:PATH. It may hold a password: it is never logged or put in errors.
	URL string
	// Chain links audit entries. Required for appending to the audit log;
	// tools that only migrate or read may leave it nil.
	Chain *audit.Chain
	// Now is the clock for default times (audit entries, created_at…);
	// time.Now when nil.
	Now func() time.Time
	// Logger receives operational messages (migrations applied); never data.
	Logger *slog.Logger
	// MaxReadConns sizes the SQLite read pool and each of the two PostgreSQL pools;
	// DefaultMaxConns when zero.
	MaxReadConns int
	// LinkageAtRest seals the records' linkage encodings in the database
	// (linkage_atrest.go); nil stores them as given.
	LinkageAtRest *crypto.FieldCipher
	// NationalRefAtRest keeps national references as a keyed hash and a
	// sealed copy (linkage_atrest.go); nil stores them in clear.
	NationalRefAtRest *crypto.FieldCipher
}

// sqliteCacheKiB is the page cache of each SQLite connection.
const sqliteCacheKiB = 32 << 10

// DefaultMaxConns is the pool size when Options.MaxReadConns is zero.
const DefaultMaxConns = 8

// Timeouts applied to every connection.
const (
	// busyTimeout is how long SQLite waits for a lock held by another
	// process (an administrator's command beside the server) before failing.
	busyTimeout = 10 * time.Second
	// statementTimeout bounds any one PostgreSQL statement.
	statementTimeout = 30 * time.Second
	// lockTimeout bounds a PostgreSQL wait for a row lock (the audit head).
	lockTimeout = 10 * time.Second
	// idleTxTimeout ends a PostgreSQL transaction left open by a bug.
	idleTxTimeout = 60 * time.Second
)

// DB is an open database: SQLite or PostgreSQL.
type DB struct {
	d     *dialect
	write *sql.DB // SQLite: one connection, every read-write transaction
	read  *sql.DB // SQLite: query_only pool; PostgreSQL: the same pool as write
	chain *audit.Chain
	// linkageAtRest seals linkage encodings (Options.LinkageAtRest).
	linkageAtRest *crypto.FieldCipher
	natRefAtRest  *crypto.FieldCipher
	now           func() time.Time
	log           *slog.Logger
	h             health     // whether writes work; PostgreSQL connection generations
	group         group      // writes waiting for the group commit
	blocks        blockCache // the duplicate check's blocks, opened (cases_blockcache.go)
}

// Open opens (and for SQLite creates) the database named by opt.URL. It
// does not migrate: call Migrate.
func Open(ctx context.Context, opt Options) (*DB, error) {
	if opt.URL == "" {
		return nil, errs.Field("database", "no database given")
	}
	db := &DB{chain: opt.Chain, now: opt.Now, log: opt.Logger, linkageAtRest: opt.LinkageAtRest, natRefAtRest: opt.NationalRefAtRest}
	if db.now == nil {
		db.now = time.Now
	}
	if db.log == nil {
		db.log = slog.New(slog.DiscardHandler)
	}
	n := opt.MaxReadConns
	if n <= 0 {
		n = DefaultMaxConns
	}
	var err error
	if isPostgresURL(opt.URL) {
		err = db.openPostgres(ctx, opt.URL, n)
	} else {
		err = db.openSQLite(ctx, opt.URL, n)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func isPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// sqlitePath returns the file path in a SQLite database URL.
func sqlitePath(u string) (string, error) {
	p := strings.TrimPrefix(strings.TrimPrefix(u, "sqlite://"), "file:")
	switch {
	case p == "" || p == ":memory:" || strings.HasPrefix(p, "file::memory:"):
		return "", errs.Field("database", "an in-memory SQLite database is not supported: give a file path")
	case strings.ContainsAny(p, "?#"):
		// Connection options are Childcentre's to set (WAL, synchronous…).
		return "", errs.Field("database", "a SQLite database path may not carry options (? or #)")
	}
	return p, nil
}

func (db *DB) openSQLite(ctx context.Context, u string, readConns int) error {
	db.d = sqliteDialect
	configurePageCache()
	path, err := sqlitePath(u)
	if err != nil {
		return err
	}
	// Create the file ourselves so that it is private to the service
	// account: it holds the case registry. SQLite gives the -wal and -shm
	// files the same mode as the database file.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return &errs.Error{Code: errs.Unavailable, Message: "the database file cannot be opened", Err: err}
	}
	st, err := f.Stat()
	f.Close()
	if err == nil && st.Mode().Perm()&0o077 != 0 {
		db.log.Warn("store: the database file is readable by other users; restrict it to the service account (chmod 600)")
	}

	common := url.Values{}
	common.Set("_busy_timeout", fmt.Sprint(busyTimeout.Milliseconds()))
	common.Set("_foreign_keys", "1")
	common.Set("_synchronous", "FULL") // durable at commit, even on power loss
	// Each connection keeps a larger cache of pages than SQLite's 2 MB:
	// reading a page again through read(2) was a fifth of a search's time.
	// (A memory map instead, mmap_size, was slower: each page mapped is
	// parsed again on every use.)
	common.Add("_pragma", fmt.Sprintf("cache_size(%d)", -sqliteCacheKiB))
	writeQ := cloneValues(common)
	writeQ.Set("_journal_mode", "WAL")
	// BEGIN IMMEDIATE takes the write lock at the start of a transaction,
	// so a transaction never fails half-way upgrading a read lock.
	writeQ.Set("_txlock", "immediate")
	// The savepoints of the group commit (group.go) copy every page a
	// writer changes into a journal; in a temporary file, writing it was
	// a quarter of the hub's time accepting uploads. In memory it takes
	// at most the pages one transaction changes.
	writeQ.Add("_pragma", "temp_store(memory)")
	readQ := cloneValues(common)
	readQ.Set("_query_only", "1")

	// The write pool is opened and pinged first: its first connection
	// switches the file to WAL, which the readers then find.
	if db.write, err = openSQLitePool(path + "?" + writeQ.Encode()); err != nil {
		return errs.Wrap(err, "store: open sqlite")
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetMaxIdleConns(1)
	db.write.SetConnMaxLifetime(0)
	db.write.SetConnMaxIdleTime(0)
	var mode string
	if err := db.write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return unavailable(err)
	}
	if !strings.EqualFold(mode, "wal") {
		return errs.E(errs.Unavailable, "the database file cannot use write-ahead logging (is it on a network file system?)")
	}

	if db.read, err = openSQLitePool(path + "?" + readQ.Encode()); err != nil {
		return errs.Wrap(err, "store: open sqlite")
	}
	db.read.SetMaxOpenConns(readConns)
	db.read.SetMaxIdleConns(readConns)
	db.read.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.read.PingContext(ctx); err != nil {
		return unavailable(err)
	}
	return nil
}

func (db *DB) openPostgres(ctx context.Context, raw string, conns int) error {
	db.d = postgresDialect
	u, err := url.Parse(raw)
	if err != nil {
		// url's error would repeat the URL, password included.
		return errs.Field("database", "the PostgreSQL URL is malformed")
	}
	// Session defaults, unless the URL sets them: every statement bounded,
	// times exchanged in UTC, the service named in pg_stat_activity.
	q := u.Query()
	for k, v := range map[string]string{
		"application_name":                    "childcentre",
		"timezone":                            "UTC",
		"statement_timeout":                   fmt.Sprint(statementTimeout.Milliseconds()),
		"lock_timeout":                        fmt.Sprint(lockTimeout.Milliseconds()),
		"idle_in_transaction_session_timeout": fmt.Sprint(idleTxTimeout.Milliseconds()),
	} {
		if !q.Has(k) {
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()
	cfg, err := pgx.ParseConfig(u.String())
	if err != nil {
		// pgx's error may quote the URL, password included.
		return errs.Field("database", "the PostgreSQL URL is not valid")
	}
	// Two pools: Update's transactions, and View's statements, which run
	// outside a transaction (tx.go, view) on connections the server
	// keeps read-only (default_transaction_read_only), so that a write
	// in a View fails as it did in a read-only transaction.
	rcfg := cfg.Copy()
	rcfg.RuntimeParams["default_transaction_read_only"] = "on"
	for _, p := range []struct {
		db  **sql.DB
		cfg *pgx.ConnConfig
	}{{&db.write, cfg}, {&db.read, rcfg}} {
		*p.db = stdlib.OpenDB(*p.cfg, stdlib.OptionAfterConnect(db.h.afterConnect), stdlib.OptionResetSession(db.h.resetSession))
		(*p.db).SetMaxOpenConns(conns)
		(*p.db).SetMaxIdleConns(conns)
		(*p.db).SetConnMaxIdleTime(5 * time.Minute)
		(*p.db).SetConnMaxLifetime(time.Hour)
		if err := (*p.db).PingContext(ctx); err != nil {
			return unavailable(err)
		}
	}
	return nil
}

func cloneValues(v url.Values) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

func unavailable(err error) error {
	return &errs.Error{Code: errs.Unavailable, Message: "the database cannot be reached", Err: err}
}

// Close closes every connection.
func (db *DB) Close() error {
	var errList []error
	if db.read != nil && db.read != db.write {
		errList = append(errList, db.read.Close())
	}
	if db.write != nil {
		errList = append(errList, db.write.Close())
	}
	return errors.Join(errList...)
}

// Ping checks that the database answers, for /readyz. On SQLite it asks a
// read connection: the write connection may be busy with a transaction,
// which is no sign of trouble. After a write failed because the database
// could not take it (disk full, read-only), Ping also tries a small write,
// so that the node reports not ready until writes work again.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		db.settle(false, err)
		return unavailable(err)
	}
	if db.h.writeDown.Load() {
		return db.probeWrite(ctx)
	}
	return nil
}

// Dialect returns DialectSQLite or DialectPostgres.
func (db *DB) Dialect() string { return db.d.Name }

// SQL returns the write pool. It is for tests and administration tools
// only: application code goes through Update and View, which keep the
// single-writer rule and the audit trail.
func (db *DB) SQL() *sql.DB { return db.write }

// Rebind rewrites a query written with "?" placeholders for this
// database's driver. It is for tests and tools that use SQL().
func (db *DB) Rebind(query string) string { return db.d.rebind(query) }

// TimeArg encodes t as this database stores times, for statement arguments
// in tests and tools that use SQL().
func (db *DB) TimeArg(t time.Time) any { return db.d.timeArg(t) }
