package synth

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// TestErrorsApplied checks that records of the same child really differ,
// and that each kind of error occurs.
func TestErrorsApplied(t *testing.T) {
	recs := mustPopulation(t)
	pairs, sameRaw, sameName := 0, 0, 0
	for _, rs := range byEntity(recs) {
		for i := range rs {
			for j := i + 1; j < len(rs); j++ {
				pairs++
				a, b := rs[i], rs[j]
				if a.GivenName == b.GivenName && a.FamilyName == b.FamilyName {
					sameName++
					if a.DateOfBirth == b.DateOfBirth {
						sameRaw++
					}
				}
			}
		}
	}
	t.Logf("%d true pairs", pairs)
	band(t, "true pairs with identical names", float64(sameName)/float64(pairs), 0.10, 0.40)
	band(t, "true pairs with identical names and date of birth", float64(sameRaw)/float64(pairs), 0.05, 0.30)

	kinds := map[string]func(Record) bool{
		"Cyrillic script":       func(r Record) bool { return hasScript(r.GivenName+r.FamilyName, unicode.Cyrillic) },
		"Vietnamese diacritics": func(r Record) bool { return strings.ContainsAny(r.FamilyName+r.GivenName, "ễầạđĐ") },
		"dropped diacritics":    func(r Record) bool { return r.Origin == "VN" && strings.Contains(r.FamilyName, "Nguyen") },
		"German translit":       func(r Record) bool { return strings.Contains(r.FamilyName, "tsch") },
		"Polish translit":       func(r Record) bool { return strings.Contains(r.FamilyName+r.GivenName, "cz") && r.Country == "PL" },
		"Russian form":          func(r Record) bool { return r.Origin == "UA" && r.GivenName == "Aleksandr" },
		"article joined": func(r Record) bool {
			return strings.HasPrefix(r.FamilyName, "Al") && len(r.FamilyName) > 3 && unicode.IsLower(rune(r.FamilyName[2]))
		},
		"article dropped": func(r Record) bool { return r.Origin == "SY" && r.FamilyName == "Hassan" },
		"assimilated article": func(r Record) bool {
			return strings.HasPrefix(r.FamilyName, "Ash-") || strings.HasPrefix(r.FamilyName, "As-")
		},
		"Abd compound":        func(r Record) bool { return strings.HasPrefix(r.GivenName, "Abd al-") },
		"whole name in given": func(r Record) bool { return r.FamilyName == "" && strings.Contains(r.GivenName, " ") },
		"upper case":          func(r Record) bool { return r.GivenName != "" && r.GivenName == strings.ToUpper(r.GivenName) },
		"estimated date":      func(r Record) bool { return r.DOBEstimated && strings.HasSuffix(r.DateOfBirth, "-01-01") },
		"partial date":        func(r Record) bool { return len(r.DateOfBirth) == 4 || len(r.DateOfBirth) == 7 },
		"missing sex":         func(r Record) bool { return r.Sex == "" },
		"missing date":        func(r Record) bool { return r.DateOfBirth == "" },
		"missing citizenship": func(r Record) bool { return r.Citizenship == "" },
		"went missing":        func(r Record) bool { return r.Event == EventMissing },
		"located":             func(r Record) bool { return r.Event == EventLocated },
	}
	for name, f := range kinds {
		n := 0
		for _, r := range recs {
			if f(r) {
				n++
			}
		}
		if n == 0 {
			t.Errorf("no record shows %s", name)
		}
	}
}

// TestEstimatedDates checks that estimated dates are 1 January and mostly
// within two years of the child's exact date in its other records.
func TestEstimatedDates(t *testing.T) {
	recs := mustPopulation(t)
	off := map[int]int{}
	for _, rs := range byEntity(recs) {
		exact := ""
		for _, r := range rs {
			if !r.DOBEstimated && len(r.DateOfBirth) == 10 {
				exact = r.DateOfBirth
			}
			if r.DOBEstimated && !strings.HasSuffix(r.DateOfBirth, "-01-01") {
				t.Fatalf("record %s: estimated date not 1 January", r.ID)
			}
		}
		for _, r := range rs {
			if r.DOBEstimated && exact != "" {
				d := atoi(r.DateOfBirth[:4]) - atoi(exact[:4])
				off[d]++
			}
		}
	}
	total, within := 0, 0
	for d, n := range off {
		total += n
		if d >= -3 && d <= 3 { // ±2 from the assessment, ±1 from a typo in the exact date
			within += n
		}
	}
	t.Logf("assessed year minus recorded exact year: %v", off)
	if total == 0 || float64(within)/float64(total) < 0.99 {
		t.Errorf("assessed years far from the exact ones: %v", off)
	}
	if off[-1] == 0 || off[1] == 0 || off[-2] == 0 || off[2] == 0 {
		t.Errorf("assessments are not off in both directions: %v", off)
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func hasScript(s string, tab *unicode.RangeTable) bool {
	for _, r := range s {
		if unicode.Is(tab, r) {
			return true
		}
	}
	return false
}

func TestNameLists(t *testing.T) {
	word := regexp.MustCompile(`^\p{L}[\p{L}' -]*\p{L}$`)
	for _, o := range origins {
		for sx, tab := range o.given {
			if len(tab.entries) < 40 {
				t.Errorf("%s: %d given names for sex %d, want ≥ 40", o.code, len(tab.entries), sx)
			}
			checkTable(t, o.code, tab, word)
		}
		if len(o.family.entries) < 40 {
			t.Errorf("%s: %d family names, want ≥ 40", o.code, len(o.family.entries))
		}
		checkTable(t, o.code, o.family, word)
		if o.documented < 0 || o.documented > 1 || o.boys < 0 || o.boys > 1 || len(o.alt) == 0 || len(o.neighbours) == 0 {
			t.Errorf("%s: origin table incomplete", o.code)
		}
	}
}

func checkTable(t *testing.T, code string, tab *table, word *regexp.Regexp) {
	t.Helper()
	seen := map[string]bool{}
	for _, e := range tab.entries {
		usual := particleForm(e.part, e.forms[0], 0)
		if e.cyr != nil {
			usual = e.cyr.orig[1]
		}
		if seen[usual] {
			t.Errorf("%s: %q listed twice", code, usual)
		}
		seen[usual] = true
		for _, f := range e.forms {
			if !word.MatchString(f) {
				t.Errorf("%s: malformed spelling %q", code, f)
			}
		}
	}
}
