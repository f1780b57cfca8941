package stats

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// synthetic returns registrations of n children across the region's
// countries, registered in the given years: most in one country, some in
// two or three (the same Child), and some whose registrations the hub
// links only plausibly (separate Child clusters, one ChildAll).
func synthetic(n int, seed uint64, years ...int) Records {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	countries := []string{"SE", "DE", "PL", "FI", "DK", "NO", "LT", "LV", "EE", "IS"}
	pick := func(vals []string, skew float64) string {
		// a skewed choice: the first values common, the last rare
		i := int(float64(len(vals)) * rng.Float64() * rng.Float64() * skew)
		return vals[min(i, len(vals)-1)]
	}
	var rs Records
	for i := range n {
		c := Coded{
			Status:      pick(Values(DimStatus), 1.2),
			Sex:         pick(Values(DimSex), 1.3),
			AgeGroup:    pick([]string{Age15to17, Age12to14, Age0to11, AgeUnk, Age18plus}, 1.4),
			AgeBasis:    pick(Values(DimAgeBasis), 1.2),
			Citizenship: pick([]string{CitAsia, CitAfrica, CitEurope, CitEU, CitNational, CitAmericas, CitUnknown, CitOceania}, 1.5),
			Evidence:    pick(Values(DimEvidence), 1.2),
		}
		c.Exploitation = FormNone
		if c.Status == StatusIdentified || c.Status == StatusPresumed {
			c.Exploitation = pick(Values(DimExploitation), 1.3)
		}
		at := time.Date(years[rng.IntN(len(years))], 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(365*24)) * time.Hour)
		nc := 1
		switch r := rng.Float64(); {
		case r < 0.08:
			nc = 3
		case r < 0.25:
			nc = 2
		}
		perm := rng.Perm(len(countries))
		child := fmt.Sprintf("c%d", i)
		plausible := nc > 1 && rng.Float64() < 0.3
		for j := range nc {
			r := Record{Country: countries[perm[j]], Ref: fmt.Sprintf("r%d-%d", i, j), Child: child, Registered: at, Coded: c}
			if plausible && j == nc-1 {
				r.Child, r.ChildAll = child+"p", child
			} else if plausible {
				r.ChildAll = child
			}
			rs = append(rs, r)
			at = at.Add(time.Duration(5+rng.IntN(200)) * 24 * time.Hour)
		}
	}
	return rs
}
