package normalize

import (
	"strings"
)

// Variant returns the canonical spelling of one folded token
// ("mohammed"→"muhammad", "Олександр" folded→"alexander").
//
// A spelling the variant table lists is looked up directly. Otherwise
// Variant works in three steps. Compound names are taken apart first: the
// ʿAbd- names (Abd al-Rahman, Abdelrahman, Abdurrahman, Abdirahman all give
// abdulrahman), the -uddin names (Nur al-Din, Noureddine→nuruddin) and
// the -ullah names (Habibollah, Habib Ullah→habibullah). Then the generic
// rewrite rules (see generic) bring transliteration variants to one
// spelling, so that variants the table has never seen still converge.
// Last, the variant table (variants_*.go) maps the rewritten spelling of a
// known name to its canonical spelling. A token the table does not know
// is returned in its rewritten form, which is why canonical tokens of
// unknown names can look odd (Schewtschenko→shevchenko is fine,
// Warsame→varsame less so): they are for matching, not for display.
//
// Variant is idempotent: Variant(Variant(t)) == Variant(t). Tokens with
// digits are returned unchanged. A token that is not folded is folded
// first and its spaces removed.
func Variant(token string) string {
	if !isToken(token) {
		token = strings.ReplaceAll(Fold(token), " ", "")
	}
	if token == "" || hasDigit(token) {
		return token
	}
	v, kind := variantOnce(token)
	// The compound and generic rules can turn a token into one that
	// they would rewrite again (abdulaa→abdula→abdullah); a few more
	// rounds make Variant idempotent. Table values are fixed points, and
	// so is the output of generic unless it has a compound's shape.
	for range 4 {
		if kind == fromTable {
			break
		}
		if kind == fromGeneric {
			if _, ok := compound(v); !ok {
				break
			}
		}
		var next string
		next, kind = variantOnce(v)
		if next == v {
			break
		}
		v = next
	}
	return v
}

// Where a round of Variant took its result from.
const (
	fromTable = iota
	fromCompound
	fromGeneric
)

// variantOnce is one round of Variant.
func variantOnce(token string) (string, int) {
	if c, ok := variants[token]; ok {
		return c, fromTable
	}
	if v, ok := compound(token); ok {
		return v, fromCompound
	}
	g := generic(token)
	if c, ok := variants[g]; ok {
		return c, fromTable
	}
	return g, fromGeneric
}

