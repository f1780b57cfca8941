package normalize

import (
	"slices"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

func TestParseDate(t *testing.T) {
	rows := []struct {
		in   string
		want Date
	}{
		{"2009-03-14", Date{2009, 3, 14, Day, false}},
		{"20090314", Date{2009, 3, 14, Day, false}},
		{"2009-03", Date{2009, 3, 0, Month, false}},
		{"2009", Date{2009, 0, 0, Year, false}},
		{"14.03.2009", Date{2009, 3, 14, Day, false}},
		{"14/03/2009", Date{2009, 3, 14, Day, false}},
		{"14-03-2009", Date{2009, 3, 14, Day, false}},
		{"4.3.2009", Date{2009, 3, 4, Day, false}},
		{"03/2009", Date{2009, 3, 0, Month, false}},
		{"2009/03/14", Date{2009, 3, 14, Day, false}},
		{" 2009-03-14T00:00:00Z ", Date{2009, 3, 14, Day, false}},
		{"2009-03-14 12:00", Date{2009, 3, 14, Day, false}},
		{"2008-02-29", Date{2008, 2, 29, Day, false}},
		{"2000-02-29", Date{2000, 2, 29, Day, false}},
		{"2009-00-00", Date{2009, 0, 0, Year, false}},
		{"00.00.2009", Date{2009, 0, 0, Year, false}},
		{"2009-03-00", Date{2009, 3, 0, Month, false}},
		{"20090000", Date{2009, 0, 0, Year, false}},
		{"2009-01-01", Date{2009, 1, 1, Day, false}},
		{"~2009", Date{2009, 0, 0, Year, true}},
		{"ca. 2009-01-01", Date{2009, 1, 1, Day, true}},
		{"circa 2010", Date{2010, 0, 0, Year, true}},
		{"٢٠٠٩-٠٣-١٤", Date{2009, 3, 14, Day, false}},
		// Missing values.
		{"", Date{}}, {"  ", Date{}}, {"-", Date{}}, {"?", Date{}}, {"unknown", Date{}},
		{"n/a", Date{}}, {"0000", Date{}}, {"00000000", Date{}}, {"--", Date{}}, {"xx.xx.xxxx", Date{}},
	}
	for _, r := range rows {
		got, err := ParseDate(r.in)
		if err != nil || got != r.want {
			t.Errorf("ParseDate(%q) = %+v, %v; want %+v", r.in, got, err, r.want)
		}
	}
}

func TestParseDateErrors(t *testing.T) {
	for _, in := range []string{
		"2009-02-30", "2009-02-29", "1900-02-29", "2009-13-01", "2009-14-03", "2009-04-31",
		"31.04.2009", "2009-00-14", "14.03.09", "090314", "2009-3-14-1", "2009.03", "1799-01-01",
		"2200-01-01", "March 2009", "2009-03-14x", "14.03-2009", "2009--14", "12345", "-2009",
		"1x09-01-01", "2009-003-14",
	} {
		d, err := ParseDate(in)
		if err == nil {
			t.Errorf("ParseDate(%q) = %+v, want an error", in, d)
			continue
		}
		if errs.CodeOf(err) != errs.Invalid || errs.FieldOf(err) != "dob" {
			t.Errorf("ParseDate(%q): %v: want Invalid for field dob", in, err)
		}
		// The value is personal data: no digit of it may appear.
		msg := err.Error()
		for _, part := range strings.FieldsFunc(in, func(r rune) bool { return r < '0' || r > '9' }) {
			if len(part) >= 2 && strings.Contains(msg, part) {
				t.Errorf("ParseDate(%q): error %q contains %q from the input", in, msg, part)
			}
		}
	}
}

// Day/month swaps: a swapped date that is invalid is an error (never a
// crash), ParseDateLenient repairs it, and valid swaps stay as written.
func TestParseDateSwaps(t *testing.T) {
	if _, err := ParseDate("2009-14-03"); err == nil {
		t.Fatal("2009-14-03 parsed")
	}
	d, swapped, err := ParseDateLenient("2009-14-03")
	if err != nil || !swapped || d != (Date{2009, 3, 14, Day, false}) {
		t.Errorf("ParseDateLenient(2009-14-03) = %+v, %v, %v", d, swapped, err)
	}
	d, swapped, err = ParseDateLenient("03.14.2009") // month first in a day-first field
	if err != nil || !swapped || d.String() != "2009-03-14" {
		t.Errorf("ParseDateLenient(03.14.2009) = %+v, %v, %v", d, swapped, err)
	}
	d, swapped, err = ParseDateLenient("2009-03-04")
	if err != nil || swapped || d.String() != "2009-03-04" {
		t.Errorf("ParseDateLenient(2009-03-04) = %+v, %v, %v", d, swapped, err)
	}
	for _, in := range []string{"2009-14-14", "2009-31-02", "2009-02-30", "2009-3x"} {
		if _, _, err := ParseDateLenient(in); err == nil {
			t.Errorf("ParseDateLenient(%q) succeeded", in)
		}
	}
}

func TestDateString(t *testing.T) {
	for _, r := range []struct {
		d    Date
		want string
	}{
		{Date{2009, 3, 14, Day, false}, "2009-03-14"},
		{Date{2009, 3, 0, Month, false}, "2009-03"},
		{Date{2009, 0, 0, Year, true}, "2009"},
		{Date{}, ""},
		{Date{812, 1, 2, Day, false}, "0812-01-02"},
	} {
		if got := r.d.String(); got != r.want {
			t.Errorf("%+v.String() = %q, want %q", r.d, got, r.want)
		}
		if r.d.Precision != Unknown && r.d.Year >= MinYear {
			back, err := ParseDate(r.d.String())
			back.Estimated = r.d.Estimated
			if err != nil || back != r.d {
				t.Errorf("ParseDate(String(%+v)) = %+v, %v", r.d, back, err)
			}
		}
	}
}

func TestEstimateConvention(t *testing.T) {
	for _, r := range []struct {
		in              string
		est             bool
		conv, uncertain bool
	}{
		{"2009-01-01", false, true, true},
		{"2009-01-01", true, true, true},
		{"2009-03-14", true, false, true},
		{"2009-03-14", false, false, false},
		{"2009", false, false, false},
		{"2009", true, false, true},
		{"2009-01", false, false, false},
		{"", true, false, false},
	} {
		d, err := ParseDate(r.in)
		if err != nil {
			t.Fatal(err)
		}
		d.Estimated = r.est
		if d.IsEstimateConvention() != r.conv || d.Uncertain() != r.uncertain {
			t.Errorf("%q estimated=%v: convention %v uncertain %v, want %v %v", r.in, r.est,
				d.IsEstimateConvention(), d.Uncertain(), r.conv, r.uncertain)
		}
	}
}

func mustDate(t *testing.T, s string, estimated bool) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	d.Estimated = estimated
	return d
}

