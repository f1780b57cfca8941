package stats

import (
	"fmt"
	"strconv"
	"time"
)

// Dim is one dimension a count can be broken down by.
type Dim string

// Dimensions. Their names are the column headers of the published files:
// never rename one.
const (
	DimStatus       Dim = "status"
	DimExploitation Dim = "exploitation"
	DimSex          Dim = "sex"
	DimAgeGroup     Dim = "age_group"
	DimAgeBasis     Dim = "age_basis"
	DimCitizenship  Dim = "citizenship"
	DimEvidence     Dim = "evidence"
	DimYear         Dim = "year"
	DimQuarter      Dim = "quarter"
	DimCountry      Dim = "country"
)

// Dims lists every dimension, in the order forms show them.
var Dims = []Dim{DimStatus, DimExploitation, DimSex, DimAgeGroup, DimAgeBasis,
	DimCitizenship, DimEvidence, DimYear, DimQuarter, DimCountry}

// Status codes: the situation a child is counted under (one per child; see
// Mapping for the order of precedence).
const (
	StatusIdentified    = "identified_victim" // identified victim of trafficking (Eurostat: identified)
	StatusPresumed      = "presumed_victim"   // presumed victim of trafficking (Eurostat: presumed)
	StatusMissing       = "missing"           // missing from care, or currently missing
	StatusUnaccompanied = "unaccompanied"     // unaccompanied or separated minor
	StatusOther         = "other_at_risk"     // other child at risk handled by the NCP
)

// Forms of exploitation (Eurostat crim_thb_vexp, HTCDS type of exploitation).
const (
	FormSexual         = "sexual"
	FormLabour         = "labour"
	FormCriminal       = "criminal_activities"
	FormBegging        = "begging"
	FormForcedMarriage = "forced_marriage"
	FormOther          = "other"
	FormNone           = "none" // no form of exploitation recorded
)

// Sex codes, as Eurostat's (X for other, not in Eurostat's tables).
const (
	SexF   = "F"
	SexM   = "M"
	SexX   = "X"
	SexUnk = "UNK"
)

// Age groups at registration (Eurostat's children's groups, plus those
// registered as children who are 18 or older by the year count).
const (
	Age0to11  = "Y0-11"
	Age12to14 = "Y12-14"
	Age15to17 = "Y15-17"
	Age18plus = "Y_GE18"
	AgeUnk    = "UNK"
)

// Age bases: how the age behind the age group is known.
const (
	BasisDocumented = "documented" // a date or year of birth from documents or declaration
	BasisAssessed   = "assessed"   // an age assessment: the estimated year of birth
	BasisUnknown    = "unknown"
)

// Citizenship groups (Eurostat crim_thb_vctz: reporting country, other EU,
// non-EU by continent as in UN M49).
const (
	CitNational = "national" // citizen of the country that registered the child
	CitEU       = "eu"       // citizen of another EU member state
	CitEurope   = "non_eu_europe"
	CitAfrica   = "africa"
	CitAsia     = "asia"
	CitAmericas = "americas"
	CitOceania  = "oceania"
	CitUnknown  = "unknown" // none recorded (stateless or not established)
)

// Evidence levels, as the node records them.
const (
	EvIdentified = "identified"
	EvPresumed   = "presumed"
	EvSuspicion  = "suspicion"
)

// fixedValues are the values of the closed dimensions, in table order.
var fixedValues = map[Dim][]string{
	DimStatus:       {StatusIdentified, StatusPresumed, StatusMissing, StatusUnaccompanied, StatusOther},
	DimExploitation: {FormSexual, FormLabour, FormCriminal, FormBegging, FormForcedMarriage, FormOther, FormNone},
	DimSex:          {SexF, SexM, SexX, SexUnk},
	DimAgeGroup:     {Age0to11, Age12to14, Age15to17, Age18plus, AgeUnk},
	DimAgeBasis:     {BasisDocumented, BasisAssessed, BasisUnknown},
	DimCitizenship:  {CitNational, CitEU, CitEurope, CitAfrica, CitAsia, CitAmericas, CitOceania, CitUnknown},
	DimEvidence:     {EvIdentified, EvPresumed, EvSuspicion},
}

// Values returns the values of a closed dimension in table order, nil for
// the open ones (year, quarter, country), whose values come from the data.
func Values(d Dim) []string { return fixedValues[d] }

// ParseDim returns the dimension named s.
func ParseDim(s string) (Dim, error) {
	for _, d := range Dims {
		if string(d) == s {
			return d, nil
		}
	}
	return "", fmt.Errorf("stats: unknown dimension %q", s)
}

// Coded holds a record's values of the coded dimensions.
type Coded struct {
	Status       string
	Exploitation string
	Sex          string
	AgeGroup     string
	AgeBasis     string
	Citizenship  string
	Evidence     string
}

// Record is one registration, as the aggregation sees it: coded values
// only, never an identity.
type Record struct {
	Country string // ISO 3166-1 alpha-2 of the registering node
	Ref     string // pseudonymous reference of the registration: unique per country
	// Child is the unit counted: the cluster of registrations taken to be
	// one child when only high-probability links are merged (on a node,
	// the child's own reference). Empty means the registration stands alone.
	Child string
	// ChildAll is the cluster when every plausible link is merged; empty
	// means the same as Child. A ChildAll cluster is a union of Child
	// clusters.
	ChildAll   string
	Registered time.Time // when the registration was made (case opened), UTC
	Coded
}

// Value returns the record's value of d.
func (r *Record) Value(d Dim) string {
	switch d {
	case DimStatus:
		return r.Status
	case DimExploitation:
		return r.Exploitation
	case DimSex:
		return r.Sex
	case DimAgeGroup:
		return r.AgeGroup
	case DimAgeBasis:
		return r.AgeBasis
	case DimCitizenship:
		return r.Citizenship
	case DimEvidence:
		return r.Evidence
	case DimYear:
		return yearString(r.Registered.UTC().Year())
	case DimQuarter:
		return Quarter(r.Registered)
	case DimCountry:
		return r.Country
	}
	return ""
}

// Quarter returns t's calendar quarter as "2026-Q1" (UTC).
func Quarter(t time.Time) string {
	t = t.UTC()
	y, q := t.Year(), (int(t.Month())+2)/3
	if y >= firstYear && y < firstYear+len(years) {
		return quarters[(y-firstYear)*4+q-1]
	}
	return fmt.Sprintf("%d-Q%d", y, q)
}

// years and quarters are the strings of the years 1990–2089 and their
// quarters, made once: the aggregation asks for them for every record of
// every table, and formatting them each time was a fifth of its time.
const firstYear = 1990

var years, quarters = func() ([]string, []string) {
	ys := make([]string, 100)
	qs := make([]string, 400)
	for i := range ys {
		ys[i] = strconv.Itoa(firstYear + i)
		for q := range 4 {
			qs[i*4+q] = fmt.Sprintf("%d-Q%d", firstYear+i, q+1)
		}
	}
	return ys, qs
}()

func yearString(y int) string {
	if y >= firstYear && y < firstYear+len(years) {
		return years[y-firstYear]
	}
	return strconv.Itoa(y)
}
