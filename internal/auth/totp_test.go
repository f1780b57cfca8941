package auth

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// rfcKey is the SHA-1 key of RFC 6238 Appendix B.
var rfcKey = []byte("12345678901234567890")

func TestTOTPRFC6238Vectors(t *testing.T) {
	// RFC 6238 Appendix B, SHA-1 column (8 digits); a 6-digit code is the
	// same truncated value modulo 10^6, so its last six digits.
	vectors := []struct {
		unix int64
		code string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	}
	secret := EncodeSecret(rfcKey)
	for _, v := range vectors {
		tm := time.Unix(v.unix, 0).UTC()
		if got := hotp(rfcKey, TOTPStep(tm), 8); got != v.code {
			t.Errorf("T=%d: 8-digit code %s, want %s", v.unix, got, v.code)
		}
		got, err := GenerateCode(secret, tm)
		if err != nil || got != v.code[2:] {
			t.Errorf("T=%d: GenerateCode = %q, %v; want %s", v.unix, got, err, v.code[2:])
		}
	}
}

func TestValidateCode(t *testing.T) {
	secret := EncodeSecret(rfcKey)
	now := time.Unix(1111111111, 0)
	step := TOTPStep(now)
	code := func(d time.Duration) string {
		c, err := GenerateCode(secret, now.Add(d))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		name     string
		code     string
		lastStep int64
		ok       bool
		step     int64
	}{
		{"current", code(0), 0, true, step},
		{"previous step (skew)", code(-30 * time.Second), 0, true, step - 1},
		{"next step (skew)", code(30 * time.Second), 0, true, step + 1},
		{"two steps old", code(-60 * time.Second), 0, false, 0},
		{"two steps ahead", code(60 * time.Second), 0, false, 0},
		{"used: same step", code(0), step, false, 0},
		{"used: later step accepted", code(0), step + 1, false, 0},
		{"previous step after a newer one was used", code(-30 * time.Second), step, false, 0},
		{"spaces typed", code(0)[:3] + " " + code(0)[3:], 0, true, step},
		{"too short", code(0)[:5], 0, false, 0},
		{"letters", "abcdef", 0, false, 0},
		{"empty", "", 0, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := ValidateCode(secret, tc.code, now, tc.lastStep)
			if err != nil || ok != tc.ok || (ok && got != tc.step) {
				t.Fatalf("ValidateCode = %d, %v, %v; want %d, %v", got, ok, err, tc.step, tc.ok)
			}
		})
	}
}

func TestDecodeSecret(t *testing.T) {
	want := EncodeSecret(rfcKey)
	for _, s := range []string{want, strings.ToLower(want), want + "====", "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"} {
		b, err := DecodeSecret(s)
		if err != nil || string(b) != string(rfcKey) {
			t.Errorf("DecodeSecret(%q) = %q, %v", s, b, err)
		}
	}
	for _, s := range []string{"", "not base32!", "GEZDGNBV"} { // the last is too short
		if _, err := DecodeSecret(s); err == nil {
			t.Errorf("DecodeSecret(%q) accepted", s)
		}
	}
	if _, err := GenerateCode("!!", time.Now()); err == nil {
		t.Error("GenerateCode accepted a malformed secret")
	}
}

func TestNewTOTPSecret(t *testing.T) {
	a, b := NewTOTPSecret(), NewTOTPSecret()
	if len(a) != TOTPSecretSize || string(a) == string(b) {
		t.Fatalf("secrets of %d bytes, equal=%v", len(a), string(a) == string(b))
	}
}

func TestOTPAuthURI(t *testing.T) {
	uri := OTPAuthURI("Childcentre SE", "anna.k", rfcKey)
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/Childcentre SE:anna.k" {
		t.Fatalf("URI %s: scheme %q host %q path %q", uri, u.Scheme, u.Host, u.Path)
	}
	q := u.Query()
	want := map[string]string{"secret": EncodeSecret(rfcKey), "issuer": "Childcentre SE", "algorithm": "SHA1", "digits": "6", "period": "30"}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}
	if !strings.HasPrefix(uri, "otpauth://totp/Childcentre%20SE:anna.k?secret=") {
		t.Errorf("URI %s does not start with the label and the secret", uri)
	}
}

func TestIsTOTPCode(t *testing.T) {
	for code, want := range map[string]bool{"123456": true, "123 456": true, "12345": false, "1234567": false, "12a456": false, "abcd-efgh-jkmn-pqrs": false} {
		if isTOTPCode(code) != want {
			t.Errorf("isTOTPCode(%q) = %v", code, !want)
		}
	}
}