func shared(a, b []string) int {
	n := 0
	for _, x := range a {
		if slices.Contains(b, x) {
			n++
		}
	}
	return n
}

// DateTokens: the exact tokens, and the overlap table of its comment.
func TestDateTokens(t *testing.T) {
	got := strings.Join(DateTokens(mustDate(t, "2009-03-14", false)), " ")
	if want := "y:2009 yw:2009 m:03 d:14 md:0314 dmset:0314"; got != want {
		t.Errorf("DateTokens(2009-03-14) = %q, want %q", got, want)
	}
	got = strings.Join(DateTokens(mustDate(t, "2009-01-01", false)), " ")
	if want := "y:2009 yw:2007 yw:2008 yw:2009 yw:2010 yw:2011"; got != want {
		t.Errorf("DateTokens(2009-01-01) = %q, want %q", got, want)
	}
	if got := strings.Join(DateTokens(mustDate(t, "2009-03", false)), " "); got != "y:2009 yw:2009 m:03" {
		t.Errorf("DateTokens(2009-03) = %q", got)
	}
	if got := DateTokens(Date{}); got != nil {
		t.Errorf("DateTokens(unknown) = %v", got)
	}
	rows := []struct {
		a     string
		aEst  bool
		b     string
		bEst  bool
		share int
	}{
		{"2009-03-14", false, "2009-03-14", false, 6},
		{"2009-03-14", false, "2010-03-14", false, 4},
		{"2009-03-04", false, "2009-04-03", false, 3},
		{"2009-03-14", false, "2009-03-15", false, 3},
		{"2009-01-01", false, "2009-05-14", false, 2},
		{"2009", true, "2010-05-14", false, 1},
		{"2009-01-01", true, "2010-01-01", true, 4},
		{"2009-01-01", false, "2012-01-01", false, 2},
		{"2009-01-01", false, "2014-01-01", false, 0},
		{"2009-03-14", false, "1998-07-22", false, 0},
	}
	for _, r := range rows {
		a, b := DateTokens(mustDate(t, r.a, r.aEst)), DateTokens(mustDate(t, r.b, r.bEst))
		if n := shared(a, b); n != r.share || shared(b, a) != n {
			t.Errorf("%s (est %v) and %s (est %v) share %d tokens, want %d: %v / %v",
				r.a, r.aEst, r.b, r.bEst, n, r.share, a, b)
		}
	}
	// A hand-made date outside the tables still gets tokens.
	if got := DateTokens(Date{Year: 1500, Precision: Year}); !slices.Equal(got, []string{"y:1500", "yw:1500"}) {
		t.Errorf("DateTokens(1500) = %v", got)
	}
}
