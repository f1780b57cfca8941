package crypto

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func testKeyring(t testing.TB) *Keyring {
	t.Helper()
	return NewKeyring(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
}

// rawKeys returns the chain and index keys of k from its key file.
func rawKeys(t *testing.T, k *Keyring) (chain, index []byte) {
	t.Helper()
	b, err := k.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var f keyFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f.Chain.Key, f.Index.Key
}

// rfc5869 is an independent HKDF-SHA256 (RFC 5869, empty salt), so that the
// test pins the labels: renaming one would make every stored value unreadable.
func rfc5869(ikm []byte, info string, n int) []byte {
	ext := hmac.New(sha256.New, make([]byte, sha256.Size))
	ext.Write(ikm)
	prk := ext.Sum(nil)
	var out, t []byte
	for i := byte(1); len(out) < n; i++ {
		m := hmac.New(sha256.New, prk)
		m.Write(t)
		m.Write([]byte(info))
		m.Write([]byte{i})
		t = m.Sum(nil)
		out = append(out, t...)
	}
	return out[:n]
}

func TestDeriveLabels(t *testing.T) {
	k := testKeyring(t)
	chain, index := rawKeys(t, k)
	tests := []struct {
		purpose string
		root    []byte
		n       int
	}{
		{PurposeAuditChain, chain, 32},
		{PurposeCSRF, index, 32},
		{"blind-index/name", index, 16},
		{PurposeAddrPseudonym, index, 64},
	}
	for _, tt := range tests {
		got := k.Derive(tt.purpose, tt.n)
		want := rfc5869(tt.root, "childcentre/v1/derive/"+tt.purpose, tt.n)
		if !bytes.Equal(got, want) {
			t.Errorf("Derive(%q, %d) does not match HKDF-SHA256 under its label", tt.purpose, tt.n)
		}
		// Cached and fresh derivations agree, and callers cannot change the cache.
		got[0] ^= 0xff
		if again := k.Derive(tt.purpose, tt.n); !bytes.Equal(again, want) {
			t.Errorf("Derive(%q) changed after the caller modified a result", tt.purpose)
		}
	}
	if bytes.Equal(k.Derive(PurposeCSRF, 32), k.Derive(PurposeAuditChain, 32)) {
		t.Error("two purposes derive the same key")
	}
	if bytes.Equal(k.Derive(PurposeCSRF, 32), testKeyring(t).Derive(PurposeCSRF, 32)) {
		t.Error("two keyrings derive the same key")
	}
	// Rotating the data keys leaves derived secrets alone: the audit chain and
	// pseudonyms must stay verifiable across rotations.
	before := k.Derive(PurposeAuditChain, 32)
	mustRotate(t, k)
	if !bytes.Equal(before, k.Derive(PurposeAuditChain, 32)) {
		t.Error("Rotate changed the audit chain key")
	}
}

func TestDerivePanicsOnBadInput(t *testing.T) {
	k := testKeyring(t)
	for _, tt := range []struct {
		purpose string
		n       int
	}{{"", 32}, {"Upper", 32}, {"with space", 32}, {"csrf", 0}, {"csrf", 255*32 + 1}, {strings.Repeat("a", 65), 32}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Derive(%q, %d) did not panic", tt.purpose, tt.n)
				}
			}()
			k.Derive(tt.purpose, tt.n)
		}()
	}
}

func TestPseudonym(t *testing.T) {
	k := testKeyring(t)
	_, index := rawKeys(t, k)
	p := k.Pseudonym(PurposeAddrPseudonym, "192.0.2.7")
	if len(p) != PseudonymLen {
		t.Fatalf("pseudonym %q has %d characters, want %d", p, len(p), PseudonymLen)
	}
	m := hmac.New(sha256.New, rfc5869(index, "childcentre/v1/pseudonym/addr-pseudonym", 32))
	m.Write([]byte("192.0.2.7"))
	if want := hex.EncodeToString(m.Sum(nil))[:PseudonymLen]; p != want {
		t.Errorf("pseudonym %s, want %s (HMAC-SHA256 under the pseudonym label)", p, want)
	}
	if p != k.Pseudonym(PurposeAddrPseudonym, "192.0.2.7") {
		t.Error("pseudonym is not stable")
	}
	if p == k.Pseudonym(PurposeAddrPseudonym, "192.0.2.8") {
		t.Error("two addresses share a pseudonym")
	}
	if p == k.Pseudonym("other", "192.0.2.7") {
		t.Error("two purposes share a pseudonym")
	}
	if p == testKeyring(t).Pseudonym(PurposeAddrPseudonym, "192.0.2.7") {
		t.Error("two keyrings give the same pseudonym")
	}
	if strings.Contains(p, "192") {
		t.Error("pseudonym contains the address")
	}
}

