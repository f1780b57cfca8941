package normalize

import (
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// cyrMode is the Cyrillic convention chosen for one string.
type cyrMode uint8

const (
	cyrUnset cyrMode = iota
	// cyrH follows the Ukrainian national system (KMU 2010, used in
	// Ukrainian passports) and Belarusian passports: г→h, и→y.
	cyrH
	// cyrG follows Russian passports (ICAO Doc 9303): г→g, и→i.
	cyrG
)

// cyrEntry is the transliteration of one Cyrillic letter in the middle of
// a word and at its start (iotated vowels: є→ie/ye, я→ia/ya, …).
type cyrEntry struct{ mid, ini string }

// cyrTable is indexed by rune-0x400, both cases. г and и are handled in
// code because their value depends on the convention.
var cyrTable = buildCyrTable()

// cyrLower is unicode.ToLower for the Cyrillic block, as a table.
var cyrLower = func() (t [0x130]rune) {
	for i := range t {
		t[i] = unicode.ToLower(rune(0x400 + i))
	}
	return t
}()

var cyrLetters = map[rune]cyrEntry{
	'а': {"a", "a"}, 'б': {"b", "b"}, 'в': {"v", "v"}, 'ґ': {"g", "g"},
	'д': {"d", "d"}, 'е': {"e", "e"}, 'є': {"ie", "ye"}, 'ж': {"zh", "zh"},
	'з': {"z", "z"}, 'і': {"i", "i"}, 'ї': {"i", "yi"}, 'й': {"i", "y"},
	'к': {"k", "k"}, 'л': {"l", "l"}, 'м': {"m", "m"}, 'н': {"n", "n"},
	'о': {"o", "o"}, 'п': {"p", "p"}, 'р': {"r", "r"}, 'с': {"s", "s"},
	'т': {"t", "t"}, 'у': {"u", "u"}, 'ў': {"u", "u"}, 'ф': {"f", "f"},
	'х': {"kh", "kh"}, 'ц': {"ts", "ts"}, 'ч': {"ch", "ch"}, 'ш': {"sh", "sh"},
	'щ': {"shch", "shch"}, 'ъ': {"", ""}, 'ы': {"y", "y"}, 'ь': {"", ""},
	'э': {"e", "e"}, 'ю': {"iu", "yu"}, 'я': {"ia", "ya"}, 'ё': {"io", "yo"},
	// Serbian and Macedonian.
	'ђ': {"d", "d"}, 'ј': {"j", "j"}, 'љ': {"lj", "lj"}, 'њ': {"nj", "nj"},
	'ћ': {"c", "c"}, 'џ': {"dz", "dz"}, 'ѓ': {"gj", "gj"}, 'ќ': {"kj", "kj"},
	'ѕ': {"dz", "dz"},
	// Kazakh, Kyrgyz, Tajik, Tatar, Bashkir, Uzbek (Cyrillic).
	'ә': {"a", "a"}, 'ғ': {"gh", "gh"}, 'қ': {"q", "q"}, 'ң': {"ng", "ng"},
	'ө': {"o", "o"}, 'ұ': {"u", "u"}, 'ү': {"u", "u"}, 'һ': {"h", "h"},
	'ҳ': {"h", "h"}, 'ҷ': {"j", "j"}, 'ӣ': {"i", "i"}, 'ӯ': {"u", "u"},
	'ҡ': {"q", "q"}, 'ҙ': {"z", "z"}, 'ҫ': {"s", "s"}, 'ӑ': {"a", "a"},
	'ӗ': {"e", "e"}, 'ӳ': {"u", "u"}, 'ҝ': {"g", "g"}, 'ӏ': {"", ""},
}

func buildCyrTable() (t [0x130]cyrEntry) {
	for r, e := range cyrLetters {
		t[r-0x400] = e
		if u := unicode.ToUpper(r); u != r && u >= 0x400 && u < 0x530 {
			t[u-0x400] = e
		}
	}
	// Letters with a mark that the table does not list (ѐ, ѝ, ӥ, …)
	// fold as their base letter.
	for r := rune(0x400); r < 0x530; r++ {
		if t[r-0x400] != (cyrEntry{}) || isCyrModeLetter(r) {
			continue
		}
		d := []rune(norm.NFD.String(string(unicode.ToLower(r))))
		if len(d) > 1 && d[0] >= 0x400 && d[0] < 0x530 {
			t[r-0x400] = t[d[0]-0x400]
		}
	}
	return t
}

func isCyrModeLetter(r rune) bool {
	switch unicode.ToLower(r) {
	case 'г', 'и', 'ъ', 'ь', 'ӏ':
		return true
	}
	return false
}

// chooseCyrMode picks the convention for a string from the letters only
// one of the languages has: і ї є ґ (Ukrainian, і also Belarusian) and ў
// (Belarusian) select the h convention; ы э ъ ё without them select the
// Russian one. Without either, the Ukrainian convention is used: most
// Cyrillic-script children in the region's registries since 2022 are
// Ukrainian, and Ukrainian passports (the Latin form other registrations
// copy) use it. The price is that a Russian name without a tell-tale
// letter (Галина) folds to the Ukrainian form (halyna); the variant table
// covers common given names.
func chooseCyrMode(s string) cyrMode {
	ru := false
	for _, r := range s {
		if r < 0x400 || r >= 0x530 {
			continue
		}
		switch cyrLower[r-0x400] {
		case 'і', 'ї', 'є', 'ґ', 'ў':
			return cyrH
		case 'ы', 'э', 'ъ', 'ё':
			ru = true
		}
	}
	if ru {
		return cyrG
	}
	return cyrH
}

func (f *folder) cyrillic(r rune) {
	if f.cyr == cyrUnset {
		f.cyr = chooseCyrMode(f.src)
	}
	lr := cyrLower[r-0x400]
	prev := f.prev
	f.prev = lr
	var s string
	switch lr {
	case 'г':
		s = "g"
		if f.cyr == cyrH {
			s = "h"
			if prev == 'з' { // зг→zgh, so that it is not read as ж (zh)
				s = "gh"
			}
		}
	case 'и':
		s = "i"
		if f.cyr == cyrH {
			s = "y"
		}
	default:
		e := cyrTable[lr-0x400]
		if e == (cyrEntry{}) && lr != 'ъ' && lr != 'ь' && lr != 'ӏ' {
			f.entry(classify(r)) // Cyrillic punctuation, numerals, …
			return
		}
		s = e.mid
		if f.wordStart {
			s = e.ini
		}
	}
	if s == "" { // ь, ъ: part of the word, but written as nothing
		f.wordStart = false
		return
	}
	f.emit(s)
	f.wordStart = false
}
