package auth

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

func TestRecoveryCodes(t *testing.T) {
	codes, hashes := newRecoveryCodes()
	if len(codes) != RecoveryCodeCount || len(hashes) != RecoveryCodeCount {
		t.Fatalf("%d codes, %d hashes; want %d", len(codes), len(hashes), RecoveryCodeCount)
	}
	shape := regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$`)
	seen := map[string]bool{}
	for i, c := range codes {
		if !shape.MatchString(c) {
			t.Fatalf("code %q is not xxxx-xxxx-xxxx-xxxx in Crockford base32", c)
		}
		if seen[c] {
			t.Fatal("a code repeated")
		}
		seen[c] = true
		canon := normalizeRecoveryCode(c)
		if !bytes.Equal(hashRecoveryCode(canon), hashes[i]) {
			t.Fatalf("hash %d does not match its code", i)
		}
		if len(hashes[i]) != 32 {
			t.Fatalf("hash of %d bytes", len(hashes[i]))
		}
	}
}

func TestNormalizeRecoveryCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"abcd-efgh-jkmn-pqrs", "abcdefghjkmnpqrs"},
		{"ABCD EFGH JKMN PQRS", "abcdefghjkmnpqrs"},
		{"o0il-1234-5678-9abc", "0011123456789abc"}, // o→0, i/l→1
		{"abcd-efgh-jkmn-pqr", ""},                  // too short
		{"abcd-efgh-jkmn-pqrs-t", ""},               // too long
		{"abcd-efgh-jkmn-pqru", ""},                 // u is not in the alphabet
		{"123456", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := normalizeRecoveryCode(tc.in); got != tc.want {
			t.Errorf("normalizeRecoveryCode(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if strings.Count(recoveryAlphabet, "") != 33 {
		t.Fatalf("alphabet of %d symbols, want 32", len(recoveryAlphabet))
	}
}
