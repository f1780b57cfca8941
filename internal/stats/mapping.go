package stats

import (
	"slices"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// MappingVersion names the mapping below. A change of any entry is a new
// version: published figures say which version made them, and figures of
// two versions are not compared without a note.
const MappingVersion = "2026.1"

// Facts are the coded facts of one case and its child that the mapping
// reads: codes of internal/cases (or of a country's national system), never
// an identity.
type Facts struct {
	Country        string   // the registering country (ISO 3166-1 alpha-2)
	Category       string   // case category (cases.Category)
	Evidence       string   // evidence level (cases.Evidence)
	Exploitation   []string // forms of exploitation (cases.Exploitation)
	Missing        bool     // the child is currently missing
	Sex            string   // cases.Sex
	BirthYear      int      // 0 when unknown
	BirthPrecision string   // cases.Precision
	Assessed       bool     // at least one age assessment is recorded
	Citizenships   []string // ISO 3166-1 alpha-2, as recorded
	Registered     time.Time
}

// categoryStatus maps each case category to its status. Trafficking
// categories are refined by the evidence level (see Mapping.Map).
var categoryStatus = map[string]string{
	"unaccompanied":          StatusUnaccompanied,
	"separated":              StatusUnaccompanied, // EU law: not accompanied by an adult responsible by law or practice
	"presumed_trafficking":   StatusPresumed,
	"identified_trafficking": StatusIdentified,
	"missing_from_care":      StatusMissing,
	"criminal_exploitation":  StatusPresumed, // forced criminality is trafficking (Directive 2011/36/EU, art. 2(3))
	"false_family":           StatusPresumed, // children moved by adults falsely claiming to be family
	"other":                  StatusOther,
}

// exploitationForm maps each form of exploitation recorded on a node to
// the common form. Slavery and its practices count as labour exploitation,
// as in Eurostat's tables; the rarer forms are "other".
var exploitationForm = map[string]string{
	"sexual":              FormSexual,
	"forced_labour":       FormLabour, // the node's code includes begging: see docs/statistics.md
	"slavery":             FormLabour,
	"criminal_activities": FormCriminal,
	"begging":             FormBegging,
	"forced_marriage":     FormForcedMarriage,
	"organ_removal":       FormOther,
	"illegal_adoption":    FormOther,
	"surrogacy":           FormOther,
}

// formPrecedence orders the forms for a child with several: the first
// present is the child's form (Eurostat asks for one main form).
var formPrecedence = []string{FormSexual, FormLabour, FormCriminal, FormBegging, FormForcedMarriage, FormOther}

var sexCode = map[string]string{"female": SexF, "male": SexM, "other": SexX, "unknown": SexUnk}

var evidenceCode = map[string]string{"identified": EvIdentified, "presumed": EvPresumed, "suspicion": EvSuspicion}

// precisionBasis maps a date-of-birth precision to its age basis.
var precisionBasis = map[string]string{
	"exact": BasisDocumented, "month": BasisDocumented, "year": BasisDocumented,
	"estimated": BasisAssessed, "unknown": BasisUnknown,
}

// trafficking are the statuses that a firmer evidence level raises.
var trafficking = []string{StatusPresumed, StatusIdentified}

// unmapped is the error for a code the mapping does not know: a clear
// error naming the field and the code (codes are not personal data), never
// a silent "other".
func unmapped(field, code string) error {
	return errs.Field(field, "the code %q has no mapping to the common categories (mapping %s): add it to internal/stats/mapping.go", code, MappingVersion)
}

// Map returns the common categories of one case. Every code must be known:
// an unknown one is an errs.Invalid error naming the field.
//
// Status, one per case, by precedence: a trafficking category (identified
// when the category or the evidence says identified, presumed otherwise),
// then missing (the category, or a child currently missing), then
// unaccompanied, then other.
func Map(f Facts) (Coded, error) {
	var c Coded
	status, ok := categoryStatus[f.Category]
	if !ok {
		return c, unmapped("category", f.Category)
	}
	if c.Evidence, ok = evidenceCode[f.Evidence]; !ok {
		return c, unmapped("evidence", f.Evidence)
	}
	if slices.Contains(trafficking, status) {
		if c.Evidence == EvIdentified {
			status = StatusIdentified
		}
	} else if f.Missing {
		status = StatusMissing
	}
	c.Status = status

	c.Exploitation = FormNone
	forms := make([]string, 0, len(f.Exploitation))
	for _, e := range f.Exploitation {
		form, ok := exploitationForm[e]
		if !ok {
			return c, unmapped("exploitation", e)
		}
		forms = append(forms, form)
	}
	for _, form := range formPrecedence {
		if slices.Contains(forms, form) {
			c.Exploitation = form
			break
		}
	}
	if c.Exploitation == FormNone && f.Category == "criminal_exploitation" {
		c.Exploitation = FormCriminal
	}

	if c.Sex, ok = sexCode[f.Sex]; !ok {
		return c, unmapped("sex", f.Sex)
	}
	basis, ok := precisionBasis[f.BirthPrecision]
	if !ok {
		return c, unmapped("birth_precision", f.BirthPrecision)
	}
	if f.Assessed && basis != BasisUnknown {
		basis = BasisAssessed
	}
	c.AgeGroup, c.AgeBasis = ageGroup(f.BirthYear, f.Registered.UTC().Year()), basis
	if c.AgeGroup == AgeUnk {
		c.AgeBasis = BasisUnknown
	}
	var err error
	if c.Citizenship, err = CitizenshipGroup(f.Country, f.Citizenships); err != nil {
		return c, err
	}
	return c, nil
}

// ageGroup returns the age group at registration of a child born in
// birthYear. Only the year of birth is kept in clear, so the age is one of
// two (before or after the birthday); the lower one is taken, giving the
// child the benefit of the doubt (presumption of minority, Directive
// 2011/36/EU art. 13(2)). An assessed year of birth is treated alike.
func ageGroup(birthYear, year int) string {
	if birthYear <= 0 || birthYear > year {
		return AgeUnk
	}
	age := year - birthYear - 1
	switch {
	case age < 0:
		return Age0to11 // born in the year of registration
	case age <= 11:
		return Age0to11
	case age <= 14:
		return Age12to14
	case age <= 17:
		return Age15to17
	}
	return Age18plus
}
