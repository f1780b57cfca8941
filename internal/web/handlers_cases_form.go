package web

import (
	"errors"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/web/i18n"
)

// The registry's forms post flat fields: the child's and the case's by the
// service's names, and the rows of aliases and age assessments numbered
// from 0 (alias_name_0, assess_date_1). Without JavaScript a form cannot
// grow, so it shows the rows typed so far and one or more blank rows; rows
// left blank are dropped before the service sees them, and each row given
// to the service remembers its row on the form, so that an error about
// "aliases[1].name" lands on the row the user typed it in.

// Rows of the repeated parts of the child form.
const (
	aliasRowsMin  = 3
	assessRowsMin = 2
	maxAliasRows  = 20 // the service's limit
	maxAssessRows = 10 // the service's limit
)

// The inputs of a row, by the service's name of the field.
var (
	aliasInputs  = map[string]string{"name": "alias_name", "script": "alias_script", "source": "alias_source"}
	assessInputs = map[string]string{"date": "assess_date", "method": "assess_method", "outcome": "assess_outcome", "assessed_by": "assess_by"}
)

// childFields and caseFields are the single-valued inputs of the child's
// and the case's parts of a form.
var (
	childFields = []string{"national_ref", "given_names", "family_name", "sex", "birth_date", "birth_precision",
		"citizenships", "languages", "birth_place", "notes"}
	caseFields = []string{"category", "evidence", "responsible_org", "placement", "legal_basis", "handling"}
)

func rowInput(prefix string, i int) string { return prefix + "_" + strconv.Itoa(i) }

// childForm is the child's part of a posted form: the service's input and
// the form row of each alias and assessment in it.
type childForm struct {
	in        cases.ChildInput
	aliasRow  []int
	assessRow []int
}

// readChildForm reads the child's part of a posted form, keeping what was
// typed in p.Values.
func readChildForm(f url.Values, p *page) childForm {
	v := p.Values
	for _, k := range childFields {
		v[k] = f.Get(k)
	}
	cf := childForm{in: cases.ChildInput{
		NationalRef:    v["national_ref"],
		GivenNames:     v["given_names"],
		FamilyName:     v["family_name"],
		Sex:            cases.Sex(v["sex"]),
		BirthDate:      v["birth_date"],
		BirthPrecision: cases.Precision(v["birth_precision"]),
		Citizenships:   splitCodes(v["citizenships"]),
		Languages:      splitCodes(v["languages"]),
		BirthPlace:     v["birth_place"],
		Notes:          v["notes"],
	}}
	for i := range maxAliasRows {
		if !readRow(f, v, aliasInputs, i) {
			continue
		}
		cf.in.Aliases = append(cf.in.Aliases, cases.Alias{
			Name:   v[rowInput("alias_name", i)],
			Script: v[rowInput("alias_script", i)],
			Source: v[rowInput("alias_source", i)],
		})
		cf.aliasRow = append(cf.aliasRow, i)
	}
	for i := range maxAssessRows {
		if !readRow(f, v, assessInputs, i) {
			continue
		}
		cf.in.Assessments = append(cf.in.Assessments, cases.AgeAssessment{
			Date:       v[rowInput("assess_date", i)],
			Method:     cases.AssessmentMethod(v[rowInput("assess_method", i)]),
			Outcome:    v[rowInput("assess_outcome", i)],
			AssessedBy: v[rowInput("assess_by", i)],
		})
		cf.assessRow = append(cf.assessRow, i)
	}
	return cf
}

// readRow copies row i's inputs into v and reports whether any is filled.
func readRow(f url.Values, v map[string]string, inputs map[string]string, i int) bool {
	filled := false
	for _, prefix := range inputs {
		name := rowInput(prefix, i)
		if s := f.Get(name); s != "" {
			v[name] = s
			filled = filled || strings.TrimSpace(s) != ""
		}
	}
	return filled
}

// splitCodes splits a list of codes typed with commas or spaces.
func splitCodes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' })
}

