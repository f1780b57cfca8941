package normalize

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// greekInfo is a Greek letter reduced to its lower-case base letter, and
// whether it carried a diaeresis (which stops a diphthong: ϊ, ϋ).
type greekInfo struct {
	base   rune
	diaer  bool
	letter bool
}

var (
	greekTable    = greekRange[[0x400 - 0x370]greekInfo](0x370)
	greekExtTable = greekRange[[0x100]greekInfo](0x1F00)
)

// greekLatin follows ELOT 743 / ISO 843 (Greek passports), with the
// digraph rules below.
var greekLatin = map[rune]string{
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i",
	'θ': "th", 'ι': "i", 'κ': "k", 'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x",
	'ο': "o", 'π': "p", 'ρ': "r", 'σ': "s", 'ς': "s", 'τ': "t", 'υ': "y",
	'φ': "f", 'χ': "ch", 'ψ': "ps", 'ω': "o",
}

func greekRange[T [0x400 - 0x370]greekInfo | [0x100]greekInfo](from rune) (t T) {
	for i := range len(t) {
		t[i] = greekInfoOf(from + rune(i))
	}
	return t
}

func greekInfoOf(r rune) greekInfo {
	d := norm.NFD.String(string(unicode.ToLower(r)))
	b, _ := utf8.DecodeRuneInString(d)
	if _, ok := greekLatin[b]; !ok {
		return greekInfo{}
	}
	g := greekInfo{base: b, letter: true}
	for _, m := range d {
		if m == 0x308 {
			g.diaer = true
		}
	}
	return g
}

func greekOf(r rune) greekInfo {
	switch {
	case 0x370 <= r && r < 0x400:
		return greekTable[r-0x370]
	case 0x1F00 <= r && r < 0x2000:
		return greekExtTable[r-0x1F00]
	}
	return greekInfo{}
}

// voicelessGreek: after αυ, ευ, ηυ the υ is written f before these letters
// and at the end of a word, v elsewhere.
func voicelessGreek(g greekInfo) bool {
	switch g.base {
	case 'θ', 'κ', 'ξ', 'π', 'σ', 'ς', 'τ', 'φ', 'χ', 'ψ':
		return true
	}
	return !g.letter
}

func (f *folder) greek(r rune, rest string) (skip int) {
	g := greekOf(r)
	if !g.letter {
		f.entry(classify(r))
		return 0
	}
	nr, nn := utf8.DecodeRuneInString(rest)
	next := greekOf(nr)
	var s string
	switch g.base {
	case 'α', 'ε', 'η':
		s = greekLatin[g.base]
		if next.base == 'υ' && !next.diaer {
			after, _ := utf8.DecodeRuneInString(rest[nn:])
			if voicelessGreek(greekOf(after)) {
				s += "f"
			} else {
				s += "v"
			}
			skip = nn
		}
	case 'ο':
		s = "o"
		if next.base == 'υ' && !next.diaer {
			s, skip = "ou", nn
		}
	case 'γ':
		s = "g"
		switch next.base {
		case 'γ', 'κ', 'ξ', 'χ':
			s = "n"
		}
	case 'μ':
		s = "m"
		if f.wordStart && next.base == 'π' {
			s, skip = "b", nn
		}
	case 'ν':
		s = "n"
		if f.wordStart && next.base == 'τ' {
			s, skip = "d", nn
		}
	default:
		s = greekLatin[g.base]
	}
	f.emit(s)
	f.wordStart = false
	return skip
}
