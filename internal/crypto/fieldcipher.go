package crypto

import (
	"bytes"
	"crypto/cipher"
	"crypto/rand"

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
type FieldCipher struct{ aead cipher.AEAD }

// NewFieldCipher returns a FieldCipher under a 32-byte key.
func NewFieldCipher(key []byte) (*FieldCipher, error) {
	a, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, errs.Wrap(err, "crypto: field cipher")
	}
	return &FieldCipher{aead: a}, nil
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
