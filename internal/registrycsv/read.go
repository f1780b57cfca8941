package registrycsv

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// MaxRowBytes bounds one row of a file: a row of the longest cells the
// registry accepts (notes of 4,000 characters, twenty aliases, ten
// assessments) is far below it. A longer row means a broken file, most
// often a quote that is never closed, and stops the reading.
const MaxRowBytes = 256 << 10

// errRowTooLong is returned by rowLimit when a row exceeds MaxRowBytes.
var errRowTooLong = errors.New("registrycsv: row too long")

// HeaderError is returned by NewReader when the header row is not usable;
// it lists every problem of the header (all on row 1).
type HeaderError struct{ Problems []Problem }

func (e *HeaderError) Error() string {
	return strconv.Itoa(len(e.Problems)) + " problems in the header row"
}

// Row is one data row read from a file.
type Row struct {
	Num          int // row number, the header being row 1
	Registration cases.Registration
	Problems     []Problem // problems the format itself shows; the registry's rules are checked on import
	// Broken is true when the row is not valid CSV: Registration is then
	// empty and only Problems says what is wrong.
	Broken bool
}

// Reader reads registrations from an import file, one row at a time.
type Reader struct {
	cr   *csv.Reader
	lim  *rowLimit
	cols []int // per position in the header: index in Columns, or -1 when unnamed
	row  int
	vals []string // per Columns index, the current row's cells
	done bool
}

// NewReader reads the header row of r and returns a Reader of its data
// rows. A header that is not usable is a *HeaderError naming every
// problem; I/O errors are returned as they are.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	comma := sniffDelimiter(br)
	lim := &rowLimit{r: br}
	cr := csv.NewReader(lim)
	cr.Comma = comma
	cr.FieldsPerRecord = -1 // counted here, so that one short or long row does not stop the file
	cr.ReuseRecord = true
	rd := &Reader{cr: cr, lim: lim, vals: make([]string, len(Columns))}
	header, err := cr.Read()
	rd.row = 1
	if errors.Is(err, io.EOF) {
		return nil, &HeaderError{[]Problem{{Row: 1, Message: "the file is empty: it needs a header row naming its columns"}}}
	}
	if err != nil {
		if p, ok := rd.rowProblem(err); ok {
			return nil, &HeaderError{[]Problem{p}}
		}
		return nil, err
	}
	if probs := rd.readHeader(header); len(probs) > 0 {
		return nil, &HeaderError{probs}
	}
	return rd, nil
}

// sniffDelimiter returns the delimiter of the file's first line: the one
// of comma, semicolon and tab it holds most of (a comma when none).
func sniffDelimiter(br *bufio.Reader) rune {
	b, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	best, n := ',', bytes.Count(b, []byte{','})
	for _, c := range []rune{';', '\t'} {
		if k := bytes.Count(b, []byte{byte(c)}); k > n {
			best, n = c, k
		}
	}
	return best
}

// readHeader maps the header's cells to columns. Problems never quote a
// cell that is not a known column name: a file without a header has a
// child's data in its first row.
func (rd *Reader) readHeader(header []string) []Problem {
	var probs []Problem
	add := func(col, msg string) { probs = append(probs, Problem{Row: 1, Column: col, Message: msg}) }
	rd.cols = make([]int, len(header))
	seen := make([]bool, len(Columns))
	known := 0
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\uFEFF")
		}
		h = strings.ToLower(strings.TrimSpace(h))
		rd.cols[i] = -1
		if h == "" {
			continue
		}
		ci, ok := columnIndex[h]
		switch {
		case !ok:
			add("", "header cell "+strconv.Itoa(i+1)+" is not a column of the import format (see docs/import.md for the column names)")
		case seen[ci]:
			add(h, "appears twice in the header")
		default:
			seen[ci], rd.cols[i] = true, ci
			known++
		}
	}
	if known == 0 {
		return []Problem{{Row: 1, Message: "the first row is not a header: it names none of the columns of the import format (see docs/import.md)"}}
	}
	for i, c := range Columns {
		if c.Required && !seen[i] {
			add(c.Name, "is required in the header")
		}
	}
	if !seen[columnIndex[ColGivenNames]] && !seen[columnIndex[ColFamilyName]] {
		add("", "the header needs given_names or family_name, or both")
	}
	return probs
}

