package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

var supervisor = auth.Actor{UserID: 2, Role: auth.RoleSupervisor, Country: "SE"}

// closeCase closes a case with a supervisor's approval.
func closeCase(t *testing.T, svc *cases.Service, id int64) {
	t.Helper()
	ctx := context.Background()
	if err := svc.RequestClose(ctx, officer, id, "returned to the family in Lindqvistgatan"); err != nil {
		t.Fatal(err)
	}
	if err := svc.ApproveClose(ctx, supervisor, id); err != nil {
		t.Fatal(err)
	}
}

func TestPurge(t *testing.T) {
	eachBackend(t, func(t *testing.T, vars map[string]string) {
		ctx := context.Background()
		now := time.Now().UTC()
		longAgo, recently := now.AddDate(-2, 0, 0), now.AddDate(0, 0, -10)
		old := testRegistry(t, vars, func() time.Time { return longAgo })
		recent := testRegistry(t, vars, func() time.Time { return recently })
		register := func(r *registry, family string) (*cases.Child, *cases.Case) {
			t.Helper()
			c, k, err := r.cases.Register(ctx, officer,
				cases.ChildInput{GivenNames: "Amina", FamilyName: family, BirthDate: "2010", Sex: cases.SexFemale},
				cases.CaseInput{Category: cases.CatUnaccompanied, Evidence: cases.EvidenceIdentified})
			if err != nil {
				t.Fatal(err)
			}
			return c, k
		}
		gone, goneCase := register(old, "Lindqvist") // closed two years ago: erased with her only case
		kept, keptOld := register(old, "Bergström")  // an old closed case and a new open one: the child stays
		closeCase(t, old.cases, goneCase.ID)
		closeCase(t, old.cases, keptOld.ID)
		keptNew, err := recent.cases.Attach(ctx, officer, kept.ID,
			cases.ChildInput{GivenNames: "Amina", FamilyName: "Bergström", BirthDate: "2010"},
			cases.CaseInput{Category: cases.CatMissingFromCare, Evidence: cases.EvidencePresumed})
		if err != nil {
			t.Fatal(err)
		}
		_, recentCase := register(recent, "Sandberg") // closed ten days ago: kept
		closeCase(t, recent.cases, recentCase.ID)

		vars["CHILDCENTRE_RETENTION"] = "365d"
		code, stdout, stderr := runCLI(t, vars, "purge", "--dry-run")
		wantList := fmt.Sprintf("case:%d case:%d\n  child:%d\n", goneCase.ID, keptOld.ID, gone.ID)
		if code != 0 || !strings.Contains(stdout, "would erase 2 cases") || !strings.Contains(stdout, "1 children") ||
			!strings.Contains(stdout, wantList) || !strings.Contains(stdout, "nothing was erased") {
			t.Fatalf("dry run: exit %d\n%s%s", code, stdout, stderr)
		}
		r := testRegistry(t, vars, nil)
		if _, err := r.cases.Child(ctx, officer, gone.ID); err != nil {
			t.Fatalf("the dry run erased a child: %v", err)
		}

		code, stdout, stderr = runCLI(t, vars, "purge")
		if code != 0 || !strings.Contains(stdout, "erased 2 cases") || !strings.Contains(stdout, wantList) {
			t.Fatalf("purge: exit %d\n%s%s", code, stdout, stderr)
		}
		for _, s := range []string{"Lindqvist", "Bergström", "Amina", "Sandberg"} {
			if strings.Contains(stdout+stderr, s) {
				t.Errorf("purge prints a name: %s", stdout)
			}
		}
		if _, err := r.cases.Child(ctx, officer, gone.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("purged child still readable: %v", err)
		}
		if _, _, err := r.cases.Case(ctx, officer, keptOld.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("purged case still readable: %v", err)
		}
		if ks, err := r.cases.CasesOf(ctx, officer, kept.ID); err != nil || len(ks) != 1 || ks[0].ID != keptNew.ID {
			t.Errorf("the child with an open case lost it: %v, %v", ks, err)
		}
		if _, _, err := r.cases.Case(ctx, officer, recentCase.ID); err != nil {
			t.Errorf("a case closed ten days ago was purged: %v", err)
		}

		// The purge is audited with counts; the audit log holds no name,
		// reason or other value of what was erased.
		purges := 0
		err = r.db.WalkAudit(ctx, func(e audit.Entry) error {
			if e.Action == audit.ActRetentionPurge {
				purges++
				if e.Detail != "cases=2 children=1" || e.Actor != "system" {
					t.Errorf("retention.purge entry: %+v", e.Record)
				}
			}
			all := fmt.Sprintf("%+v", e.Record)
			for _, s := range []string{"Lindqvist", "Bergström", "Amina", "Lindqvistgatan"} {
				if strings.Contains(all, s) {
					t.Errorf("audit entry %d copies a value (%s): %s", e.Seq, s, all)
				}
			}
			return nil
		})
		if err != nil || purges != 1 {
			t.Errorf("%d retention.purge entries (%v), want 1", purges, err)
		}

		// Nothing left to purge: nothing erased, nothing audited.
		if code, stdout, _ := runCLI(t, vars, "purge"); code != 0 || !strings.Contains(stdout, "erased 0 cases") {
			t.Errorf("second purge: exit %d\n%s", code, stdout)
		}
	})
}

func TestPurgeUsage(t *testing.T) {
	vars, _ := adminNode(t)
	vars["CHILDCENTRE_RETENTION"] = "2h"
	if code, _, stderr := runCLI(t, vars, "purge"); code != 2 || !strings.Contains(stderr, "at least 1d") {
		t.Errorf("purge with a retention of hours: exit %d %s", code, stderr)
	}
	delete(vars, "CHILDCENTRE_RETENTION")
	if code, _, _ := runCLI(t, vars, "purge", "extra"); code != 2 {
		t.Errorf("purge with an argument: exit %d", code)
	}
}
