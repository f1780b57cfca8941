package normalize

import (
	"strconv"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Precision of a date.
type Precision uint8

// Precisions, from nothing known to a full date.
const (
	Unknown Precision = iota
	Year
	Month
	Day
)

// Date is a possibly partial or estimated date of birth. Month and Day
// are 0 when not known. Estimated is set by the caller (from a field such
// as dob_estimated) or by ParseDate for values marked "~2009", "ca. 2009".
type Date struct {
	Year, Month, Day int
	Precision        Precision
	Estimated        bool
}

// Years accepted by ParseDate: wide enough for any person in a registry,
// narrow enough to catch two-digit years and typing errors.
const (
	MinYear = 1800
	MaxYear = 2199
)

// The errors of ParseDate. They name the field and the rule, never the
// value: a date of birth is personal data.
var (
	errDateFormat = errs.Field("dob", "date of birth: not a date in a supported format "+
		"(YYYY-MM-DD, YYYYMMDD, YYYY-MM, YYYY, DD.MM.YYYY, DD/MM/YYYY)")
	errDateCalendar = errs.Field("dob", "date of birth: no such day in the calendar")
	errDateYear     = errs.Field("dob", "date of birth: year out of range")
)

// ParseDate parses YYYY-MM-DD, YYYYMMDD, YYYY-MM, YYYY and the day-first
// DD.MM.YYYY, DD/MM/YYYY and DD-MM-YYYY (one-digit day and month allowed,
// MM.YYYY for a month), and YYYY/MM/DD. A time after the date
// (2009-03-14T00:00:00Z) is ignored; Arabic-Indic and full-width digits
// are read as digits. A 00 month or day means "not known" and lowers the
// precision (2009-00-00 is the year 2009). "" and missing-value
// placeholders ("-", "?", "unknown", see IsMissing) give
// Date{Precision: Unknown} and no error. A leading "~", "ca.", "c." or
// "circa" marks the date Estimated.
//
// The calendar is validated (30 February is an error, 29 February only
// in leap years). Errors are errs.Invalid for the field "dob" and never
// contain the value.
func ParseDate(s string) (Date, error) {
	d, p, err := parseDateParts(s)
	if err != nil || p == nil {
		return d, err
	}
	return p.date(d.Estimated)
}

// ParseDateLenient is ParseDate, except that a date that is only invalid
// because its month is over 12 while its day is not (2009-14-03, written
// day first in a month-first field) is read with day and month swapped;
// swapped reports it, so that the caller can count repairs.
func ParseDateLenient(s string) (d Date, swapped bool, err error) {
	d, p, err := parseDateParts(s)
	if err != nil || p == nil {
		return d, false, err
	}
	est := d.Estimated
	d, err = p.date(est)
	if err != nil && p.m > 12 && p.d >= 1 && p.d <= 12 {
		p.m, p.d = p.d, p.m
		if d2, err2 := p.date(est); err2 == nil {
			return d2, true, nil
		}
	}
	return d, false, err
}

// dateParts are the numbers of a date before validation.
type dateParts struct{ y, m, d int }

func (p dateParts) date(estimated bool) (Date, error) {
	if p.y < MinYear || p.y > MaxYear {
		return Date{}, errDateYear
	}
	d := Date{Year: p.y, Month: p.m, Day: p.d, Estimated: estimated}
	switch {
	case p.m == 0 && p.d == 0:
		d.Precision = Year
	case p.m == 0:
		return Date{}, errDateCalendar // a day without a month
	case p.m > 12:
		return Date{}, errDateCalendar
	case p.d == 0:
		d.Precision = Month
	case p.d > DaysIn(p.y, p.m):
		return Date{}, errDateCalendar
	default:
		d.Precision = Day
	}
	return d, nil
}

// parseDateParts recognises the format; p is nil for a missing value.
func parseDateParts(s string) (Date, *dateParts, error) {
	s = strings.TrimSpace(asciiDigits(s))
	est := false
	if s != "" && (s[0] == '~' || s[0] == 'c' || s[0] == 'C') {
		for _, m := range []string{"~", "ca.", "ca ", "c.", "circa "} {
			if len(s) >= len(m) && strings.EqualFold(s[:len(m)], m) {
				s, est = strings.TrimSpace(s[len(m):]), true
				break
			}
		}
	}
	if s == "" || (!hasDigit(s) && IsMissing(s)) || s == "0000" || s == "00000000" {
		return Date{Estimated: est}, nil, nil
	}
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	var f [3]string
	n := 0
	sep := byte(0)
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			continue
		}
		if i < len(s) {
			c := s[i]
			if c != '-' && c != '.' && c != '/' || (sep != 0 && c != sep) || n == 2 {
				return Date{}, nil, errDateFormat
			}
			sep = c
		}
		if i == start {
			return Date{}, nil, errDateFormat
		}
		f[n] = s[start:i]
		n++
		start = i + 1
	}
	num := func(x string) int { v, _ := strconv.Atoi(x); return v }
	w := func(i int) int { return len(f[i]) }
	p := dateParts{}
	switch {
	case n == 1 && w(0) == 4: // YYYY
		p.y = num(f[0])
	case n == 1 && w(0) == 8: // YYYYMMDD
		p.y, p.m, p.d = num(f[0][:4]), num(f[0][4:6]), num(f[0][6:])
	case n == 2 && w(0) == 4 && w(1) <= 2 && sep == '-': // YYYY-MM
		p.y, p.m = num(f[0]), num(f[1])
	case n == 2 && w(0) <= 2 && w(1) == 4: // MM.YYYY
		p.y, p.m = num(f[1]), num(f[0])
	case n == 3 && w(0) == 4 && w(1) <= 2 && w(2) <= 2: // YYYY-MM-DD
		p.y, p.m, p.d = num(f[0]), num(f[1]), num(f[2])
	case n == 3 && w(0) <= 2 && w(1) <= 2 && w(2) == 4: // DD.MM.YYYY
		p.y, p.m, p.d = num(f[2]), num(f[1]), num(f[0])
	default:
		return Date{}, nil, errDateFormat
	}
	return Date{Estimated: est}, &p, nil
}

// asciiDigits replaces Arabic-Indic, Persian and full-width digits by
// ASCII digits.
func asciiDigits(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case 0x660 <= r && r <= 0x669:
			return '0' + r - 0x660
		case 0x6F0 <= r && r <= 0x6F9:
			return '0' + r - 0x6F0
		case 0xFF10 <= r && r <= 0xFF19:
			return '0' + r - 0xFF10
		}
		return r
	}, s)
}

// DaysIn returns the number of days of a month (Gregorian calendar).
func DaysIn(year, month int) int {
	switch month {
	case 4, 6, 9, 11:
		return 30
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 31
}

// String formats the date as YYYY-MM-DD, YYYY-MM, YYYY or "" by its
// precision. Estimated is not shown.
func (d Date) String() string {
	var b [10]byte
	switch d.Precision {
	case Year:
		return string(appendNum(b[:0], d.Year, 4))
	case Month:
		return string(appendNum(append(appendNum(b[:0], d.Year, 4), '-'), d.Month, 2))
	case Day:
		out := appendNum(append(appendNum(b[:0], d.Year, 4), '-'), d.Month, 2)
		return string(appendNum(append(out, '-'), d.Day, 2))
	}
	return ""
}

// appendNum appends v zero-padded to width digits.
func appendNum(b []byte, v, width int) []byte {
	s := strconv.Itoa(v)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}
