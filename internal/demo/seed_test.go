package demo

import (
	"context"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

func TestSeedRegistry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		kr := crypto.NewKeyring(now)
		users := auth.NewService(store.NewAuthStore(db), kr.Sealer(crypto.PurposeTOTP), auth.Config{Now: clock})
		for _, d := range demoRoles[:2] {
			if _, _, err := users.CreateUser(ctx, auth.SystemActor, auth.NewUser{Username: d.username, DisplayName: d.name, Role: d.role, Country: "SE"}); err != nil {
				t.Fatal(err)
			}
		}
		svc := cases.NewService(store.NewCaseStore(db), kr.Sealer(crypto.PurposeIdentity), kr, cases.Config{Country: "SE", Now: clock})

		recs, err := regionRecords(DefaultCountries, now)
		if err != nil {
			t.Fatal(err)
		}
		var here []synth.Record
		for _, r := range recs {
			if r.Country == "SE" {
				here = append(here, r)
			}
		}
		want := len(groupByChild(here))
		start := time.Now()
		n, err := seedRegistry(ctx, svc, users, "SE", recs, now)
		if err != nil || n != want || n < SeedChildren/len(DefaultCountries) {
			t.Fatalf("seed: %d, %v; want the %d children registered in SE", n, err, want)
		}
		t.Logf("seeded %d children in %v", n, time.Since(start).Round(time.Millisecond))

		officer := auth.Actor{UserID: 1, Role: auth.RoleOfficer, Country: "SE"}
		count := func(q cases.Query) int {
			t.Helper()
			res, err := svc.Search(ctx, officer, q)
			if err != nil {
				t.Fatal(err)
			}
			return res.Total
		}
		if got := count(cases.Query{}); got != want {
			t.Errorf("%d children listed, want %d", got, want)
		}
		yes := true
		if count(cases.Query{Missing: &yes}) == 0 || count(cases.Query{Status: cases.StatusClosed}) == 0 ||
			count(cases.Query{Category: cases.CatPresumedTrafficking}) == 0 {
			t.Error("the demo registry has no missing children, no closed cases or no trafficking cases")
		}

		// Children are found by name, under the spelling of another
		// registration of theirs in the same country too.
		found, tried := 0, 0
		for _, k := range groupByChild(here) {
			if len(k) < 2 || k[1].GivenName == "" || k[1].FamilyName == "" || tried == 20 {
				continue
			}
			tried++
			res, err := svc.Search(ctx, officer, cases.Query{Text: k[1].GivenName + " " + k[1].FamilyName})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				if h.Child.GivenNames == k[0].GivenName && h.Child.FamilyName == k[0].FamilyName {
					found++
					break
				}
			}
		}
		if tried < 5 || found < tried*9/10 {
			t.Errorf("found %d of %d children by the name of a later registration", found, tried)
		}

		// Seeding a registry seeded before changes nothing.
		if n, err := seedRegistry(ctx, svc, users, "SE", recs, now); err != nil || n != 0 {
			t.Errorf("second seed: %d, %v", n, err)
		}
		if got := count(cases.Query{}); got != want {
			t.Errorf("%d children after a second seed", got)
		}
	})
}
