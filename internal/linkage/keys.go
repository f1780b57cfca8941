package linkage

import (
	"bufio"
	"bytes"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// SecretSize is the length in bytes of a linkage secret.
const SecretSize = 32

// secretHeader is the first line of a secret file, so that a secret is never
// mistaken for another kind of key file.
const secretHeader = "childcentre-linkage-secret v1"

// hkdfSalt separates this package's keys from any other use of the secret.
var hkdfSalt = []byte("childcentre/linkage/v1")

// NewSecret reads SecretSize random bytes from rand (crypto/rand.Reader).
func NewSecret(rand io.Reader) ([]byte, error) {
	s := make([]byte, SecretSize)
	if _, err := io.ReadFull(rand, s); err != nil {
		return nil, errs.Wrap(err, "linkage: random secret")
	}
	return s, nil
}

// WriteSecret writes secret in the secret-file format: a header line and the
// secret in hex.
func WriteSecret(w io.Writer, secret []byte) error {
	if len(secret) != SecretSize {
		return errs.E(errs.Invalid, "linkage: a secret has %d bytes", SecretSize)
	}
	_, err := io.WriteString(w, secretHeader+"\n"+hex.EncodeToString(secret)+"\n")
	return errs.Wrap(err, "linkage: write secret")
}

// ReadSecret reads a secret file written by WriteSecret.
func ReadSecret(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, 4096))
	if err != nil {
		return nil, errs.Wrap(err, "linkage: read secret")
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	var lines []string
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) != 2 || lines[0] != secretHeader {
		return nil, errs.E(errs.Invalid, "secret file: not a linkage secret (create one with 'childcentre keys new')")
	}
	s, err := hex.DecodeString(lines[1])
	if err != nil || len(s) != SecretSize {
		return nil, errs.E(errs.Invalid, "secret file: the secret must be %d bytes in hex", SecretSize)
	}
	return s, nil
}

// keySet holds the keys derived from a secret for one schema. The secret
// itself is not kept.
type keySet struct {
	field    map[string][]byte // by Field.Key
	hardness []byte            // seeds the permutation and BLIP
	id       string            // key fingerprint written to encoding files
}

// deriveKeys derives every key a schema needs from the secret with HKDF-
// SHA256. Each field key's info names the schema, the hash and the field's
// key label, so that no two fields, schemas or algorithms share a key unless
// a schema says so (Field.Key).
func deriveKeys(s *Schema, secret []byte) (*keySet, error) {
	if len(secret) < 16 {
		return nil, errs.E(errs.Invalid, "linkage: the secret is too short")
	}
	derive := func(info string) []byte {
		k, err := hkdf.Key(sha256.New, secret, hkdfSalt, info, 32)
		if err != nil {
			panic("linkage: hkdf: " + err.Error()) // only for absurd lengths
		}
		return k
	}
	ks := &keySet{field: map[string][]byte{}}
	for _, f := range s.Fields {
		if _, ok := ks.field[f.Key]; !ok {
			ks.field[f.Key] = derive("field\x00" + s.Name + "\x00" + s.Hash + "\x00" + f.Key)
		}
	}
	ks.hardness = derive("hardening\x00" + s.Name)
	ks.id = KeyID(secret)
	return ks, nil
}

// KeyID returns the fingerprint of a secret: 16 bytes derived with HKDF under
// their own label, in hex. It identifies which secret made an encoding file,
// so that files made under different secrets are refused, and reveals nothing
// about the secret.
func KeyID(secret []byte) string {
	k, err := hkdf.Key(sha256.New, secret, hkdfSalt, "key-id", 16)
	if err != nil {
		panic("linkage: hkdf: " + err.Error())
	}
	return hex.EncodeToString(k)
}
