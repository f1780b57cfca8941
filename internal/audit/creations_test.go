package audit_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// The store must serve the cross-check.
var _ audit.RecordLister = (*store.DB)(nil)

func TestCheckCreations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		exec := storetest.Tamper(t, db)
		// Two accounts; only the first has its creation in the log, as an
		// account written straight into the database would not.
		for _, u := range []string{"logged", "unlogged"} {
			exec(`INSERT INTO users (username, display_name, role, country, password_hash, created_at, updated_at)
				VALUES (?, '', 'auditor', 'LT', 'x', ?, ?)`, u, timeArg(db, t0), timeArg(db, t0))
		}
		var ids []int64
		rows, err := db.SQL().Query(`SELECT id FROM users ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		if err := db.AppendAudit(ctx, audit.Record{Actor: "system", Action: audit.ActUserCreate, Target: "user:" + itoa(ids[0]), Outcome: "ok"}); err != nil {
			t.Fatal(err)
		}
		// A failed creation entry does not count.
		if err := db.AppendAudit(ctx, audit.Record{Actor: "system", Action: audit.ActUserCreate, Target: "user:" + itoa(ids[1]), Outcome: "failed"}); err != nil {
			t.Fatal(err)
		}
		un, err := audit.CheckCreations(ctx, db, db)
		if err != nil {
			t.Fatal(err)
		}
		if un.OK() || un.Records != 2 || un.Missing != 1 || un.First[0] != "user:"+itoa(ids[1]) {
			t.Fatalf("got %+v", un)
		}
		if !strings.Contains(un.String(), "1 of 2 records") {
			t.Errorf("summary %q", un)
		}
		if err := db.AppendAudit(ctx, audit.Record{Actor: "system", Action: audit.ActUserCreate, Target: "user:" + itoa(ids[1]), Outcome: "ok"}); err != nil {
			t.Fatal(err)
		}
		if un, err := audit.CheckCreations(ctx, db, db); err != nil || !un.OK() {
			t.Fatalf("all logged: %+v %v", un, err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
