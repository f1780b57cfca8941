package synth

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// population is the 20,000-child data set the linkage quality test uses,
// generated once for the tests that check its composition.
var population = sync.OnceValues(func() ([]Record, error) {
	return Generate(Options{Children: 20000, Seed: 1})
})

func mustPopulation(t *testing.T) []Record {
	t.Helper()
	recs, err := population()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func byEntity(recs []Record) map[string][]Record {
	m := map[string][]Record{}
	for _, r := range recs {
		m[r.Entity] = append(m[r.Entity], r)
	}
	return m
}

func TestDeterminism(t *testing.T) {
	opt := Options{Children: 3000, Seed: 42}
	a, err := Generate(opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(opt)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same options gave different records")
	}
	var ca, cb bytes.Buffer
	if err := WriteChildCSV(&ca, a); err != nil {
		t.Fatal(err)
	}
	if err := WriteChildCSV(&cb, b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ca.Bytes(), cb.Bytes()) {
		t.Fatal("same options gave different CSV bytes")
	}
	var streamed []Record
	if err := Stream(opt, func(r Record) error { streamed = append(streamed, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, streamed) {
		t.Fatal("Stream and Generate differ")
	}
	opt.Seed = 43
	c, err := Generate(opt)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a, c) {
		t.Fatal("different seeds gave the same records")
	}
}

func TestComposition(t *testing.T) {
	recs := mustPopulation(t)
	ents := byEntity(recs)
	if len(ents) != 20000 {
		t.Fatalf("got %d entities, want 20000", len(ents))
	}
	ids := map[string]bool{}
	for _, r := range recs {
		if ids[r.ID] {
			t.Fatalf("duplicate id %s", r.ID)
		}
		ids[r.ID] = true
		if !strings.HasPrefix(r.ID, r.Country+"-") || !slices.Contains(DefaultCountries, r.Country) {
			t.Fatalf("record %s: id or country wrong", r.ID)
		}
		if r.Registered.After(DefaultNow) || r.Registered.Before(DefaultNow.AddDate(-RegistrationYears, 0, -1)) {
			t.Fatalf("record %s: registered outside the window", r.ID)
		}
	}
	multi, multiCountry := 0, 0
	families := map[string]map[string]bool{}
	for e, rs := range ents {
		if len(rs) > 1 {
			multi++
		}
		if len(CountriesOf(rs)) > 1 {
			multiCountry++
		}
		for i := 1; i < len(rs); i++ {
			if rs[i].Registered.Before(rs[i-1].Registered) {
				t.Fatalf("entity %s: records out of route order", e)
			}
			if rs[i].Family != rs[0].Family || rs[i].Origin != rs[0].Origin {
				t.Fatalf("entity %s: family or origin changes", e)
			}
		}
		if families[rs[0].Family] == nil {
			families[rs[0].Family] = map[string]bool{}
		}
		families[rs[0].Family][e] = true
	}
	inFamily := 0
	for _, kids := range families {
		if len(kids) > 4 {
			t.Fatalf("family of %d children", len(kids))
		}
		if len(kids) > 1 {
			inFamily += len(kids)
		}
	}
	share := func(n int) float64 { return float64(n) / float64(len(ents)) }
	band(t, "children with ≥2 records", share(multi), 0.40, 0.60)
	band(t, "children in ≥2 countries", share(multiCountry), 0.30, 0.45)
	band(t, "children with siblings", share(inFamily), FamilyShare-0.05, FamilyShare+0.05)
	band(t, "records per child", float64(len(recs))/float64(len(ents)), 1.8, 2.6)
}

func band(t *testing.T, what string, got, lo, hi float64) {
	t.Helper()
	t.Logf("%s: %.3f", what, got)
	if got < lo || got > hi {
		t.Errorf("%s: %.3f, want %.2f–%.2f", what, got, lo, hi)
	}
}

func TestOriginsAndCountries(t *testing.T) {
	recs := mustPopulation(t)
	origin := map[string]int{}
	for _, rs := range byEntity(recs) {
		origin[rs[0].Origin]++
	}
	total := 0.0
	for _, o := range origins {
		total += o.weight
	}
	for _, o := range origins {
		want := o.weight / total
		got := float64(origin[o.code]) / 20000
		if got < want*0.8-0.005 || got > want*1.2+0.005 {
			t.Errorf("origin %s: share %.3f, want about %.3f", o.code, got, want)
		}
	}
	countries := ByCountry(recs)
	for _, c := range DefaultCountries {
		if len(countries[c]) == 0 {
			t.Errorf("no records in %s", c)
		}
	}
	if got := CountriesOf(recs); !slices.Equal(got, slices.Sorted(slices.Values(DefaultCountries))) {
		t.Errorf("CountriesOf = %v", got)
	}
}

func TestSubsetOfCountries(t *testing.T) {
	opt := Options{Children: 2000, Seed: 5, Countries: []string{"LT", "LV", "EE", "FI", "UA"}}
	recs, err := Generate(opt)
	if err != nil {
		t.Fatal(err)
	}
	got := CountriesOf(recs)
	if !slices.Equal(got, []string{"EE", "FI", "LT", "LV", "UA"}) {
		t.Errorf("countries %v, want all of EE FI LT LV UA", got)
	}
	if n := len(byEntity(recs)); n != 2000 {
		t.Errorf("got %d entities, want 2000", n)
	}
}

func TestNoErrorsGivesOneIdentity(t *testing.T) {
	recs, err := Generate(Options{Children: 5000, Seed: 9, Errors: NoErrors()})
	if err != nil {
		t.Fatal(err)
	}
	for e, rs := range byEntity(recs) {
		for _, r := range rs[1:] {
			if identity(r) != identity(rs[0]) {
				t.Fatalf("entity %s: records differ without errors: %v vs %v", e, identity(r), identity(rs[0]))
			}
		}
		if rs[0].DOBEstimated || rs[0].GivenName == "" || rs[0].FamilyName == "" || rs[0].Sex == "" || rs[0].Citizenship == "" {
			t.Fatalf("entity %s: error-free record has an estimate or a missing value", e)
		}
		if _, ok := rs[0].BirthDate(); !ok || len(rs[0].DateOfBirth) != 10 {
			t.Fatalf("entity %s: error-free record has no exact date of birth", e)
		}
	}
}

type ident struct{ given, family, sex, dob, cit string }

func identity(r Record) ident {
	return ident{r.GivenName, r.FamilyName, r.Sex, r.DateOfBirth, r.Citizenship}
}

func TestRecordsLimitAndStreamError(t *testing.T) {
	n := 0
	if err := Stream(Options{Records: 1234, Seed: 2}, func(Record) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 1234 {
		t.Errorf("Records 1234: got %d records", n)
	}
	stop := errors.New("stop")
	n = 0
	err := Stream(Options{Children: 100}, func(Record) error {
		if n++; n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 {
		t.Errorf("Stream returned %v after %d records, want the callback's error after 10", err, n)
	}
}

func TestOptionsValidation(t *testing.T) {
	bad := &Errors{Typo: 1.5}
	for name, opt := range map[string]Options{
		"nothing":         {},
		"negative":        {Children: -1},
		"lower case":      {Children: 1, Countries: []string{"se"}},
		"alpha-3":         {Children: 1, Countries: []string{"SWE"}},
		"duplicate":       {Children: 1, Countries: []string{"SE", "DK", "SE"}},
		"rate above one":  {Children: 1, Errors: bad},
		"negative errors": {Children: 1, Errors: DefaultErrors().Scale(-1)},
	} {
		_, err := Generate(opt)
		if name == "negative errors" { // Scale clamps to [0, 1]: valid
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if errs.CodeOf(err) != errs.Invalid {
			t.Errorf("%s: error %v, want an invalid-argument error", name, err)
		}
	}
}

func TestScale(t *testing.T) {
	if got := DefaultErrors().Scale(0); *got != *NoErrors() {
		t.Errorf("Scale(0) = %+v, want no errors", *got)
	}
	got := DefaultErrors().Scale(100)
	if got.Typo != 1 || got.UpperCase != 1 {
		t.Errorf("Scale(100) does not clamp: %+v", *got)
	}
	if half := DefaultErrors().Scale(0.5); half.Variant != DefaultVariant/2 {
		t.Errorf("Scale(0.5).Variant = %v", half.Variant)
	}
}

func TestAgeAndBirthDate(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		dob  string
		age  int
		okay bool
	}{
		{"2010-01-01", 16, true}, {"2010-01-02", 15, true}, {"2010", 16, true}, {"2010-06", 15, true},
		{"", 0, false}, {"2010-13-01", 0, false}, {"2010-02-30", 0, false}, {"20x0-01-01", 0, false},
	} {
		age, ok := Record{DateOfBirth: c.dob}.Age(at)
		if age != c.age || ok != c.okay {
			t.Errorf("Age(%q) = %d, %v; want %d, %v", c.dob, age, ok, c.age, c.okay)
		}
	}
}
