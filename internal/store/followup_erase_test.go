package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestEraseTakesTheChildsFollowUp: the retention purge's erasure of a
// child removes the follow-up threads about it (with their events), its
// alerts and sightings; another child's stay.
func TestEraseTakesTheChildsFollowUp(t *testing.T) {
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		kr := crypto.NewKeyring(now)
		clock := func() time.Time { return now }
		cs := cases.NewService(store.NewCaseStore(db), kr.Sealer(crypto.PurposeIdentity), kr, cases.Config{Now: clock, Country: "SE"})
		fs := store.NewFollowUpStore(db)
		fu := &followup.Service{Store: fs, Records: cs, Country: "SE", Now: clock}
		officer := auth.Actor{UserID: 1, Role: auth.RoleOfficer, Country: "SE"}

		type child struct{ id, caseID int64 }
		register := func(ref string) child {
			t.Helper()
			c, k, err := cs.Register(ctx, officer, cases.ChildInput{GivenNames: "Olena", FamilyName: "Kovalenko", BirthDate: "2012-08-02",
				Sex: cases.SexFemale}, cases.CaseInput{Category: cases.CatUnaccompanied, Evidence: cases.EvidenceIdentified})
			if err != nil {
				t.Fatal(err)
			}
			if err := store.NewCaseStore(db).Update(ctx, func(tx cases.Tx) error {
				return tx.PutShareStates(ctx, []*cases.ShareState{{ChildID: c.ID, Ref: ref, KeyID: "k1", Uploaded: true}})
			}); err != nil {
				t.Fatal(err)
			}
			if _, err := cs.AddEvent(ctx, officer, k.ID, cases.EventInput{Type: cases.EvWentMissing}); err != nil {
				t.Fatal(err)
			}
			if _, err := fu.RaiseAlert(ctx, officer, c.ID, exchange.AlertUrgent, false); err != nil {
				t.Fatal(err)
			}
			if err := fs.Update(ctx, func(tx followup.Tx) error {
				r := &followup.Request{Thread: "thread-" + ref, Direction: followup.Out, OtherCountry: "FI", ChildID: c.ID,
					LocalRef: ref, OtherRef: "other-" + ref, Urgency: followup.Routine, Handling: "H2", LegalBasis: "unaccompanied_minor",
					State: followup.StateSent, CreatedBy: officer.Ref(), CreatedAt: now, UpdatedAt: now, Body: []byte("sealed")}
				if err := tx.PutRequest(ctx, r); err != nil {
					return err
				}
				return tx.AddEvent(ctx, &followup.Event{RequestID: r.ID, Kind: "sent", Actor: officer.Ref(), At: now})
			}); err != nil {
				t.Fatal(err)
			}
			return child{c.ID, k.ID}
		}
		gone, kept := register("ref-gone"), register("ref-kept")

		if err := store.NewCaseStore(db).Update(ctx, func(tx cases.Tx) error {
			return tx.Erase(ctx, []int64{gone.caseID}, []int64{gone.id})
		}); err != nil {
			t.Fatal(err)
		}
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := db.SQL().QueryRowContext(ctx, db.Rebind(q), args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, c := range []struct {
			what string
			q    string
			want int
			args []any
		}{
			{"requests", `SELECT COUNT(*) FROM followup_requests`, 1, nil},
			{"events", `SELECT COUNT(*) FROM followup_events`, 1, nil},
			{"alerts", `SELECT COUNT(*) FROM followup_alerts`, 1, nil},
			{"requests of the erased child's ref", `SELECT COUNT(*) FROM followup_requests WHERE local_ref = 'ref-gone'`, 0, nil},
			{"alerts of the erased child's ref", `SELECT COUNT(*) FROM followup_alerts WHERE ref = 'ref-gone'`, 0, nil},
			{"requests of the other child", `SELECT COUNT(*) FROM followup_requests WHERE child_id = ?`, 1, []any{kept.id}},
		} {
			if got := count(c.q, c.args...); got != c.want {
				t.Errorf("%s after the erasure: %d, want %d", c.what, got, c.want)
			}
		}
	})
}
