package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestEncodingsBlocks checks the candidates of a duplicate check: the
// children of the country born within a year with the same sex, and those
// sharing a name token, each once, newest of the block first, never
// another country's, never more than the limit.
func TestEncodingsBlocks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		s := store.NewCaseStore(db)
		mk := func(country string, year int, sex cases.Sex, toks ...string) *cases.ChildRecord {
			r := childRec(auth.Country(country), "", toks...)
			r.BirthYear, r.Sex = year, sex
			return r
		}
		recs := map[string]*cases.ChildRecord{
			"year-1":      mk("SE", 2009, cases.SexFemale),
			"year":        mk("SE", 2010, cases.SexFemale),
			"year+1":      mk("SE", 2011, cases.SexFemale),
			"year+2":      mk("SE", 2012, cases.SexFemale),
			"male":        mk("SE", 2010, cases.SexMale),
			"token-far":   mk("SE", 2000, cases.SexMale, "tok"),
			"token-block": mk("SE", 2010, cases.SexFemale, "tok"),
			"no-year":     mk("SE", 0, cases.SexFemale, "tok"),
			"other-cntry": mk("LT", 2010, cases.SexFemale, "tok"),
			"other-token": mk("SE", 1990, cases.SexFemale, "x"),
		}
		names := []string{"year-1", "year", "year+1", "year+2", "male", "token-far", "token-block", "no-year", "other-cntry", "other-token"}
		casesUpdate(t, s, func(tx cases.Tx) error {
			for _, n := range names {
				if err := tx.CreateChild(ctx, recs[n]); err != nil {
					return err
				}
			}
			return nil
		})
		name := map[int64]string{}
		for n, r := range recs {
			name[r.ID] = n
		}
		for _, tc := range []struct {
			desc   string
			tokens []string
			year   int
			limit  int
			want   []string // in the order read
		}{
			{"block and tokens", []string{"tok"}, 2010, 10, []string{"token-block", "year", "year-1", "year+1", "no-year", "token-far"}},
			{"block only", nil, 2010, 10, []string{"token-block", "year", "year-1", "year+1"}},
			{"tokens only", []string{"tok"}, 0, 10, []string{"no-year", "token-block", "token-far"}},
			{"limit in the block", []string{"tok"}, 2010, 3, []string{"token-block", "year", "year-1"}},
			{"limit in the tokens", []string{"tok"}, 2010, 5, []string{"token-block", "year", "year-1", "year+1", "no-year"}},
			{"nothing to look for", nil, 0, 10, nil},
		} {
			var toks [][]byte
			for _, tk := range tc.tokens {
				toks = append(toks, []byte(tk))
			}
			err := s.View(ctx, func(tx cases.Tx) error {
				encs, err := tx.Encodings(ctx, "SE", toks, tc.year, cases.SexFemale, tc.limit)
				if err != nil {
					return err
				}
				var got []string
				for _, e := range encs {
					got = append(got, name[e.ChildID])
					if len(e.CLK) != 128 || e.BirthYear != recs[name[e.ChildID]].BirthYear {
						t.Errorf("%s: %s read as %d bytes, born %d", tc.desc, name[e.ChildID], len(e.CLK), e.BirthYear)
					}
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("%s: Encodings = %v, want %v", tc.desc, got, tc.want)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	})
}