func TestBlindIndex(t *testing.T) {
	k := testKeyring(t)
	_, index := rawKeys(t, k)
	b := k.BlindIndex(BlindIndexName, "muhammad")
	if len(b) != BlindIndexLen {
		t.Fatalf("blind index has %d bytes, want %d", len(b), BlindIndexLen)
	}
	m := hmac.New(sha256.New, rfc5869(index, "childcentre/v1/blind-index/name", 32))
	m.Write([]byte("muhammad"))
	if want := m.Sum(nil)[:BlindIndexLen]; !bytes.Equal(b, want) {
		t.Error("blind index is not HMAC-SHA256 under the blind-index label")
	}
	if !bytes.Equal(b, k.BlindIndex(BlindIndexName, "muhammad")) {
		t.Error("blind index is not stable")
	}
	if bytes.Equal(b, k.BlindIndex(BlindIndexName, "mohammed")) {
		t.Error("two tokens share an index")
	}
	if bytes.Equal(b, k.BlindIndex("alias", "muhammad")) {
		t.Error("two purposes share an index")
	}
	// The same purpose in two functions gives unrelated outputs.
	if p := k.Pseudonym(BlindIndexName, "muhammad"); p == hex.EncodeToString(b)[:PseudonymLen] {
		t.Error("Pseudonym and BlindIndex share a key")
	}
}

func TestRotateAndRetire(t *testing.T) {
	k := testKeyring(t)
	clock := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	k.Now = func() time.Time { return clock }
	if id, err := k.Rotate(); err != nil || id != 2 {
		t.Fatalf("Rotate = %d, want 2", id)
	}
	keys := k.Keys()
	if len(keys) != 2 || keys[0].Primary || !keys[1].Primary || !keys[1].Created.Equal(clock) {
		t.Errorf("keys after rotate = %+v", keys)
	}
	if err := k.Retire(2); err == nil {
		t.Error("retired the primary")
	}
	if err := k.Retire(7); err == nil {
		t.Error("retired an absent key")
	}
	if err := k.Retire(1); err != nil {
		t.Fatal(err)
	}
	if id, err := k.Rotate(); err != nil || id != 3 {
		t.Errorf("Rotate after retiring = %d, want 3 (ids are never reused)", id)
	}
	// Ids survive a round trip through the file even when the lowest is gone.
	b, _ := k.Marshal()
	k2, err := ParseKeyring(b)
	if err != nil {
		t.Fatal(err)
	}
	if k2.Primary() != 3 || len(k2.Keys()) != 2 {
		t.Errorf("after round trip: %v", k2)
	}
}

// TestNoKeyMaterialInOutput prints the keyring and a sealer every way a
// program might, and looks for any key in any encoding.
func TestNoKeyMaterialInOutput(t *testing.T) {
	k := testKeyring(t)
	mustRotate(t, k)
	s := k.Sealer(PurposeIdentity)
	if _, err := s.Seal([]byte("x"), "child:1/given_name"); err != nil { // fills the cipher cache
		t.Fatal(err)
	}
	k.Derive(PurposeCSRF, 32) // fills the subkey cache
	file, _ := k.Marshal()
	secrets := secretsOf(t, file)
	// Subkeys are secrets too.
	for _, sub := range [][]byte{k.Derive(PurposeCSRF, 32), k.Derive(PurposeAuditChain, 32)} {
		secrets = append(secrets, hex.EncodeToString(sub)[:12], string(sub))
	}
	type holder struct {
		Keys   *Keyring
		Sealer *Sealer
	}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		outs = append(outs, fmt.Sprintf(verb, k), fmt.Sprintf(verb, s), fmt.Sprintf(verb, holder{k, s}), fmt.Sprintf(verb, &holder{k, s}))
	}
	outs = append(outs, fmt.Sprint(k), fmt.Sprintln(s), k.String(), k.GoString(), s.String())
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("keys", "keyring", k, "sealer", s)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("keys", "keyring", k, "sealer", s)
	outs = append(outs, buf.String())
	if j, err := json.Marshal(holder{k, s}); err == nil {
		outs = append(outs, string(j))
	}
	for _, o := range outs {
		assertNoSecret(t, "output", o, secrets)
	}
	if !strings.Contains(k.String(), "redacted") || !strings.Contains(k.String(), "primary 2") {
		t.Errorf("String() = %q, want ids and a redaction note", k.String())
	}
}

func mustRotate(t testing.TB, k *Keyring) KeyID {
	t.Helper()
	id, err := k.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestRotateExhaustedIDs(t *testing.T) {
	k := testKeyring(t)
	b, _ := k.Marshal()
	b = bytes.Replace(b, []byte(`"id": 1,`), []byte(`"id": 4294967295,`), 1)
	k2, err := ParseKeyring(b)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k2.Rotate(); err == nil {
		t.Error("Rotate wrapped the key id around")
	}
	if k2.Primary() != 4294967295 {
		t.Errorf("primary changed to %d", k2.Primary())
	}
}
