// Package store keeps Childcentre's data in an embedded SQLite file or in
// PostgreSQL, and implements the storage interfaces of the domain packages
// (auth.Store; later cases, exchange…) on either.
//
// # Engines
//
// Open chooses the engine from the URL: postgres:// or postgresql:// is
// PostgreSQL, anything else is a SQLite file (pure Go, no cgo).
//
// SQLite runs in WAL mode with synchronous=FULL (a committed transaction
// survives power loss), foreign keys on and a busy timeout. As in
// pocketbase, there are two pools on the same file: one with a single
// connection through which every read-write transaction passes, opened with
// BEGIN IMMEDIATE, and a query_only pool for reads. Writers therefore queue
// in Go rather than collide in SQLite, and never see SQLITE_BUSY from one
// another; WAL lets the readers go on while a write is in progress. The
// file is created with mode 0600.
//
// PostgreSQL connections get a bounded pool, a statement timeout, a lock
// timeout and an idle-in-transaction timeout, and talk UTC.
//
// # Dialects
//
// Everything that differs between the engines is in dialect.go: column
// types, placeholders (queries are written with ? and rebound to $n),
// time encoding, row locking and the classification of driver errors
// (unique and foreign key violations become errs.Conflict). Times are
// stored in UTC to the microsecond, as TIMESTAMPTZ on PostgreSQL and as
// fixed-width ISO 8601 text on SQLite, so that what is read back equals
// what was written: audit hashes cover the time.
//
// # Migrations
//
// Migrations are embedded SQL files (migrations/NNNN_name.sql), written once
// for both engines as text/template documents with a few placeholders
// ({{.ID}}, {{.Blob}}, {{.Time}}…) and {{if .Postgres}} blocks for the
// statements only one engine has. One file per migration, rather than one
// per engine, keeps the engines' schemas from drifting apart: a column is
// added in one place. Migrate applies the pending ones in order, each in its
// own transaction with its row in schema_migrations; it refuses to run on a
// database that records a migration it does not know (a newer binary's).
// A shipped migration is never edited: add a new one.
//
// # Transactions and the audit log
//
// DB.Update and DB.View run a function in a transaction; a domain's store
// adapter (AuthStore) wraps the *Tx in a small type carrying the domain's
// methods, so every domain shares the transaction and Tx.AppendAudit.
// AppendAudit writes the audit record in the caller's transaction: the
// record commits or rolls back with the act it records. It reads and locks
// the chain head (audit_head; SELECT … FOR UPDATE on PostgreSQL, the single
// writer on SQLite), links the record with the keyed hash of audit.Chain,
// inserts it and moves the head, so that sequence numbers run without gaps
// and each entry carries its predecessor's hash. Nothing in this package
// updates or deletes an audit entry, and triggers make both databases
// refuse it; the hash chain, whose key the database does not hold, is what
// exposes a change made by someone who removes the triggers.
package store
