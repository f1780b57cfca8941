package pki

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// IssueOptions configures IssueFromCSR and Issue. The zero value issues a
// certificate valid for DefaultLeafValidity with the CSR's host names.
type IssueOptions struct {
	// Validity of the certificate; default DefaultLeafValidity (90 days). It
	// is cut to the CA's own expiry.
	Validity time.Duration
	// Hosts, when set, replaces the host names and IP addresses of the CSR:
	// the CA operator decides which names the hub may serve.
	Hosts []string
	// Country and Role, when set, must match the CSR: the operator states
	// what they expect to sign and a CSR for anything else is refused.
	Country string
	Role    Role
}

// PrivateKeys are the two private keys of a node, made on the node: the TLS
// (and signing) key and the HPKE key messages are sealed to.
type PrivateKeys struct {
	TLS  *ecdsa.PrivateKey
	HPKE *ecdh.PrivateKey
}

// NewKeyAndCSR makes a node's TLS key (ECDSA P-256) and HPKE key (X25519)
// and a certificate signing request naming country and role and carrying
// the HPKE public key as a requested extension. This is the production
// ceremony: the private keys stay where they were made (Save them there) and
// only the CSR travels to the CA.
func NewKeyAndCSR(country string, role Role, hosts []string) (*PrivateKeys, *x509.CertificateRequest, error) {
	cc, err := NormaliseCountry(country)
	if err != nil {
		return nil, nil, err
	}
	if role, err = ParseRole(string(role)); err != nil {
		return nil, nil, err
	}
	dns, ips, err := splitHosts(hosts)
	if err != nil {
		return nil, nil, err
	}
	tk, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	hk, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	ext, err := hpkeExtension(hk.PublicKey())
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.CertificateRequest{
		Subject:         subject(cc, role),
		DNSNames:        dns,
		IPAddresses:     ips,
		ExtraExtensions: []pkix.Extension{ext},
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, tk)
	if err != nil {
		return nil, nil, err
	}
	csr, err := x509.ParseCertificateRequest(der)
	if err != nil {
		return nil, nil, err
	}
	return &PrivateKeys{TLS: tk, HPKE: hk}, csr, nil
}

// Save writes node.key and node.hpke into dir with mode 0600, refusing to
// overwrite either.
func (k *PrivateKeys) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tp, err := marshalKeyPEM(k.TLS)
	if err != nil {
		return err
	}
	hp, err := marshalKeyPEM(k.HPKE)
	if err != nil {
		return err
	}
	for _, f := range []string{NodeKeyFile, NodeHPKEFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return errs.E(errs.Conflict, "%s already exists: refusing to overwrite a key", filepath.Join(dir, f))
		}
	}
	if err := writeExclusive(filepath.Join(dir, NodeKeyFile), tp, 0o600); err != nil {
		return err
	}
	return writeExclusive(filepath.Join(dir, NodeHPKEFile), hp, 0o600)
}

// Bundle joins the keys with the certificate the CA issued for them.
func (k *PrivateKeys) Bundle(cert, ca *x509.Certificate) (*Bundle, error) {
	return newBundle(cert, k.TLS, k.HPKE, ca)
}

// CSRPEM returns the PEM form of a CSR, as `pki csr` writes it.
func CSRPEM(csr *x509.CertificateRequest) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr.Raw})
}

// CertPEM returns the PEM form of a certificate.
func CertPEM(c *x509.Certificate) []byte { return certPEM(c) }

// ParseCSR reads a CSR in PEM or DER and checks its signature.
func ParseCSR(data []byte) (*x509.CertificateRequest, error) {
	if b, _ := pem.Decode(data); b != nil {
		if b.Type != "CERTIFICATE REQUEST" {
			return nil, errs.E(errs.Invalid, "expected a CERTIFICATE REQUEST, found %s", b.Type)
		}
		data = b.Bytes
	}
	csr, err := x509.ParseCertificateRequest(data)
	if err != nil {
		return nil, errs.E(errs.Invalid, "not a certificate signing request")
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, errs.E(errs.Invalid, "the request's signature is not valid")
	}
	return csr, nil
}

