package auth

import (
	"crypto/sha256"
	"strings"
)

// Recovery codes replace the second factor when the phone is lost. Each
// works once; a user gets RecoveryCodeCount at enrolment and may replace
// them all (RegenerateRecoveryCodes).
//
// A code is 16 symbols of Crockford's base32 (no I, L, O, U), shown as
// xxxx-xxxx-xxxx-xxxx: 80 bits from crypto/rand. They are stored as plain
// SHA-256 hashes, not Argon2id: a slow hash protects guessable secrets, and
// these are not guessable. Exhausting 2^80 SHA-256 hashes is out of reach
// (a million GPUs at 10^10 hashes a second would need about four years per
// code), and a recovery code is only ever the second factor, useless
// without the Argon2id-protected password. A fast hash also lets the store
// look a code up directly instead of trying every stored hash.
const (
	RecoveryCodeCount  = 10
	recoveryCodeLen    = 16
	recoveryGroupLen   = 4
	recoveryAlphabet   = "0123456789abcdefghjkmnpqrstvwxyz" // Crockford's base32, lower case
	recoveryHashDomain = "childcentre recovery code v1\x00"
)

// newRecoveryCodes returns RecoveryCodeCount fresh codes (for the user) and
// their hashes (for the store).
func newRecoveryCodes() (codes []string, hashes [][]byte) {
	for range RecoveryCodeCount {
		raw := randomString(recoveryAlphabet, recoveryCodeLen)
		var b strings.Builder
		for i := 0; i < len(raw); i += recoveryGroupLen {
			if i > 0 {
				b.WriteByte('-')
			}
			b.WriteString(raw[i : i+recoveryGroupLen])
		}
		codes = append(codes, b.String())
		hashes = append(hashes, hashRecoveryCode(raw))
	}
	return codes, hashes
}

// normalizeRecoveryCode maps a typed code onto the canonical form: lower
// case, without separators, with the letters Crockford's base32 reads as
// digits (i, l → 1; o → 0). It returns "" when the result cannot be a code.
func normalizeRecoveryCode(code string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(code) {
		switch {
		case r == '-' || r == ' ' || r == '\t':
			continue
		case r == 'i' || r == 'l':
			r = '1'
		case r == 'o':
			r = '0'
		}
		if !strings.ContainsRune(recoveryAlphabet, r) {
			return ""
		}
		b.WriteRune(r)
	}
	if b.Len() != recoveryCodeLen {
		return ""
	}
	return b.String()
}

// hashRecoveryCode returns the stored form of a canonical recovery code.
func hashRecoveryCode(canonical string) []byte {
	h := sha256.Sum256([]byte(recoveryHashDomain + canonical))
	return h[:]
}
