package nete2e

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	_ "modernc.org/sqlite"
)

// TestRegisterMatchRejectPurge: the same child registered in two countries,
// spelled differently and with an estimated date in one, becomes a hit on
// both nodes; rejected, it is never shown again, even after a re-upload;
// purged in one country, the hub holds nothing of it.
func TestRegisterMatchRejectPurge(t *testing.T) {
	n := newNet(t)
	se := n.startNode(t, "SE", nil)
	fi := n.startNode(t, "FI", nil)
	shareSecret(t, se, fi)

	ctx := context.Background()
	child, kase := se.register(t, cases.ChildInput{NationalRef: "SE-19-0042", GivenNames: "Mohammed", FamilyName: "Alhassan",
		BirthDate: "2011-03-14", BirthPrecision: cases.PrecisionExact, Sex: cases.SexMale, Citizenships: []string{"SY"}})
	fi.register(t, cases.ChildInput{NationalRef: "FI/2025/77", GivenNames: "Muhammad", FamilyName: "Al-Hassan",
		BirthDate: "2011-01-01", BirthPrecision: cases.PrecisionEstimated, Sex: cases.SexMale, Citizenships: []string{"SY"}})
	se.register(t, cases.ChildInput{NationalRef: "SE-19-0043", GivenNames: "Olena", FamilyName: "Kovalenko",
		BirthDate: "2012-08-02", Sex: cases.SexFemale, Citizenships: []string{"UA"}})

	waitFor(t, 30*time.Second, "the hit on both nodes", func() bool { return len(se.queue(t)) == 1 && len(fi.queue(t)) == 1 })
	hs, hf := se.queue(t)[0], fi.queue(t)[0]
	if hs.OtherCountry != "FI" || hf.OtherCountry != "SE" || hs.ChildID != child.ID || hs.Band == "" {
		t.Fatalf("hits: SE %+v, FI %+v", *hs, *hf)
	}

	// FI rejects: FI never sees the pair again.
	if err := fi.Exchange.Hits.Decide(ctx, officer("FI"), hf.ID, exchange.DecisionReject); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "FI's decision to reach the hub", func() bool { p, _ := fi.pending(t); return p == 0 })
	if q := fi.queue(t); len(q) != 0 {
		t.Fatalf("FI still shows %d hits after rejecting", len(q))
	}
	// SE corrects the child (a re-upload): the pair stays rejected.
	if _, err := se.Cases.UpdateChild(ctx, officer("SE"), child.ID, child.Version, cases.ChildInput{NationalRef: "SE-19-0042",
		GivenNames: "Mohammed", FamilyName: "Alhassan", BirthDate: "2011-03-15", Sex: cases.SexMale, Citizenships: []string{"SY"}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "SE's correction to reach the hub", func() bool { p, _ := se.pending(t); return p == 0 })
	time.Sleep(2 * time.Second) // matching, notices and pulls run several times meanwhile
	if q := fi.queue(t); len(q) != 0 {
		t.Fatalf("a rejected pair is shown again on FI after a re-upload: %+v", *q[0])
	}

	// SE closes the case and purges it later: the hub holds nothing of it.
	if n.hubEncodings(t, "SE") != 2 {
		t.Fatalf("hub holds %d encodings of SE, want 2", n.hubEncodings(t, "SE"))
	}
	if err := se.Cases.RequestClose(ctx, officer("SE"), kase.ID, "Returned to family."); err != nil {
		t.Fatal(err)
	}
	if err := se.Cases.ApproveClose(ctx, supervisor("SE"), kase.ID); err != nil {
		t.Fatal(err)
	}
	se.offset.Store(int64(48 * time.Hour))
	if res, err := se.Cases.Purge(ctx, auth.SystemActor, false); err != nil || len(res.Children) != 1 {
		t.Fatalf("purge: %+v %v", res, err)
	}
	se.offset.Store(0)
	waitFor(t, 10*time.Second, "the withdrawal to leave SE", func() bool { p, r := se.pending(t); return p == 0 && r == 0 })
	waitFor(t, 10*time.Second, "the withdrawal to reach the hub", func() bool { return n.hubEncodings(t, "SE") == 1 })
	waitFor(t, 10*time.Second, "the hit to leave SE's queue", func() bool { return len(se.queue(t)) == 0 })

	// Nothing of the child is left among the hub's records, and the hub's
	// files never held a name, date or national reference. (The hub keeps
	// rejected pairs by reference, so that they stay rejected: that row
	// outlives a purge by design of the hub.)
	var ref string
	db, err := sql.Open("sqlite", "file:"+filepath.Join(n.dir, "hub-SE", "hub.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT ref FROM hub_records WHERE country = 'SE'`)
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for rows.Next() {
		rows.Scan(&ref)
		refs = append(refs, ref)
	}
	rows.Close()
	if len(refs) != 1 || refs[0] == hs.LocalRef {
		t.Errorf("hub records of SE: %v; the purged child's reference %s must be gone", refs, hs.LocalRef)
	}
	n.stopHub()
	for _, f := range []string{"hub.db", "hub.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(n.dir, "hub-SE", f))
		for _, s := range []string{"Mohammed", "Alhassan", "Muhammad", "Olena", "Kovalenko", "2011-03-14", "2012-08-02", "SE-19-004", "FI/2025/77"} {
			if strings.Contains(string(b), s) {
				t.Errorf("the hub's %s contains %q", f, s)
			}
		}
	}
}
