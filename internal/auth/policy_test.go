package auth

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name, password, username string
		ok                       bool
	}{
		{"passphrase", "violet tram under lindens", "anna.k", true},
		{"exactly 12", "Gx7!kq2Rz9wL", "anna.k", true},
		{"11 characters", "Gx7!kq2Rz9w", "anna.k", false},
		{"unicode counted as characters", "žąsys ėjo į turgų", "anna.k", true},
		{"cyrillic", "сонячний ранок над Дніпром", "olena", true},
		{"128 characters", strings.Repeat("abcdefgh", 16), "", false}, // repeated unit
		{"128 varied characters", varied(128), "", true},
		{"129 characters", varied(129), "", false},
		{"common", "qwertyuiopasdfgh", "anna.k", false},
		{"common, capitalised", "Qwertyuiopasdfgh", "anna.k", false},
		{"common word with digits", "password2024!", "anna.k", false},
		{"common word with leading digits", "1234password", "anna.k", false},
		{"leet", "P@ssw0rd123456", "anna.k", false},
		{"context word", "Childcentre2025!", "anna.k", false},
		{"regional", "slaptazodis123", "jonas", false},
		{"spaces do not hide a common one", "correct horse battery staple", "x", false},
		{"contains username", "myname-is-anna.k-ok", "anna.k", false},
		{"contains username, other case", "xxANNA.Kyyzz11", "anna.k", false},
		{"repeated unit", "abcabcabcabc", "", false},
		{"few distinct", "aaaaaaaaaaab", "", false},
		{"number run", "123456789012", "", false},
		{"keyboard walk", "1qaz2wsx3edc", "", false},
		{"invalid utf-8", "abcdefghijk\xff", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPassword(NormalizePassword(tc.password), tc.username)
			if (err == nil) != tc.ok {
				t.Fatalf("CheckPassword = %v, want ok=%v", err, tc.ok)
			}
			if err != nil {
				if errs.CodeOf(err) != errs.Invalid || errs.FieldOf(err) != FieldPassword {
					t.Fatalf("error %v: want Invalid on %q", err, FieldPassword)
				}
				if tc.password != "" && strings.Contains(errs.MessageOf(err), tc.password) {
					t.Fatal("the error message contains the password")
				}
			}
		})
	}
}

// varied returns n characters without a repeated unit.
func varied(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString("k" + string(rune('a'+i%26)) + string(rune('0'+i%10)) + string(rune('A'+(i*7)%26)))
	}
	return b.String()[:n]
}

func TestNormalizePassword(t *testing.T) {
	// "å" precomposed and decomposed, full-width digits: one password.
	if NormalizePassword("sm\u00e5 r\u00e5d 12345") != NormalizePassword("sma\u030a ra\u030ad \uff11\uff12\uff13\uff14\uff15") {
		t.Fatal("NFKC does not unify precomposed/decomposed and full-width forms")
	}
	if NormalizePassword("  spaces kept  ") != "  spaces kept  " {
		t.Fatal("NormalizePassword trimmed the password")
	}
}

func TestCommonListLoaded(t *testing.T) {
	if n := len(commonPasswords); n < 2000 {
		t.Fatalf("%d common passwords loaded, want a few thousand", n)
	}
	for _, p := range []string{"123456", "password", "qwerty", "iloveyou", "salasana", "haslo", "passwort", "childcentre"} {
		if _, ok := commonPasswords[p]; !ok {
			t.Errorf("%q missing from the common list", p)
		}
	}
	for p := range commonPasswords {
		if p != strings.ToLower(p) || strings.HasPrefix(p, "#") {
			t.Fatalf("list entry %q is not a lower-case password", p)
		}
	}
}

func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		p := GeneratePassword()
		if utf8.RuneCountInString(p) != GeneratedPasswordLen {
			t.Fatalf("generated %d characters, want %d", len(p), GeneratedPasswordLen)
		}
		for _, r := range p {
			if !strings.ContainsRune(generatedAlphabet, r) {
				t.Fatalf("generated password has %q, outside the alphabet", r)
			}
		}
		if err := CheckPassword(p, "someone"); err != nil {
			t.Fatalf("generated password fails the policy: %v", err)
		}
		if seen[p] {
			t.Fatal("a generated password repeated")
		}
		seen[p] = true
	}
	for _, c := range "0O1lI5S2Z8BuvUV" {
		if strings.ContainsRune(generatedAlphabet, c) {
			t.Errorf("alphabet holds look-alike %q", c)
		}
	}
}

func TestRandomStringUniform(t *testing.T) {
	// Every symbol of a 46-letter alphabet shows up, none wildly often:
	// rejection sampling leaves no bias.
	const n = 46 * 400
	counts := map[rune]int{}
	for _, r := range randomString(generatedAlphabet, n) {
		counts[r]++
	}
	if len(counts) != len(generatedAlphabet) {
		t.Fatalf("%d of %d symbols drawn", len(counts), len(generatedAlphabet))
	}
	for r, c := range counts {
		if c < 250 || c > 560 { // mean 400, sd ≈ 20
			t.Errorf("symbol %q drawn %d times of %d", r, c, n)
		}
	}
}
