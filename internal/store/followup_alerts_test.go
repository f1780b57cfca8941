package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestFollowUpAlerts: an alert is raised only on a shared record of a
// child a case records as missing, once while active; the node's alerts
// list active ones first, newest first, for one child or all.
func TestFollowUpAlerts(t *testing.T) {
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		clock := now
		tick := func() time.Time { clock = clock.Add(time.Minute); return clock }
		kr := crypto.NewKeyring(now)
		cs := cases.NewService(store.NewCaseStore(db), kr.Sealer(crypto.PurposeIdentity), kr, cases.Config{Now: tick, Country: "SE"})
		fu := &followup.Service{Store: store.NewFollowUpStore(db), Records: cs, Country: "SE", Now: tick}
		officer := auth.Actor{UserID: 1, Role: auth.RoleOfficer, Country: "SE"}
		register := func(ref string, missing bool) int64 {
			t.Helper()
			c, k, err := cs.Register(ctx, officer, cases.ChildInput{GivenNames: "Olena", FamilyName: "Kovalenko", BirthDate: "2012-08-02",
				Sex: cases.SexFemale, Citizenships: []string{"UA"}}, cases.CaseInput{Category: cases.CatUnaccompanied, Evidence: cases.EvidenceIdentified})
			if err != nil {
				t.Fatal(err)
			}
			if ref != "" {
				if err := store.NewCaseStore(db).Update(ctx, func(tx cases.Tx) error {
					return tx.PutShareStates(ctx, []*cases.ShareState{{ChildID: c.ID, Ref: ref, KeyID: "k1", Uploaded: true}})
				}); err != nil {
					t.Fatal(err)
				}
			}
			if missing {
				if _, err := cs.AddEvent(ctx, officer, k.ID, cases.EventInput{Type: cases.EvWentMissing}); err != nil {
					t.Fatal(err)
				}
			}
			return c.ID
		}
		shared, notMissing, notShared := register("ref-1", true), register("ref-2", false), register("", true)

		for _, c := range []struct {
			name  string
			child int64
			want  errs.Code
		}{
			{"not missing", notMissing, errs.Conflict},
			{"not shared", notShared, errs.Conflict},
		} {
			if _, err := fu.RaiseAlert(ctx, officer, c.child, exchange.AlertUrgent, false); errs.CodeOf(err) != c.want {
				t.Errorf("%s: %v, want %s", c.name, err, c.want)
			}
		}
		first, err := fu.RaiseAlert(ctx, officer, shared, exchange.AlertDanger, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fu.RaiseAlert(ctx, officer, shared, exchange.AlertUrgent, false); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("a second active alert on the child: %v", err)
		}
		if err := fu.CancelAlert(ctx, officer, first.ID); err != nil {
			t.Fatal(err)
		}
		second, err := fu.RaiseAlert(ctx, officer, shared, exchange.AlertUrgent, false)
		if err != nil {
			t.Fatalf("an alert after the first was cancelled: %v", err)
		}

		list, err := fu.Alerts(ctx, officer, shared, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != second.ID || list[0].State != followup.AlertActive ||
			list[1].ID != first.ID || list[1].State != followup.AlertCancelled || !list[1].Protect || list[1].CancelledAt.IsZero() {
			t.Errorf("the child's alerts: %+v", list)
		}
		if all, err := fu.Alerts(ctx, officer, 0, 1); err != nil || len(all) != 1 || all[0].ID != second.ID {
			t.Errorf("the first of all alerts: %v %+v", err, all)
		}
		if other, err := fu.Alerts(ctx, officer, notMissing, 10); err != nil || len(other) != 0 {
			t.Errorf("alerts of a child without one: %v %+v", err, other)
		}
		admin := auth.Actor{UserID: 2, Role: auth.RoleCountryAdmin, Country: "SE"}
		if _, err := fu.Alerts(ctx, admin, 0, 10); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("an administrator lists alerts: %v", err)
		}
	})
}
