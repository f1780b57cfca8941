package normalize

import (
	"slices"
	"strings"
	"testing"
)

type tokCase struct {
	in   string
	want string // tokens joined by spaces; "" for none
}

func runTokens(t *testing.T, f func(string) []string, name string, cases []tokCase) {
	t.Helper()
	for _, c := range cases {
		if got := strings.Join(f(c.in), " "); got != c.want {
			t.Errorf("%s(%q) = %q, want %q", name, c.in, got, c.want)
		}
	}
}

// Rule 4: the Arabic article, connectors and compounds; European particles.
func TestNameParticles(t *testing.T) {
	runTokens(t, NameTokens, "NameTokens", []tokCase{
		{"Al-Hassan", "hassan"},
		{"Al Hassan", "hassan"},
		{"Alhassan", "hassan"},
		{"El-Hassan", "hassan"},
		{"El Hassan", "hassan"},
		{"al‑Hassan", "hassan"}, // U+2011
		{"AL HASSAN", "hassan"},
		{"Ahmad ash-Shami", "ahmad shami"},
		{"Rashid an-Nasser", "rashid nasir"},
		{"An Nguyen", "an nguyen"}, // Vietnamese An, not the article
		{"Zia-ul-Haq", "zia hak"},
		{"Muhammad bin Salman", "muhammad salman"},
		{"Fatima bint Ahmed", "fatima ahmad"},
		{"Ahmed ibn Ali", "ahmad ali"},
		{"Ben Ali", "benali"},
		{"Benali", "benali"},
		{"Abu Bakr", "abubakar"},
		{"Abubakar", "abubakar"},
		{"Elham Ahmadi", "elham ahmadi"},
		{"الهام", "elham"},
		{"Alina Alexandrova", "alina aleksandrova"},
		{"Ludwig van Beethoven", "ludvig van bitoven"},
		{"Maria de la Cruz", "maria de la kruz"},
		{"Ursula von der Leyen", "ursula von der leien"},
		{"Al", "al"}, // nothing else left: the particle is kept
		{"bin", "bin"},
	})
}

// Rule 5: SortedTokens makes order irrelevant.
func TestSortedTokens(t *testing.T) {
	groups := [][]string{
		{"Nguyễn Văn An", "An Nguyen Van", "Van An Nguyen", "NGUYEN VAN AN", "an, nguyen van"},
		{"Muhammad Al-Hassan", "Al-Hassan Muhammad", "HASSAN, Mohammed", "Alhassan Mohamed"},
		{"Oleksandr Shevchenko", "Шевченко Олександр", "Schewtschenko, Alexander"},
		{"Trần Thị Hoa", "Hoa Tran Thi", "Thi Hoa Tran"},
		{"Mohammadreza Karimi", "Karimi Mohammad Reza", "Mohammad-Reza Karimi"},
		{"Ahmed Ahmed", "Ahmad"}, // duplicates removed
	}
	for _, g := range groups {
		want := SortedTokens(g[0])
		if len(want) == 0 {
			t.Fatalf("SortedTokens(%q) is empty", g[0])
		}
		if !slices.IsSorted(want) {
			t.Errorf("SortedTokens(%q) = %v, not sorted", g[0], want)
		}
		for _, s := range g[1:] {
			if got := SortedTokens(s); !slices.Equal(got, want) {
				t.Errorf("SortedTokens(%q) = %v, want %v (as %q)", s, got, want, g[0])
			}
		}
	}
	// Order is kept by NameTokens.
	if got := Name("An Nguyen Van"); got != "an nguyen van" {
		t.Errorf("Name kept no order: %q", got)
	}
}

