package synth

import (
	"slices"
	"strings"
	"testing"
)

func TestTwinsAndSiblings(t *testing.T) {
	recs, err := Generate(Options{Children: 20000, Seed: 1, Errors: NoErrors()})
	if err != nil {
		t.Fatal(err)
	}
	first := map[string]Record{} // first record of each child
	var order []string
	for _, r := range recs {
		if _, ok := first[r.Entity]; !ok {
			first[r.Entity] = r
			order = append(order, r.Entity)
		}
	}
	families := map[string][]Record{}
	var famOrder []string
	for _, e := range order {
		r := first[e]
		if families[r.Family] == nil {
			famOrder = append(famOrder, r.Family)
		}
		families[r.Family] = append(families[r.Family], r)
	}
	multi, twinPairs, sameSex := 0, 0, 0
	for _, f := range famOrder {
		kids := families[f]
		if len(kids) < 2 {
			continue
		}
		multi++
		for i := range kids {
			for j := i + 1; j < len(kids); j++ {
				a, b := kids[i], kids[j]
				if a.GivenName == b.GivenName {
					t.Fatalf("family %s: siblings share a given name", f)
				}
				if !sameFamilyName(a, b) {
					t.Fatalf("family %s: siblings have different family names", f)
				}
				da, _ := a.BirthDate()
				db, _ := b.BirthDate()
				gap := db.Sub(da).Hours() / 24
				if gap < 0 {
					gap = -gap
				}
				switch {
				case gap == 0:
					twinPairs++
					if a.Sex == b.Sex {
						sameSex++
					}
				case gap < 365 || gap > 6*366*float64(j-i):
					t.Fatalf("family %s: siblings born %.0f days apart", f, gap)
				}
			}
		}
		for _, k := range kids {
			dob, _ := k.BirthDate()
			age, ok := k.Age(k.Registered)
			if !ok || age > 17 || dob.After(k.Registered) {
				t.Fatalf("child %s: not 0–17 at first registration", k.Entity)
			}
		}
	}
	band(t, "sibling groups with twins", float64(twinPairs)/float64(multi), TwinShare-0.04, TwinShare+0.04)
	band(t, "same-sex twins", float64(sameSex)/float64(twinPairs), SameSexTwins-0.12, SameSexTwins+0.12)
}

// sameFamilyName reports whether siblings carry the same family name, in
// its female form for a Slavic girl (Kovalskyi, Kovalska; Ivanov, Ivanova).
func sameFamilyName(a, b Record) bool {
	if a.FamilyName == b.FamilyName {
		return true
	}
	if a.Sex == b.Sex || !slices.Contains([]string{"UA", "BY", "RU"}, a.Origin) {
		return false
	}
	m, f := []rune(a.FamilyName), []rune(b.FamilyName)
	if a.Sex == "f" {
		m, f = f, m
	}
	stem := m[:max(len(m)-2, 1)]
	return strings.HasPrefix(string(f), string(stem))
}