// childValues are the inputs of the child form filled from a record.
func childValues(c *cases.Child) map[string]string {
	v := map[string]string{
		"national_ref": c.NationalRef, "given_names": c.GivenNames, "family_name": c.FamilyName,
		"sex": string(c.Sex), "birth_date": c.BirthDate, "birth_precision": string(c.BirthPrecision),
		"citizenships": strings.Join(c.Citizenships, ", "), "languages": strings.Join(c.Languages, ", "),
		"birth_place": c.BirthPlace, "notes": c.Notes,
	}
	for i, a := range c.Aliases {
		v[rowInput("alias_name", i)], v[rowInput("alias_script", i)], v[rowInput("alias_source", i)] = a.Name, a.Script, a.Source
	}
	for i, a := range c.Assessments {
		v[rowInput("assess_date", i)], v[rowInput("assess_method", i)] = a.Date, string(a.Method)
		v[rowInput("assess_outcome", i)], v[rowInput("assess_by", i)] = a.Outcome, a.AssessedBy
	}
	return v
}

// rows returns the row numbers to show: every row up to the last one
// filled, then one blank row (at least minRows, at most maxRows).
func rows(v map[string]string, inputs map[string]string, minRows, maxRows int) []int {
	n := minRows
	for i := range maxRows {
		for _, prefix := range inputs {
			if strings.TrimSpace(v[rowInput(prefix, i)]) != "" {
				n = max(n, i+2)
			}
		}
	}
	n = min(n, maxRows)
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// readCaseForm reads the case's part of a posted form.
func readCaseForm(f url.Values, p *page) cases.CaseInput {
	v := p.Values
	for _, k := range caseFields {
		v[k] = f.Get(k)
	}
	in := cases.CaseInput{
		Category:       cases.Category(v["category"]),
		Evidence:       cases.Evidence(v["evidence"]),
		ResponsibleOrg: v["responsible_org"],
		Placement:      cases.Placement(v["placement"]),
		LegalBasis:     v["legal_basis"],
		Handling:       cases.Handling(v["handling"]),
		Consent:        f.Get("consent") == "yes",
	}
	for _, e := range f["exploitation"] {
		in.Exploitation = append(in.Exploitation, cases.Exploitation(e))
	}
	v["exploitation"] = strings.Join(f["exploitation"], " ")
	if in.Consent {
		v["consent"] = "yes"
	}
	return in
}

// caseValues are the inputs of the case form filled from a record.
func caseValues(k *cases.Case) map[string]string {
	v := map[string]string{
		"category": string(k.Category), "evidence": string(k.Evidence), "responsible_org": k.ResponsibleOrg,
		"placement": string(k.Placement), "legal_basis": k.LegalBasis, "handling": string(k.Handling),
	}
	var ex []string
	for _, e := range k.Exploitation {
		ex = append(ex, string(e))
	}
	v["exploitation"] = strings.Join(ex, " ")
	if k.Consent {
		v["consent"] = "yes"
	}
	return v
}

// checkChoices reports what the form itself can see is missing, in the
// user's language, before the service checks the rest: a name, and the
// case's category and evidence level (which the duplicate check, looking
// at the child only, would not report).
func checkChoices(p *page, tr *i18n.Translator, ci *cases.ChildInput, cs *cases.CaseInput) {
	if ci != nil && strings.TrimSpace(ci.GivenNames) == "" && strings.TrimSpace(ci.FamilyName) == "" {
		p.addError("given_names", tr.T("register.err_name_required"))
	}
	if cs != nil {
		if !cs.Category.Valid() {
			p.addError("category", tr.T("register.err_category"))
		}
		if !cs.Evidence.Valid() {
			p.addError("evidence", tr.T("register.err_evidence"))
		}
	}
}

// fieldErrorKeys are the messages of the inputs, by input name without
// its row number. The service's messages are English and name the rule;
// these say, in the user's language, what the input needs.
var fieldErrorKeys = map[string]string{
	"national_ref":    "register.err_national_ref",
	"given_names":     "register.err_given_names",
	"family_name":     "register.err_family_name",
	"aliases":         "register.err_aliases",
	"alias_name":      "register.err_alias_name",
	"alias_script":    "register.err_alias_script",
	"alias_source":    "register.err_alias_source",
	"sex":             "register.err_sex",
	"birth_date":      "register.err_birth_date",
	"birth_precision": "register.err_birth_precision",
	"assessments":     "register.err_assessments",
	"assess_date":     "register.err_assess_date",
	"assess_method":   "register.err_assess_method",
	"assess_outcome":  "register.err_assess_outcome",
	"assess_by":       "register.err_assess_by",
	"citizenships":    "register.err_citizenships",
	"languages":       "register.err_languages",
	"birth_place":     "register.err_birth_place",
	"notes":           "register.err_notes",
	"category":        "register.err_category",
	"exploitation":    "register.err_exploitation",
	"evidence":        "register.err_evidence",
	"placement":       "register.err_placement",
	"handling":        "register.err_handling",
	"responsible_org": "register.err_responsible_org",
	"legal_basis":     "register.err_legal_basis",
	"event_type":      "case.err_event_type",
	"event_date":      "case.err_event_date",
	"municipality":    "case.err_municipality",
	"place_type":      "case.err_place_type",
	"event_notes":     "case.err_event_notes",
	"reason":          "case.err_reason",
	"q":               "children.err_text",
	"to":              "children.err_to",
}

// rowField matches the service's names of the fields of a row.
var rowField = regexp.MustCompile(`^(aliases|assessments)\[(\d+)\]\.([a-z_]+)$`)

// input maps a field the service names onto the form's input: its name,
// its name without the row number, and the row (from 1; 0 when none).
func (cf childForm) input(field string) (name, base string, row int) {
	m := rowField.FindStringSubmatch(field)
	if m == nil {
		switch field {
		case "aliases": // too many: shown at the first row
			return "alias_name_0", "aliases", 0
		case "assessments":
			return "assess_date_0", "assessments", 0
		}
		return field, field, 0
	}
	i, _ := strconv.Atoi(m[2])
	inputs, at := aliasInputs, cf.aliasRow
	if m[1] == "assessments" {
		inputs, at = assessInputs, cf.assessRow
	}
	prefix, ok := inputs[m[3]]
	if !ok || i >= len(at) {
		return "", "", 0
	}
	return rowInput(prefix, at[i]), prefix, at[i] + 1
}

// sameInput maps a field name onto the input of that name.
func sameInput(field string) (string, string, int) { return field, field, 0 }

// addFieldErrors shows the field errors of a service's errs.Invalid
// beside their inputs (an input keeps the first error it gets); an error
// about a field the form does not show becomes an error of the whole form.
func addFieldErrors(p *page, tr *i18n.Translator, err error, inputs ...func(string) (string, string, int)) {
	fes := cases.FieldErrors(err)
	if len(fes) == 0 {
		p.addError("", tr.T("register.err_other"))
		return
	}
	general := false
	for _, fe := range fes {
		name, key := "", ""
		row := 0
		for _, in := range inputs {
			var base string
			if name, base, row = in(fe.Field); name != "" {
				if key = fieldErrorKeys[base]; key != "" {
					break
				}
			}
		}
		switch {
		case key == "":
			if !general {
				general = true
				p.addError("", tr.T("register.err_other"))
			}
		case p.Error(name) == "":
			p.addError(name, tr.T(key, "n", row))
		}
	}
}

// isInvalid reports whether err is a validation error of the input.
func isInvalid(err error) bool { return errs.CodeOf(err) == errs.Invalid }

// readEventForm reads the event form: a type, a day and a time (local
// time in loc, the node's zone), where, and notes. A malformed date or
// time, or one the clocks skipped, is reported here; the values stay as
// typed, so a form shown again shows them unchanged.
func readEventForm(f url.Values, p *page, tr *i18n.Translator, loc *time.Location) cases.EventInput {
	v := p.Values
	for _, k := range []string{"event_type", "event_date", "event_time", "municipality", "place_type", "event_notes"} {
		v[k] = f.Get(k)
	}
	in := cases.EventInput{
		Type:         cases.EventType(v["event_type"]),
		Municipality: v["municipality"],
		PlaceType:    v["place_type"],
		Notes:        v["event_notes"],
	}
	day, tm := strings.TrimSpace(v["event_date"]), strings.TrimSpace(v["event_time"])
	switch {
	case day == "" && tm == "":
		// now
	case day == "":
		p.addError("event_date", tr.T("case.err_event_date"))
	default:
		if tm == "" {
			tm = "00:00"
		}
		at, err := parseLocal("2006-01-02 15:04", day+" "+tm, loc)
		switch {
		case errors.Is(err, errSkippedTime):
			p.addError("event_time", tr.T("case.err_event_skipped", "zone", loc.String()))
		case err != nil:
			p.addError("event_date", tr.T("case.err_event_date"))
		}
		in.At = at
	}
	return in
}

// eventInput maps the service's fields of an event onto the event form.
func eventInput(field string) (string, string, int) {
	switch field {
	case "type":
		return "event_type", "event_type", 0
	case "at":
		return "event_date", "event_date", 0
	case "notes":
		return "event_notes", "event_notes", 0
	}
	return field, field, 0
}
