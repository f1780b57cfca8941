package cases_test

import (
	"context"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// benchChildren is the size of the registry of BenchmarkSearch:
// CHILDCENTRE_BENCH_CHILDREN, 100,000 by default.
func benchChildren(b *testing.B) int {
	if v := os.Getenv("CHILDCENTRE_BENCH_CHILDREN"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("CHILDCENTRE_BENCH_CHILDREN=%q is not a positive number", v)
		}
		return n
	}
	return 100_000
}

// seedRegistrations turns synthetic registrations (internal/synth) into
// registrations of the Swedish node, with categories, evidence levels and
// opening dates spread over the cases.
func seedRegistrations(n int) ([]cases.Registration, []synth.Record) {
	recs, err := synth.Generate(synth.Options{Records: n + n/20, Countries: []string{"SE"}, Seed: 7,
		Now: time.Now().UTC().AddDate(0, 0, -2).Truncate(24 * time.Hour)})
	if err != nil {
		panic(err)
	}
	sexes := map[string]cases.Sex{"f": cases.SexFemale, "m": cases.SexMale}
	var regs []cases.Registration
	var kept []synth.Record
	for i, r := range recs {
		// A recording error of the generator may put the date of birth
		// after the registration; the registry refuses those rows.
		if dob, ok := r.BirthDate(); (r.GivenName == "" && r.FamilyName == "") || (ok && dob.After(r.Registered)) {
			continue
		}
		ci := cases.ChildInput{GivenNames: r.GivenName, FamilyName: r.FamilyName, Sex: sexes[r.Sex], BirthDate: r.DateOfBirth}
		if r.DOBEstimated && r.DateOfBirth != "" {
			ci.BirthPrecision = cases.PrecisionEstimated
		}
		if r.Citizenship != "" {
			ci.Citizenships = []string{r.Citizenship}
		}
		cs := cases.CaseInput{Category: cases.Categories[i%len(cases.Categories)],
			Evidence: cases.EvidenceLevels[i%len(cases.EvidenceLevels)], OpenedAt: r.Registered}
		regs = append(regs, cases.Registration{Child: ci, Case: cs})
		kept = append(kept, r)
		if len(regs) == n {
			break
		}
	}
	return regs, kept
}

// BenchmarkSearch measures Search over a registry of 100,000 children
// (CHILDCENTRE_BENCH_CHILDREN) on SQLite and, with
// CHILDCENTRE_TEST_POSTGRES, PostgreSQL: by name (names of other
// registrations of the seeded children, so variant spellings), the plain
// list (newest first, a random one of the first 100 pages), and the list
// filtered by status and category. It reports the 50th and 95th
// percentile latencies in milliseconds; each includes the audit record
// of the search. Seeding through Import (the bulk path) is timed and
// reported as seed-s.
//
//	go test -run x -bench Search -benchtime 200x ./internal/cases/
func BenchmarkSearch(b *testing.B) {
	n := benchChildren(b)
	regs, recs := seedRegistrations(n)
	for _, dialect := range []string{store.DialectSQLite, store.DialectPostgres} {
		b.Run(dialect, func(b *testing.B) {
			var db *store.DB
			if dialect == store.DialectSQLite {
				db = storetest.New(b)
			} else {
				db = storetest.Postgres(b)
			}
			kr := crypto.NewKeyring(time.Now())
			svc := cases.NewService(store.NewCaseStore(db), kr.Sealer(crypto.PurposeIdentity), kr, cases.Config{Country: "SE"})
			ctx := context.Background()
			start := time.Now()
			res, err := svc.Import(ctx, auth.SystemActor, regs, false)
			if err != nil {
				if res != nil {
					for _, re := range res.Errors[:min(5, len(res.Errors))] {
						b.Logf("row %d: %s: %s", re.Row, re.Field, re.Message)
					}
				}
				b.Fatal(err)
			}
			seed := time.Since(start)
			if res.Created != len(regs) {
				b.Fatalf("seeded %d of %d", res.Created, len(regs))
			}
			if dialect == store.DialectPostgres {
				// Fresh tables: give the planner statistics, as autovacuum would.
				if _, err := db.SQL().Exec(`ANALYZE`); err != nil {
					b.Fatal(err)
				}
			}
			officer := auth.Actor{UserID: 1, Role: auth.RoleOfficer, Country: "SE"}
			rng := rand.New(rand.NewPCG(1, 2))
			queries := map[string]func() cases.Query{
				"name": func() cases.Query {
					r := recs[rng.IntN(len(recs))]
					return cases.Query{Text: r.GivenName + " " + r.FamilyName}
				},
				"list": func() cases.Query { return cases.Query{Page: 1 + rng.IntN(100)} },
				"filtered": func() cases.Query {
					return cases.Query{Status: cases.StatusOpen, Category: cases.Categories[rng.IntN(len(cases.Categories))],
						Page: 1 + rng.IntN(10)}
				},
			}
			for _, kind := range []string{"name", "list", "filtered"} {
				b.Run(kind, func(b *testing.B) {
					lat := make([]time.Duration, 0, b.N)
					hits := 0
					for b.Loop() {
						q := queries[kind]()
						t := time.Now()
						res, err := svc.Search(ctx, officer, q)
						lat = append(lat, time.Since(t))
						if err != nil {
							b.Fatal(err)
						}
						hits += res.Total
					}
					slices.Sort(lat)
					pct := func(p float64) float64 {
						return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
					}
					b.ReportMetric(pct(0.50), "p50-ms")
					b.ReportMetric(pct(0.95), "p95-ms")
					b.ReportMetric(float64(hits)/float64(len(lat)), "total/op")
					b.ReportMetric(seed.Seconds(), "seed-s")
					b.ReportMetric(float64(len(regs)), "children")
				})
			}
		})
	}
}
