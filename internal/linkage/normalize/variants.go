package normalize

import "strings"

// The variant table maps folded spellings of known names to one canonical
// spelling. It is written as groups (variants_*.go): the first word of a
// group is the canonical token, the others its variants, in Latin,
// Cyrillic or Arabic script. Each word is entered under its folded
// spelling (for Cyrillic, under both conventions, see chooseCyrMode) and
// under that spelling after the generic rules, so that unseen spellings
// that the rules bring to a known one find it too. A word written with a
// leading '=' is entered only under its exact folded spelling: for the
// few names whose generic form is that of a different name (Sayyid and
// Said both give "said"; Salah and Saleh both give "sala").
//
// Conflicts (one key claimed by two groups) are collected in
// variantConflicts; a test keeps the list empty.
var variants, variantConflicts = buildVariants()

// variantGroups are the tables of all origins.
var variantGroups = [][]string{arabicGroups, persianSomaliGroups, slavicGroups, otherGroups}

func buildVariants() (map[string]string, []string) {
	m := make(map[string]string, 4096)
	var conflicts []string
	add := func(k, c string) {
		if k == "" {
			return
		}
		if old, ok := m[k]; ok && old != c {
			conflicts = append(conflicts, k+": "+old+" / "+c)
			return
		}
		m[k] = c
	}
	for _, groups := range variantGroups {
		for _, g := range groups {
			words := strings.Fields(g)
			canon := strings.TrimPrefix(words[0], "=")
			for _, w := range words {
				exact := strings.HasPrefix(w, "=")
				for _, k := range tableSpellings(strings.TrimPrefix(w, "=")) {
					add(k, canon)
					if !exact {
						add(generic(k), canon)
					}
				}
			}
		}
	}
	return m, conflicts
}

// tableSpellings returns the folded spellings of one table word, spaces
// removed (Arabic الهام folds to "al ham"). A Cyrillic word is folded under
// both conventions, because the convention of a registration depends on
// the other words in its field.
func tableSpellings(w string) []string {
	a := strings.ReplaceAll(Fold(w), " ", "")
	cyr := false
	for _, r := range w {
		if r >= 0x400 && r < 0x530 {
			cyr = true
			break
		}
	}
	if !cyr {
		return []string{a}
	}
	f := folder{cyr: cyrG}
	f.run(w)
	return []string{a, strings.ReplaceAll(f.b.String(), " ", "")}
}
