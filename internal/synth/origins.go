package synth

// script says how an origin's names are built and written.
type script uint8

const (
	scriptLatin      script = iota // names listed in Latin letters, with their transliteration variants
	scriptCyrillic                 // names written originally in Cyrillic
	scriptVietnamese               // family name, middle name (Văn, Thị) and given name, with diacritics
)

// Usual written form of "Abd" compounds per origin (index into abdForm).
const (
	abdAbdul = 0 // Abdul Rahman (Afghanistan, Iraq, Syria)
	abdAbdel = 3 // Abdelrahman (Maghreb)
	abdAbdi  = 6 // Abdirahman (Somalia)
)

// origin is a group of children drawn from one naming tradition. The weights
// approximate the composition of unaccompanied, separated and missing
// migrant children reported in the region in the 2020s: Ukraine since 2022,
// Afghanistan and Syria the largest asylum groups, then Iraq (incl. via the
// Belarus border), the Horn of Africa, Morocco (street children in Nordic
// cities), Vietnam and Nigeria (trafficking), Romania and Albania
// (exploitation, EU mobility), Belarus and Russia (border crossings).
type origin struct {
	code       string   // origin group, ISO alpha-2 of the country of origin
	weight     float64  // relative share of children (families are drawn by it)
	citizen    string   // usual citizenship
	alt        []string // other true citizenships (AltCitizenship of the children)
	neighbours []string // citizenships recorded by mistake (Errors.WrongCitizen)
	documented float64  // share of children with identity documents: exact date of birth
	boys       float64  // share of boys among children who travel alone
	profile    profile  // where they enter the region
	script     script
	abd        int  // usual Abd form
	father     bool // naming adds the father's name in some registrations
	given      [2]*table
	family     *table
	middle     [2]*table // Vietnamese only
}

var origins = []*origin{
	{code: "UA", weight: 20, citizen: "UA", alt: []string{"RU", "MD"}, neighbours: []string{"RU", "MD", "PL"},
		documented: 0.92, boys: 0.55, profile: profEast, script: scriptCyrillic,
		given: [2]*table{uaGivenF, uaGivenM}, family: uaFamily},
	{code: "AF", weight: 18, citizen: "AF", alt: []string{"IR", "PK"}, neighbours: []string{"IR", "PK", "TJ"},
		documented: 0.20, boys: 0.92, profile: profAsylum, abd: abdAbdul, father: true,
		given: [2]*table{afGivenF, afGivenM}, family: afFamily},
	{code: "SY", weight: 14, citizen: "SY", alt: []string{"PS", "LB"}, neighbours: []string{"IQ", "LB", "JO"},
		documented: 0.45, boys: 0.85, profile: profAsylum, abd: abdAbdul, father: true,
		given: [2]*table{arGivenF, arGivenM}, family: syFamily},
	{code: "IQ", weight: 6, citizen: "IQ", alt: []string{"IR", "SY"}, neighbours: []string{"SY", "IR", "TR"},
		documented: 0.50, boys: 0.80, profile: profAsylum, abd: abdAbdul, father: true,
		given: [2]*table{arGivenF, arGivenM}, family: iqFamily},
	{code: "SO", weight: 6, citizen: "SO", alt: []string{"ET", "KE"}, neighbours: []string{"ET", "KE", "DJ"},
		documented: 0.15, boys: 0.75, profile: profAfrica, abd: abdAbdi,
		given: [2]*table{soGivenF, soGivenM}, family: soFamily},
	{code: "ER", weight: 6, citizen: "ER", alt: []string{"ET", "SD"}, neighbours: []string{"ET", "SD", "SS"},
		documented: 0.20, boys: 0.75, profile: profAfrica,
		given: [2]*table{erGivenF, erGivenM}, family: erFamily},
	{code: "MA", weight: 5, citizen: "MA", alt: []string{"DZ", "ES"}, neighbours: []string{"DZ", "TN", "LY"},
		documented: 0.40, boys: 0.95, profile: profMaghreb, abd: abdAbdel, father: true,
		given: [2]*table{maGivenF, maGivenM}, family: maFamily},
	{code: "VN", weight: 5, citizen: "VN", alt: []string{"CN"}, neighbours: []string{"CN", "LA", "KH"},
		documented: 0.35, boys: 0.60, profile: profVietnam, script: scriptVietnamese,
		given: [2]*table{vnGivenF, vnGivenM}, family: vnFamily, middle: [2]*table{vnMiddleF, vnMiddleM}},
	{code: "RO", weight: 4, citizen: "RO", alt: []string{"MD"}, neighbours: []string{"MD", "BG", "HU"},
		documented: 0.90, boys: 0.60, profile: profEurope,
		given: [2]*table{roGivenF, roGivenM}, family: roFamily},
	{code: "AL", weight: 3, citizen: "AL", alt: []string{"XK"}, neighbours: []string{"XK", "MK", "GR"},
		documented: 0.85, boys: 0.85, profile: profEurope,
		given: [2]*table{alGivenF, alGivenM}, family: alFamily},
	{code: "NG", weight: 3, citizen: "NG", alt: []string{"GH"}, neighbours: []string{"GH", "CM", "BJ"},
		documented: 0.50, boys: 0.30, profile: profAfrica,
		given: [2]*table{ngGivenF, ngGivenM}, family: ngFamily},
	{code: "BY", weight: 3, citizen: "BY", alt: []string{"RU"}, neighbours: []string{"RU", "UA", "LT"},
		documented: 0.90, boys: 0.55, profile: profBorder, script: scriptCyrillic,
		given: [2]*table{byGivenF, byGivenM}, family: byFamily},
	{code: "RU", weight: 2, citizen: "RU", alt: []string{"KZ"}, neighbours: []string{"BY", "UA", "KZ"},
		documented: 0.90, boys: 0.55, profile: profBorder, script: scriptCyrillic,
		given: [2]*table{ruGivenF, ruGivenM}, family: ruFamily},
}

// originCum holds the cumulative origin weights.
var originCum = func() []float64 {
	c := make([]float64, len(origins))
	sum := 0.0
	for i, o := range origins {
		sum += o.weight
		c[i] = sum
	}
	return c
}()

// Origins returns the origin groups the generator draws from, in a fixed order.
func Origins() []string {
	cs := make([]string, len(origins))
	for i, o := range origins {
		cs[i] = o.code
	}
	return cs
}
