package crypto

import (
	"bytes"
	"encoding/base64"
	"regexp"
	"testing"
	"time"
)

var (
	jsonString = regexp.MustCompile(`"([^"\\]{8,})"`)
	fieldList  = regexp.MustCompile(`\(expected fields: [^)]*\)`)
)

// FuzzParseKeyring feeds the key-file parser arbitrary input: it must not
// panic, must never echo a string of its input longer than a field name in an
// error, and whatever it accepts must survive Marshal and a second parse.
func FuzzParseKeyring(f *testing.F) {
	k := NewKeyring(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	mustRotate(f, k)
	good, _ := k.Marshal()
	f.Add(good)
	f.Add([]byte(base64.StdEncoding.EncodeToString(good)))
	f.Add([]byte(`{"kind":"childcentre-keys","version":1,"data":[],"chain":null}`))
	f.Add([]byte(`{"kind":"childcentre-keys","version":1,"data":[{"id":4294967295,"created":"2026-01-01T00:00:00Z","key":"AAAA"}]}`))
	f.Add([]byte(`{"kind":"childcentre-keys","version":1,"data":[{"id":1,"created":"2026-01-01T00:00:00Z","key":"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="}],"chain":{"created":"2026-01-01T00:00:00Z","key":"AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI="},"index":{"created":"2026-01-01T00:00:00Z","key":"AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM="}}`))
	f.Add([]byte("{"))
	f.Add([]byte(""))
	f.Add([]byte("e30="))
	f.Fuzz(func(t *testing.T, in []byte) {
		kr, err := ParseKeyring(in)
		if err != nil {
			// The parser's own words (the kind, field names) may appear in
			// the input too; anything else of the input must not.
			msg := []byte(err.Error())
			msg = bytes.ReplaceAll(msg, []byte(Kind), nil)
			msg = fieldList.ReplaceAll(msg, nil)
			for _, m := range jsonString.FindAllSubmatch(in, -1) {
				if s := m[1]; bytes.Contains(msg, s) {
					t.Fatalf("error %q echoes input string %q", msg, s)
				}
			}
			return
		}
		b, err := kr.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		kr2, err := ParseKeyring(b)
		if err != nil {
			t.Fatalf("re-parse of Marshal output: %v", err)
		}
		b2, _ := kr2.Marshal()
		if !bytes.Equal(b, b2) {
			t.Fatal("Marshal is not stable across a round trip")
		}
		// An accepted keyring works.
		s := kr.Sealer(PurposeIdentity)
		v, err := s.Seal([]byte("x"), "a")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := kr2.Sealer(PurposeIdentity).Open(v, "a"); err != nil {
			t.Fatal(err)
		}
	})
}
