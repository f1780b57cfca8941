package store_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestMatchTokens checks the token sets of a search against the tokens
// each child holds, on random children and token lists up to the most
// one call takes: each child with exactly the tokens it holds that were
// asked for (ored over its rows), with and without a filter on the
// cases, never another country's child; a token held under two kinds
// counts once.
func TestMatchTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		s := store.NewCaseStore(db)
		rng := rand.New(rand.NewPCG(3, 5))
		const vocabulary = 80 // more than one call takes
		held := map[int64]map[string]bool{}
		closed := map[int64]bool{}
		casesUpdate(t, s, func(tx cases.Tx) error {
			for i := range 200 {
				country := auth.Country("SE")
				if i%10 == 0 {
					country = "LT"
				}
				toks := map[string]bool{}
				for range rng.IntN(6) {
					toks[fmt.Sprintf("t%02d", rng.IntN(vocabulary))] = true
				}
				r := childRec(country, "", slices.Sorted(maps.Keys(toks))...)
				if i%7 == 0 && len(r.Tokens) > 0 { // the same hash under a second kind
					r.Tokens = append(r.Tokens, cases.Token{Kind: cases.TokenPhonetic, Hash: r.Tokens[0].Hash})
				}
				if err := tx.CreateChild(ctx, r); err != nil {
					return err
				}
				k := caseRec(r)
				if rng.IntN(2) == 0 {
					k.Status = cases.StatusClosed
				}
				if err := tx.CreateCase(ctx, k); err != nil {
					return err
				}
				if country == "SE" {
					held[r.ID], closed[r.ID] = toks, k.Status == cases.StatusClosed
				}
			}
			return nil
		})
		for i := range 30 {
			var asked []string
			for _, j := range rng.Perm(vocabulary)[:1+rng.IntN(cases.MaxMatchTokens)] {
				asked = append(asked, fmt.Sprintf("t%02d", j))
			}
			var hashes [][]byte
			for _, a := range asked {
				hashes = append(hashes, []byte(a))
			}
			f := cases.Query{}
			if i%3 == 0 {
				f.Status = cases.StatusClosed
			}
			want := map[int64]uint64{}
			for id, toks := range held {
				if f.Status != "" && !closed[id] {
					continue
				}
				for b, a := range asked {
					if toks[a] {
						want[id] |= 1 << b
					}
				}
			}
			var ms []cases.TokenMatch
			err := s.View(ctx, func(tx cases.Tx) (err error) {
				ms, err = tx.MatchTokens(ctx, "SE", hashes, f)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			got := map[int64]uint64{}
			for _, m := range ms {
				if m.Tokens == 0 {
					t.Errorf("query %d: child %d with no token", i, m.ChildID)
				}
				got[m.ChildID] |= m.Tokens
			}
			if !maps.Equal(got, want) {
				t.Errorf("query %d (%d tokens): got %v, want %v", i, len(asked), got, want)
			}
		}
		err := s.View(ctx, func(tx cases.Tx) error {
			_, err := tx.MatchTokens(ctx, "SE", make([][]byte, cases.MaxMatchTokens+1), cases.Query{})
			return err
		})
		if err == nil {
			t.Error("more tokens than one call takes: no error")
		}
	})
}
