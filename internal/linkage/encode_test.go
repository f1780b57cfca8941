package linkage

import (
	"bytes"
	"math/bits"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
)

// schemaWith returns the minimal schema with a hardening and hash setting.
func schemaWith(t *testing.T, hash, hardening string) *Schema {
	t.Helper()
	src := strings.Replace(minimalSchema, `"id": "id",`, `"id": "id", "hash": "`+hash+`", "hardening": {`+hardening+`},`, 1)
	s, err := ParseSchema(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func encodeOne(t *testing.T, s *Schema, secret []byte, row ...string) []uint64 {
	t.Helper()
	enc, err := NewEncoder(s, secret)
	if err != nil {
		t.Fatal(err)
	}
	f := make([]uint64, enc.Words())
	if err := enc.Encode(append([]string{"id"}, row...), f); err != nil {
		t.Fatal(err)
	}
	return f
}

func popcount(f []uint64) int {
	n := 0
	for _, w := range f {
		n += bits.OnesCount64(w)
	}
	return n
}

func TestEncodeBasics(t *testing.T) {
	for _, hash := range []string{HashHMACSHA256, HashBLAKE2b} {
		s := schemaWith(t, hash, "")
		a := encodeOne(t, s, testSecret, "Anna")
		// Deterministic, and the normaliser (lower) applies.
		if b := encodeOne(t, s, testSecret, "anna"); !slices64Equal(a, b) {
			t.Errorf("%s: encoding is not deterministic", hash)
		}
		// Three bigrams of 10 bits each: at most 30 bits, almost surely more
		// than 20.
		if p := popcount(a); p > 30 || p < 20 {
			t.Errorf("%s: popcount %d for 3 tokens of 10 bits", hash, p)
		}
		// Another secret, another encoding.
		if c := encodeOne(t, s, bytes.Repeat([]byte{1}, SecretSize), "anna"); dice.Dice(a, c) > 0.3 {
			t.Errorf("%s: encodings under different secrets are similar (%.2f)", hash, dice.Dice(a, c))
		}
		// Missing values set no bits.
		if m := encodeOne(t, s, testSecret, ""); popcount(m) != 0 {
			t.Errorf("%s: a missing value set %d bits", hash, popcount(m))
		}
		// Similar names score high, different ones low.
		if d := dice.Dice(encodeOne(t, s, testSecret, "katharina"), encodeOne(t, s, testSecret, "katharine")); d < 0.7 {
			t.Errorf("%s: katharina/katharine Dice %.2f", hash, d)
		}
		if d := dice.Dice(a, encodeOne(t, s, testSecret, "boris")); d > 0.1 {
			t.Errorf("%s: anna/boris Dice %.2f", hash, d)
		}
	}
	// The two algorithms give unrelated encodings.
	if d := dice.Dice(encodeOne(t, schemaWith(t, HashHMACSHA256, ""), testSecret, "anna"), encodeOne(t, schemaWith(t, HashBLAKE2b, ""), testSecret, "anna")); d > 0.3 {
		t.Errorf("hmac and blake2b encodings are similar (%.2f)", d)
	}
}

func slices64Equal(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEncodeFieldBits(t *testing.T) {
	src := strings.Replace(minimalSchema, `"bits_per_token": 10`, `"field_bits": 60`, 1)
	s, err := ParseSchema(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	// A short and a long value set about the same number of bits.
	short := popcount(encodeOne(t, s, testSecret, "al"))
	long := popcount(encodeOne(t, s, testSecret, "alexandrovna"))
	if short < 45 || short > 60 || long < 45 || long > 66 {
		t.Errorf("field_bits 60: short value %d bits, long value %d bits", short, long)
	}
}

func TestHardening(t *testing.T) {
	plain := encodeOne(t, schemaWith(t, HashHMACSHA256, ""), testSecret, "katharina")
	t.Run("rule90", func(t *testing.T) {
		got := encodeOne(t, schemaWith(t, HashHMACSHA256, `"rule90": true`), testSecret, "katharina")
		m := 1024
		bit := func(f []uint64, i int) uint64 { i = (i + m) % m; return f[i/64] >> (i % 64) & 1 }
		for i := range m {
			if want := bit(plain, i-1) ^ bit(plain, i+1); bit(got, i) != want {
				t.Fatalf("bit %d = %d, want %d", i, bit(got, i), want)
			}
		}
	})
	t.Run("xor_fold", func(t *testing.T) {
		s := schemaWith(t, HashHMACSHA256, `"xor_fold": true`)
		got := encodeOne(t, s, testSecret, "katharina")
		if len(got) != 8 || s.EncodedBits() != 512 {
			t.Fatalf("folded length %d words", len(got))
		}
		for i := range 8 {
			if got[i] != plain[i]^plain[i+8] {
				t.Fatalf("word %d not folded", i)
			}
		}
	})
	t.Run("balance", func(t *testing.T) {
		s := schemaWith(t, HashHMACSHA256, `"balance": true`)
		for _, name := range []string{"al", "katharina", "", "alexandrovna-smith"} {
			got := encodeOne(t, s, testSecret, name)
			if len(got) != 32 || popcount(got) != 1024 {
				t.Errorf("%q: balanced encoding has %d words and %d bits set", name, len(got), popcount(got))
			}
		}
	})
	t.Run("blip", func(t *testing.T) {
		s := schemaWith(t, HashHMACSHA256, `"blip": 0.05`)
		a := encodeOne(t, s, testSecret, "katharina")
		b := encodeOne(t, s, testSecret, "katharina")
		if !slices64Equal(a, b) {
			t.Error("BLIP is not reproducible")
		}
		flipped := 0
		for i := range a {
			flipped += bits.OnesCount64(a[i] ^ plain[i])
		}
		if flipped < 25 || flipped > 80 { // expected 51
			t.Errorf("BLIP 0.05 flipped %d of 1024 bits", flipped)
		}
	})
	t.Run("salt", func(t *testing.T) {
		src := `{"format": "childcentre-linkage-schema", "version": 1, "name": "t", "id": "id", "hardening": {"salt": "year"},
		 "fields": [{"name": "given_name", "normalise": "lower", "tokens": [{"kind": "qgram", "bits_per_token": 10}]},
		            {"name": "year", "normalise": "digits", "tokens": [{"kind": "exact", "bits_per_token": 1}]}]}`
		s, err := ParseSchema(strings.NewReader(src))
		if err != nil {
			t.Fatal(err)
		}
		a := encodeOne(t, s, testSecret, "katharina", "2010")
		b := encodeOne(t, s, testSecret, "katharina", "2010")
		c := encodeOne(t, s, testSecret, "katharina", "2011")
		if dice.Dice(a, b) != 1 || dice.Dice(a, c) > 0.3 {
			t.Errorf("salted: same salt Dice %.2f, other salt Dice %.2f", dice.Dice(a, b), dice.Dice(a, c))
		}
	})
}

func TestEncodeColumnErrors(t *testing.T) {
	src := `{"format": "childcentre-linkage-schema", "version": 1, "name": "t", "id": "id",
	 "fields": [{"name": "dob", "normalise": "date", "estimated": "est", "tokens": [{"kind": "date", "parts": ["year"], "bits_per_token": 5}]}]}`
	s, err := ParseSchema(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := NewEncoder(s, testSecret)
	f := make([]uint64, enc.Words())
	for _, tt := range []struct{ dob, est, col string }{
		{"14/03/2010", "0", "dob"},
		{"2010-03-14", "yes", "est"},
	} {
		err := enc.Encode([]string{"1", tt.dob, tt.est}, f)
		ce, ok := err.(*ColumnError)
		if !ok || ce.Column != tt.col {
			t.Errorf("Encode(%q, %q) = %v, want a ColumnError on %s", tt.dob, tt.est, err, tt.col)
		}
	}
	if err := enc.Encode([]string{"1", "2010-03-14", "1"}, f); err != nil {
		t.Error(err)
	}
}
