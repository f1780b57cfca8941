package stats

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// facts returns a valid case of an unaccompanied girl born in 2012,
// registered in Sweden in 2026; mod changes it.
func facts(mod func(*Facts)) Facts {
	f := Facts{Country: "SE", Category: "unaccompanied", Evidence: "presumed", Sex: "female",
		BirthYear: 2012, BirthPrecision: "year", Citizenships: []string{"AF"},
		Registered: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
	if mod != nil {
		mod(&f)
	}
	return f
}

func TestMapStatus(t *testing.T) {
	tests := []struct {
		category, evidence string
		missing            bool
		want               string
	}{
		{"unaccompanied", "presumed", false, StatusUnaccompanied},
		{"unaccompanied", "identified", false, StatusUnaccompanied},
		{"unaccompanied", "presumed", true, StatusMissing},
		{"separated", "suspicion", false, StatusUnaccompanied},
		{"presumed_trafficking", "presumed", false, StatusPresumed},
		{"presumed_trafficking", "suspicion", false, StatusPresumed},
		{"presumed_trafficking", "identified", false, StatusIdentified},
		{"presumed_trafficking", "presumed", true, StatusPresumed},
		{"identified_trafficking", "presumed", false, StatusIdentified},
		{"identified_trafficking", "identified", true, StatusIdentified},
		{"missing_from_care", "presumed", false, StatusMissing},
		{"criminal_exploitation", "presumed", false, StatusPresumed},
		{"criminal_exploitation", "identified", false, StatusIdentified},
		{"false_family", "suspicion", false, StatusPresumed},
		{"other", "presumed", false, StatusOther},
		{"other", "presumed", true, StatusMissing},
	}
	for _, tt := range tests {
		c, err := Map(facts(func(f *Facts) { f.Category, f.Evidence, f.Missing = tt.category, tt.evidence, tt.missing }))
		if err != nil || c.Status != tt.want {
			t.Errorf("%s/%s/missing=%v: got %q, %v; want %q", tt.category, tt.evidence, tt.missing, c.Status, err, tt.want)
		}
	}
}

func TestMapExploitation(t *testing.T) {
	tests := []struct {
		category string
		forms    []string
		want     string
	}{
		{"presumed_trafficking", nil, FormNone},
		{"presumed_trafficking", []string{"sexual"}, FormSexual},
		{"presumed_trafficking", []string{"forced_labour"}, FormLabour},
		{"presumed_trafficking", []string{"slavery"}, FormLabour},
		{"presumed_trafficking", []string{"criminal_activities"}, FormCriminal},
		{"presumed_trafficking", []string{"begging"}, FormBegging},
		{"presumed_trafficking", []string{"forced_marriage"}, FormForcedMarriage},
		{"presumed_trafficking", []string{"organ_removal"}, FormOther},
		{"presumed_trafficking", []string{"illegal_adoption"}, FormOther},
		{"presumed_trafficking", []string{"surrogacy"}, FormOther},
		{"presumed_trafficking", []string{"surrogacy", "criminal_activities", "sexual"}, FormSexual},
		{"presumed_trafficking", []string{"forced_marriage", "forced_labour"}, FormLabour},
		{"criminal_exploitation", nil, FormCriminal},
		{"criminal_exploitation", []string{"sexual"}, FormSexual},
	}
	for _, tt := range tests {
		c, err := Map(facts(func(f *Facts) { f.Category, f.Exploitation = tt.category, tt.forms }))
		if err != nil || c.Exploitation != tt.want {
			t.Errorf("%s %v: got %q, %v; want %q", tt.category, tt.forms, c.Exploitation, err, tt.want)
		}
	}
}

func TestMapSexAndEvidence(t *testing.T) {
	for in, want := range map[string]string{"female": SexF, "male": SexM, "other": SexX, "unknown": SexUnk} {
		if c, err := Map(facts(func(f *Facts) { f.Sex = in })); err != nil || c.Sex != want {
			t.Errorf("sex %s: got %q, %v; want %q", in, c.Sex, err, want)
		}
	}
	for in, want := range map[string]string{"identified": EvIdentified, "presumed": EvPresumed, "suspicion": EvSuspicion} {
		if c, err := Map(facts(func(f *Facts) { f.Evidence = in })); err != nil || c.Evidence != want {
			t.Errorf("evidence %s: got %q, %v; want %q", in, c.Evidence, err, want)
		}
	}
}

func TestMapAge(t *testing.T) {
	tests := []struct {
		birthYear int
		precision string
		assessed  bool
		group     string
		basis     string
	}{
		{2026, "exact", false, Age0to11, BasisDocumented},
		{2015, "exact", false, Age0to11, BasisDocumented},    // 10 or 11
		{2014, "month", false, Age0to11, BasisDocumented},    // 11 or 12: the lower
		{2013, "year", false, Age12to14, BasisDocumented},    // 12 or 13
		{2011, "year", false, Age12to14, BasisDocumented},    // 14 or 15
		{2010, "estimated", true, Age15to17, BasisAssessed},  // 15 or 16
		{2008, "estimated", false, Age15to17, BasisAssessed}, // 17 or 18: benefit of the doubt
		{2007, "exact", true, Age18plus, BasisAssessed},      // documents, then assessed: assessed
		{0, "unknown", false, AgeUnk, BasisUnknown},
		{0, "unknown", true, AgeUnk, BasisUnknown},
		{2027, "exact", false, AgeUnk, BasisUnknown}, // after registration: not an age
	}
	for _, tt := range tests {
		c, err := Map(facts(func(f *Facts) { f.BirthYear, f.BirthPrecision, f.Assessed = tt.birthYear, tt.precision, tt.assessed }))
		if err != nil || c.AgeGroup != tt.group || c.AgeBasis != tt.basis {
			t.Errorf("%d %s assessed=%v: got %q %q, %v; want %q %q", tt.birthYear, tt.precision, tt.assessed, c.AgeGroup, c.AgeBasis, err, tt.group, tt.basis)
		}
	}
}

func TestCitizenshipGroup(t *testing.T) {
	tests := []struct {
		country string
		cits    []string
		want    string
	}{
		{"SE", nil, CitUnknown},
		{"SE", []string{"SE"}, CitNational},
		{"SE", []string{"AF", "SE"}, CitNational},
		{"SE", []string{"PL"}, CitEU},
		{"SE", []string{"AF", "PL"}, CitEU},
		{"SE", []string{"GB"}, CitEurope}, // not EU since 2020, though CLDR says so
		{"SE", []string{"UA"}, CitEurope},
		{"SE", []string{"NO"}, CitEurope},
		{"SE", []string{"XK"}, CitEurope},
		{"SE", []string{"ER"}, CitAfrica},
		{"SE", []string{"SY"}, CitAsia},
		{"SE", []string{"VN", "ER"}, CitAsia},
		{"SE", []string{"BR"}, CitAmericas},
		{"SE", []string{"AU"}, CitOceania},
		{"SE", []string{"AQ"}, CitUnknown},
		{"NO", []string{"NO"}, CitNational},
	}
	for _, tt := range tests {
		if got, err := CitizenshipGroup(tt.country, tt.cits); err != nil || got != tt.want {
			t.Errorf("%s %v: got %q, %v; want %q", tt.country, tt.cits, got, err, tt.want)
		}
	}
}

// TestMappingCoversTheNode fails when internal/cases gains a code that the
// mapping does not know, or a country code the node accepts has no group.
func TestMappingCoversTheNode(t *testing.T) {
	for _, c := range cases.Categories {
		if _, err := Map(facts(func(f *Facts) { f.Category = string(c) })); err != nil {
			t.Errorf("category %s: %v", c, err)
		}
	}
	for _, e := range cases.Exploitations {
		if _, err := Map(facts(func(f *Facts) { f.Exploitation = []string{string(e)} })); err != nil {
			t.Errorf("exploitation %s: %v", e, err)
		}
	}
	for _, e := range cases.EvidenceLevels {
		if _, err := Map(facts(func(f *Facts) { f.Evidence = string(e) })); err != nil {
			t.Errorf("evidence %s: %v", e, err)
		}
	}
	for _, s := range cases.Sexes {
		if _, err := Map(facts(func(f *Facts) { f.Sex = string(s) })); err != nil {
			t.Errorf("sex %s: %v", s, err)
		}
	}
	for _, p := range cases.Precisions {
		if _, err := Map(facts(func(f *Facts) { f.BirthPrecision = string(p) })); err != nil {
			t.Errorf("precision %s: %v", p, err)
		}
	}
	for _, code := range strings.Fields(allCountries) {
		if _, err := CitizenshipGroup("SE", []string{code}); err != nil {
			t.Errorf("citizenship %s: %v", code, err)
		}
	}
}

// allCountries is the list internal/linkage/normalize accepts (ISO 3166-1
// and XK).
const allCountries = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
	"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ " +
	"VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK"

// TestMapUnmapped: an unknown local code is a clear error naming the field
// and the code, never a silent "other".
func TestMapUnmapped(t *testing.T) {
	tests := []struct {
		field string
		mod   func(*Facts)
	}{
		{"category", func(f *Facts) { f.Category = "asylum_seeker" }},
		{"evidence", func(f *Facts) { f.Evidence = "rumour" }},
		{"exploitation", func(f *Facts) { f.Exploitation = []string{"sexual", "domestic_servitude"} }},
		{"sex", func(f *Facts) { f.Sex = "f" }},
		{"birth_precision", func(f *Facts) { f.BirthPrecision = "decade" }},
		{"citizenships", func(f *Facts) { f.Citizenships = []string{"ZZ"} }},
		{"citizenships", func(f *Facts) { f.Citizenships = []string{"EU"} }},
		{"citizenships", func(f *Facts) { f.Citizenships = []string{"150"} }},
	}
	for _, tt := range tests {
		_, err := Map(facts(tt.mod))
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != errs.Invalid || e.Field != tt.field || !strings.Contains(e.Message, "no mapping") {
			t.Errorf("%s: got %v, want an invalid error on the field", tt.field, err)
		}
	}
}

func TestValuesAreClosed(t *testing.T) {
	for _, d := range []Dim{DimStatus, DimExploitation, DimSex, DimAgeGroup, DimAgeBasis, DimCitizenship, DimEvidence} {
		if len(Values(d)) == 0 || slices.Contains(Values(d), "") {
			t.Errorf("%s: values %v", d, Values(d))
		}
	}
	for _, d := range []Dim{DimYear, DimQuarter, DimCountry} {
		if Values(d) != nil {
			t.Errorf("%s is open, got values %v", d, Values(d))
		}
	}
}
