// Package audit is the tamper-evident record of who did what: sign-ins,
// reads of sensitive pages, every change and every administrative act.
//
// Entries form a hash chain: each carries a keyed hash (HMAC-SHA256 with a
// key the database does not hold) over its own content and the previous
// entry's hash, so that altering, removing or reordering an entry breaks
// verification from that entry on. Records carry identifiers and codes,
// never personal data.
package audit

import (
	"context"
	"time"
)

// Record is what happened, before it is chained.
type Record struct {
	Time    time.Time // set by the appender when zero
	Actor   string    // "user:12", "token:3", "system"
	Role    string    // the actor's role at the time
	Country string    // the country whose data or users the act concerns
	Action  string    // dotted verb: "auth.signin", "auth.signin_failed", "user.create", "child.read"
	Target  string    // "user:15", "child:123"; identifiers, never names
	Outcome string    // "ok", "denied", "failed"
	Addr    string    // pseudonymised client address
	Detail  string    // short non-personal detail: field names changed, a reason code
}

// Entry is a chained record as stored.
type Entry struct {
	Seq int64 // 1, 2, 3... without gaps
	Record
	Prev []byte // Hash of entry Seq-1; 32 zero bytes for Seq 1
	Hash []byte // HMAC-SHA256(key, canonical(Seq, Record, Prev))
}

// Appender appends records to the chain inside a transaction.
type Appender interface {
	AppendAudit(ctx context.Context, r Record) error
}

// Filter selects entries for the auditor's page.
type Filter struct {
	Country string // "" = every country
	Action  string // prefix match: "auth." selects every sign-in event
	Actor   string
	Target  string
	Seq     int64     // one entry; 0 = any
	From    time.Time // inclusive; zero = no bound
	To      time.Time // exclusive; zero = no bound
	Limit   int
	Offset  int
}

// AppendAll appends rs through ap, in order: for bulk acts such as an
// import, whose every created record must have its own creation entry
// (CheckCreations). The store inserts a transaction's entries together
// at its commit, so one call each costs no round trip.
func AppendAll(ctx context.Context, ap Appender, rs []Record) error {
	for _, r := range rs {
		if err := ap.AppendAudit(ctx, r); err != nil {
			return err
		}
	}
	return nil
}
