package pki

import (
	"crypto"
	"crypto/ecdh"
	"crypto/hpke"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// The HPKE suite of the network: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
// AES-256-GCM (RFC 9180). A sealed message starts with sealVersion so that a
// later suite (a hybrid post-quantum KEM) can be told apart.
const sealVersion byte = 1

// Domain separation of the signatures: a signature made by Sign can never be
// taken for one made by SealSigned, nor the other way round.
const (
	signContext   = "childcentre sign v1\x00"
	sealedContext = "childcentre sealed v1\x00"
)

// Seal encrypts plaintext to the holder of the HPKE key pub (from
// HPKEPublicKey of a verified certificate). info binds the context: Open
// succeeds only with the same info.
func Seal(pub *ecdh.PublicKey, info, plaintext []byte) ([]byte, error) {
	if pub == nil || pub.Curve() != ecdh.X25519() {
		return nil, errs.E(errs.Invalid, "pki: seal needs an X25519 HPKE key")
	}
	pk, err := hpke.NewDHKEMPublicKey(pub)
	if err != nil {
		return nil, errs.Wrap(err, "pki: HPKE public key")
	}
	ct, err := hpke.Seal(pk, hpke.HKDFSHA256(), hpke.AES256GCM(), info, plaintext)
	if err != nil {
		return nil, errs.Wrap(err, "pki: HPKE seal")
	}
	return append([]byte{sealVersion}, ct...), nil
}

// Open decrypts what Seal sealed to key's public key with the same info.
// A message sealed to another key, with other info, or altered is refused.
func Open(key *ecdh.PrivateKey, info, ciphertext []byte) ([]byte, error) {
	if key == nil {
		return nil, errs.E(errs.Invalid, "pki: no HPKE key to open with")
	}
	if len(ciphertext) < 1 || ciphertext[0] != sealVersion {
		return nil, errs.E(errs.Invalid, "sealed message of an unknown version")
	}
	sk, err := hpke.NewDHKEMPrivateKey(key)
	if err != nil {
		return nil, errs.Wrap(err, "pki: HPKE private key")
	}
	pt, err := hpke.Open(sk, hpke.HKDFSHA256(), hpke.AES256GCM(), info, ciphertext[1:])
	if err != nil {
		return nil, errs.E(errs.Forbidden, "sealed message cannot be opened: not sealed to this node, for this context, or altered")
	}
	return pt, nil
}

// Sign signs msg with a certificate's private key (ECDSA P-256, SHA-256).
func Sign(key crypto.Signer, msg []byte) ([]byte, error) {
	return signCtx(key, signContext, msg)
}

// Verify checks a signature made by Sign with the key of cert. It does not
// verify cert itself: use VerifyCert first.
func Verify(cert *x509.Certificate, msg, sig []byte) error {
	return verifyCtx(cert, signContext, msg, sig)
}

func signCtx(key crypto.Signer, ctx string, parts ...[]byte) ([]byte, error) {
	d := digest(ctx, parts...)
	sig, err := key.Sign(rand.Reader, d, crypto.SHA256)
	if err != nil {
		return nil, errs.Wrap(err, "pki: sign")
	}
	return sig, nil
}

func verifyCtx(cert *x509.Certificate, ctx string, msg, sig []byte) error {
	// CheckSignature hashes msg itself; handing it the context and message
	// keeps the signed bytes identical to signCtx's digest input.
	signed := append([]byte(ctx), msg...)
	if err := cert.CheckSignature(x509.ECDSAWithSHA256, signed, sig); err != nil {
		return errs.E(errs.Forbidden, "signature is not valid")
	}
	return nil
}

func digest(ctx string, parts ...[]byte) []byte {
	h := sha256.New()
	h.Write([]byte(ctx))
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// sealInfo binds the message kind and the countries of sender and receiver:
// a message opened as another kind, or as coming from or going to another
// country, fails to decrypt. Fields are length-prefixed so that no two
// different triples share an encoding.
func sealInfo(kind, from, to string) []byte {
	b := []byte(sealedContext)
	for _, s := range []string{kind, from, to} {
		b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
		b = append(b, s...)
	}
	return b
}

func checkKind(kind string) error {
	if kind == "" || len(kind) > 64 {
		return errs.Field("kind", "message kind must be 1 to 64 characters")
	}
	for _, c := range kind {
		if c <= ' ' || c > '~' {
			return errs.Field("kind", "message kind must be printable ASCII without spaces")
		}
	}
	return nil
}

// SealSigned seals plaintext from the holder of sender to the node certified
// by recipient, for a message kind such as "linkage-secret". The recipient's
// certificate is verified against the sender's CA (and opts.CRL), so a hub
// relaying certificates cannot substitute a key of its own. The sender's
// country, the recipient's country and kind are bound into the HPKE info,
// and the sender signs the info with the ciphertext (encrypt-then-sign):
// OpenVerified refuses a message sealed to another node, signed by another
// country, of another kind, or altered.
func SealSigned(sender *Bundle, recipient *x509.Certificate, kind string, plaintext []byte, opts VerifyOptions) ([]byte, error) {
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	to, err := VerifyCert(sender.CA, recipient, opts)
	if err != nil {
		return nil, err
	}
	if to.HPKEPublicKey == nil {
		return nil, errs.E(errs.Invalid, "the recipient's certificate carries no HPKE key")
	}
	info := sealInfo(kind, sender.Identity.Country, to.Country)
	ct, err := Seal(to.HPKEPublicKey, info, plaintext)
	if err != nil {
		return nil, err
	}
	sig, err := signCtx(sender.Key, sealedContext, info, ct)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, 1+4+len(ct)+len(sig))
	out = append(out, sealVersion)
	out = binary.BigEndian.AppendUint32(out, uint32(len(ct)))
	out = append(out, ct...)
	return append(out, sig...), nil
}

// OpenVerified opens what SealSigned sealed to recipient, checking that the
// sender's certificate belongs to the network (opts as in VerifyCert), that
// it signed this very ciphertext for this kind, and that the message was
// sealed from the sender's country to the recipient's.
func OpenVerified(recipient *Bundle, sender *x509.Certificate, kind string, sealed []byte, opts VerifyOptions) ([]byte, error) {
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	if len(sealed) < 5 || sealed[0] != sealVersion {
		return nil, errs.E(errs.Invalid, "sealed message of an unknown version")
	}
	n := binary.BigEndian.Uint32(sealed[1:5])
	if uint64(n) > uint64(len(sealed)-5) {
		return nil, errs.E(errs.Invalid, "sealed message is truncated")
	}
	ct, sig := sealed[5:5+n], sealed[5+n:]
	from, err := VerifyCert(recipient.CA, sender, opts)
	if err != nil {
		return nil, err
	}
	info := sealInfo(kind, from.Country, recipient.Identity.Country)
	signed := append(append([]byte{}, info...), ct...)
	if err := verifyCtx(sender, sealedContext, signed, sig); err != nil {
		return nil, errs.E(errs.Forbidden, "sealed message was not signed by the sender for this kind and recipient")
	}
	return Open(recipient.HPKE, info, ct)
}