// rowProblem turns a CSV syntax error into a problem of the current row;
// ok is false for errors that are not about the file's content.
func (rd *Reader) rowProblem(err error) (Problem, bool) {
	if errors.Is(err, errRowTooLong) {
		return Problem{Row: rd.row, Message: "the row is longer than " + strconv.Itoa(MaxRowBytes>>10) +
			" KiB: a quote is probably not closed; nothing after it was read"}, true
	}
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return Problem{}, false
	}
	msg := "is not valid CSV"
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		msg = `has a " inside a cell that does not start with one: put the cell in quotes and double the " inside it`
	case errors.Is(pe.Err, csv.ErrQuote):
		msg = "has a quoted cell that is not closed properly"
	}
	return Problem{Row: rd.row, Message: "the row " + msg}, true
}

// Next returns the next data row; io.EOF after the last. Rows whose cells
// are all empty (the trailing rows of a spreadsheet) are skipped. After a
// row longer than MaxRowBytes, which is returned as a Broken row, the rest
// of the file is not read and Next returns io.EOF.
func (rd *Reader) Next() (*Row, error) {
	for {
		if rd.done {
			return nil, io.EOF
		}
		rd.lim.start = rd.cr.InputOffset()
		rec, err := rd.cr.Read()
		rd.row++
		if errors.Is(err, io.EOF) {
			rd.done = true
			return nil, io.EOF
		}
		if err != nil {
			p, ok := rd.rowProblem(err)
			if !ok {
				return nil, err
			}
			if errors.Is(err, errRowTooLong) || errors.Is(err, csv.ErrQuote) {
				// The reader cannot find the next row's start again.
				rd.done = true
			}
			return &Row{Num: rd.row, Problems: []Problem{p}, Broken: true}, nil
		}
		if blank(rec) {
			continue
		}
		return rd.parseRow(rec), nil
	}
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// parseRow turns the cells of one row into a registration.
func (rd *Reader) parseRow(rec []string) *Row {
	row := &Row{Num: rd.row}
	add := func(col, msg string) {
		row.Problems = append(row.Problems, Problem{Row: rd.row, Column: col, Message: msg})
	}
	clear(rd.vals)
	for i, v := range rec {
		if i >= len(rd.cols) {
			if strings.TrimSpace(v) != "" {
				add("", "has a value in cell "+strconv.Itoa(i+1)+", beyond the "+strconv.Itoa(len(rd.cols))+" columns of the header")
			}
			continue
		}
		ci := rd.cols[i]
		if ci < 0 {
			if strings.TrimSpace(v) != "" {
				add("", "has a value in cell "+strconv.Itoa(i+1)+", whose column the header does not name")
			}
			continue
		}
		if !utf8.ValidString(v) {
			add(Columns[ci].Name, "is not UTF-8 text: save the file as UTF-8")
			continue
		}
		rd.vals[ci] = unescapeFormula(v)
	}
	get := func(col string) string { return rd.vals[columnIndex[col]] }
	reg := &row.Registration
	c, k := &reg.Child, &reg.Case

	c.NationalRef = get(ColNationalRef)
	if strings.TrimSpace(c.NationalRef) == "" {
		add(ColNationalRef, "is required: it is the key by which a later import of the same child updates it instead of adding it again")
	}
	c.GivenNames, c.FamilyName = get(ColGivenNames), get(ColFamilyName)
	c.Sex = cases.Sex(code(get(ColSex)))
	switch c.Sex {
	case "f":
		c.Sex = cases.SexFemale
	case "m":
		c.Sex = cases.SexMale
	}
	c.BirthDate = get(ColBirthDate)
	c.BirthPrecision = cases.Precision(code(get(ColBirthPrecision)))
	c.Citizenships = nonEmpty(split(get(ColCitizenships)))
	c.Languages = nonEmpty(split(get(ColLanguages)))
	c.BirthPlace, c.Notes = get(ColBirthPlace), get(ColNotes)

	names := split(get(ColAliases))
	scripts, sources := split(get(ColAliasScripts)), split(get(ColAliasSources))
	for _, col := range []struct {
		name string
		vals []string
	}{{ColAliasScripts, scripts}, {ColAliasSources, sources}} {
		if len(col.vals) > len(names) {
			add(col.name, "has more entries than aliases: entries pair with the aliases by position")
		}
	}
	for i, n := range names {
		c.Aliases = append(c.Aliases, cases.Alias{Name: n, Script: at(scripts, i), Source: at(sources, i)})
	}

	dates := split(get(ColAssessDates))
	methods, outcomes, by := split(get(ColAssessMethods)), split(get(ColAssessOutcomes)), split(get(ColAssessBy))
	for _, col := range []struct {
		name string
		vals []string
	}{{ColAssessMethods, methods}, {ColAssessOutcomes, outcomes}, {ColAssessBy, by}} {
		if len(col.vals) > len(dates) {
			add(col.name, "has more entries than assessment_dates: entries pair with the assessments by position")
		}
	}
	for i, d := range dates {
		c.Assessments = append(c.Assessments, cases.AgeAssessment{Date: d,
			Method: cases.AssessmentMethod(code(at(methods, i))), Outcome: at(outcomes, i), AssessedBy: at(by, i)})
	}

	k.Category = cases.Category(code(get(ColCategory)))
	for _, e := range nonEmpty(split(get(ColExploitation))) {
		k.Exploitation = append(k.Exploitation, cases.Exploitation(code(e)))
	}
	k.Evidence = cases.Evidence(code(get(ColEvidence)))
	k.ResponsibleOrg, k.LegalBasis = get(ColResponsibleOrg), get(ColLegalBasis)
	k.Placement = cases.Placement(code(get(ColPlacement)))
	k.Handling = cases.Handling(strings.ToUpper(strings.TrimSpace(get(ColHandling))))
	var ok bool
	if k.Consent, ok = parseBool(get(ColConsent)); !ok {
		add(ColConsent, "must be yes or no (or true/false, 1/0)")
	}
	if k.OpenedAt, ok = parseTime(get(ColOpenedAt)); !ok {
		add(ColOpenedAt, "must be a date written YYYY-MM-DD or a time such as 2025-03-01T14:30:00Z")
	}
	return row
}

// code normalises a coded value: trimmed, lower case.
func code(v string) string { return strings.ToLower(strings.TrimSpace(v)) }

// split splits a list cell into its trimmed entries; an empty cell is an
// empty list.
func split(v string) []string {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	parts := strings.Split(v, ListSep)
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return parts
}

// nonEmpty drops empty entries of an unaligned list.
func nonEmpty(vs []string) []string {
	out := vs[:0]
	for _, v := range vs {
		if v != "" {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func at(vs []string, i int) string {
	if i < len(vs) {
		return vs[i]
	}
	return ""
}

func parseBool(v string) (bool, bool) {
	switch code(v) {
	case "", "no", "n", "false", "0":
		return false, true
	case "yes", "y", "true", "1":
		return true, true
	}
	return false, false
}

// parseTime reads a date (midnight UTC) or an RFC 3339 time; empty is the
// zero time (the service then uses the time of the import).
func parseTime(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, true
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}

// rowLimit fails a read that would take the current row past MaxRowBytes.
// The csv.Reader reads ahead by at most its buffer (4 KiB), so the bytes
// read since the end of the last complete row (start) bound the row being
// read, however many lines its quoted cells span.
type rowLimit struct {
	r     io.Reader
	n     int64 // bytes read so far
	start int64 // offset of the row being read
}

func (l *rowLimit) Read(p []byte) (int, error) {
	if l.n-l.start > MaxRowBytes {
		return 0, errRowTooLong
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	return n, err
}

// ReadAll reads a whole file for an import: the registrations of its
// usable rows, each one's row number, and every problem the format shows,
// including national references given on more than one row.
// A header that is not usable gives its problems and no rows. Only I/O
// errors are returned as errors.
func ReadAll(r io.Reader) (regs []cases.Registration, rows []int, problems []Problem, err error) {
	rd, err := NewReader(r)
	var he *HeaderError
	if errors.As(err, &he) {
		return nil, nil, he.Problems, nil
	}
	if err != nil {
		return nil, nil, nil, errs.Wrap(err, "registrycsv: read")
	}
	refs := map[string]int{} // national reference -> the row that first has it
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return regs, rows, problems, nil
		}
		if err != nil {
			return nil, nil, nil, errs.Wrap(err, "registrycsv: read")
		}
		problems = append(problems, row.Problems...)
		if row.Broken {
			continue
		}
		if ref := strings.TrimSpace(row.Registration.Child.NationalRef); ref != "" {
			if first, dup := refs[ref]; dup {
				problems = append(problems, Problem{Row: row.Num, Column: ColNationalRef,
					Message: "the same national reference is on row " + strconv.Itoa(first) + " too: one row per child"})
			} else {
				refs[ref] = row.Num
			}
		}
		regs, rows = append(regs, row.Registration), append(rows, row.Num)
	}
}
