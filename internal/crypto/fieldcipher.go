package crypto

import (
	"bytes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"

	"golang.org/x/crypto/chacha20poly1305"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// PurposeLinkageAtRest derives, from the index key, the key that seals the
// records' linkage encodings at rest (issue 10 M3). It lives with the index
// key, as the encodings do: 'keys rotate-index' recomputes the encodings
// and seals them under the new one, so the data-key rotation never has to
// touch them.
const PurposeLinkageAtRest = "linkage-at-rest"

// fieldMagic starts a value sealed by a FieldCipher. A value without it was
// stored before sealing existed and is returned as it is, until the next
// re-index seals it.
var fieldMagic = []byte{0xCC, 'L', 1}

// FieldCipher seals the values of one column under one key with
// XChaCha20-Poly1305, bound as associated data to the record they belong to.
type FieldCipher struct {
	aead   cipher.AEAD
	macKey []byte
}

// NewFieldCipher returns a FieldCipher under a 32-byte key.
func NewFieldCipher(key []byte) (*FieldCipher, error) {
	a, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, errs.Wrap(err, "crypto: field cipher")
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("childcentre field mac"))
	return &FieldCipher{aead: a, macKey: m.Sum(nil)}, nil
}

// Seal returns magic | nonce | ciphertext of v bound to aad.
func (f *FieldCipher) Seal(v []byte, aad string) []byte {
	out := make([]byte, len(fieldMagic)+nonceLen, len(fieldMagic)+nonceLen+len(v)+tagLen)
	copy(out, fieldMagic)
	rand.Read(out[len(fieldMagic):])
	return f.aead.Seal(out, out[len(fieldMagic):], v, append(append([]byte(nil), fieldMagic...), aad...))
}

// Open returns the value sealed in v for aad; a value stored before sealing
// existed (no magic) is returned unchanged.
func (f *FieldCipher) Open(v []byte, aad string) ([]byte, error) {
	if !bytes.HasPrefix(v, fieldMagic) {
		return v, nil
	}
	if len(v) < len(fieldMagic)+nonceLen+tagLen {
		return nil, errs.E(errs.Internal, "crypto: sealed field too short")
	}
	nonce := v[len(fieldMagic) : len(fieldMagic)+nonceLen]
	pt, err := f.aead.Open(nil, nonce, v[len(fieldMagic)+nonceLen:], append(append([]byte(nil), fieldMagic...), aad...))
	if err != nil {
		return nil, errs.E(errs.Internal, "crypto: a sealed field does not open (another key, or moved to another record)")
	}
	return pt, nil
}

// PurposeNationalRefAtRest derives, from the index key, the key that keeps
// national references at rest: a keyed hash for lookups, a sealed copy for
// reading (issue 10 M3).
const PurposeNationalRefAtRest = "national-ref-at-rest"

// Mac returns a keyed hash of v, under a key of its own derived from the
// cipher's, as text: "k1:" and 22 characters of base64url (128 bits). Equal
// values give equal hashes, so a column of them serves lookups and
// uniqueness without holding the values.
func (f *FieldCipher) Mac(v string) string {
	m := hmac.New(sha256.New, f.macKey)
	m.Write([]byte(v))
	return "k1:" + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}
