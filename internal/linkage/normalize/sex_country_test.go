package normalize

import (
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

func TestSex(t *testing.T) {
	rows := []struct{ in, want string }{
		{"F", "f"}, {"f", "f"}, {"Female", "f"}, {"girl", "f"}, {"K", "f"}, {"kvinna", "f"},
		{"Kvinde", "f"}, {"nainen", "f"}, {"N", "f"}, {"naine", "f"}, {"Tyttö", "f"},
		{"kobieta", "f"}, {"Moteris", "f"}, {"sieviete", "f"}, {"Ж", "f"}, {"жінка", "f"},
		{"W", "f"}, {"weiblich", "f"}, {"2", "f"}, {"kvk", "f"}, {"أنثى", "f"},
		{"M", "m"}, {"male", "m"}, {"Boy", "m"}, {"man", "m"}, {"pojke", "m"}, {"mies", "m"},
		{"poika", "m"}, {"Mees", "m"}, {"mężczyzna", "m"}, {"vyras", "m"}, {"Vīrietis", "m"},
		{"V", "m"}, {"männlich", "m"}, {"1", "m"}, {"kk", "m"}, {"чоловік", "m"}, {"мужской", "m"},
		{"X", "o"}, {"O", "o"}, {"other", "o"}, {"D", "o"}, {"divers", "o"}, {"non-binary", "o"},
		{"annat", "o"},
		{"", "u"}, {"U", "u"}, {"unknown", "u"}, {"?", "u"}, {"-", "u"}, {"N/A", "u"},
		{"0", "u"}, {"9", "u"}, {"okänd", "u"}, {"tuntematon", "u"}, {" m ", "m"},
	}
	for _, r := range rows {
		got, err := Sex(r.in)
		if err != nil || got != r.want {
			t.Errorf("Sex(%q) = %q, %v; want %q", r.in, got, err, r.want)
		}
	}
	for _, bad := range []string{"Q", "3", "maybe", "Hassan", "mf", "female male"} {
		got, err := Sex(bad)
		if err == nil {
			t.Errorf("Sex(%q) = %q, want an error", bad, got)
			continue
		}
		if errs.CodeOf(err) != errs.Invalid || strings.Contains(strings.ToLower(err.Error()), strings.ToLower(bad)) {
			t.Errorf("Sex(%q): error %v: not Invalid, or quotes the value", bad, err)
		}
	}
}

func TestCountry(t *testing.T) {
	for _, r := range []struct{ in, want string }{
		{"SE", "SE"}, {"se", "SE"}, {"Fi", "FI"}, {" ua ", "UA"}, {"AF", "AF"}, {"SY", "SY"},
		{"SO", "SO"}, {"ER", "ER"}, {"VN", "VN"}, {"XK", "XK"}, {"ss", "SS"}, {"by", "BY"},
	} {
		got, err := Country(r.in)
		if err != nil || got != r.want {
			t.Errorf("Country(%q) = %q, %v; want %q", r.in, got, err, r.want)
		}
	}
	for _, bad := range []string{"", "S", "SWE", "UK", "EU", "YU", "AN", "CS", "ZZ", "XX", "1A", "Ö1", "S E"} {
		if got, err := Country(bad); err == nil || errs.CodeOf(err) != errs.Invalid {
			t.Errorf("Country(%q) = %q, %v; want an Invalid error", bad, got, err)
		}
	}
	// The list has the 249 assigned codes, each known to CLDR as a country.
	if n := len(strings.Fields(iso3166)); n != 249 {
		t.Errorf("iso3166 has %d codes, want 249", n)
	}
	for _, c := range strings.Fields(iso3166) {
		r, err := language.ParseRegion(c)
		if err != nil || !r.IsCountry() || r.String() != c {
			t.Errorf("%s: not a country region in CLDR", c)
		}
	}
}
