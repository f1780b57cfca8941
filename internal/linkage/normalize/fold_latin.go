package normalize

import (
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// latinSpecial lists letters that Unicode does not decompose into a base
// letter and a mark, with the spelling used in passports and in the
// region's registries (ICAO Doc 9303 where it says something).
var latinSpecial = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe",
	'ø': "o", 'Ø': "o", 'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d",
	'ð': "d", 'Ð': "d", 'þ': "th", 'Þ': "th", 'ı': "i",
	'ħ': "h", 'Ħ': "h", 'ŧ': "t", 'Ŧ': "t", 'ŋ': "ng", 'Ŋ': "ng",
	'ĸ': "k", 'ƒ': "f", 'Ƒ': "f",
	// Azerbaijani, Pan-Nigerian (Hausa, Yoruba) and other African
	// alphabets, and IPA letters that turn up in transcriptions.
	'ə': "e", 'Ə': "e", 'ǝ': "e", 'Ǝ': "e", 'ɛ': "e", 'Ɛ': "e",
	'ɔ': "o", 'Ɔ': "o", 'ƙ': "k", 'Ƙ': "k", 'ɗ': "d", 'Ɗ': "d",
	'ɓ': "b", 'Ɓ': "b", 'ƴ': "y", 'Ƴ': "y", 'ʒ': "z", 'Ʒ': "z",
	'ɨ': "i", 'Ɨ': "i", 'ʉ': "u", 'ɲ': "ny", 'Ɲ': "ny", 'ɣ': "gh", 'Ɣ': "gh",
	'ʃ': "sh", 'Ʃ': "sh", 'ɑ': "a", 'ɪ': "i", 'ʊ': "u", 'ʌ': "a",
}

// isApostrophe reports whether r is one of the many characters typed for
// an apostrophe (or for the Arabic hamza and ʿayn in scholarly
// transliteration, or the Cyrillic soft sign ʹ): all are dropped so that
// O'Brien, O’Brien and OBrien fold alike.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '`', 0x00B4, 0x02B9, 0x02BA, 0x02BB, 0x02BC, 0x02BD, 0x02BE,
		0x02BF, 0x02C8, 0x055A, 0x2018, 0x2019, 0x201B, 0x2032, 0x2035,
		0xA78B, 0xA78C, 0xFF07:
		return true
	}
	return false
}

// latinTable covers U+0080–U+036F (Latin-1, Latin Extended-A/B, IPA,
// spacing modifiers, combining marks) and latinExtTable U+1E00–U+1EFF
// (Latin Extended Additional: Vietnamese, Yoruba dots below). They are
// computed once from Unicode decompositions, so the hot path is one
// array lookup per rune.
var (
	latinTable    = classifyRange[[0x370 - 0x80]fe](0x80)
	latinExtTable = classifyRange[[0x100]fe](0x1E00)
)

func classifyRange[T [0x370 - 0x80]fe | [0x100]fe](from rune) (t T) {
	for i := range len(t) {
		t[i] = classify(from + rune(i))
	}
	return t
}

// classify folds one rune outside the specialised scripts. It is the slow
// path: it decomposes r (NFKD, so that ligatures such as ĳ and ﬁ and
// full-width forms are covered too), keeps ASCII letters and digits,
// drops marks, and drops letters of scripts it cannot transliterate.
func classify(r rune) fe {
	if s, ok := latinSpecial[r]; ok {
		return fe{s, kLetter}
	}
	if isApostrophe(r) {
		return fe{kind: kDrop}
	}
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		// Combining marks (accents typed separately), zero-width
		// joiners (Persian ZWNJ inside names), bidi marks, soft hyphen.
		return fe{kind: kDrop}
	case unicode.Is(unicode.Pd, r):
		return fe{kind: kJoin}
	case r == 0x640: // Arabic tatweel: elongation, not a letter
		return fe{kind: kDrop}
	case unicode.IsLetter(r) || unicode.IsNumber(r):
		var out []byte
		for _, x := range norm.NFKD.String(string(r)) {
			switch {
			case 'a' <= x && x <= 'z', '0' <= x && x <= '9':
				out = append(out, byte(x))
			case 'A' <= x && x <= 'Z':
				out = append(out, byte(x+'a'-'A'))
			case x < 0x80, unicode.In(x, unicode.Mn, unicode.Me), isApostrophe(x):
			default:
				if s, ok := latinSpecial[x]; ok {
					out = append(out, s...)
					continue
				}
				// A letter of a script without a transliteration
				// here: dropping it keeps the rest of the name.
				return fe{kind: kDrop}
			}
		}
		if len(out) == 0 {
			return fe{kind: kDrop}
		}
		return fe{string(out), kLetter}
	}
	return fe{}
}
