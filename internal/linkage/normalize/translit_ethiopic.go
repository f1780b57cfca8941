package normalize

// Ethiopic (Ge'ez) script, used for Tigrinya (Eritrea) and Amharic
// (Ethiopia), is a syllabary: each character is a consonant (its row of
// eight in the block) and a vowel (its column). Transliterating row and
// column gives the spellings Eritrean documents use in Latin letters:
// ተስፋዬ→tesfaye, መሓሪ→mehari, ሰናይት→senayt.

// ethiopicRows holds the consonant of each row of U+1200–U+135F. Rows with
// an empty consonant are vowel carriers (አ, ዐ); "-" marks rows that are
// not regular syllables and fold as nothing.
var ethiopicRows = [...]string{
	"h", "l", "h", "m", "s", "r", "s", "sh", // 1200
	"q", "qw", "q", "qw", "b", "v", "t", "ch", // 1240
	"h", "hw", "n", "ny", "", "k", "kw", "h", // 1280
	"hw", "w", "", "z", "zh", "y", "d", "d", // 12C0
	"j", "g", "gw", "g", "t", "ch", "p", "ts", // 1300
	"ts", "f", "p", "-", // 1340
}

// ethiopicVowels are the seven vowel orders and the eighth (labialised
// ʷa) column. The sixth order is the bare consonant (or ɨ).
var ethiopicVowels = [8]string{"e", "u", "i", "a", "e", "", "o", "wa"}

func (f *folder) ethiopic(r rune) {
	off := int(r - 0x1200)
	row, col := off/8, off%8
	if row >= len(ethiopicRows) || ethiopicRows[row] == "-" {
		// Word space ፡, full stop ።, comma ፣, numerals: separators.
		f.entry(fe{})
		return
	}
	c := ethiopicRows[row]
	v := ethiopicVowels[col]
	switch {
	case c == "": // vowel carriers: አ a, ኡ u, ኢ i, ኣ a, ኤ e, እ e, ኦ o
		switch col {
		case 0:
			v = "a"
		case 5:
			v = "e"
		}
	case col == 0 && c == "h":
		v = "a" // ሀ, ሐ, ኀ are read ha
	case len(c) == 2 && c[1] == 'w':
		// Labialised rows (ቈ ኰ ጐ …) hold only five syllables.
		c = c[:1]
		switch col {
		case 0, 4:
			v = "we"
		case 2:
			v = "wi"
		case 3:
			v = "wa"
		case 5:
			v = "w"
		default:
			f.entry(fe{kind: kDrop})
			return
		}
	}
	f.emit(c + v)
	f.wordStart = false
}
