package audit

import (
	"context"
	"fmt"
	"strings"
)

// RecordLister gives the cross-check the records a node holds.
// internal/store implements it.
type RecordLister interface {
	// WalkRecords calls fn with the target reference ("child:12",
	// "case:3", "user:4") of every child, case and account held.
	WalkRecords(ctx context.Context, fn func(target string) error) error
}

// creationActions are the actions that record a record's creation, by the
// prefix of the target they name.
var creationActions = map[string]string{
	"child:": ActChildCreate,
	"case:":  ActCaseCreate,
	"user:":  ActUserCreate,
}

// Unlogged is the outcome of CheckCreations.
type Unlogged struct {
	Records int      // how many records were checked
	Missing int      // how many have no creation entry
	First   []string // up to ten of them, by reference
}

// OK reports whether every record's creation is in the log.
func (u Unlogged) OK() bool { return u.Missing == 0 }

func (u Unlogged) String() string {
	if u.OK() {
		return fmt.Sprintf("every record's creation is in the log: %d children, cases and accounts checked", u.Records)
	}
	return fmt.Sprintf("%d of %d records have no creation entry in the audit log (written around the application, or their entries removed): %s",
		u.Missing, u.Records, strings.Join(u.First, ", "))
}

// CheckCreations cross-checks the data against the log: every child, case
// and account held must have a successful creation entry naming it. A row
// inserted straight into the database, or whose entry was cut off with the
// tail of the log, fails. Purged records are not held, so their entries
// are simply not looked at.
func CheckCreations(ctx context.Context, r Reader, l RecordLister) (Unlogged, error) {
	created := map[string]struct{}{}
	err := r.WalkAudit(ctx, func(e Entry) error {
		if e.Outcome != "ok" {
			return nil
		}
		for prefix, action := range creationActions {
			if e.Action == action && strings.HasPrefix(e.Target, prefix) {
				created[e.Target] = struct{}{}
			}
		}
		return nil
	})
	if err != nil {
		return Unlogged{}, err
	}
	var u Unlogged
	err = l.WalkRecords(ctx, func(target string) error {
		u.Records++
		if _, ok := created[target]; !ok {
			u.Missing++
			if len(u.First) < 10 {
				u.First = append(u.First, target)
			}
		}
		return nil
	})
	return u, err
}
