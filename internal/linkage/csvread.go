package linkage

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// RowError reports a CSV row that cannot be read or encoded: the row number
// (as a spreadsheet shows it: the header is row 1), the column and the
// problem. It never contains the value, which is personal data.
type RowError struct {
	Row     int
	Column  string // empty when the problem concerns the whole row
	Problem string
}

func (e *RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("row %d: %s", e.Row, e.Problem)
	}
	return fmt.Sprintf("row %d: column %s: %s", e.Row, e.Column, e.Problem)
}

// CSVReader reads the columns a schema needs from CSV with a header row.
// Columns are matched by name (surrounding spaces and case ignored); other
// columns are ignored. Values are trimmed of surrounding spaces, so that
// files written with ", " as separator (FEBRL) read as intended.
type CSVReader struct {
	r    *csv.Reader
	cols []string
	idx  []int // CSV index of each schema column
	row  []string
	line int
}

// NewCSVReader reads the header from r and binds s's columns. A column the
// schema needs and the header lacks is an error naming it.
func NewCSVReader(r io.Reader, s *Schema) (*CSVReader, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &RowError{Row: 1, Problem: "the file is empty (a header row is needed)"}
	}
	if err != nil {
		return nil, csvError(err)
	}
	byName := map[string]int{}
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // byte order mark
		}
		h = strings.ToLower(strings.TrimSpace(h))
		if _, dup := byName[h]; dup && h != "" {
			return nil, &RowError{Row: 1, Column: h, Problem: "the header names this column twice"}
		}
		byName[h] = i
	}
	c := &CSVReader{r: cr, cols: s.Columns()}
	for _, col := range c.cols {
		i, ok := byName[strings.ToLower(col)]
		if !ok {
			return nil, &RowError{Row: 1, Column: col, Problem: "the header lacks this column"}
		}
		c.idx = append(c.idx, i)
	}
	c.row = make([]string, len(c.cols))
	return c, nil
}

// Columns returns the schema columns in the order Next returns them.
func (c *CSVReader) Columns() []string { return c.cols }

// Next returns the next row's values in the order of Columns and its row
// number. The slice is reused by the next call. At the end it returns io.EOF.
func (c *CSVReader) Next() ([]string, int, error) {
	rec, err := c.r.Read()
	if err == io.EOF {
		return nil, 0, io.EOF
	}
	if err != nil {
		return nil, 0, csvError(err)
	}
	line, _ := c.r.FieldPos(0)
	c.line = line
	for i, j := range c.idx {
		c.row[i] = strings.TrimSpace(rec[j])
	}
	if c.row[0] == "" {
		return nil, line, &RowError{Row: line, Column: c.cols[0], Problem: "the record id is empty"}
	}
	if len(c.row[0]) > 255 {
		return nil, line, &RowError{Row: line, Column: c.cols[0], Problem: "the record id is longer than 255 bytes"}
	}
	return c.row, line, nil
}

// csvError turns an encoding/csv error into a RowError. Its messages name
// the problem and position only.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		problem := "malformed CSV"
		switch {
		case errors.Is(pe.Err, csv.ErrFieldCount):
			problem = "wrong number of columns"
		case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
			problem = "malformed quotes"
		}
		return &RowError{Row: pe.StartLine, Problem: problem}
	}
	return errs.Wrap(err, "linkage: read CSV")
}
