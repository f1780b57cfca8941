package cases

import (
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Names are kept in Unicode normalisation form C, so that "é" typed as one
// code point and as "e" plus a combining accent are the same name to the
// eye, the search and the linkage encoding alike.

// invisibleInName reports whether r may not appear in a name: the
// bidirectional controls (embeddings, overrides, isolates, marks), which
// can make a name display as another ("Trojan Source"), and the zero-width
// characters, which make two names that look alike differ. Zero-width
// (non-)joiners are allowed between two Arabic-script letters, where
// Persian and Pashto spelling needs them.
func invisibleInName(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, // LRE, RLE, PDF, LRO, RLO
		r >= 0x2066 && r <= 0x2069,            // LRI, RLI, FSI, PDI
		r == 0x200E, r == 0x200F, r == 0x061C, // LRM, RLM, ALM
		r == 0x200B, r == 0x2060, r == 0xFEFF, r == 0x180E, // zero-width space, word joiner, BOM, Mongolian vowel separator
		r == 0x200C, r == 0x200D: // ZWNJ, ZWJ: see validName
		return true
	}
	return false
}

// name checks a name as text does, normalises it to NFC and refuses
// invisible characters.
func (c *checker) name(field, s string, max int) string {
	s = c.text(field, s, max, false)
	s = norm.NFC.String(s)
	rs := []rune(s)
	for i, r := range rs {
		if !invisibleInName(r) {
			continue
		}
		if (r == 0x200C || r == 0x200D) && i > 0 && i < len(rs)-1 &&
			unicode.Is(unicode.Arabic, rs[i-1]) && unicode.Is(unicode.Arabic, rs[i+1]) {
			continue
		}
		c.add(field, "contains an invisible formatting character (a direction override or a zero-width character)")
		break
	}
	return s
}
