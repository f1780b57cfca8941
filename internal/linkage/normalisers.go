package linkage

import (
	"errors"
	"slices"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/linkage/normalize"
)

// normaliser turns the raw text of a field into a value. Its errors name the
// problem only (the caller adds the column); they never quote the value.
type normaliser struct {
	fn   func(f *Field, raw string, v *value) error
	date bool // produces a date, for the date tokeniser
	doc  string
}

// normalisers are the normalisers a schema may name. The name-aware ones
// (name, text, sex, country) are registered from normalize.go.
var normalisers = map[string]normaliser{
	"none": {fn: normNone, doc: "the raw value as one word, untouched (for comparison runs only)"},
	"lower": {fn: normLower,
		doc: "lower case (Unicode), runs of spaces collapsed, the value as one word"},
	"words": {fn: normWords,
		doc: "lower case, split on spaces and punctuation into words"},
	"digits": {fn: normDigits, doc: "the digits only, as one word (postcodes, numbers, dates kept as text)"},
	"date":   {fn: normDate, date: true, doc: "a calendar date in the field's format; invalid dates are errors"},
}

func normaliserNames() string {
	names := make([]string, 0, len(normalisers))
	for n := range normalisers {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func normNone(_ *Field, raw string, v *value) error {
	if raw != "" {
		v.words = append(v.words, raw)
	}
	return nil
}

func normLower(_ *Field, raw string, v *value) error {
	s := strings.Join(strings.Fields(strings.ToLower(raw)), " ")
	if s != "" {
		v.words = append(v.words, s)
	}
	return nil
}

func normWords(_ *Field, raw string, v *value) error {
	for w := range strings.FieldsFuncSeq(strings.ToLower(raw), isSeparator) {
		v.words = append(v.words, w)
	}
	return nil
}

func isSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', ',', ';', '.', '-', '\'', '/', '(', ')', '"':
		return true
	}
	return false
}

func normDigits(_ *Field, raw string, v *value) error {
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c >= '0' && c <= '9' {
			b.WriteByte(c)
		}
	}
	if b.Len() > 0 {
		v.words = append(v.words, b.String())
	}
	return nil
}

// normDate parses a date in the field's format. The layout is checked
// strictly: a value that is not a date at all ("unknown", 12/05/2010) stops
// the run, so that a wrong column or export is found at the source. A value
// in the right layout keeps what it can: "YYYY" and "YYYY-MM" (partial
// dates) keep year and month, and an impossible month or day (a typing
// error, 2010-13-05) is dropped while the year is kept.
func normDate(f *Field, raw string, v *value) error {
	if raw == "" || normalize.IsMissing(raw) {
		return nil
	}
	y, m, d := 0, 0, 0
	ok := false
	switch f.Format {
	case "YYYYMMDD":
		switch len(raw) {
		case 8:
			y, ok = atoiN(raw[0:4])
			m, ok = atoiOK(raw[4:6], ok)
			d, ok = atoiOK(raw[6:8], ok)
		case 6:
			y, ok = atoiN(raw[0:4])
			m, ok = atoiOK(raw[4:6], ok)
		case 4:
			y, ok = atoiN(raw)
		}
	default: // YYYY-MM-DD
		switch {
		case len(raw) == 10 && raw[4] == '-' && raw[7] == '-':
			y, ok = atoiN(raw[0:4])
			m, ok = atoiOK(raw[5:7], ok)
			d, ok = atoiOK(raw[8:10], ok)
		case len(raw) == 7 && raw[4] == '-':
			y, ok = atoiN(raw[0:4])
			m, ok = atoiOK(raw[5:7], ok)
		case len(raw) == 4:
			y, ok = atoiN(raw)
		}
	}
	if !ok || y < 1000 {
		return errors.New("not a date in the format " + f.Format + " (or its year or year and month)")
	}
	if m < 1 || m > 12 {
		m, d = 0, 0
	}
	if d < 1 || d > 31 {
		d = 0
	}
	v.date = dateValue{year: y, month: m, day: d}
	return nil
}

func atoiN(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

func atoiOK(s string, ok bool) (int, bool) {
	n, ok2 := atoiN(s)
	return n, ok && ok2
}
