// Package registrycsv reads and writes the CSV format in which national
// systems import children and their cases into a node's registry
// (`childcentre import`). docs/import.md documents it for the people who
// produce such files; Columns is the same table in code.
//
// A file is UTF-8 text (a byte-order mark is allowed) with a header row
// naming its columns in any order; the delimiter is a comma, or a
// semicolon or a tab as spreadsheets of many European locales write them.
// Each data row is one child with one case: a cases.Registration. List
// cells hold several values separated by "|"; aligned lists (aliases with
// alias_scripts and alias_sources; assessment_dates with the other
// assessment_ columns) pair their entries by position.
//
// The Reader streams: it holds one row at a time and refuses a row longer
// than MaxRowBytes, so a malformed file (an unclosed quote swallowing the
// rest of the file) cannot exhaust memory. It reports every problem as a
// Problem (row, column, message); messages name the column and the rule,
// never the value, because the values are personal data.
package registrycsv

import (
	"strconv"
	"strings"
)

// Column is one column of the import format.
type Column struct {
	Name     string
	Required bool // must be in the header, and (except name columns) filled on every row
	List     bool // several values separated by ListSep
	Help     string
}

// ListSep separates the values of a list cell.
const ListSep = "|"

// Column names. They are the field names the cases service reports
// problems under, so that a problem found by either names the same column.
const (
	ColNationalRef    = "national_ref"
	ColGivenNames     = "given_names"
	ColFamilyName     = "family_name"
	ColSex            = "sex"
	ColBirthDate      = "birth_date"
	ColBirthPrecision = "birth_precision"
	ColCitizenships   = "citizenships"
	ColLanguages      = "languages"
	ColBirthPlace     = "birth_place"
	ColAliases        = "aliases"
	ColAliasScripts   = "alias_scripts"
	ColAliasSources   = "alias_sources"
	ColAssessDates    = "assessment_dates"
	ColAssessMethods  = "assessment_methods"
	ColAssessOutcomes = "assessment_outcomes"
	ColAssessBy       = "assessment_by"
	ColNotes          = "notes"
	ColCategory       = "category"
	ColExploitation   = "exploitation"
	ColEvidence       = "evidence"
	ColResponsibleOrg = "responsible_org"
	ColPlacement      = "placement"
	ColLegalBasis     = "legal_basis"
	ColConsent        = "consent"
	ColHandling       = "handling"
	ColOpenedAt       = "opened_at"
)

// Columns is every column of the format, in the order the Writer writes
// them and docs/import.md lists them.
var Columns = []Column{
	{ColNationalRef, true, false, "the child's reference in the national system (a case number, not a name); the key of re-imports: a row whose reference is already held updates that child"},
	{ColGivenNames, false, false, "given names as registered, in any script; a given name or a family name is required"},
	{ColFamilyName, false, false, "family name as registered"},
	{ColSex, false, false, "female, male, other or unknown (f and m are accepted); empty: unknown"},
	{ColBirthDate, false, false, "YYYY-MM-DD, YYYY-MM or YYYY, as precise as known; empty: unknown"},
	{ColBirthPrecision, false, false, "exact, month, year, estimated or unknown; empty: from the date given"},
	{ColCitizenships, false, true, "ISO 3166-1 alpha-2 codes, e.g. SY|IQ"},
	{ColLanguages, false, true, "ISO 639-1 codes (ISO 639-3 where none exists), e.g. ar|ku"},
	{ColBirthPlace, false, false, "place of birth"},
	{ColAliases, false, true, "other names the child is known by"},
	{ColAliasScripts, false, true, "ISO 15924 script of each alias (Latn, Cyrl, Arab...), by position; empty: detected"},
	{ColAliasSources, false, true, "where each alias comes from (passport, police, self-declared...), by position"},
	{ColAssessDates, false, true, "YYYY-MM-DD of each age assessment"},
	{ColAssessMethods, false, true, "documents, medical, psychosocial or interview, by position"},
	{ColAssessOutcomes, false, true, "outcome of each assessment, e.g. 15-17, most likely 16, by position"},
	{ColAssessBy, false, true, "organisation or function that made each assessment (not a person's name), by position"},
	{ColNotes, false, false, "notes on the child (line breaks allowed in a quoted cell)"},
	{ColCategory, true, false, "unaccompanied, separated, presumed_trafficking, identified_trafficking, missing_from_care, criminal_exploitation, false_family or other"},
	{ColExploitation, false, true, "sexual, forced_labour, slavery, criminal_activities, organ_removal, forced_marriage, illegal_adoption, surrogacy"},
	{ColEvidence, true, false, "identified, presumed or suspicion"},
	{ColResponsibleOrg, false, false, "organisation responsible for the child"},
	{ColPlacement, false, false, "reception_centre, foster_family, institution, relatives or unknown; empty: unknown"},
	{ColLegalBasis, false, false, "legal basis recorded for sharing"},
	{ColConsent, false, false, "consent recorded for sharing: yes or no (also true/false, 1/0); empty: no"},
	{ColHandling, false, false, "handling code H0, H1, H2 or H3; empty: H2"},
	{ColOpenedAt, false, false, "when the case was opened: YYYY-MM-DD or an RFC 3339 time; empty: the time of the import"},
}

// columnIndex maps a column name to its index in Columns.
var columnIndex = func() map[string]int {
	m := make(map[string]int, len(Columns))
	for i, c := range Columns {
		m[c.Name] = i
	}
	return m
}()

// Problem is one problem of an import file. Row counts the file's records
// with the header as row 1, as a spreadsheet numbers them (a quoted cell
// spanning lines still counts as one row). Column is a column name, or
// empty when the problem concerns the whole row or file. Message names the
// rule broken and never contains a value from the file.
type Problem struct {
	Row     int
	Column  string
	Message string
}

// String formats the problem for a person: "row 5, column sex: ...".
func (p Problem) String() string {
	var b strings.Builder
	if p.Row > 0 {
		b.WriteString("row ")
		b.WriteString(strconv.Itoa(p.Row))
	}
	if p.Column != "" {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString("column ")
		b.WriteString(p.Column)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ColumnOf maps a field name reported by the cases service (a
// cases.RowError's Field, such as "aliases[2].source" or "birth_date") to
// the column of this format that holds it, and a prefix for the message
// naming the list entry ("entry 3: ") when the field is one entry of a list.
func ColumnOf(field string) (column, entry string) {
	base, rest, ok := strings.Cut(field, "[")
	if !ok {
		if field == "assessments" {
			return ColAssessDates, ""
		}
		return field, ""
	}
	num, sub, _ := strings.Cut(rest, "].")
	if n, err := strconv.Atoi(num); err == nil {
		entry = "entry " + strconv.Itoa(n+1) + ": "
	}
	switch base + "." + sub {
	case "aliases.name":
		return ColAliases, entry
	case "aliases.script":
		return ColAliasScripts, entry
	case "aliases.source":
		return ColAliasSources, entry
	case "assessments.date":
		return ColAssessDates, entry
	case "assessments.method":
		return ColAssessMethods, entry
	case "assessments.outcome":
		return ColAssessOutcomes, entry
	case "assessments.assessed_by":
		return ColAssessBy, entry
	}
	return base, entry
}
