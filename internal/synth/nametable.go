package synth

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// particle marks names written with an article or as a compound, whose
// written form varies independently of the spelling of the base name.
type particle uint8

const (
	noParticle particle = iota
	pAl                 // Arabic article, Levant and Iraq: Al-Hassan
	pEl                 // Arabic article, Maghreb: El Amrani
	pBen                // "son of", Maghreb: Benjelloun
	pAit                // Berber "those of": Ait Ahmed
	pAbd                // "servant of" compounds: Abdul Rahman
	pUllah              // "... of God" compounds: Zabihullah
)

var particleMarks = map[string]particle{"Al": pAl, "El": pEl, "Ben": pBen, "Ait": pAit, "Abd": pAbd, "Ullah": pUllah}

// nameEntry is one name of a name list with the ways it is written.
type nameEntry struct {
	forms []string // Latin spellings of the base name; forms[0] is the usual one
	fold  []string // forms without diacritics; nil when the forms have none
	part  particle
	cyr   *cyrEntry // set for names written originally in Cyrillic
}

// cyrEntry is a name written originally in Cyrillic. Family names differ by
// sex (Іванов, Іванова); index 0 is the female form, 1 the male one.
type cyrEntry struct {
	lang   lang
	orig   [2]string           // Cyrillic original
	rus    [2]string           // Russian-language equivalent ("" when the same as orig or none)
	conv   string              // conventional Latin equivalent used by officials (Alexander), or ""
	lat    [2][nSystems]string // orig transliterated with each system
	rusLat [2][nSystems]string // rus transliterated with each system
}

// Zipf parameters k of the name lists. The lists hold 40–60 names each, far
// fewer than a real population uses, so they are flatter than real name
// frequencies: otherwise unrelated children would share name and year of
// birth far more often than they do in reality. Vietnamese family names keep
// their real skew (Nguyễn about a quarter to a third of all).
const (
	zipfGiven  = 6
	zipfFamily = 15
	zipfSkewed = 1
	zipfMiddle = 0.3
)

// table is a weighted name list. Names are listed by frequency and weighted
// by a Zipf-like law 1/(rank+k): a small k makes a few names very common
// (Nguyễn, Mohammed), a large one flattens the list.
type table struct {
	entries []nameEntry
	cum     []float64 // cumulative weights
}

func newTable(entries []nameEntry, k float64) *table {
	t := &table{entries: entries, cum: make([]float64, len(entries))}
	sum := 0.0
	for i := range entries {
		sum += 1 / (float64(i) + k)
		t.cum[i] = sum
	}
	return t
}

// latin parses a name list: entries separated by ";", spellings of one name
// by "|", the usual spelling first. A prefix "Al:", "El:", "Ben:", "Ait:",
// "Abd:" or "Ullah:" marks a particle or compound; the spellings are then
// those of the base name (Abd:Rahman|Rahmane).
func latin(src string, k float64) *table {
	var es []nameEntry
	for _, raw := range strings.Split(src, ";") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		var e nameEntry
		if mark, rest, ok := strings.Cut(raw, ":"); ok {
			p, known := particleMarks[mark]
			if !known {
				panic("synth: unknown particle mark " + mark)
			}
			e.part, raw = p, rest
		}
		e.forms = strings.Split(raw, "|")
		setFold(&e)
		es = append(es, e)
	}
	return newTable(es, k)
}

// affix derives family names from given names: a particle (Al-Ahmad,
// Ben Moussa), suffixes (Ahmadi, Ahmadzai, Ahmadzada; the first is the usual
// spelling, the others variants), or neither (the father's or grandfather's
// given name used as the family name, as in Somalia, Eritrea and Iraq).
type affix struct {
	part     particle
	suffixes []string
}

