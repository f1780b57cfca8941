package stats

import (
	"testing"
	"time"
)

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func coded(status string) Coded {
	return Coded{Status: status, Exploitation: FormNone, Sex: SexF, AgeGroup: Age15to17,
		AgeBasis: BasisAssessed, Citizenship: CitAsia, Evidence: EvPresumed}
}

// A child registered in three countries counts once regionally and once
// in each country.
func TestChildInThreeCountriesCountsOnce(t *testing.T) {
	rs := Records{
		{Country: "SE", Ref: "a", Child: "k1", Registered: day(2025, 2, 1), Coded: coded(StatusUnaccompanied)},
		{Country: "DE", Ref: "b", Child: "k1", Registered: day(2025, 5, 1), Coded: coded(StatusMissing)},
		{Country: "PL", Ref: "c", Child: "k1", Registered: day(2025, 9, 1), Coded: coded(StatusPresumed)},
		{Country: "PL", Ref: "d", Child: "k2", Registered: day(2025, 9, 2), Coded: coded(StatusPresumed)},
	}
	reg := Children(rs, Strict, false, ByYear)[Region]["2025"]
	tab := Crosstab(reg, nil, DimStatus, DimSex)
	if tab.Total.Count != 2 {
		t.Errorf("regional children: got %d, want 2", tab.Total.Count)
	}
	// The child is counted by its first registration: unaccompanied in SE.
	if got := tab.RowTotal[index(tab.Rows, StatusUnaccompanied)].Count; got != 1 {
		t.Errorf("regional unaccompanied: got %d, want 1", got)
	}
	per := Children(rs, Strict, true, ByYear)
	for country, want := range map[Scope]int{"SE": 1, "DE": 1, "PL": 2} {
		if got := len(per[country]["2025"]); got != want {
			t.Errorf("%s: got %d children, want %d", country, got, want)
		}
	}
	ct := CountryTable(per, nil, "2025", DimStatus)
	if got := ct.RowTotal[index(ct.Rows, "PL")].Count; got != 2 {
		t.Errorf("country table PL: got %d, want 2", got)
	}
	if ct.ColTotal != nil {
		t.Error("the country table must not add its columns across countries")
	}
}

// Registrations linked only plausibly give a range: two children if only
// high-probability links are merged, one if all plausible links are.
func TestRangeOverLinkings(t *testing.T) {
	rs := Records{
		{Country: "SE", Ref: "a", Child: "k1", ChildAll: "m1", Registered: day(2025, 2, 1), Coded: coded(StatusPresumed)},
		{Country: "DE", Ref: "b", Child: "k2", ChildAll: "m1", Registered: day(2025, 5, 1), Coded: coded(StatusPresumed)},
		{Country: "DE", Ref: "c", Child: "k3", Registered: day(2025, 6, 1), Coded: coded(StatusPresumed)},
	}
	strict := Children(rs, Strict, false, ByYear)[Region]["2025"]
	loose := Children(rs, Loose, false, ByYear)[Region]["2025"]
	tab := Crosstab(strict, loose, DimStatus, DimSex)
	if got := tab.Total; got.Count != 3 || got.Low != 2 || got.High != 3 {
		t.Errorf("total: got %+v, want count 3 in [2, 3]", got)
	}
}

func TestFlows(t *testing.T) {
	var rs Records
	for i := range 12 {
		child := string(rune('a' + i))
		rs = append(rs,
			Record{Country: "SE", Ref: child + "1", Child: child, Registered: day(2025, 1, 1), Coded: coded(StatusMissing)},
			Record{Country: "DE", Ref: child + "2", Child: child, Registered: day(2025, 1, 1).AddDate(0, 0, 10+i), Coded: coded(StatusMissing)},
			Record{Country: "SE", Ref: child + "3", Child: child, Registered: day(2025, 6, 1), Coded: coded(StatusMissing)}, // back: not a new first registration
		)
	}
	rs = append(rs, Record{Country: "PL", Ref: "x", Child: "a", Registered: day(2025, 8, 1), Coded: coded(StatusMissing)})
	fs := ComputeFlows(rs, ByYear)["2025"]
	if fs == nil || len(fs.Flows) != 2 {
		t.Fatalf("flows: got %+v, want SE→DE and DE→PL", fs)
	}
	de, pl := fs.Flows[1], fs.Flows[0] // sorted by origin: DE→PL, SE→DE
	if de.Label() != "SE→DE" || de.Count.Count != 12 || de.MedianDays != 15 {
		t.Errorf("SE→DE: got %s %d median %d, want 12 children, median 15 days", de.Label(), de.Count.Count, de.MedianDays)
	}
	if pl.Label() != "DE→PL" || pl.Count.Count != 1 {
		t.Errorf("DE→PL: got %s %d", pl.Label(), pl.Count.Count)
	}
	fs.protect(DefaultK)
	if !pl.Count.Suppressed || pl.MedianDays != -1 || de.Count.Suppressed {
		t.Errorf("protect: got DE→PL %+v (median %d), SE→DE %+v", pl.Count, pl.MedianDays, de.Count)
	}
}

func index(vals []string, v string) int {
	for i, x := range vals {
		if x == v {
			return i
		}
	}
	return -1
}
