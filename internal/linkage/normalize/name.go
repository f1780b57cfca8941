package normalize

import (
	"slices"
	"strings"
)

// NameTokens returns the canonical tokens of a personal name (any part:
// given, family, or a whole name in one field), in their original order,
// after Fold, particle handling and variant canonicalisation:
//
//	NameTokens("Muhammad Al-Hassan")  = [muhammad hassan]
//	NameTokens("Mohammed Alhassan")   = [muhammad hassan]
//	NameTokens("Abd al-Rahman")       = [abdulrahman]
//	NameTokens("Олександр Шевченко")  = [alexander shevchenko]
//	NameTokens("Nguyễn Văn An")       = [nguyen van an]
//
// A missing value ("", "-", "unknown", "n/a", "NN", "xxx", "?"; see
// IsMissing) gives no tokens. See doc.go for the particle rules.
func NameTokens(s string) []string {
	m := foldMarked(s)
	if m == "" || missingWhole[m] || missingMulti[strings.ReplaceAll(m, "-", " ")] {
		return nil
	}
	var wbuf [12]word
	ws := splitWords(m, wbuf[:0])
	// The rules below look at canonical words, so that NameTokens gives
	// the same result on its own output (Name is idempotent).
	for i := range ws {
		if !placeholders[ws[i].s] {
			ws[i].v = Variant(ws[i].s)
		}
	}
	out := make([]string, 0, len(ws))
	var hbuf [4]string
	held := hbuf[:0] // dropped particles, used if nothing else is left
	for i := 0; i < len(ws); i++ {
		w := ws[i].v
		if w == "" { // a placeholder
			continue
		}
		var next string
		if i+1 < len(ws) && isName(ws[i+1].v) {
			next = ws[i+1].v
		}
		switch {
		case abdWords[w] && next != "":
			// Abd al-Rahman, Abdul Rahman, Abd Allah: one token, if
			// what follows makes an ʿAbd- name (not "Abdul A").
			j := i + 1
			if (articles[next] || sunArticles[next]) && j+1 < len(ws) && isName(ws[j+1].v) {
				j++
			}
			if r := Variant("abdul" + ws[j].v); len(r) > len("abdul") && !abdWords[r] {
				out = append(out, r)
				i = j
				continue
			}
		case abuWords[w] && next != "":
			j := i + 1
			if (articles[next] || sunArticles[next]) && j+1 < len(ws) && isName(ws[j+1].v) {
				j++
			}
			out = append(out, Variant("abu"+ws[j].v))
			i = j
			continue
		case next != "" && isName(w) && !articles[w] && uddinWords[next]:
			if r := Variant(w + "uddin"); strings.HasSuffix(r, "uddin") {
				out = append(out, r)
				i++
				continue
			}
		case next != "" && isName(w) && !articles[w] && dinArticles[next] &&
			i+2 < len(ws) && dinWords[ws[i+2].v]:
			if r := Variant(w + "uddin"); strings.HasSuffix(r, "uddin") {
				out = append(out, r)
				i += 2
				continue
			}
		case next != "" && isName(w) && !articles[w] && !abdWords[w] && ullahWords[next]:
			if r := Variant(w + "ullah"); strings.HasSuffix(r, "ullah") {
				out = append(out, r)
				i++
				continue
			}
		case w == "ben" && next != "":
			// Maghrebi family names: Ben Ali and Benali are one name.
			out = append(out, Variant(w+next))
			i++
			continue
		case articles[w] || (sunArticles[w] && next != "" && ws[i+1].hyphen &&
			strings.HasPrefix(next, w[1:])):
			if next != "" && ws[i+1].hyphen && inTable(w, next) {
				// A name that only looks like article+name (Arabic
				// الهام, Elham, folds to al-ham).
				out = append(out, Variant(w+next))
				i++
				continue
			}
			held = append(held, w)
			continue
		case connectors[w]:
			held = append(held, w)
			continue
		}
		out = appendSplit(out, w)
	}
	if len(out) == 0 {
		out = append(out, held...)
	}
	// The canonical tokens can spell a missing value that the input did
	// not (Naaa→na): dropping it here keeps NameTokens idempotent.
	out = slices.DeleteFunc(out, func(t string) bool { return placeholders[t] })
	if len(out) == 0 || len(out) == 1 && missingWhole[out[0]] ||
		len(out) == 2 && missingMulti[out[0]+" "+out[1]] {
		return nil
	}
	return out
}

// inTable reports whether a+b is a spelling in the variant table,
// without building the string.
func inTable(a, b string) bool {
	var kb [32]byte
	k := append(append(kb[:0], a...), b...)
	_, ok := variants[string(k)]
	return ok
}

// isName reports whether a canonical word can be part of a compound
// name: not empty (a placeholder) and without digits.
func isName(v string) bool { return v != "" && !hasDigit(v) }

// appendSplit appends the canonical token v, or its two halves when v is
// an unknown token made of an article or a common first given name and a
// known name: Alhassan→hassan, Mohammadreza→muhammad reza.
func appendSplit(out []string, v string) []string {
	if _, ok := variants[v]; ok || len(v) < 5 {
		return append(out, v)
	}
	if (strings.HasPrefix(v, "al") || strings.HasPrefix(v, "el")) && known(v[2:]) {
		return append(out, Variant(v[2:]))
	}
	for _, p := range splitPrefixes {
		if rest, ok := strings.CutPrefix(v, p); ok && len(rest) >= 3 && known(rest) {
			return append(out, Variant(p), Variant(rest))
		}
	}
	return append(out, v)
}

// word is one folded word of a name, and whether a hyphen joined it to
// the word before (al-Hassan).
type word struct {
	s      string // as folded
	v      string // canonical (Variant); "" for a placeholder
	hyphen bool
}

// splitWords splits the output of foldMarked on spaces and hyphens.
func splitWords(m string, dst []word) []word {
	start, hyphen := 0, false
	for i := 0; i <= len(m); i++ {
		if i < len(m) && m[i] != ' ' && m[i] != '-' {
			continue
		}
		if i > start {
			dst = append(dst, word{s: m[start:i], hyphen: hyphen})
		}
		hyphen = i < len(m) && m[i] == '-'
		start = i + 1
	}
	return dst
}

// Name returns NameTokens joined by single spaces.
func Name(s string) string {
	t := NameTokens(s)
	switch len(t) {
	case 0:
		return ""
	case 1:
		return t[0]
	}
	return strings.Join(t, " ")
}

// SortedTokens returns the canonical tokens of a name sorted and without
// duplicates, so that the order of the parts does not matter:
// "Nguyễn Văn An", "An Nguyen Van" and "Van An Nguyen" give the same
// tokens, as do a family-name-first and a given-name-first registration.
func SortedTokens(s string) []string {
	t := NameTokens(s)
	slices.Sort(t)
	return slices.Compact(t)
}

// Keys returns the phonetic key (see Key) of each canonical token of a
// name, in order; tokens whose key is empty are left out.
func Keys(s string) []string {
	t := NameTokens(s)
	out := t[:0]
	for _, tok := range t {
		if k := Key(tok); k != "" {
			out = append(out, k)
		}
	}
	return out
}
