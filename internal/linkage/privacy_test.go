package linkage

import (
	"cmp"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/linkage/normalize"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// TestPrivacyFrequencyAttack measures what the field segments reveal to a
// frequency attack (docs/linkage.md, "Privacy accounting"):
//
//	CHILDCENTRE_PRIVACY=1 go test -run PrivacyFrequencyAttack -v ./internal/linkage/
//
// The attacker holds every encoding and, as the best case for them, the
// exact frequencies of the normalised given names of the same population.
// They group the encodings by the bits of the given-name segment, rank the
// groups by size and the names by frequency, and guess that the k-th
// largest group is the k-th most frequent name. The figure is the share of
// records whose given name is guessed right, for each hardening option,
// beside the F1 the option leaves (field preset, 20,000 children).
func TestPrivacyFrequencyAttack(t *testing.T) {
	if os.Getenv("CHILDCENTRE_PRIVACY") == "" {
		t.Skip("set CHILDCENTRE_PRIVACY=1 to measure the frequency attack on name segments")
	}
	recs, err := synth.Generate(synth.Options{Children: 20000, Seed: 3, Preset: synth.PresetField})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []struct {
		name string
		hard Hardening
	}{{"none", Hardening{}}, {"rule90", Hardening{Rule90: true}}, {"blip 0.02", Hardening{BLIP: 0.02}}, {"blip 0.05", Hardening{BLIP: 0.05}}} {
		s := fieldsSchema(t)
		s.Hardening = h.hard
		if err := s.validate(); err != nil {
			t.Fatal(err)
		}
		enc, err := NewEncoder(s, testSecret)
		if err != nil {
			t.Fatal(err)
		}
		c := newComparer(s.Layout())
		e := &Encodings{Words: enc.Words()}
		groups := map[uint64][]int{}
		truth := make([]string, len(recs))
		var ent []string
		for i, r := range recs {
			f := make([]uint64, enc.Words())
			est := "0"
			if r.DOBEstimated {
				est = "1"
			}
			if err := enc.Encode([]string{r.ID, r.GivenName, r.FamilyName, r.DateOfBirth, est, r.Sex, r.Citizenship}, f); err != nil {
				t.Fatal(err)
			}
			e.IDs = append(e.IDs, r.ID)
			e.Filters = append(e.Filters, f...)
			ent = append(ent, r.Entity)
			truth[i] = strings.Join(normalize.NameTokens(r.GivenName), " ")
			if c.pop(f, 0) > 0 {
				h := c.segHash(f, 0)
				groups[h] = append(groups[h], i)
			}
		}
		// The attack: groups by size against names by frequency.
		freq := map[string]int{}
		for _, n := range truth {
			if n != "" {
				freq[n]++
			}
		}
		names := make([]string, 0, len(freq))
		for n := range freq {
			names = append(names, n)
		}
		slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(freq[b], freq[a]), strings.Compare(a, b)) })
		gs := make([][]int, 0, len(groups))
		for _, g := range groups {
			gs = append(gs, g)
		}
		slices.SortFunc(gs, func(a, b []int) int { return cmp.Or(cmp.Compare(len(b), len(a)), cmp.Compare(a[0], b[0])) })
		right, top10 := 0, 0
		for k, g := range gs {
			if k >= len(names) {
				break
			}
			for _, i := range g {
				if truth[i] == names[k] {
					right++
					if k < 10 {
						top10++
					}
				}
			}
		}
		res, err := Link(e.Set(), s.Options())
		if err != nil {
			t.Fatal(err)
		}
		m := Evaluate(res.Cluster, ent)
		t.Logf("%-10s distinct given-name segments %6d (names %5d); guessed right: %.4f of records (%.4f in the 10 largest groups); F1 %.4f",
			h.name, len(groups), len(names), float64(right)/float64(len(recs)), float64(top10)/float64(len(recs)), m.F1)
	}
}
