package linkage

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"
)

func TestSecretRoundTrip(t *testing.T) {
	s, err := NewSecret(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteSecret(&buf, s); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSecret(&buf)
	if err != nil || !bytes.Equal(got, s) {
		t.Fatalf("ReadSecret = %x, %v", got, err)
	}
	for _, bad := range []string{"", "hello\n", secretHeader + "\nabcd\n", secretHeader + "\n" + strings.Repeat("zz", 32) + "\n"} {
		if _, err := ReadSecret(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadSecret(%q) accepted", bad)
		}
	}
}

func TestKeyDerivation(t *testing.T) {
	s, _ := ParseSchema(strings.NewReader(minimalSchema))
	k1, _ := deriveKeys(s, testSecret)
	k2, _ := deriveKeys(s, bytes.Repeat([]byte{1}, SecretSize))
	if bytes.Equal(k1.field["given_name"], k2.field["given_name"]) || k1.id == k2.id {
		t.Error("different secrets give the same keys")
	}
	if bytes.Equal(k1.field["given_name"], testSecret) || strings.Contains(k1.id, "5a5a") {
		t.Error("a key is the secret")
	}
	if KeyID(testSecret) != k1.id || len(k1.id) != 32 {
		t.Errorf("key id %q", k1.id)
	}
	if _, err := deriveKeys(s, []byte("short")); err == nil {
		t.Error("short secret accepted")
	}
}
