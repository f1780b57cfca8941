package linkage

import (
	"slices"
	"testing"
)

// TestDateKnown checks how much of a date the model reads from a filter of
// the child-fields schema, and that a model without layout sees every
// record as dated (no second look for the child schema).
func TestDateKnown(t *testing.T) {
	fields, child := fieldsSchema(t), childSchema(t)
	fm, cm := schemaModel(t, fields), schemaModel(t, child)
	if !fm.HasDates() || cm.HasDates() {
		t.Errorf("HasDates: child-fields %v, child %v; want true, false", fm.HasDates(), cm.HasDates())
	}
	tests := []struct {
		name, dob, est string
		fields, child  DateKnown
	}{
		{"full date", "2009-03-14", "0", DateFull, DateFull},
		{"estimated", "2009-03-14", "1", DateYear, DateFull},
		{"1 January", "2009-01-01", "0", DateYear, DateFull},
		{"1 July", "2009-07-01", "0", DateYear, DateFull},
		{"year only", "2009", "0", DateYear, DateFull},
		{"year and month", "2009-03", "0", DateYear, DateFull},
		{"no date", "", "0", DateNone, DateFull},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := []string{"x", "Ahmad", "Rahimi", tt.dob, tt.est, "m", "AF"}
			if got := fm.DateKnown(encodeRows(t, fields, row)[0]); got != tt.fields {
				t.Errorf("child-fields: %d, want %d", got, tt.fields)
			}
			if got := cm.DateKnown(encodeRowsOf(t, child, row)[0]); got != tt.child {
				t.Errorf("child: %d, want %d", got, tt.child)
			}
		})
	}
}

// encodeRowsOf encodes rows given in the column order of the child-fields
// schema (id, given, family, date, estimated, sex, citizenship) under s,
// whatever its own column order.
func encodeRowsOf(t *testing.T, s *Schema, rows ...[]string) [][]uint64 {
	t.Helper()
	order := []string{"id", "given_name", "family_name", "date_of_birth", "dob_estimated", "sex", "citizenship"}
	var out [][]string
	for _, r := range rows {
		row := make([]string, len(s.Columns()))
		for i, c := range s.Columns() {
			if k := slices.Index(order, c); k >= 0 {
				row[i] = r[k]
			}
		}
		out = append(out, row)
	}
	return encodeRows(t, s, out...)
}

// TestCanJoinUndated checks the single-candidate rule the hub applies to a
// record without a full date: from undatedLow for the best score and
// undatedSupport for the mean, none below the minimum link, within the
// maximum cluster size; never for a model without layout.
func TestCanJoinUndated(t *testing.T) {
	fm, cm := schemaModel(t, fieldsSchema(t)), schemaModel(t, childSchema(t))
	full := make([]float64, fm.Options().MaxCluster)
	for i := range full {
		full[i] = 0.9
	}
	tests := []struct {
		name   string
		m      *Model
		scores []float64
		want   bool
	}{
		{"no member", fm, nil, false},
		{"below the threshold's support, above the undated one", fm, []float64{0.35, 0.3}, true},
		{"one lone record at undatedLow", fm, []float64{undatedLow}, true},
		{"best below undatedLow", fm, []float64{0.29, 0.29}, false},
		{"mean below undatedSupport", fm, []float64{0.4, 0.15, 0.2}, false},
		{"a member below the minimum link", fm, []float64{0.9, 0.9, 0.005}, false},
		{"the cluster full", fm, full, false},
		{"the cluster one short of full", fm, full[1:], true},
		{"child schema: no second look", cm, []float64{0.9, 0.9}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.CanJoinUndated(tt.scores); got != tt.want {
				t.Errorf("CanJoinUndated(%v) = %v, want %v", tt.scores, got, tt.want)
			}
		})
	}
	// The rule reaches below CanJoin's: what it admits, CanJoin refuses.
	if fm.CanJoin([]float64{0.35, 0.3}) {
		t.Error("CanJoin admits the undated rule's case: the test shows nothing")
	}
}

// schemaModel returns the default model of schema s.
func schemaModel(t *testing.T, s *Schema) *Model {
	t.Helper()
	m, err := NewModel(s.EncodedBits()/64, s.Options())
	if err != nil {
		t.Fatal(err)
	}
	return m
}