// isToken reports whether t is one folded token: [a-z0-9]+.
func isToken(t string) bool {
	for i := 0; i < len(t); i++ {
		if c := t[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func hasDigit(t string) bool {
	for i := 0; i < len(t); i++ {
		if '0' <= t[i] && t[i] <= '9' {
			return true
		}
	}
	return false
}

// known reports whether t is a name of the variant table.
func known(t string) bool {
	if _, ok := variants[t]; ok {
		return true
	}
	_, ok := variants[generic(t)]
	return ok
}

// compound takes apart the compound Arabic names whose parts are written
// together, apart, or with hyphens: "abdul" + X, X + "uddin", X + "ullah",
// each with X canonicalised.
func compound(t string) (string, bool) {
	switch {
	case strings.HasPrefix(t, "abd"):
		return abdName(t[3:])
	case strings.HasPrefix(t, "cabd"): // Somali spelling: c is the ʿayn
		return abdName(t[4:])
	}
	if len(t) < 6 {
		return "", false
	}
	tail := t[len(t)-6:]
	if last := t[len(t)-1]; (last == 'n' || last == 'e') && strings.IndexByte(tail, 'd') >= 0 {
		for _, suf := range uddinSuffixes {
			if stem, ok := strings.CutSuffix(t, suf); ok && len(stem) >= 3 {
				return Variant(stem) + "uddin", true
			}
		}
	}
	if strings.Contains(tail, "ll") {
		for _, suf := range ullahSuffixes {
			if stem, ok := strings.CutSuffix(t, suf); ok && len(stem) >= 3 {
				return Variant(stem) + "ullah", true
			}
		}
	}
	return "", false
}

// uddinSuffixes are the spellings of "al-Din" ("of the faith") written
// onto a name: Nureddin, Salahuddin, Alaeddine, Fahrudin. (Not -udine:
// Claudine.)
var uddinSuffixes = []string{
	"uddeen", "eddine", "uddine", "addine", "aldeen", "eldeen", "eddeen",
	"aldin", "eldin", "uldin", "uddin", "eddin", "addin", "iddin", "oddin",
	"udeen", "edeen", "edine", "udin", "edin", "adin", "idin",
}

// ullahSuffixes are the spellings of "Allah" written onto a name, common
// in Afghanistan: Habibullah, Ezatollah, Nurulla, Abdulloh (Tajik).
// Not -olla or -alla: Nikolla, Stella.
var ullahSuffixes = []string{"ullahi", "ollahi", "ullah", "ollah", "allah", "ulloh", "ullo", "ulla"}

// allahForms are the ways the second half of Abdullah is written after
// "abd" and the article, as typed and as the generic rules write them
// (allah→ala).
var allahForms = withGeneric(map[string]bool{
	"lah": true, "llah": true, "la": true, "lla": true, "lahi": true, "llahi": true,
	"lh": true, "llh": true, "allah": true, "ullah": true, "ellah": true, "illah": true,
	"ulla": true, "alla": true, "ella": true, "illa": true, "ullahi": true, "illahi": true,
	"ullaahi": true, "illaahi": true, "ollah": true, "olla": true,
})

func withGeneric(m map[string]bool) map[string]bool {
	out := make(map[string]bool, 2*len(m))
	for k := range m {
		out[k], out[generic(k)] = true, true
	}
	return out
}

// abdName canonicalises an ʿAbd- name from what follows "abd": a linking
// vowel, the article (ul, el, al), an article assimilated to the next
// letter (Abdurrahman, Abdussalam) or nothing (Abdrahman, Abdirahman).
// Where the split is ambiguous (Abdulatif: ul+atif or u+latif), the
// reading whose second part is one of the divine names (abdNames) wins.
func abdName(rest string) (string, bool) {
	var cands [4]string
	n := 0
	isV := func(i int) bool { return i < len(rest) && isVowel(rest[i]) }
	v := 0 // length of the linking vowel
	if isV(0) {
		v = 1
		if rest[0] == 'o' && isV(1) { // Abdoul-
			v = 2
		}
	}
	if v > 0 && v < len(rest) && rest[v] == 'l' {
		cands[n] = rest[v+1:] // article: Abd-ul-Rahman
		n++
	}
	if v > 0 && v+1 < len(rest) && !isVowel(rest[v]) && rest[v+1] == rest[v] {
		cands[n] = rest[v+1:] // assimilated article: Abd-ur-Rahman
		n++
	}
	if v > 0 {
		cands[n] = rest[v:] // linking vowel: Abdi-rahman
		n++
	} else {
		cands[n] = rest // Abd-rahman
		n++
	}
	for _, c := range cands[:n] {
		if allahForms[c] {
			return "abdullah", true
		}
	}
	for _, c := range cands[:n] {
		if len(c) >= 3 && abdNames[Variant(c)] {
			return "abdul" + Variant(c), true
		}
	}
	for i, c := range cands[:n] {
		// The article reading (the first candidate when the token
		// has one) is taken even for a short name, so that the
		// canonical "abdul"+X reads back as X.
		if len(c) >= 3 || i == 0 && v > 0 && len(c) > 0 && rest[v] == 'l' {
			return "abdul" + Variant(c), true
		}
	}
	return "", false
}

// abdNames are the canonical tokens of the names that follow ʿAbd
// ("servant of"): the divine names, and the Shia names Abd al-Hussein,
// Abd al-Zahra, Abd al-Nabi.
var abdNames map[string]bool

// init builds abdNames with Variant, which itself consults abdNames (for
// names that start with abd, none of which are in the list): a package
// variable initialiser would be an initialisation cycle.
func init() { abdNames = buildAbdNames() }

func buildAbdNames() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`rahman rahim karim aziz latif qadir majid hamid
		wahid wahab wahhab razzaq razaq salam sattar ghafur ghafar hakim halim jabbar jalil
		jamil khaliq malik mannan matin mumin muhsin nasir nur qahhar qayyum quddus rauf
		rashid samad shakur wadud wali wasi baqi bari basit fattah ghani hadi haq hafiz hai
		kabir mujib muizz nafi raqib sami ahad alim azim muttalib ali hussein zahra nabi
		rasul amir rida hamid jawad jalal rafi`) {
		m[Variant(n)] = true
	}
	return m
}
