package normalize

// Word lists of name handling. They are matched against folded words.

// articles: the Arabic article written as its own word or with a hyphen
// (al-Hassan, El Hassan, Zia-ul-Haq). NameTokens drops it.
var articles = canonSet("al el ul")

// sunArticles: the article assimilated to the letter after it (an-Nasser,
// ash-Shami, ar-Rashid). Dropped only when joined by a hyphen to a word
// that starts with the same consonant: "An Nguyen" is a Vietnamese name.
var sunArticles = canonSet("ad an ar as ash at az ath adh ed en er es esh et ez ud un ur us ush ut uz")

// connectors: "son of", "daughter of" (Muhammad bin Salman). Dropped:
// registrars write them or leave them out, so they say nothing about
// identity and would only make two registrations of one child differ.
var connectors = canonSet("bin ibn bint binti binte ibnu")

// abdWords: "servant of" written as its own word, joined with the name
// after it (and the article between): Abd al-Rahman, Abdul Rahman.
var abdWords = canonSet("abd abdul abdel abdal abdol abdoul abdil abdur abdus cabd cabdul")

// abuWords: "father of", joined with the name after it: Abu Bakr.
var abuWords = canonSet("abu abou abo")

// uddinWords: "al-Din" ("of the faith") written as its own word after a
// name: Nur al-Din, Salah Eddine.
var uddinWords = canonSet("uddin eddin eddine addin iddin uddeen aldin eldin udin edin eddeen uddine")

// dinWords: "Din" after an article word: Nur al Din, Nour El Dine.
var dinWords = canonSet("din deen dine diin")

// dinArticles: the article before dinWords.
var dinArticles = canonSet("al el ul ad ud ed id od")

// ullahWords: "Allah" written as its own word after a name: Habib Ullah.
var ullahWords = canonSet("ullah ollah ulla ullo ulloh allah ullahi")

// splitPrefixes: given names often written onto the next one (Persian
// Mohammadreza, Alireza, Afghan Gulahmad, Central Asian Nurali). A token
// that starts with one of these and continues with a known name is split
// in two, so that "Mohammadreza" and "Mohammad Reza" match. Listed in
// their generic spelling (see generic), as they are matched after it.
var splitPrefixes = []string{"muhamad", "mohamad", "mohamed", "muhamed", "ali", "nur", "gul"}

// europeanParticles are kept as tokens: dropping or gluing them would
// damage Vietnamese names, where Văn and Thị are middle names and Lê and
// Đỗ family names ("Nguyễn Văn An" and "An Nguyen Van" must give the same
// tokens), and a kept particle costs little in q-gram comparison. The
// linkage encoder may use IsParticle to give them less weight.
var europeanParticles = canonSet("van von de der den di da du del della delle dello dei degli " +
	"dos das do la le lo ten ter te zu zum zur af av")

// missingWhole: values of a whole field that mean "no value", written
// as typed and compared folded ("N/A" folds to "n a": see missingMulti).
var missingWhole = foldedSet("na nn x xx xxx xxxx xxxxx none null nil unknown unk " +
	"notknown nk fnu lnu tbd tba noname okänd ukjent ukendt óþekkt tuntematon unbekannt " +
	"nieznany nieznana nieznane nežinomas nežinoma nezināms teadmata tundmatu inconnu " +
	"desconocido sconosciuto bilinmiyor невідомо невідомий невідома неизвестно неизвестен " +
	"невядома невядомы مجهول")

// missingMulti: multi-word whole-field values that mean "no value".
var missingMulti = set2("not known", "not stated", "no name", "nomen nescio", "n a", "n n",
	"first name unknown", "last name unknown", "name unknown", "ei tiedossa", "nicht bekannt")

// placeholders: words that stand for a missing part inside a field
// ("Ahmed NN", "XXX Hassan") and are removed wherever they occur.
var placeholders = foldedSet("nn xx xxx xxxx xxxxx unknown unk fnu lnu okänd ukjent ukendt " +
	"tuntematon unbekannt nieznany nieznana nieznane невідомо неизвестно")

func set(words string) map[string]bool {
	m := map[string]bool{}
	start := -1
	for i := 0; i <= len(words); i++ {
		if i == len(words) || words[i] == ' ' {
			if start >= 0 {
				m[words[start:i]] = true
			}
			start = -1
		} else if start < 0 {
			start = i
		}
	}
	return m
}

// foldedSet is set for words that need folding: each word is entered
// under its folded spellings (Cyrillic under both conventions).
func foldedSet(words string) map[string]bool {
	m := map[string]bool{}
	for w := range set(words) {
		for _, k := range tableSpellings(w) {
			m[k] = true
		}
	}
	return m
}

// canonSet is set for the particle words, which NameTokens matches
// against canonical words: each word is entered as written and as the
// generic rules write it (eddine→edine), which is its canonical form.
func canonSet(words string) map[string]bool {
	m := set(words)
	for w := range set(words) {
		m[generic(w)] = true
	}
	return m
}

func set2(phrases ...string) map[string]bool {
	m := map[string]bool{}
	for _, p := range phrases {
		m[p] = true
	}
	return m
}

// IsParticle reports whether a canonical token is a particle that says
// little about identity: the European particles (van, de, von, …) and the
// Vietnamese middle names van and thi, which NameTokens keeps, and the
// Arabic article and connectors (al, el, bin, ibn), which NameTokens drops
// unless nothing else is left. An encoder may give particles fewer bits
// or leave them out of blocking keys.
func IsParticle(token string) bool {
	return europeanParticles[token] || vietnameseMiddle[token] || articles[token] || connectors[token]
}

// vietnameseMiddle: the Vietnamese middle names that mark sex (Văn for
// men, Thị for women) and are shared by a large part of the population.
var vietnameseMiddle = set("van thi")

// IsMissing reports whether a field value means "no value": empty,
// punctuation only ("-", "?"), or one of the placeholders registrars type
// for an unknown name or date ("unknown", "n/a", "NN", "xxx", "FNU", and
// their equivalents in the region's languages: okänd, ukjent, ukendt,
// tuntematon, unbekannt, nieznany, невідомо, неизвестно, …).
func IsMissing(s string) bool {
	m := Fold(s)
	if m == "" || missingWhole[m] || missingMulti[m] {
		return true
	}
	for i := 0; i < len(m); {
		j := i
		for j < len(m) && m[j] != ' ' {
			j++
		}
		if !placeholders[m[i:j]] {
			return false
		}
		i = j + 1
	}
	return true
}
