package normalize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"", " ", "Łukasz O'Brien", "Muhammad Al-Hassan", "al‑Hassan", "Abd al-Rahman ibn Khalid",
	"Олександр Шевченко", "Сергей Фёдоров", "Аляксандр", "محمد الحسن", "عبد الله", "مُحَمَّد",
	"ﻣﺤﻤﺪ ﷲ", "ተስፋዬ ሃብቶም", "Γιώργος Ευάγγελος", "Nguyễn Văn An", "Zia-ul-Haq", "an-Nasser",
	"Ben Ali", "Mohammadreza", "Habib Ullah", "Nur al-Din", "Ahmed NN", "xxx", "N/A",
	"abdulabdul", "alalhassan", "cabdcabd", "\xff\xfe", "Ｍｏｈａｍｍｅｄ", "a-b_c'd`e",
	"ǅemal Ǆ", "ĳ ŉ ﬁ", "李小龍", "Ali\u200cReza", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	"xhxhxh djdj dzhdzh", "yiyiyi jjjj", "ckh qh tschsch", "iyad", "eeh aah",
}

// FuzzFold checks the invariants of Fold, NameTokens, Variant and Key on
// any input: output is [a-z0-9 ] with single spaces, Fold and Name are
// idempotent, name tokens are canonical and keys are lower-case ASCII.
func FuzzFold(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Fold(s)
		checkFolded(t, s, out)
		if m := foldMarked(s); strings.ReplaceAll(m, "-", " ") != out {
			t.Fatalf("foldMarked(%q) = %q, Fold = %q", s, m, out)
		}
		n := Name(s)
		checkFolded(t, s, n)
		if again := Name(n); again != n {
			t.Fatalf("Name not idempotent on %q: %q then %q", s, n, again)
		}
		for _, tok := range NameTokens(s) {
			if tok == "" || strings.Contains(tok, " ") {
				t.Fatalf("NameTokens(%q): bad token %q", s, tok)
			}
			if v := Variant(tok); v != tok {
				t.Fatalf("NameTokens(%q): token %q not canonical (Variant = %q)", s, tok, v)
			}
			k := Key(tok)
			for i := 0; i < len(k); i++ {
				if c := k[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
					t.Fatalf("Key(%q) = %q", tok, k)
				}
			}
		}
		for _, w := range strings.Fields(out) {
			v := Variant(w)
			if again := Variant(v); again != v {
				t.Fatalf("Variant not idempotent on %q: %q then %q", w, v, again)
			}
			if g := generic(w); generic(g) != g {
				t.Fatalf("generic not idempotent on %q: %q then %q", w, g, generic(g))
			}
		}
		_ = SortedTokens(s)
		_, _ = Sex(s)
		_, _ = Country(s)
	})
}

// FuzzParseDate checks that ParseDate never panics, that what it accepts
// is a valid date that String writes back in a form it reads again, and
// that its errors never contain digits of the input.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2009-03-14", "20090314", "2009-03", "2009", "14.03.2009",
		"14/03/2009", "2009-14-03", "2009-02-30", "", "-", "unknown", "~2009", "ca. 2009-01-01",
		"٢٠٠٩-٠٣-١٤", "2009-03-14T10:00:00Z", "00.00.2009", "99999999", "1.1.1", "2009/1/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		dl, _, errl := ParseDateLenient(s)
		if err == nil && (errl != nil || dl != d) {
			t.Fatalf("ParseDateLenient(%q) = %+v, %v; ParseDate = %+v", s, dl, errl, d)
		}
		if err != nil {
			msg := err.Error()
			for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' }) {
				if len(part) >= 2 && strings.Contains(msg, part) {
					t.Fatalf("ParseDate(%q): error %q quotes the input", s, msg)
				}
			}
			return
		}
		switch d.Precision {
		case Unknown:
			if d.Year != 0 || d.Month != 0 || d.Day != 0 {
				t.Fatalf("ParseDate(%q) = %+v", s, d)
			}
			return
		case Year:
			if d.Month != 0 || d.Day != 0 {
				t.Fatalf("ParseDate(%q) = %+v", s, d)
			}
		case Month:
			if d.Month < 1 || d.Month > 12 || d.Day != 0 {
				t.Fatalf("ParseDate(%q) = %+v", s, d)
			}
		case Day:
			if d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > DaysIn(d.Year, d.Month) {
				t.Fatalf("ParseDate(%q) = %+v", s, d)
			}
		}
		back, err := ParseDate(d.String())
		back.Estimated = d.Estimated
		if err != nil || back != d {
			t.Fatalf("ParseDate(%q) = %+v; String %q reads back as %+v, %v", s, d, d.String(), back, err)
		}
		for _, tok := range DateTokens(d) {
			if !utf8.ValidString(tok) || !strings.Contains(tok, ":") {
				t.Fatalf("DateTokens(%+v): bad token %q", d, tok)
			}
		}
	})
}
