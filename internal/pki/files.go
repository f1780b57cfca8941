package pki

import (
	"crypto"
	"crypto/ecdh"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Files in a node's (or the hub's) key directory.
const (
	NodeKeyFile  = "node.key"  // TLS private key, PEM PKCS#8, mode 0600
	NodeHPKEFile = "node.hpke" // HPKE private key, PEM PKCS#8 X25519, mode 0600
	NodeCertFile = "node.crt"
	NodeCSRFile  = "node.csr"
	// The CA certificate and CRL are copied beside them as ca.crt and ca.crl.
)

// Bundle is one party's identity: its certificate and private keys and the
// network's CA certificate. It is what ServerTLS, ClientTLS, Open and
// SealSigned need.
type Bundle struct {
	Cert     *x509.Certificate
	Key      crypto.Signer    // the TLS and signing key of Cert
	HPKE     *ecdh.PrivateKey // nil for a hub without an HPKE key
	CA       *x509.Certificate
	Identity Identity
}

// TLSCertificate returns the bundle's certificate for a tls.Config.
func (b *Bundle) TLSCertificate() tls.Certificate {
	return tls.Certificate{Certificate: [][]byte{b.Cert.Raw}, PrivateKey: b.Key, Leaf: b.Cert}
}

// Roots returns a pool holding only the network's CA.
func (b *Bundle) Roots() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(b.CA)
	return p
}

func newBundle(cert *x509.Certificate, key crypto.Signer, hk *ecdh.PrivateKey, ca *x509.Certificate) (*Bundle, error) {
	if !publicKeysEqual(key.Public(), cert.PublicKey) {
		return nil, errs.E(errs.Invalid, "the private key does not belong to the certificate")
	}
	if err := cert.CheckSignatureFrom(ca); err != nil {
		return nil, errs.E(errs.Invalid, "the certificate was not issued by this network's CA")
	}
	id, err := IdentityOf(cert)
	if err != nil {
		return nil, err
	}
	if hk != nil && (id.HPKEPublicKey == nil || !hk.PublicKey().Equal(id.HPKEPublicKey)) {
		return nil, errs.E(errs.Invalid, "the HPKE key does not belong to the certificate")
	}
	if hk == nil && id.HPKEPublicKey != nil {
		return nil, errs.E(errs.Invalid, "the certificate certifies an HPKE key but none was given")
	}
	return &Bundle{Cert: cert, Key: key, HPKE: hk, CA: ca, Identity: id}, nil
}

// LoadNode reads a key directory written by Save or by the CLI: node.key,
// node.hpke (optional for a hub), node.crt and ca.crt. It checks that the
// keys belong to the certificate and the certificate to the CA.
func LoadNode(dir string) (*Bundle, error) {
	cert, err := readCertFile(filepath.Join(dir, NodeCertFile))
	if err != nil {
		return nil, err
	}
	ca, err := readCertFile(filepath.Join(dir, CACertFile))
	if err != nil {
		return nil, err
	}
	key, err := readSignerFile(filepath.Join(dir, NodeKeyFile))
	if err != nil {
		return nil, err
	}
	hk, err := readHPKEFile(filepath.Join(dir, NodeHPKEFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return newBundle(cert, key, hk, ca)
}

// Save writes the bundle into dir (created when missing) as LoadNode reads
// it. Private keys are written with mode 0600 and never over an existing
// file.
func (b *Bundle) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for _, f := range []string{NodeKeyFile, NodeHPKEFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return errs.E(errs.Conflict, "%s already exists: refusing to overwrite a key", filepath.Join(dir, f))
		}
	}
	keyPEM, err := marshalKeyPEM(b.Key)
	if err != nil {
		return err
	}
	if err := writeExclusive(filepath.Join(dir, NodeKeyFile), keyPEM, 0o600); err != nil {
		return err
	}
	if b.HPKE != nil {
		hp, err := marshalKeyPEM(b.HPKE)
		if err != nil {
			return err
		}
		if err := writeExclusive(filepath.Join(dir, NodeHPKEFile), hp, 0o600); err != nil {
			return err
		}
	}
	return SaveCerts(dir, b.Cert, b.CA)
}

// SaveCerts writes (or replaces, on renewal) node.crt and ca.crt in dir.
func SaveCerts(dir string, cert, ca *x509.Certificate) error {
	if err := writeReplace(filepath.Join(dir, NodeCertFile), certPEM(cert), 0o644); err != nil {
		return err
	}
	return writeReplace(filepath.Join(dir, CACertFile), certPEM(ca), 0o644)
}

func certPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

func marshalKeyPEM(key any) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// readPEM returns the DER of the first PEM block of type typ in path.
func readPEM(path, typ string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, errs.E(errs.Invalid, "%s holds no PEM block %q", path, typ)
		}
		if b.Type == typ {
			return b.Bytes, nil
		}
	}
}

func readCertFile(path string) (*x509.Certificate, error) {
	der, err := readPEM(path, "CERTIFICATE")
	if err != nil {
		return nil, err
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, errs.E(errs.Invalid, "%s: not a certificate", path)
	}
	return c, nil
}

func readPrivateKey(path string) (any, error) {
	// A key others on the machine can read may already be someone else's:
	// refuse it, as ssh does, rather than trust it.
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o007 != 0 {
		return nil, errs.E(errs.Forbidden, "%s is accessible to other users (mode %v): chmod 600 it, and consider the key compromised if others could read it", path, fi.Mode().Perm())
	}
	der, err := readPEM(path, "PRIVATE KEY")
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, errs.E(errs.Invalid, "%s: not a PKCS#8 private key", path)
	}
	return k, nil
}

func readSignerFile(path string) (crypto.Signer, error) {
	k, err := readPrivateKey(path)
	if err != nil {
		return nil, err
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, errs.E(errs.Invalid, "%s: not a signing key", path)
	}
	return s, nil
}

func readHPKEFile(path string) (*ecdh.PrivateKey, error) {
	k, err := readPrivateKey(path)
	if err != nil {
		return nil, err
	}
	hk, ok := k.(*ecdh.PrivateKey)
	if !ok || hk.Curve() != ecdh.X25519() {
		return nil, errs.E(errs.Invalid, "%s: not an X25519 key", path)
	}
	return hk, nil
}

// writeExclusive writes a new file and refuses to replace one: a private
// key overwritten by mistake cannot be recovered.
func writeExclusive(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if errors.Is(err, fs.ErrExist) {
		return errs.E(errs.Conflict, "%s already exists: refusing to overwrite it", path)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// writeReplace replaces path atomically (write a temporary file, then
// rename), so that a reader such as a CRLWatcher never sees half a file.
func writeReplace(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ParseCert reads a certificate in PEM or DER, as relayed between nodes by
// the hub. It does not verify it: use VerifyCert.
func ParseCert(data []byte) (*x509.Certificate, error) {
	if b, _ := pem.Decode(data); b != nil {
		if b.Type != "CERTIFICATE" {
			return nil, errs.E(errs.Invalid, "expected a CERTIFICATE, found %s", b.Type)
		}
		data = b.Bytes
	}
	c, err := x509.ParseCertificate(data)
	if err != nil {
		return nil, errs.E(errs.Invalid, "not a certificate")
	}
	return c, nil
}

// CopyCRL writes the CA's current CRL into dir (a node's or the hub's key
// directory), replacing the one there atomically so that a CRLWatcher
// reading it never sees half a file.
func (ca *CA) CopyCRL(dir string) error {
	data, err := os.ReadFile(ca.CRLPath())
	if err != nil {
		return err
	}
	return writeReplace(filepath.Join(dir, CRLFile), data, 0o644)
}
