package synth

import (
	"encoding/csv"
	"io"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// ChildHeader is the header of the CSV layout of the built-in linkage schema
// "child".
var ChildHeader = []string{"id", "given_name", "family_name", "sex", "date_of_birth", "dob_estimated", "citizenship"}

// TruthHeader is the header of the ground-truth CSV.
var TruthHeader = []string{"id", "entity"}

// CSVWriter writes records as CSV one at a time, for use with Stream. The
// header is written before the first record (or by Flush if there is none).
type CSVWriter struct {
	w      *csv.Writer
	header []string
	row    func(Record, []string) []string
	buf    []string
	wrote  bool
}

// NewChildCSVWriter returns a writer of the child schema's columns.
func NewChildCSVWriter(w io.Writer) *CSVWriter {
	return &CSVWriter{w: csv.NewWriter(w), header: ChildHeader, row: childRow, buf: make([]string, len(ChildHeader))}
}

// NewTruthCSVWriter returns a writer of the ground truth: id,entity.
func NewTruthCSVWriter(w io.Writer) *CSVWriter {
	return &CSVWriter{w: csv.NewWriter(w), header: TruthHeader, row: truthRow, buf: make([]string, len(TruthHeader))}
}

func childRow(r Record, b []string) []string {
	est := "0"
	if r.DOBEstimated {
		est = "1"
	}
	b[0], b[1], b[2], b[3], b[4], b[5], b[6] = r.ID, r.GivenName, r.FamilyName, r.Sex, r.DateOfBirth, est, r.Citizenship
	return b
}

func truthRow(r Record, b []string) []string {
	b[0], b[1] = r.ID, r.Entity
	return b
}

func (cw *CSVWriter) start() error {
	if cw.wrote {
		return nil
	}
	cw.wrote = true
	return cw.w.Write(cw.header)
}

// Write writes one record.
func (cw *CSVWriter) Write(r Record) error {
	if err := cw.start(); err != nil {
		return errs.Wrap(err, "synth: write csv header")
	}
	if err := cw.w.Write(cw.row(r, cw.buf)); err != nil {
		return errs.Wrap(err, "synth: write csv row")
	}
	return nil
}

// Flush writes buffered rows (and the header if nothing was written) to
// the underlying writer and reports any error.
func (cw *CSVWriter) Flush() error {
	if err := cw.start(); err != nil {
		return errs.Wrap(err, "synth: write csv header")
	}
	cw.w.Flush()
	if err := cw.w.Error(); err != nil {
		return errs.Wrap(err, "synth: write csv")
	}
	return nil
}

// WriteChildCSV writes recs in the CSV layout of the linkage schema
// "child": id,given_name,family_name,sex,date_of_birth,dob_estimated,
// citizenship with dob_estimated 0 or 1.
func WriteChildCSV(w io.Writer, recs []Record) error {
	return writeAll(NewChildCSVWriter(w), recs)
}

// WriteTruthCSV writes the ground truth of recs: id,entity.
func WriteTruthCSV(w io.Writer, recs []Record) error {
	return writeAll(NewTruthCSVWriter(w), recs)
}

func writeAll(cw *CSVWriter, recs []Record) error {
	for _, r := range recs {
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	return cw.Flush()
}
