package pki

import (
	"crypto/ecdh"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

type asn1OID = asn1.ObjectIdentifier

// hpkeExtension carries an X25519 public key as a DER SubjectPublicKeyInfo
// (RFC 8410), the standard encoding any X.509 tool can read back.
func hpkeExtension(pub *ecdh.PublicKey) (pkix.Extension, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return pkix.Extension{}, err
	}
	return pkix.Extension{Id: OIDHPKEKey, Value: der}, nil
}

// hpkeKeyOf returns the HPKE key among exts, nil when there is none.
func hpkeKeyOf(exts []pkix.Extension) (*ecdh.PublicKey, error) {
	var found *ecdh.PublicKey
	for _, e := range exts {
		if !e.Id.Equal(OIDHPKEKey) {
			continue
		}
		if found != nil {
			return nil, errs.E(errs.Invalid, "two HPKE keys")
		}
		k, err := x509.ParsePKIXPublicKey(e.Value)
		if err != nil {
			return nil, errs.E(errs.Invalid, "the HPKE key cannot be read")
		}
		pub, ok := k.(*ecdh.PublicKey)
		if !ok || pub.Curve() != ecdh.X25519() {
			return nil, errs.E(errs.Invalid, "the HPKE key is not an X25519 key")
		}
		found = pub
	}
	return found, nil
}

// HPKEPublicKey returns the HPKE public key certified by cert, or an error
// when it carries none. It does not verify cert.
func HPKEPublicKey(cert *x509.Certificate) (*ecdh.PublicKey, error) {
	k, err := hpkeKeyOf(cert.Extensions)
	if err != nil {
		return nil, err
	}
	if k == nil {
		return nil, errs.E(errs.Invalid, "the certificate carries no HPKE key")
	}
	return k, nil
}
