package stats

import (
	"strings"

	"golang.org/x/text/language"
)

// euMembers are the member states of the European Union (EU27, since
// 1 February 2020). CLDR's "EU" grouping in x/text still contains GB, so
// membership is a list of its own: a political fact, changed by a new
// MappingVersion.
var euMembers = strings.Fields("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK")

// continents are the UN M49 regions a non-EU citizenship is grouped by.
var continents = []struct {
	region language.Region
	group  string
}{
	{language.MustParseRegion("150"), CitEurope},
	{language.MustParseRegion("002"), CitAfrica},
	{language.MustParseRegion("142"), CitAsia},
	{language.MustParseRegion("019"), CitAmericas},
	{language.MustParseRegion("009"), CitOceania},
}

// citizenshipExceptions are codes M49 places in no continent.
var citizenshipExceptions = map[string]string{
	"AQ": CitUnknown, // Antarctica: no citizenship
}

// CitizenshipGroup returns the group of a child registered in country with
// the given citizenships. With several, the order is Eurostat's: the
// registering country's own, then another EU state's, then the first
// recorded non-EU one. No citizenship recorded gives "unknown". A code
// that is not a country is an errs.Invalid error.
func CitizenshipGroup(country string, citizenships []string) (string, error) {
	if len(citizenships) == 0 {
		return CitUnknown, nil
	}
	group := ""
	for _, c := range citizenships {
		g, err := citizenshipOf(c)
		if err != nil {
			return "", err
		}
		switch {
		case c == country:
			return CitNational, nil
		case g == CitEU:
			group = CitEU
		case group == "":
			group = g
		}
	}
	return group, nil
}

// citizenshipOf returns the group of one citizenship, EU or continent.
func citizenshipOf(code string) (string, error) {
	if len(code) != 2 {
		return "", unmapped("citizenships", code)
	}
	for _, m := range euMembers {
		if m == code {
			return CitEU, nil
		}
	}
	if g, ok := citizenshipExceptions[code]; ok {
		return g, nil
	}
	r, err := language.ParseRegion(code)
	if err != nil || !r.IsCountry() {
		return "", unmapped("citizenships", code)
	}
	for _, c := range continents {
		if c.region.Contains(r) {
			return c.group, nil
		}
	}
	return "", unmapped("citizenships", code)
}
