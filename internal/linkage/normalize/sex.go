package normalize

import (
	"strings"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Sex normalises a sex field: it returns "f", "m", "o" (other) or "u"
// (unknown or missing). It accepts, case-insensitively and with or without
// diacritics, the passport codes F, M and X, the ISO/IEC 5218 codes (0 not
// known, 1 male, 2 female, 9 not applicable), and the words and
// abbreviations of the region's languages (English, Swedish, Norwegian,
// Danish, Icelandic, Finnish, Estonian, Latvian, Lithuanian, Polish,
// German, Ukrainian, Russian, Belarusian, Arabic). Anything else is an
// errs.Invalid error for the field "sex" that does not repeat the value.
//
// Single letters follow the passport convention: M is male even though
// Lithuanian writes M for moteris (woman); Lithuanian exports must use
// words or passport codes. X (ICAO: unspecified) and D (German: divers)
// are "o".
func Sex(s string) (string, error) {
	k := strings.ReplaceAll(Fold(s), " ", "")
	if v, ok := sexValues[k]; ok {
		return v, nil
	}
	return "", errs.Field("sex", "not a recognised value for sex")
}

var sexValues = buildSexValues()

func buildSexValues() map[string]string {
	m := map[string]string{}
	add := func(v, words string) {
		for _, w := range strings.Fields(words) {
			m[strings.ReplaceAll(Fold(w), " ", "")] = v
		}
	}
	add("f", `f 2 female girl woman w weiblich frau mädchen k kvinna kvinne kvinde kona kvk
		flicka jente pike pige stúlka n nainen naine tyttö tüdruk sieviete s meitene moteris
		mergaitė kobieta dziewczynka dziewczyna жінка жіноча дівчинка ж женщина женский
		девочка жанчына дзяўчынка انثى أنثى بنت`)
	add("m", `m 1 male boy man männlich mann junge knabe mand mann kk karl karlmaður drengur
		pojke gutt dreng mies poika mees poiss vīrietis v zēns vyras berniukas mężczyzna
		chłopiec chłopak чоловік чоловіча хлопчик ч мужчина мужской мальчик мужчына хлопчык
		ذكر ولد`)
	add("o", `o x d other diverse divers nonbinary non-binary intersex annat annet andet annað
		muu inny inna kitas cits інша другой`)
	add("u", `u 0 9 unknown unk notknown not-known - ? n/a na none null okänd ukjent ukendt
		óþekkt tuntematon teadmata nezināms nežinoma nieznana nieznany unbekannt невідомо
		неизвестно`)
	m[""] = "u"
	return m
}
