package i18n

import "testing"

func TestPluralForm(t *testing.T) {
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 0, "other"}, {"en", 1, "one"}, {"en", 2, "other"},
		{"de", 1, "one"}, {"de", 21, "other"},
		{"sv", 1, "one"}, {"sv", 5, "other"},
		{"pl", 0, "many"}, {"pl", 1, "one"}, {"pl", 2, "few"}, {"pl", 4, "few"}, {"pl", 5, "many"},
		{"pl", 11, "many"}, {"pl", 12, "many"}, {"pl", 14, "many"}, {"pl", 21, "many"},
		{"pl", 22, "few"}, {"pl", 24, "few"}, {"pl", 25, "many"}, {"pl", 112, "many"}, {"pl", 122, "few"},
		{"ru", 1, "one"}, {"ru", 21, "one"}, {"ru", 11, "many"}, {"ru", 3, "few"}, {"ru", 13, "many"}, {"ru", 5, "many"},
		{"lt", 1, "one"}, {"lt", 11, "other"}, {"lt", 21, "one"}, {"lt", 2, "few"}, {"lt", 12, "other"}, {"lt", 10, "other"},
		{"lv", 0, "zero"}, {"lv", 1, "one"}, {"lv", 11, "zero"}, {"lv", 21, "one"}, {"lv", 2, "other"},
		{"is", 1, "one"}, {"is", 11, "other"}, {"is", 21, "one"}, {"is", 2, "other"},
		{"fi", 1, "one"}, {"da", 2, "other"},
	} {
		if got := PluralForm(tc.lang, tc.n); got != tc.want {
			t.Errorf("PluralForm(%s, %d) = %s, want %s", tc.lang, tc.n, got, tc.want)
		}
	}
}

func TestTranslate(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	c.OnMissing(func(lang, key string) { missing = append(missing, lang+":"+key) })
	for _, tc := range []struct {
		lang, key string
		args      []any
		want      string
	}{
		{"en", "users.count", []any{"n", 1}, "1 user"},
		{"en", "users.count", []any{"n", 3}, "3 users"},
		{"pl", "audit.count", []any{"n", 1}, "1 wpis"},
		{"pl", "audit.count", []any{"n", 3}, "3 wpisy"},
		{"pl", "audit.count", []any{"n", 5}, "5 wpisów"},
		{"pl", "audit.count", []any{"n", 22}, "22 wpisy"},
		{"de", "audit.page_of", []any{"page", 2, "pages", 7}, "Seite 2 von 7"},
		{"sv", "layout.node", []any{"country", "SE"}, "Nationell nod SE"},
		{"xx", "signin.title", nil, "Sign in"}, // unsupported: English
		{"en", "no.such.key", nil, "no.such.key"},
	} {
		if got := c.Translator(tc.lang).T(tc.key, tc.args...); got != tc.want {
			t.Errorf("%s %s %v = %q, want %q", tc.lang, tc.key, tc.args, got, tc.want)
		}
	}
	if len(missing) != 1 || missing[0] != "en:no.such.key" {
		t.Errorf("missing keys reported: %v", missing)
	}
}

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct{ user, accept, fallback, want string }{
		{"", "", "en", "en"},
		{"", "", "sv", "sv"},
		{"pl", "de", "en", "pl"},
		{"xx", "de", "en", "de"},
		{"", "de-AT", "en", "de"},
		{"", "sv-FI;q=0.3, pl-PL;q=0.7", "en", "pl"},
		{"", "fr;q=1, de;q=0", "sv", "sv"},
		{"", "nb, da, sv;q=0.1", "en", "no"},
		{"", "fr, et;q=0.5", "en", "et"},
		{"", "ru-RU", "en", "ru"},
		{"", "en-GB", "de", "en"},
		{"", "a;q=x", "de", "de"},
		{"", "", "xx", "en"},
	} {
		if got := Negotiate(tc.user, tc.accept, tc.fallback); got != tc.want {
			t.Errorf("Negotiate(%q, %q, %q) = %s, want %s", tc.user, tc.accept, tc.fallback, got, tc.want)
		}
	}
}

// TestFill fills placeholders as the strings.Replacer it replaced did.
func TestFill(t *testing.T) {
	for _, tc := range []struct {
		text string
		args []any
		want string
	}{
		{"no placeholders", []any{"n", 1}, "no placeholders"},
		{"{n} of {m}", []any{"n", 1, "m", "two"}, "1 of two"},
		{"{n}{n}", []any{"n", 7}, "77"},
		{"{unknown} {n}", []any{"n", 7}, "{unknown} 7"},
		{"{{n}}", []any{"n", 7}, "{7}"},
		{"open { and {n", []any{"n", 7}, "open { and {n"},
		{"{n}", []any{"n", 1, "n", 2}, "1"}, // the first wins
		{"{x}", []any{"x", 2.5}, "2.5"},
		{"{}", []any{"", "empty"}, "empty"},
		{"tail {n", []any{"n"}, "tail {n"}, // a name without a value
	} {
		if got := fill(tc.text, tc.args); got != tc.want {
			t.Errorf("fill(%q, %v) = %q, want %q", tc.text, tc.args, got, tc.want)
		}
	}
}
