package cases_test

import (
	"testing"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// TestAccess checks every method against every role: roles without the
// permission are refused (Forbidden), and another country's records do
// not exist for the caller (NotFound), whatever its role.
func TestAccess(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c, k := e.register(t, officerSE, child("Amir", "Rahimi", "2011"))
		// A case in closure_requested state for the approval methods.
		_, k2 := e.register(t, officerSE, child("Amina", "Yusuf", "2012"))
		if err := e.svc.RequestClose(e.ctx, officerSE, k2.ID, "done"); err != nil {
			t.Fatal(err)
		}
		methods := []struct {
			name string
			perm auth.Permission
			call func(a auth.Actor) error
			// record: the call names an existing Swedish record.
			record bool
		}{
			{"Child", auth.PermCasesRead, func(a auth.Actor) error { _, err := e.svc.Child(e.ctx, a, c.ID); return err }, true},
			{"CasesOf", auth.PermCasesRead, func(a auth.Actor) error { _, err := e.svc.CasesOf(e.ctx, a, c.ID); return err }, true},
			{"Case", auth.PermCasesRead, func(a auth.Actor) error { _, _, err := e.svc.Case(e.ctx, a, k.ID); return err }, true},
			{"Timeline", auth.PermCasesRead, func(a auth.Actor) error { _, err := e.svc.Timeline(e.ctx, a, k.ID); return err }, true},
			{"History", auth.PermCasesRead, func(a auth.Actor) error { _, err := e.svc.History(e.ctx, a, "child", c.ID); return err }, true},
			{"Search", auth.PermCasesRead, func(a auth.Actor) error { _, err := e.svc.Search(e.ctx, a, cases.Query{Text: "Amir"}); return err }, false},
			{"Duplicates", auth.PermCasesRead, func(a auth.Actor) error {
				_, err := e.svc.Duplicates(e.ctx, a, child("Amir", "Rahimi", "2011"))
				return err
			}, false},
			{"UpdateChild", auth.PermCasesWrite, func(a auth.Actor) error {
				_, err := e.svc.UpdateChild(e.ctx, a, c.ID, 1, child("Amir", "Rahimi", "2011"))
				return err
			}, true},
			{"UpdateCase", auth.PermCasesWrite, func(a auth.Actor) error { _, err := e.svc.UpdateCase(e.ctx, a, k.ID, 1, kase()); return err }, true},
			{"AddEvent", auth.PermCasesWrite, func(a auth.Actor) error {
				_, err := e.svc.AddEvent(e.ctx, a, k.ID, cases.EventInput{Type: cases.EvReferred})
				return err
			}, true},
			{"Attach", auth.PermCasesWrite, func(a auth.Actor) error {
				_, err := e.svc.Attach(e.ctx, a, c.ID, child("Amir", "Rahimi", "2011"), kase())
				return err
			}, true},
			{"RequestClose", auth.PermCasesWrite, func(a auth.Actor) error { return e.svc.RequestClose(e.ctx, a, 999999, "r") }, false},
			{"RejectClose", auth.PermCasesApprove, func(a auth.Actor) error { return e.svc.RejectClose(e.ctx, a, k2.ID, "not yet") }, true},
			{"Register", auth.PermCasesWrite, func(a auth.Actor) error {
				_, _, err := e.svc.Register(e.ctx, a, child("New", "Child", ""), kase())
				return err
			}, false},
		}
		roles := []auth.Actor{officerSE, supervisorSE, adminSE, auditorSE, networkAdmin}
		for _, m := range methods {
			for _, a := range roles {
				err := m.call(a)
				switch {
				case !a.Can(m.perm):
					if errs.CodeOf(err) != errs.Forbidden {
						t.Errorf("%s by %s: %v, want forbidden", m.name, a.Role, err)
					}
				case m.name == "RequestClose":
					if errs.CodeOf(err) != errs.NotFound {
						t.Errorf("%s by %s of an absent case: %v", m.name, a.Role, err)
					}
				case m.name == "RejectClose":
					if err != nil {
						t.Errorf("%s by %s: %v", m.name, a.Role, err)
					}
					if err := e.svc.RequestClose(e.ctx, officerSE, k2.ID, "again"); err != nil {
						t.Fatal(err)
					}
				case err != nil:
					t.Errorf("%s by %s: %v", m.name, a.Role, err)
				}
			}
			// Another country's officer: the Swedish record does not exist.
			err := m.call(officerLT)
			if !officerLT.Can(m.perm) {
				if errs.CodeOf(err) != errs.Forbidden {
					t.Errorf("%s by a Lithuanian officer: %v, want forbidden", m.name, err)
				}
			} else if m.record {
				if errs.CodeOf(err) != errs.NotFound {
					t.Errorf("%s by a Lithuanian officer: %v, want not found", m.name, err)
				}
			} else if errs.CodeOf(err) != errs.NotFound && err != nil {
				t.Errorf("%s by a Lithuanian officer: %v", m.name, err)
			}
		}
		// The Lithuanian officer's search and duplicate check see nothing Swedish.
		res, err := e.svc.Search(e.ctx, officerLT, cases.Query{})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			if h.Child.Country != "LT" {
				t.Errorf("a Lithuanian officer's list shows a child of %s", h.Child.Country)
			}
		}
		dups, err := e.svc.Duplicates(e.ctx, officerLT, child("Amir", "Rahimi", "2011"))
		if err != nil || len(dups) != 0 {
			t.Errorf("Duplicates across countries: %v, %v", dups, err)
		}
		// A Lithuanian supervisor cannot approve a Swedish closure.
		ltSup := auth.Actor{UserID: 11, Role: auth.RoleSupervisor, Country: "LT"}
		wantCode(t, e.svc.ApproveClose(e.ctx, ltSup, k2.ID), errs.NotFound)
		wantCode(t, e.svc.RejectClose(e.ctx, ltSup, k2.ID, "no"), errs.NotFound)
	})
}

// TestNodeCountry: a node configured for one country refuses actors of
// another and registers the System actor's records in its own country.
func TestNodeCountry(t *testing.T) {
	e := newEnv(t, newSQLite(t))
	svc := cases.NewService(e.svcStore(), e.keys.Sealer("identity"), e.keys, cases.Config{Country: "SE"})
	c, _, err := svc.Register(e.ctx, auth.SystemActor, child("Amir", "Rahimi", "2011"), kase())
	if err != nil || c.Country != "SE" {
		t.Fatalf("System registration: %+v, %v", c, err)
	}
	_, err = svc.Child(e.ctx, officerLT, c.ID)
	wantCode(t, err, errs.Forbidden)
	if _, err := svc.Child(e.ctx, officerSE, c.ID); err != nil {
		t.Error(err)
	}
	// Without a configured country, the System actor cannot register (no
	// country to register in) but reads any country.
	_, _, err = e.svc.Register(e.ctx, auth.SystemActor, child("A", "B", ""), kase())
	wantCode(t, err, errs.Invalid)
	if _, err := e.svc.Child(e.ctx, auth.SystemActor, c.ID); err != nil {
		t.Error(err)
	}
}
