package synth

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"
)

func TestCSV(t *testing.T) {
	recs, err := Generate(Options{Children: 3000, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	var child, truth bytes.Buffer
	if err := WriteChildCSV(&child, recs); err != nil {
		t.Fatal(err)
	}
	if err := WriteTruthCSV(&truth, recs); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&child).ReadAll()
	if err != nil {
		t.Fatalf("child CSV does not parse: %v", err)
	}
	if !slices.Equal(rows[0], ChildHeader) || len(rows) != len(recs)+1 {
		t.Fatalf("child CSV: header %v, %d rows for %d records", rows[0], len(rows)-1, len(recs))
	}
	for i, row := range rows[1:] {
		r := recs[i]
		if len(row) != len(ChildHeader) || row[0] != r.ID || row[1] != r.GivenName || row[2] != r.FamilyName {
			t.Fatalf("row %d does not hold record %s", i+1, r.ID)
		}
		if row[3] != "" && row[3] != "f" && row[3] != "m" {
			t.Fatalf("row %d: sex %q", i+1, row[3])
		}
		if (row[5] == "1") != r.DOBEstimated || (row[5] != "0" && row[5] != "1") {
			t.Fatalf("row %d: dob_estimated %q", i+1, row[5])
		}
		if _, ok := r.BirthDate(); row[4] != "" && !ok {
			t.Fatalf("row %d: date of birth %q does not parse", i+1, row[4])
		}
		if row[6] != "" && !isAlpha2(row[6]) {
			t.Fatalf("row %d: citizenship %q", i+1, row[6])
		}
	}
	trows, err := csv.NewReader(&truth).ReadAll()
	if err != nil {
		t.Fatalf("truth CSV does not parse: %v", err)
	}
	if !slices.Equal(trows[0], TruthHeader) || len(trows) != len(recs)+1 {
		t.Fatalf("truth CSV: header %v, %d rows", trows[0], len(trows)-1)
	}
	for i, row := range trows[1:] {
		if row[0] != recs[i].ID || row[1] != recs[i].Entity {
			t.Fatalf("truth row %d wrong", i+1)
		}
	}
}

func TestCSVWriterEmpty(t *testing.T) {
	var b bytes.Buffer
	w := NewChildCSVWriter(&b)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if b.String() != "id,given_name,family_name,sex,date_of_birth,dob_estimated,citizenship\n" {
		t.Errorf("empty child CSV = %q", b.String())
	}
}
