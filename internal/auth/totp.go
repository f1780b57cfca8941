package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// TOTP (RFC 6238) as every authenticator app implements it: HMAC-SHA1,
// 6 digits, 30-second steps. One step of clock skew either way is accepted.
const (
	TOTPDigits     = 6
	TOTPPeriod     = 30 // seconds
	TOTPSkew       = 1  // steps accepted before and after the current one
	TOTPSecretSize = 20 // bytes: 160 bits, the HMAC-SHA1 block recommended by RFC 4226
)

// The field name carried by second-factor errors, for the web layer.
const FieldCode = "code"

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a random secret of TOTPSecretSize bytes.
func NewTOTPSecret() []byte {
	b := make([]byte, TOTPSecretSize)
	rand.Read(b)
	return b
}

// EncodeSecret returns secret in unpadded base32, as authenticator apps take it.
func EncodeSecret(secret []byte) string { return b32.EncodeToString(secret) }

// DecodeSecret parses a base32 secret as people copy it: any case, with or
// without padding, spaces or hyphens.
func DecodeSecret(s string) ([]byte, error) {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "=", "").Replace(s))
	b, err := b32.DecodeString(s)
	if err != nil || len(b) < 16 { // RFC 4226: at least 128 bits
		return nil, errs.E(errs.Invalid, "The secret is not a valid base32 second-factor secret.")
	}
	return b, nil
}

// TOTPStep returns the RFC 6238 time step of t.
func TOTPStep(t time.Time) int64 {
	return floorDiv(t.Unix(), TOTPPeriod)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// hotp is RFC 4226's HOTP: dynamic truncation of HMAC-SHA1(key, counter),
// reduced to digits decimal digits.
func hotp(key []byte, counter int64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(counter))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, v%mod)
}

// GenerateCode returns the 6-digit code of a base32 secret at time t.
func GenerateCode(secretBase32 string, t time.Time) (string, error) {
	key, err := DecodeSecret(secretBase32)
	if err != nil {
		return "", err
	}
	return hotp(key, TOTPStep(t), TOTPDigits), nil
}

// ValidateCode checks code against a base32 secret at time t, accepting one
// step of skew either way but no step at or before lastStep (the step of
// the code accepted last), so that each code works once. It returns the
// step the code belongs to, to be stored as the new lastStep.
func ValidateCode(secretBase32, code string, t time.Time, lastStep int64) (step int64, ok bool, err error) {
	key, err := DecodeSecret(secretBase32)
	if err != nil {
		return 0, false, err
	}
	step, ok = validateTOTP(key, code, t, lastStep)
	return step, ok, nil
}

// validateTOTP compares code with every step in the window (without
// stopping at a match, so time does not tell which step matched) and
// returns the latest matching step after lastStep.
func validateTOTP(key []byte, code string, t time.Time, lastStep int64) (int64, bool) {
	code = normalizeCode(code)
	if len(code) != TOTPDigits {
		return 0, false
	}
	now := TOTPStep(t)
	var found int64
	ok := false
	for s := now - TOTPSkew; s <= now+TOTPSkew; s++ {
		match := subtle.ConstantTimeCompare([]byte(hotp(key, s, TOTPDigits)), []byte(code)) == 1
		if match && s > lastStep {
			found, ok = s, true
		}
	}
	return found, ok
}

// normalizeCode removes the spaces and hyphens people type into codes.
func normalizeCode(code string) string {
	return strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(strings.TrimSpace(code))
}

// isTOTPCode reports whether code looks like a TOTP code (digits only)
// rather than a recovery code.
func isTOTPCode(code string) bool {
	code = normalizeCode(code)
	if len(code) != TOTPDigits {
		return false
	}
	_, err := strconv.ParseUint(code, 10, 32)
	return err == nil
}

// OTPAuthURI returns the otpauth:// URI of a TOTP secret for an
// authenticator app (the "Key Uri Format" of Google Authenticator, which the
// other apps follow), drawn as a QR code by the web layer.
func OTPAuthURI(issuer, username string, secret []byte) string {
	label := url.PathEscape(issuer) + ":" + url.PathEscape(username)
	return "otpauth://totp/" + label +
		"?secret=" + EncodeSecret(secret) +
		"&issuer=" + url.QueryEscape(issuer) +
		"&algorithm=SHA1&digits=" + strconv.Itoa(TOTPDigits) +
		"&period=" + strconv.Itoa(TOTPPeriod)
}