// IssueFromCSR certifies a CSR made by NewKeyAndCSR: it checks the CSR's
// signature, country, role and HPKE key, issues a certificate for them and
// records it in the CA's index. Nothing else the CSR asks for is copied:
// the CA decides usages, validity and (with opts.Hosts) names.
func IssueFromCSR(ca *CA, csr *x509.CertificateRequest, opts IssueOptions) (*x509.Certificate, error) {
	if err := csr.CheckSignature(); err != nil {
		return nil, errs.E(errs.Invalid, "the request's signature is not valid")
	}
	if _, ok := csr.PublicKey.(*ecdsa.PublicKey); !ok {
		return nil, errs.E(errs.Invalid, "the request's key must be ECDSA")
	}
	if len(csr.Subject.Country) != 1 || len(csr.Subject.OrganizationalUnit) != 1 {
		return nil, errs.E(errs.Invalid, "the request must name one country (C) and one role (OU)")
	}
	cc, err := NormaliseCountry(csr.Subject.Country[0])
	if err != nil {
		return nil, err
	}
	role, err := ParseRole(csr.Subject.OrganizationalUnit[0])
	if err != nil {
		return nil, err
	}
	if opts.Country != "" {
		want, err := NormaliseCountry(opts.Country)
		if err != nil {
			return nil, err
		}
		if want != cc {
			return nil, errs.E(errs.Invalid, "the request is for %s, not %s", cc, want)
		}
	}
	if opts.Role != "" && opts.Role != role {
		return nil, errs.E(errs.Invalid, "the request is for the role %s, not %s", role, opts.Role)
	}
	hpub, err := hpkeKeyOf(csr.Extensions)
	if err != nil {
		return nil, err
	}
	if hpub == nil && role == RoleNode {
		return nil, errs.E(errs.Invalid, "a node's request must carry its HPKE public key")
	}
	dns, ips := csr.DNSNames, csr.IPAddresses
	if len(opts.Hosts) > 0 {
		if dns, ips, err = splitHosts(opts.Hosts); err != nil {
			return nil, err
		}
	}
	if role == RoleHub && len(dns)+len(ips) == 0 {
		return nil, errs.Field("host", "a hub certificate needs at least one host name or IP address")
	}
	validity := opts.Validity
	if validity <= 0 {
		validity = DefaultLeafValidity
	}
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	now := ca.now()
	notAfter := now.Add(validity)
	if notAfter.After(ca.Cert.NotAfter) {
		notAfter = ca.Cert.NotAfter
	}
	if !notAfter.After(now) {
		return nil, errs.E(errs.Invalid, "the CA has expired")
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subject(cc, role),
		NotBefore:             now.Add(-clockSkew),
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
		UnknownExtKeyUsage:    []asn1OID{roleOID(role)},
		BasicConstraintsValid: true,
		DNSNames:              dns,
		IPAddresses:           ips,
	}
	if hpub != nil {
		ext, err := hpkeExtension(hpub)
		if err != nil {
			return nil, err
		}
		tmpl.ExtraExtensions = []pkix.Extension{ext}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, csr.PublicKey, ca.Key)
	if err != nil {
		return nil, errs.Wrap(err, "pki: create certificate")
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, errs.Wrap(err, "pki: parse certificate")
	}
	if err := ca.record(cert); err != nil {
		return nil, err
	}
	return cert, nil
}

// Issue makes the keys and the certificate of a node or hub in one step, on
// the CA's machine. It is for demos and tests: in production the keys are
// made on the node (NewKeyAndCSR) and only the CSR reaches the CA.
func Issue(ca *CA, country string, role Role, opts IssueOptions) (*Bundle, error) {
	keys, csr, err := NewKeyAndCSR(country, role, opts.Hosts)
	if err != nil {
		return nil, err
	}
	cert, err := IssueFromCSR(ca, csr, opts)
	if err != nil {
		return nil, err
	}
	return keys.Bundle(cert, ca.Cert)
}

// subject names the country twice, in C for machines and in CN ("SE node")
// for people reading a certificate.
func subject(cc string, role Role) pkix.Name {
	return pkix.Name{
		Country:            []string{cc},
		Organization:       []string{"Childcentre network"},
		OrganizationalUnit: []string{string(role)},
		CommonName:         cc + " " + string(role),
	}
}

func splitHosts(hosts []string) (dns []string, ips []net.IP, err error) {
	for _, h := range hosts {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if ip := net.ParseIP(h); ip != nil {
			ips = append(ips, ip)
			continue
		}
		if !validHostname(h) {
			return nil, nil, errs.Field("host", "%q is neither an IP address nor a host name", h)
		}
		dns = append(dns, strings.ToLower(h))
	}
	return dns, ips, nil
}

func validHostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