// derived returns t extended by family names derived from the plain
// entries of bases with each affix; names already in t are skipped. Real
// populations have thousands of family names; these derivations give the
// long tail that keeps unrelated children apart, in forms that occur.
func derived(t *table, k float64, bases *table, affixes ...affix) *table {
	es := append([]nameEntry(nil), t.entries...)
	seen := map[string]bool{}
	for _, e := range es {
		seen[particleForm(e.part, e.forms[0], 0)] = true
	}
	for _, a := range affixes {
		for _, b := range bases.entries {
			if b.part != noParticle || b.cyr != nil || strings.Contains(b.forms[0], " ") {
				continue
			}
			e := nameEntry{part: a.part}
			if len(a.suffixes) == 0 {
				e.forms = b.forms
			} else {
				for _, f := range b.forms {
					e.forms = append(e.forms, f+a.suffixes[0])
				}
				for _, suf := range a.suffixes[1:] {
					e.forms = append(e.forms, b.forms[0]+suf)
				}
			}
			key := particleForm(a.part, e.forms[0], 0)
			if seen[key] {
				continue
			}
			seen[key] = true
			setFold(&e)
			es = append(es, e)
		}
	}
	return newTable(es, k)
}

// setFold sets e.fold when some spelling of e has diacritics.
func setFold(e *nameEntry) {
	for i, f := range e.forms {
		if g := fold(f); g != f {
			if e.fold == nil {
				e.fold = append([]string(nil), e.forms...)
			}
			e.fold[i] = g
		}
	}
}

// cyrillic parses a list of Cyrillic names: entries separated by ";", each
// "original/russian/conventional" with the last two optional. For family
// names (gendered) the female form is derived with feminine.
func cyrillic(src string, l lang, family bool, k float64) *table {
	var es []nameEntry
	for _, raw := range strings.Split(src, ";") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		parts := strings.Split(raw, "/")
		parts = append(parts, "", "")
		c := &cyrEntry{lang: l, conv: parts[2]}
		c.orig = [2]string{parts[0], parts[0]}
		if parts[1] != "" && parts[1] != parts[0] {
			c.rus = [2]string{parts[1], parts[1]}
		}
		if family {
			c.orig[0] = feminine(parts[0])
			if c.rus[1] != "" {
				c.rus[0] = feminine(c.rus[1])
			}
		}
		for sx := range 2 {
			for sys := range nSystems {
				c.lat[sx][sys] = translit(c.orig[sx], l, sys)
				if c.rus[sx] != "" {
					c.rusLat[sx][sys] = translit(c.rus[sx], langRU, sys)
				}
			}
		}
		es = append(es, nameEntry{forms: []string{c.lat[1][sysNational]}, cyr: c})
	}
	return newTable(es, k)
}

// feminine returns the female form of a Slavic family name: Іванов →
// Іванова, Ковальський → Ковальська, Іваноў → Іванова, Навіцкі → Навіцкая.
// Names in -енко, -чук, -ич and the like do not change.
func feminine(s string) string {
	rules := [][2]string{{"ський", "ська"}, {"цький", "цька"}, {"ский", "ская"}, {"цкий", "цкая"},
		{"скі", "ская"}, {"цкі", "цкая"}, {"ий", "а"}, {"ой", "ая"},
		{"оў", "ова"}, {"аў", "ава"}, {"еў", "ева"}, {"ёў", "ёва"},
		{"ов", "ова"}, {"ев", "ева"}, {"ёв", "ёва"}, {"ін", "іна"}, {"ин", "ина"}, {"ын", "ына"}}
	for _, r := range rules {
		if strings.HasSuffix(s, r[0]) {
			return strings.TrimSuffix(s, r[0]) + r[1]
		}
	}
	return s
}

// fold removes diacritics from Latin letters: Nguyễn → Nguyen, Lăcătuș →
// Lacatus, Çela → Cela. Letters that do not decompose (đ, ł, ø) are mapped.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteRune('d')
		case r == 'Đ':
			b.WriteRune('D')
		case r == 'ł':
			b.WriteRune('l')
		case r == 'Ł':
			b.WriteRune('L')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
