package tokens

import (
	"regexp"
	"testing"
)

var secretForm = regexp.MustCompile(`^cct_[a-z2-7]{58}$`)

// TestSecrets: secrets are distinct, of the documented form, and the
// checksum tells every one-character change from a real secret.
func TestSecrets(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		s := newSecret()
		if !secretForm.MatchString(s) || len(s) != secretLen || !wellFormed(s) || seen[s] {
			t.Fatalf("secret %q: form %v, well formed %v, repeated %v", s, secretForm.MatchString(s), wellFormed(s), seen[s])
		}
		seen[s] = true
	}
	s := newSecret()
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	for i := len(SecretPrefix); i < len(s); i++ {
		for _, c := range alphabet {
			if byte(c) == s[i] {
				continue
			}
			m := s[:i] + string(c) + s[i+1:]
			// The last character carries padding bits of the base32 group;
			// changing only those leaves the same bytes.
			if wellFormed(m) && i != len(s)-1 {
				t.Errorf("changing character %d of a secret keeps it well formed", i)
			}
		}
	}
	for _, bad := range []string{"", "cct_", "cct_" + s[4:len(s)-1], s + "a", "xct_" + s[4:], "CCT_" + s[4:], s[:10] + "0" + s[11:], s[:10] + "!" + s[11:]} {
		if wellFormed(bad) {
			t.Errorf("wellFormed(%q) = true", bad)
		}
	}
}
