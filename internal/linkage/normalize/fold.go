package normalize

import (
	"strings"
	"unicode/utf8"
)

// Fold returns s as lower-case ASCII letters, digits and single spaces:
// diacritics removed (Łukasz→lukasz, Nguyễn→nguyen, Lăcătuș→lacatus,
// Müller→muller, ß→ss, æ→ae, ø→o, þ→th, ð→d), Cyrillic, Greek, Arabic-script
// and Ethiopic (Ge'ez) letters transliterated, apostrophes dropped inside
// words (O'Brien→obrien, Mar'yana→maryana) and every other punctuation mark,
// hyphen or underscore turned into a space. Letters of scripts without a
// transliteration (Han, Hangul, Hebrew, …) are dropped. See doc.go for the
// rules and why they were chosen.
func Fold(s string) string {
	if isFolded(s) {
		return s
	}
	f := folder{}
	f.run(s)
	return f.b.String()
}

// foldMarked is Fold, except that separators made only of hyphens (and
// underscores, and the Arabic article written attached) are kept as '-':
// NameTokens needs to know that "al-Hassan" was one written word.
func foldMarked(s string) string {
	if isFolded(s) {
		return s
	}
	f := folder{marks: true}
	f.run(s)
	return f.b.String()
}

// isFolded reports whether s is already in folded form, so that Fold (and
// NameTokens on canonical input) can return it without allocating.
func isFolded(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == ' ':
			if s[i-1] == ' ' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// Kinds of characters in the folding tables. The zero value is a separator,
// so that anything a table does not list splits words rather than gluing
// them.
const (
	kSep    = iota // punctuation, spaces, symbols: one space
	kLetter        // letter or digit: write its transliteration
	kDrop          // apostrophes, combining marks, format characters: nothing
	kJoin          // hyphens, underscore: a separator inside one written word
)

// fe is one entry of a folding table.
type fe struct {
	s    string
	kind uint8
}

var asciiTable = buildASCIITable()

// asciiLetter is the folded form of ASCII letters and digits, 0 for other
// bytes.
var asciiLetter = func() (t [utf8.RuneSelf]byte) {
	for c := range t {
		if e := asciiTable[c]; e.kind == kLetter {
			t[c] = e.s[0]
		}
	}
	return t
}()

func buildASCIITable() (t [utf8.RuneSelf]fe) {
	for c := byte(0); c < utf8.RuneSelf; c++ {
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			t[c] = fe{string(rune(c)), kLetter}
		case 'A' <= c && c <= 'Z':
			t[c] = fe{string(rune(c + 'a' - 'A')), kLetter}
		case c == '\'' || c == '`':
			t[c] = fe{kind: kDrop}
		case c == '-' || c == '_':
			t[c] = fe{kind: kJoin}
		}
	}
	return t
}

// folder holds the state of one Fold call.
type folder struct {
	b       strings.Builder
	src     string
	pending byte // separator waiting for the next letter: 0, ' ' or '-'
	marks   bool // keep joiners as '-' (foldMarked)
	// wordStart is true until the first letter of a word has been read:
	// Cyrillic, Greek and Arabic letters are written differently there.
	wordStart bool
	prev      rune    // the previous rune read (lower-cased for Cyrillic)
	cyr       cyrMode // Cyrillic convention, chosen once per string
	lastCons  string  // the last Arabic letter written, for shadda
}

func (f *folder) run(s string) {
	f.src = s
	f.wordStart = true
	f.b.Grow(len(s) + len(s)/4)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			f.prev = rune(c)
			i++
			if l := asciiLetter[c]; l != 0 { // the common case, inlined
				if f.pending != 0 {
					f.flush()
				}
				f.b.WriteByte(l)
				f.wordStart = false
				continue
			}
			f.entry(asciiTable[c])
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		i += f.rune(r, s[i:])
	}
}

// entry applies one table entry.
func (f *folder) entry(e fe) {
	switch e.kind {
	case kLetter:
		f.emit(e.s)
		f.wordStart = false
	case kDrop:
	case kJoin:
		f.sep(true)
	default:
		f.sep(false)
	}
}

// emit writes a transliteration, preceded by the pending separator if any
// letter has been written before.
func (f *folder) emit(s string) {
	if s == "" {
		return
	}
	if f.pending != 0 {
		f.flush()
	}
	f.b.WriteString(s)
}

// flush writes the pending separator, unless nothing has been written.
func (f *folder) flush() {
	if f.b.Len() > 0 {
		f.b.WriteByte(f.pending)
	}
	f.pending = 0
}

// sep records a separator. A space wins over a joiner: "Al - Hassan" is two
// written words.
func (f *folder) sep(join bool) {
	if join && f.marks && f.pending != ' ' {
		f.pending = '-'
	} else {
		f.pending = ' '
	}
	f.wordStart = true
}

// rune folds one non-ASCII rune; rest is the input after it. It returns how
// many bytes of rest it consumed as well (digraphs such as Greek μπ).
func (f *folder) rune(r rune, rest string) (skip int) {
	switch {
	case r < 0x80: // from a decomposition (ﷻ contains spaces)
		f.entry(asciiTable[r])
	case r < 0x370:
		f.entry(latinTable[r-0x80])
	case r < 0x400:
		skip = f.greek(r, rest)
	case r < 0x530:
		f.cyrillic(r)
	case 0x600 <= r && r < 0x700, 0x750 <= r && r < 0x780, 0x8A0 <= r && r < 0x900:
		skip = f.arabic(r, rest)
	case 0x1200 <= r && r < 0x1380:
		f.ethiopic(r)
	case 0x1E00 <= r && r < 0x1F00:
		f.entry(latinExtTable[r-0x1E00])
	case 0x1F00 <= r && r < 0x2000:
		skip = f.greek(r, rest)
	case 0xFB50 <= r && r < 0xFE00, 0xFE70 <= r && r < 0xFF00:
		f.arabicPresentation(r)
	default:
		f.entry(classify(r))
	}
	if r < 0x400 || r >= 0x530 && (r < 0x600 || r >= 0x700) {
		f.prev = r // Cyrillic and Arabic keep their own context
	}
	return skip
}
