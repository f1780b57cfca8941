package registrycsv

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Writer writes registrations in the import format, with every column of
// Columns in their order: a file it writes imports again unchanged, so an
// export of a node's records can be corrected in a spreadsheet and
// re-imported (the national references make the re-import an update).
//
// A cell that a spreadsheet would run as a formula (one starting with =,
// +, - or @) is written with a leading apostrophe, which spreadsheets show
// as text and the Reader removes: opening an export must not execute what
// someone typed into a child's notes.
type Writer struct {
	w       *csv.Writer
	rec     []string
	started bool
}

// NewWriter returns a Writer to w; call Flush at the end.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: csv.NewWriter(w), rec: make([]string, len(Columns))}
}

// Write writes one registration (the header first, on the first call).
// A list entry holding the list separator "|" cannot be written so that
// it reads back the same: it is refused naming the column.
func (w *Writer) Write(reg cases.Registration) error {
	if err := w.header(); err != nil {
		return err
	}
	c, k := reg.Child, reg.Case
	var p problems
	set := func(col, v string) { w.rec[columnIndex[col]] = escapeFormula(v) }
	list := func(col string, vs []string) {
		for _, v := range vs {
			if strings.Contains(v, ListSep) {
				p.add(col, "an entry contains the list separator "+ListSep)
			}
		}
		if allEmpty(vs) {
			vs = nil
		}
		set(col, strings.Join(vs, ListSep))
	}
	set(ColNationalRef, c.NationalRef)
	set(ColGivenNames, c.GivenNames)
	set(ColFamilyName, c.FamilyName)
	set(ColSex, string(c.Sex))
	set(ColBirthDate, c.BirthDate)
	set(ColBirthPrecision, string(c.BirthPrecision))
	list(ColCitizenships, c.Citizenships)
	list(ColLanguages, c.Languages)
	set(ColBirthPlace, c.BirthPlace)
	names, scripts, sources := make([]string, len(c.Aliases)), make([]string, len(c.Aliases)), make([]string, len(c.Aliases))
	for i, a := range c.Aliases {
		names[i], scripts[i], sources[i] = a.Name, a.Script, a.Source
	}
	if len(names) > 0 && allEmpty(names) {
		p.add(ColAliases, "an alias without a name cannot be written")
	}
	list(ColAliases, names)
	list(ColAliasScripts, scripts)
	list(ColAliasSources, sources)
	dates, methods := make([]string, len(c.Assessments)), make([]string, len(c.Assessments))
	outcomes, by := make([]string, len(c.Assessments)), make([]string, len(c.Assessments))
	for i, a := range c.Assessments {
		dates[i], methods[i], outcomes[i], by[i] = a.Date, string(a.Method), a.Outcome, a.AssessedBy
	}
	if len(dates) > 0 && allEmpty(dates) {
		p.add(ColAssessDates, "an assessment without a date cannot be written")
	}
	list(ColAssessDates, dates)
	list(ColAssessMethods, methods)
	list(ColAssessOutcomes, outcomes)
	list(ColAssessBy, by)
	set(ColNotes, c.Notes)

	set(ColCategory, string(k.Category))
	ex := make([]string, len(k.Exploitation))
	for i, e := range k.Exploitation {
		ex[i] = string(e)
	}
	list(ColExploitation, ex)
	set(ColEvidence, string(k.Evidence))
	set(ColResponsibleOrg, k.ResponsibleOrg)
	set(ColPlacement, string(k.Placement))
	set(ColLegalBasis, k.LegalBasis)
	set(ColConsent, map[bool]string{true: "yes", false: "no"}[k.Consent])
	set(ColHandling, string(k.Handling))
	opened := ""
	if !k.OpenedAt.IsZero() {
		opened = k.OpenedAt.UTC().Format(time.RFC3339Nano)
	}
	set(ColOpenedAt, opened)
	if err := p.err(); err != nil {
		return err
	}
	return w.w.Write(w.rec)
}

func (w *Writer) header() error {
	if w.started {
		return nil
	}
	w.started = true
	h := make([]string, len(Columns))
	for i, c := range Columns {
		h[i] = c.Name
	}
	return w.w.Write(h)
}

// Flush writes the header if no row was written, and any buffered data.
func (w *Writer) Flush() error {
	if err := w.header(); err != nil {
		return err
	}
	w.w.Flush()
	return w.w.Error()
}

func allEmpty(vs []string) bool {
	for _, v := range vs {
		if v != "" {
			return false
		}
	}
	return true
}

// problems collects the field errors of one registration.
type problems struct{ list []error }

func (p *problems) add(col, msg string) { p.list = append(p.list, errs.Field(col, "%s", msg)) }

func (p *problems) err() error { return errors.Join(p.list...) }

// formulaStart reports whether a spreadsheet would run a cell starting
// with b as a formula.
func formulaStart(b byte) bool { return b == '=' || b == '+' || b == '-' || b == '@' }

// escapeFormula prefixes an apostrophe to a value a spreadsheet would run
// as a formula.
func escapeFormula(v string) string {
	if v != "" && formulaStart(v[0]) {
		return "'" + v
	}
	return v
}

// unescapeFormula removes the apostrophe escapeFormula adds. A value that
// merely starts with an apostrophe (the ayn of 'Ali in some
// transliterations) keeps it.
func unescapeFormula(v string) string {
	if len(v) >= 2 && v[0] == '\'' && formulaStart(v[1]) {
		return v[1:]
	}
	return v
}
