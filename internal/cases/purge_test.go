package cases_test

import (
	"slices"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

func TestPurge(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		now := t0.AddDate(-2, 0, 0)
		svc := cases.NewService(e.svcStore(), e.keys.Sealer(crypto.PurposeIdentity), e.keys,
			cases.Config{Now: func() time.Time { return now }, Retention: 365 * 24 * time.Hour})
		closeCase := func(id int64) {
			t.Helper()
			if err := svc.RequestClose(e.ctx, officerSE, id, "done"); err != nil {
				t.Fatal(err)
			}
			if err := svc.ApproveClose(e.ctx, supervisorSE, id); err != nil {
				t.Fatal(err)
			}
		}
		// Two years ago: A's only case and B's first case are closed.
		a, ka, err := svc.Register(e.ctx, officerSE, child("Amir", "Rahimi", "2011"), kase())
		if err != nil {
			t.Fatal(err)
		}
		b, kb, _ := svc.Register(e.ctx, officerSE, child("Amina", "Yusuf", "2012"), kase())
		if _, err := svc.AddEvent(e.ctx, officerSE, ka.ID, cases.EventInput{Type: cases.EvReferred, Notes: "x"}); err != nil {
			t.Fatal(err)
		}
		closeCase(ka.ID)
		closeCase(kb.ID)
		kb2, err := svc.Attach(e.ctx, officerSE, b.ID, child("Amina", "Yusuf", "2012"), kase())
		if err != nil {
			t.Fatal(err)
		}
		// A month ago: C's case is closed, within the retention period.
		now = t0.AddDate(0, -1, 0)
		c, kc, _ := svc.Register(e.ctx, officerSE, child("Oleksandr", "Shevchenko", "2010"), kase())
		closeCase(kc.ID)
		now = t0

		_, err = svc.Purge(e.ctx, supervisorSE, true)
		wantCode(t, err, errs.Forbidden)
		dry, err := svc.Purge(e.ctx, auth.SystemActor, true)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(dry.Cases, []int64{ka.ID, kb.ID}) || !slices.Equal(dry.Children, []int64{a.ID}) {
			t.Fatalf("dry run: %+v", dry)
		}
		if _, err := svc.Child(e.ctx, officerSE, a.ID); err != nil {
			t.Fatalf("the dry run erased: %v", err)
		}
		done, err := svc.Purge(e.ctx, auth.SystemActor, false)
		if err != nil || !slices.Equal(done.Cases, dry.Cases) || !slices.Equal(done.Children, dry.Children) {
			t.Fatalf("purge: %+v, %v", done, err)
		}
		_, err = svc.Child(e.ctx, officerSE, a.ID)
		wantCode(t, err, errs.NotFound)
		_, _, err = svc.Case(e.ctx, officerSE, kb.ID)
		wantCode(t, err, errs.NotFound)
		for _, id := range []int64{b.ID, c.ID} {
			if _, err := svc.Child(e.ctx, officerSE, id); err != nil {
				t.Errorf("child %d kept: %v", id, err)
			}
		}
		if ks, err := svc.CasesOf(e.ctx, officerSE, b.ID); err != nil || len(ks) != 1 || ks[0].ID != kb2.ID {
			t.Errorf("B's cases after purge: %v, %v", ks, err)
		}
		// Nothing of the erased records is left, in any table.
		for _, q := range []string{
			`SELECT count(*) FROM child_tokens WHERE child_id = ?`, `SELECT count(*) FROM child_aliases WHERE child_id = ?`,
			`SELECT count(*) FROM case_changes WHERE entity = 'child' AND entity_id = ?`,
		} {
			var n int
			if err := e.db.SQL().QueryRow(e.db.Rebind(q), a.ID).Scan(&n); err != nil || n != 0 {
				t.Errorf("%s: %d, %v", q, n, err)
			}
		}
		for _, q := range []string{`SELECT count(*) FROM case_events WHERE case_id = ?`,
			`SELECT count(*) FROM case_changes WHERE entity = 'case' AND entity_id = ?`} {
			var n int
			if err := e.db.SQL().QueryRow(e.db.Rebind(q), ka.ID).Scan(&n); err != nil || n != 0 {
				t.Errorf("%s: %d, %v", q, n, err)
			}
		}
		if n := e.countAudit(t, audit.ActRetentionPurge, ""); n != 1 {
			t.Errorf("%d retention.purge entries", n)
		}
	})
}
