package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// This file is the one place where SQLite and PostgreSQL differ. Queries are
// written once, with "?" placeholders, and rebound here; migrations are
// text/template files whose column types and dialect-only statements come
// from the fields of dialect; times are encoded and decoded here; driver
// errors are classified here.

// Dialect names, as returned by (*DB).Dialect.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// dialect describes one database engine. The exported fields are what
// migration templates may use: {{.ID}}, {{.Blob}}, {{if .Postgres}}…{{end}}.
type dialect struct {
	Name     string
	Postgres bool   // true on PostgreSQL: guards statements only it has (triggers in PL/pgSQL)
	SQLite   bool   // true on SQLite: guards statements only it has
	ID       string // an auto-incrementing 64-bit primary key column
	BigInt   string // a 64-bit integer
	Blob     string // raw bytes
	Time     string // a point in time, UTC, microsecond precision (see timeArg)
	Bool     string // a boolean

	// forUpdate locks the selected rows until the transaction ends. SQLite
	// has no row locks and needs none: its single write connection and
	// BEGIN IMMEDIATE already serialise every read-write transaction.
	forUpdate string
	// migrationLock serialises migrating processes until the transaction
	// ends; empty on SQLite, where BEGIN IMMEDIATE already does.
	migrationLock string
	// tableExists counts the tables named ? in the current schema.
	tableExists string
	// byteOrder follows ORDER BY of a text column to sort by bytes, as
	// SQLite does by default, whatever the PostgreSQL server's locale.
	byteOrder string
	// notIndexed prefixes a column in a WHERE term that must only filter
	// the rows found by another term, not choose an index: SQLite's unary
	// plus. Without statistics, SQLite looked children up by id through
	// the (country, id) index and then the table, two searches per row,
	// rather than by the primary key alone.
	notIndexed string
}

var (
	sqliteDialect = &dialect{
		Name:   DialectSQLite,
		SQLite: true,
		// AUTOINCREMENT: ids are never reused after a delete, so an
		// identifier in the audit log ("user:12") names one row for ever.
		ID:     "INTEGER PRIMARY KEY AUTOINCREMENT",
		BigInt: "INTEGER",
		Blob:   "BLOB",
		// Fixed-width ISO 8601 text (see sqliteTimeLayout): exact to the
		// microsecond, sorts as it compares, readable in the sqlite3 shell.
		Time:        "TEXT",
		Bool:        "INTEGER",
		tableExists: `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`,
		notIndexed:  "+",
	}
	postgresDialect = &dialect{
		Name:      DialectPostgres,
		Postgres:  true,
		ID:        "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
		BigInt:    "BIGINT",
		Blob:      "BYTEA",
		Time:      "TIMESTAMPTZ", // microsecond precision, like audit.Chain.Link
		Bool:      "BOOLEAN",
		forUpdate: " FOR UPDATE",
		byteOrder: ` COLLATE "C"`,
		// An advisory lock taken by every migrating transaction; the key
		// spells "child".
		migrationLock: `SELECT pg_advisory_xact_lock(426953501796)`,
		tableExists:   `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?`,
	}
)

// sqliteTimeLayout is how SQLite stores times: UTC, always six fractional
// digits, so that text order is time order and a value read back equals the
// value written (audit hashes cover the time to the microsecond).
const sqliteTimeLayout = "2006-01-02T15:04:05.000000Z"

// rebind rewrites "?" placeholders as "$1", "$2"… for PostgreSQL. Question
// marks inside quoted literals or identifiers are left alone.
func (d *dialect) rebind(query string) string {
	if !d.Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// timeArg encodes t for a query argument: UTC, truncated to microseconds.
func (d *dialect) timeArg(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if d.Postgres {
		return t
	}
	return t.Format(sqliteTimeLayout)
}

// boolArg encodes b; SQLite has no boolean type.
func (d *dialect) boolArg(b bool) any {
	if d.Postgres {
		return b
	}
	if b {
		return int64(1)
	}
	return int64(0)
}

// scanTime decodes a time column in either dialect's form into a UTC time.
type scanTime struct{ t *time.Time }

// Scan implements sql.Scanner.
func (s scanTime) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*s.t = v.UTC()
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	case int64: // not written by this package; accepted as Unix microseconds
		*s.t = time.UnixMicro(v).UTC()
	case nil:
		*s.t = time.Time{}
	default:
		return fmt.Errorf("store: cannot read a time from %T", src)
	}
	return nil
}

func (s scanTime) parse(v string) error {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return fmt.Errorf("store: malformed time in database: %w", err)
	}
	*s.t = t.UTC()
	return nil
}

// errKind classifies driver errors so that callers get errs codes.
type errKind int

const (
	errOther      errKind = iota
	errUnique             // a unique or primary key constraint was violated
	errForeignKey         // a foreign key constraint was violated
	errBusy               // locked by another connection or process, or timed out
)

// classify tells what kind of failure err is, in either dialect.
func classify(err error) errKind {
	if errors.Is(err, context.DeadlineExceeded) {
		return errBusy
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return errUnique
		case "23503":
			return errForeignKey
		case "55P03", "40P01", "57014": // lock_not_available, deadlock_detected, query_canceled (timeout)
			return errBusy
		}
		return errOther
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		switch lite.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return errUnique
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return errForeignKey
		}
		switch lite.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return errBusy
		}
	}
	return errOther
}
