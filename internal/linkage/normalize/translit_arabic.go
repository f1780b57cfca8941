package normalize

import (
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// arabicLetters is a rough transliteration of the Arabic script as used
// for Arabic, Persian/Dari, Pashto, Urdu and Kurdish (Sorani) names. The
// script does not write short vowels, so a name typed in Arabic script
// folds to its consonants and long vowels (محمد→mhmd); the variant table
// lists the Arabic spelling of common names so that they still reach the
// canonical token, and the phonetic key of the rest lands near the Latin
// forms. The letters و, ي, ع and the article ال are handled in code.
var arabicLetters = map[rune]string{
	'ء': "", 'آ': "a", 'أ': "a", 'ؤ': "u", 'إ': "i", 'ئ': "i", 'ا': "a",
	'ب': "b", 'ة': "a", 'ت': "t", 'ث': "th", 'ج': "j", 'ح': "h", 'خ': "kh",
	'د': "d", 'ذ': "dh", 'ر': "r", 'ز': "z", 'س': "s", 'ش': "sh", 'ص': "s",
	'ض': "d", 'ط': "t", 'ظ': "z", 'غ': "gh", 'ف': "f", 'ق': "q", 'ك': "k",
	'ل': "l", 'م': "m", 'ن': "n", 'ه': "h", 'ى': "a", 'ٱ': "a", 'ٲ': "a",
	'ٳ': "i",
	// Short vowels, when written; shadda, sukun and case endings
	// (tanwin) write nothing.
	'\u064E': "a", '\u064F': "u", '\u0650': "i", '\u0670': "a",
	'\u064B': "", '\u064C': "", '\u064D': "", '\u0651': "", '\u0652': "",
	'\u0653': "", '\u0654': "", '\u0655': "",
	// Persian and Dari.
	'پ': "p", 'چ': "ch", 'ژ': "zh", 'ک': "k", 'گ': "g", 'ۀ': "e",
	// Pashto.
	'ټ': "t", 'ډ': "d", 'ړ': "r", 'ږ': "zh", 'ښ': "sh", 'ځ': "dz", 'څ': "ts",
	'ڼ': "n", 'ۍ': "i", 'ې': "e", 'ګ': "g",
	// Urdu and Kurdish.
	'ٹ': "t", 'ڈ': "d", 'ڑ': "r", 'ں': "n", 'ہ': "h", 'ھ': "h", 'ے': "e",
	'ە': "e", 'ڤ': "v", 'ڵ': "l", 'ڕ': "r", 'ۆ': "o", 'ێ': "e", 'ۇ': "u",
	'ۋ': "v", 'ڭ': "ng",
}

var arabicTable = buildArabicTable()

func buildArabicTable() (t [0x100]fe) {
	for r := rune(0x600); r < 0x700; r++ {
		e := fe{} // punctuation (، ؛ ؟ ٪ ۔) separates words
		switch {
		case r >= 0x660 && r <= 0x669:
			e = fe{string(rune('0' + r - 0x660)), kLetter}
		case r >= 0x6F0 && r <= 0x6F9:
			e = fe{string(rune('0' + r - 0x6F0)), kLetter}
		case r == 0x640 || (r >= 0x610 && r <= 0x61A) || (r >= 0x6D6 && r <= 0x6ED):
			e = fe{kind: kDrop} // tatweel, Quranic annotation marks
		default:
			if s, ok := arabicLetters[r]; ok {
				e = fe{s, kLetter}
			}
		}
		t[r-0x600] = e
	}
	return t
}

func isAlif(r rune) bool {
	switch r {
	case 'ا', 'أ', 'إ', 'آ', 'ى', 'ٱ':
		return true
	}
	return false
}

func isArabicVowelMark(r rune) bool { return r == 0x64E || r == 0x64F || r == 0x650 }

// isArabicLetter reports whether r is an Arabic-script letter (not a mark,
// digit or punctuation mark).
func isArabicLetter(r rune) bool {
	switch {
	case r < 0x600 || r >= 0x700, 0x64B <= r && r <= 0x655, r == 0x670,
		0x660 <= r && r <= 0x669, 0x6F0 <= r && r <= 0x6F9:
		return false
	case r == 'ي' || r == 'ی' || r == 'و' || r == 'ع' || r == 'ء':
		return true
	}
	return arabicTable[r-0x600].kind == kLetter
}

func (f *folder) arabic(r rune, rest string) (skip int) {
	if r >= 0x700 { // Arabic Supplement and Extended-A: rare letters
		f.entry(classify(r))
		return 0
	}
	prev := f.prev
	next, nn := utf8.DecodeRuneInString(rest)
	var s string
	switch r {
	case 'ا':
		// The article written attached (الحسن) becomes "al" and a
		// joiner, as in al-Hassan, when letters follow it.
		if f.wordStart && next == 'ل' {
			if after, _ := utf8.DecodeRuneInString(rest[nn:]); isArabicLetter(after) {
				f.emit("al")
				f.wordStart = false
				f.sep(true)
				f.prev = 'ل'
				return nn
			}
		}
		s = "a"
	case 'ع':
		// ʿayn: usually spelt with the vowel that goes with it (Ali,
		// Saad, Jafar), which next to a long ā is already written.
		s = "a"
		if isAlif(prev) || isAlif(next) {
			s = ""
		}
	case 'و':
		// w as a consonant at the start, next to alif or a short vowel,
		// before ي (نوید, Navid); otherwise the long vowel ū (محمود→mhmud,
		// نور→nur).
		s = "u"
		if f.wordStart || isAlif(prev) || prev == 0x64E || isAlif(next) || isArabicVowelMark(next) ||
			next == 'ي' || next == 'ی' {
			s = "w"
		}
	case 'ي', 'ی':
		s = "i"
		if f.wordStart || isAlif(prev) || prev == 0x64E || isAlif(next) || isArabicVowelMark(next) {
			s = "y"
		}
	case 0x651:
		// Shadda doubles the consonant it is written on; typed after
		// the vowel mark it would have to go before the vowel, and
		// doubling is cosmetic (Variant writes doubled letters once),
		// so it is then dropped.
		if !isArabicVowelMark(prev) {
			s = f.lastCons
		}
	default:
		e := arabicTable[r-0x600]
		if e.kind != kLetter {
			f.entry(e)
			f.prev = r
			return 0
		}
		s = e.s
	}
	if !isArabicVowelMark(r) && r != 0x651 && (r < 0x64B || r > 0x655) {
		f.lastCons = s
	}
	f.prev = r
	f.emit(s)
	if 0x64B <= r && r <= 0x655 || r == 0x670 {
		return 0 // a vowel mark leaves the word state as it was
	}
	f.wordStart = false
	return 0
}

// arabicPresentation folds the contextual forms and ligatures of Arabic
// presentation blocks (text copied from PDFs) through their compatibility
// decomposition: ﻣﺤﻤﺪ folds as محمد, ﷲ as الله.
func (f *folder) arabicPresentation(r rune) {
	d := norm.NFKC.String(string(r))
	for i := 0; i < len(d); {
		x, n := utf8.DecodeRuneInString(d[i:])
		i += n
		if x == r { // no decomposition
			f.entry(classify(x))
			continue
		}
		i += f.rune(x, d[i:])
	}
}
