package crypto

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"golang.org/x/crypto/chacha20poly1305"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// A sealed value is
//
//	version (1 byte, 1) | key id (4 bytes, big-endian) | nonce (24 bytes) | ciphertext and tag
//
// sealed with XChaCha20-Poly1305 under a key derived from the data key with
// the Sealer's purpose. The associated data is the 5-byte header followed by
// the caller's aad, so neither the key id nor the binding to record and field
// can be changed without Open failing. A random 24-byte nonce never repeats in
// practice, however many values one key seals.
const (
	sealVersion  = 1
	headerLen    = 1 + 4
	nonceLen     = chacha20poly1305.NonceSizeX
	tagLen       = chacha20poly1305.Overhead
	sealOverhead = headerLen + nonceLen + tagLen
)

// The documented constant must agree with the layout.
var _ [Overhead - sealOverhead]struct{}
var _ [sealOverhead - Overhead]struct{}

// Overhead is how many bytes a sealed value is longer than its plaintext:
// 5 bytes of header, 24 of nonce and 16 of authentication tag.
const Overhead = 45

// ErrOpen is wrapped by every error of Open on a value that does not open:
// altered, truncated, moved to another record or field (wrong aad), or sealed
// for another purpose. Test for it with errors.Is.
var ErrOpen = errors.New("sealed value does not open")

// ErrUnknownKey is wrapped by errors of Open on a value sealed under a data
// key the keyring does not hold (retired, or from another node's key file).
var ErrUnknownKey = errors.New("sealed under a key the keyring does not hold")

// Sealer encrypts values at rest for one purpose, bound to their place by the
// associated data. It is safe for concurrent use and follows rotations of its
// Keyring. It satisfies auth.Sealer.
type Sealer struct {
	k       *Keyring
	purpose string
	aeads   sync.Map // KeyID -> cipher.AEAD
}

// Sealer returns the sealer of purpose (PurposeIdentity, PurposeTOTP, ...).
// Values sealed for one purpose do not open under another. It panics on a
// malformed purpose label (see Derive).
func (k *Keyring) Sealer(purpose string) *Sealer {
	checkPurpose("seal/" + purpose)
	return &Sealer{k: k, purpose: purpose}
}

// aead returns the cipher of data key id, or nil if the keyring does not
// hold it (any more).
func (s *Sealer) aead(id KeyID) cipher.AEAD {
	s.k.mu.RLock()
	d, ok := s.k.data[id]
	s.k.mu.RUnlock()
	if !ok {
		return nil
	}
	if a, ok := s.aeads.Load(id); ok {
		return a.(cipher.AEAD)
	}
	a, err := chacha20poly1305.NewX(hkdfKey(d.key, "seal/"+s.purpose, chacha20poly1305.KeySize))
	if err != nil {
		panic("crypto: " + err.Error()) // the key size is fixed above
	}
	s.aeads.Store(id, a)
	return a
}

// Seal encrypts plaintext under the primary data key. aad names the value's
// place, such as "child:12/given_name": Open must be given the same string,
// so a sealed value copied to another record or field does not open.
func (s *Sealer) Seal(plaintext []byte, aad string) ([]byte, error) {
	id := s.k.Primary()
	a := s.aead(id)
	if a == nil {
		return nil, errs.E(errs.Internal, "crypto: primary key %d missing", id)
	}
	out := make([]byte, headerLen+nonceLen, sealOverhead+len(plaintext))
	out[0] = sealVersion
	binary.BigEndian.PutUint32(out[1:headerLen], uint32(id))
	rand.Read(out[headerLen:]) // never fails (crypto/rand, Go 1.24+)
	nonce := out[headerLen : headerLen+nonceLen]
	return a.Seal(out, nonce, plaintext, additional(out[:headerLen], aad)), nil
}

// Open decrypts a value sealed by Seal for the same purpose and aad, under
// whichever of the keyring's data keys sealed it. Errors wrap ErrOpen or
// ErrUnknownKey and never contain the value.
func (s *Sealer) Open(sealed []byte, aad string) ([]byte, error) {
	id, err := keyIDOf(sealed)
	if err != nil {
		return nil, err
	}
	a := s.aead(id)
	if a == nil {
		return nil, &errs.Error{Code: errs.Internal, Message: fmt.Sprintf("crypto: value sealed under data key %d, which the keyring does not hold", id), Err: ErrUnknownKey}
	}
	nonce := sealed[headerLen : headerLen+nonceLen]
	pt, err := a.Open(nil, nonce, sealed[headerLen+nonceLen:], additional(sealed[:headerLen], aad))
	if err != nil {
		return nil, openError("altered, or moved to another record, field or purpose")
	}
	return pt, nil
}

// NeedsRotation reports whether sealed is a well-formed sealed value under a
// data key other than the primary: a rotation job re-seals exactly those.
// Malformed values report false; Open says what is wrong with them.
func (s *Sealer) NeedsRotation(sealed []byte) bool {
	id, err := keyIDOf(sealed)
	return err == nil && id != s.k.Primary()
}

// Reseal opens sealed and, if it was sealed under an older key, seals it
// again under the primary with the same aad. It returns the value to store
// and whether it changed. A value already under the primary is returned
// as it is, unopened, so a rotation job that runs twice is cheap the second time.
func (s *Sealer) Reseal(sealed []byte, aad string) ([]byte, bool, error) {
	id, err := keyIDOf(sealed)
	if err != nil {
		return nil, false, err
	}
	if id == s.k.Primary() {
		return sealed, false, nil
	}
	pt, err := s.Open(sealed, aad)
	if err != nil {
		return nil, false, err
	}
	out, err := s.Seal(pt, aad)
	clear(pt)
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}

// KeyIDOf returns the id of the data key that sealed a value.
func KeyIDOf(sealed []byte) (KeyID, error) { return keyIDOf(sealed) }

func keyIDOf(sealed []byte) (KeyID, error) {
	if len(sealed) < sealOverhead {
		return 0, openError("too short")
	}
	if sealed[0] != sealVersion {
		return 0, openError(fmt.Sprintf("unknown format version %d", sealed[0]))
	}
	return KeyID(binary.BigEndian.Uint32(sealed[1:headerLen])), nil
}

func openError(why string) error {
	return &errs.Error{Code: errs.Internal, Message: "crypto: sealed value does not open: " + why, Err: ErrOpen}
}

func additional(header []byte, aad string) []byte {
	b := make([]byte, 0, len(header)+len(aad))
	return append(append(b, header...), aad...)
}

// String names the sealer's purpose; it holds no material of its own to show.
func (s *Sealer) String() string { return "crypto.Sealer(" + s.purpose + ")" }

// GoString redacts like String.
func (s *Sealer) GoString() string { return s.String() }

// Format prints String under every verb: the cipher cache holds keys.
func (s *Sealer) Format(f fmt.State, verb rune) { fmt.Fprint(f, s.String()) }

// LogValue redacts the sealer in log/slog records.
func (s *Sealer) LogValue() slog.Value { return slog.StringValue(s.String()) }
