// Package pki is the network's own certificate authority and the
// cryptography built on it: certificates that name a country and a role,
// mutual TLS 1.3 between nodes and the hub, revocation by CRL, and HPKE keys
// bound into node certificates so that messages can be sealed to a node
// through a hub that relays them but cannot read them.
//
// Only the standard library is used (crypto/x509, crypto/tls, crypto/ecdsa,
// crypto/ecdh, crypto/hpke). The ceremony is described in docs/network.md.
package pki

import (
	"crypto/ecdh"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"math/big"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Role is what a certificate allows its holder to be in the network.
type Role string

// The roles of the network.
const (
	RoleNode Role = "node" // a country's national node, run by its NCP
	RoleHub  Role = "hub"  // the hub, run by the secretariat
)

// ParseRole returns the role named by s.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleNode, RoleHub:
		return r, nil
	}
	return "", errs.Field("role", "role must be node or hub")
}

// Private object identifiers of the network. They all live under one arc so
// that moving to the secretariat's registered IANA Private Enterprise Number
// is a change of this one constant and a re-issue (leaves live 90 days).
var (
	oidArc = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}
	// OIDHPKEKey is the extension that carries a node's HPKE public key as a
	// DER SubjectPublicKeyInfo (X25519, RFC 8410).
	OIDHPKEKey = append(oidArc[:len(oidArc):len(oidArc)], 1, 1)
	// OIDRoleNode and OIDRoleHub are extended key usages naming the role, so
	// that the role is certified twice (subject OU and EKU) and a certificate
	// whose two statements disagree is refused.
	OIDRoleNode = append(oidArc[:len(oidArc):len(oidArc)], 2, 1)
	OIDRoleHub  = append(oidArc[:len(oidArc):len(oidArc)], 2, 2)
)

func roleOID(r Role) asn1.ObjectIdentifier {
	if r == RoleHub {
		return OIDRoleHub
	}
	return OIDRoleNode
}

// NormaliseCountry returns the ISO 3166-1 alpha-2 code of a country in upper
// case, or an error when s is not one (groups such as EU, numeric and
// three-letter codes, reserved, withdrawn and unknown codes are refused).
func NormaliseCountry(s string) (string, error) {
	cc := strings.ToUpper(strings.TrimSpace(s))
	if len(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z' {
		return "", errs.Field("country", "country must be a two-letter ISO 3166-1 code such as SE")
	}
	r, err := language.ParseRegion(cc)
	// IsCountry alone lets through codes ISO only reserves (UK, EA, UN:
	// no numeric code or no alpha-3) and withdrawn ones (SU, YU: not
	// canonical); a certificate must name a country as ISO assigns it now.
	if err != nil || !r.IsCountry() || r.String() != cc || r.M49() == 0 || r.ISO3() == "ZZZ" || r.Canonicalize() != r || strings.Contains(withdrawnCountries, cc) {
		return "", errs.Field("country", "%s is not an ISO 3166-1 country code", cc)
	}
	return cc, nil
}

// withdrawnCountries are codes ISO 3166-1 has withdrawn but golang.org/x/text
// still knows as countries (it keeps them for old data).
const withdrawnCountries = "AN BU CS DD NT SF SU TP YU ZR"

// Identity is what a certificate of the network says about its holder.
// Every field comes from a certificate signed by the network's CA.
type Identity struct {
	Country       string
	Role          Role
	Serial        string // lower-case hexadecimal, as in `pki list`
	NotAfter      time.Time
	HPKEPublicKey *ecdh.PublicKey // nil for a hub certificate without one
}

// FormatSerial returns the serial in the form used by the index, the CLI and
// Identity.
func FormatSerial(n *big.Int) string { return fmt.Sprintf("%x", n) }

// ParseSerial reads a serial in hexadecimal (colons and a 0x prefix allowed).
func ParseSerial(s string) (*big.Int, error) {
	s = strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(strings.TrimSpace(s), ":", ""), "0x"))
	n, ok := new(big.Int).SetString(s, 16)
	if !ok || s == "" || n.Sign() <= 0 {
		return nil, errs.Field("serial", "serial must be a positive hexadecimal number")
	}
	return n, nil
}

// IdentityOf reads the country, role and HPKE key a certificate certifies.
// It does not verify the certificate: use VerifyCert or a tls.Config from
// ServerTLS/ClientTLS for that.
func IdentityOf(cert *x509.Certificate) (Identity, error) {
	var id Identity
	if len(cert.Subject.Country) != 1 || len(cert.Subject.OrganizationalUnit) != 1 {
		return id, errs.E(errs.Forbidden, "certificate does not name exactly one country and one role")
	}
	cc, err := NormaliseCountry(cert.Subject.Country[0])
	if err != nil || cc != cert.Subject.Country[0] {
		return id, errs.E(errs.Forbidden, "certificate names no valid country")
	}
	role, err := ParseRole(cert.Subject.OrganizationalUnit[0])
	if err != nil || string(role) != cert.Subject.OrganizationalUnit[0] {
		return id, errs.E(errs.Forbidden, "certificate names no valid role")
	}
	if !hasEKU(cert, roleOID(role)) {
		return id, errs.E(errs.Forbidden, "certificate's role and key usage disagree")
	}
	other := OIDRoleHub
	if role == RoleHub {
		other = OIDRoleNode
	}
	if hasEKU(cert, other) {
		return id, errs.E(errs.Forbidden, "certificate claims two roles")
	}
	pub, err := hpkeKeyOf(cert.Extensions)
	if err != nil {
		return id, err
	}
	if pub == nil && role == RoleNode {
		return id, errs.E(errs.Forbidden, "node certificate carries no HPKE key")
	}
	return Identity{Country: cc, Role: role, Serial: FormatSerial(cert.SerialNumber), NotAfter: cert.NotAfter, HPKEPublicKey: pub}, nil
}

func hasEKU(cert *x509.Certificate, oid asn1.ObjectIdentifier) bool {
	for _, u := range cert.UnknownExtKeyUsage {
		if u.Equal(oid) {
			return true
		}
	}
	return false
}