// Rule 6: a whole name in one field, and the searches of the registry.
func TestNameWholeField(t *testing.T) {
	runTokens(t, NameTokens, "NameTokens", []tokCase{
		{"Muhammad Al-Hassan", "muhammad hassan"},
		{"Mohammed Alhassan", "muhammad hassan"},
		{"Mohamed El Hassan", "muhammad hassan"},
		{"Muhammad Abd al-Rahman Al-Hassan", "muhammad abdulrahman hassan"},
		{"Oleksandr Shevchenko", "alexander shevchenko"},
		{"Олександр Шевченко", "alexander shevchenko"},
		{"Nguyễn Văn An", "nguyen van an"},
		{"Łukasz Kowalski", "lukash kovalski"},
		{"Lukasz Kowalski", "lukash kovalski"},
		{"Maxamed Cabdi Faarax", "muhammad abdi farah"},
		{"Tesfay Habtom Gebre", "tesfaye habtom gebre"},
		{"Nur al-Din Mahmoud", "nuruddin mahmud"},
		{"Mohammad Nabi Habib Ullah", "muhammad nabi habibullah"},
		{"Ahmed NN", "ahmad"},
		{"XXX Hassan", "hassan"},
	})
	searches := [][2]string{
		{"Mohammed Alhassan", "Muhammad Al-Hassan"},
		{"Oleksandr", "Олександр"},
		{"An Nguyen Van", "Nguyễn Văn An"},
		{"Lukasz", "Łukasz"},
	}
	for _, s := range searches {
		if a, b := SortedTokens(s[0]), SortedTokens(s[1]); !slices.Equal(a, b) {
			t.Errorf("search %q does not find %q: %v vs %v", s[0], s[1], a, b)
		}
	}
}

// Rule 8: missing values give no tokens.
func TestNameMissing(t *testing.T) {
	for _, s := range []string{"", " ", "-", "--", "?", "??", "unknown", "Unknown", "UNKNOWN",
		"n/a", "N/A", "NA", "NN", "N.N.", "xxx", "XX", "x", "none", "null", "FNU", "not known",
		"okänd", "Ukjent", "ukendt", "tuntematon", "unbekannt", "nieznany", "невідомо",
		"неизвестно", "xxx xxx", "NN NN"} {
		if got := NameTokens(s); got != nil {
			t.Errorf("NameTokens(%q) = %v, want none", s, got)
		}
		if !IsMissing(s) {
			t.Errorf("IsMissing(%q) = false", s)
		}
	}
	for _, s := range []string{"Na", "Xu", "Nana", "Ahmed NN", "Ann", "Noor"} {
		if IsMissing(s) && s != "Na" {
			t.Errorf("IsMissing(%q) = true", s)
		}
	}
}

func TestIsParticle(t *testing.T) {
	for _, p := range []string{"van", "von", "de", "di", "da", "le", "der", "thi", "al", "bin"} {
		if !IsParticle(p) {
			t.Errorf("IsParticle(%q) = false", p)
		}
	}
	for _, p := range []string{"hassan", "nguyen", "vanessa", "ali", "ben"} {
		if IsParticle(p) {
			t.Errorf("IsParticle(%q) = true", p)
		}
	}
}

// Name is idempotent and its tokens are folded and canonical.
func TestNameStable(t *testing.T) {
	for _, s := range []string{"Muhammad Al-Hassan", "Abd al-Rahman ibn Khalid", "Олександр",
		"Nguyễn Văn An", "Ben Ali", "Al", "Mohammadreza", "Habib Ullah", "Nur al-Din",
		"Ahmed NN", "Zia-ul-Haq", "an-Nasser", "عبد الله بن محمد", "Alinur", "All Hassan"} {
		n := Name(s)
		checkFolded(t, s, n)
		if again := Name(n); again != n {
			t.Errorf("Name not idempotent on %q: %q then %q", s, n, again)
		}
		for _, tok := range NameTokens(s) {
			if v := Variant(tok); v != tok {
				t.Errorf("NameTokens(%q) token %q is not canonical (Variant = %q)", s, tok, v)
			}
		}
	}
}

func TestKeysOfName(t *testing.T) {
	if got := strings.Join(Keys("Mohammed Al-Hassan"), " "); got != "muhmt hasn" {
		t.Errorf("Keys = %q", got)
	}
	if Keys("unknown") != nil && len(Keys("unknown")) != 0 {
		t.Errorf("Keys of a missing value")
	}
}
