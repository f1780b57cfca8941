package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Files in a CA directory.
const (
	CACertFile          = "ca.crt"
	CAKeyFile           = "ca.key"
	CRLFile             = "ca.crl"
	IndexFile           = "index.json"
	DefaultCAValidity   = 10 * 365 * 24 * time.Hour
	DefaultLeafValidity = 90 * 24 * time.Hour
	// DefaultCRLValidity is how long a published CRL is good for: peers
	// refuse every connection once its nextUpdate has passed, so the CA
	// operator re-publishes (`pki crl`) well within it.
	DefaultCRLValidity = 30 * 24 * time.Hour
	// clockSkew backdates NotBefore so that a peer whose clock is a little
	// behind accepts a certificate issued a moment ago.
	clockSkew = 5 * time.Minute
)

// CAOptions configures InitCA. The zero value is usable.
type CAOptions struct {
	Name        string        // subject CN; default "Childcentre network CA"
	Validity    time.Duration // default DefaultCAValidity (10 years)
	CRLValidity time.Duration // default DefaultCRLValidity
	Now         func() time.Time
}

// CA is the network's certificate authority, loaded from its directory.
// Its methods are safe for concurrent use within one process; two processes
// must not operate one CA directory at the same time.
type CA struct {
	Dir  string
	Cert *x509.Certificate
	Key  crypto.Signer
	Now  func() time.Time // clock for issuing and CRLs; time.Now when nil

	mu sync.Mutex // serialises updates of the index and the CRL
}

func (ca *CA) now() time.Time {
	if ca.Now != nil {
		return ca.Now()
	}
	return time.Now()
}

// InitCA makes a new CA key and self-signed certificate in dir (created
// when missing), an empty index and a first CRL. It refuses to overwrite an
// existing CA: losing its key would cut every node off the network.
func InitCA(dir string, opts CAOptions) (*CA, error) {
	if dir == "" {
		return nil, errs.Field("dir", "a CA directory is required")
	}
	if opts.Name == "" {
		opts.Name = "Childcentre network CA"
	}
	if opts.Validity <= 0 {
		opts.Validity = DefaultCAValidity
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	for _, f := range []string{CAKeyFile, CACertFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return nil, errs.E(errs.Conflict, "%s already exists: refusing to overwrite a CA", filepath.Join(dir, f))
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	t := now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: opts.Name, Organization: []string{"Childcentre network"}},
		NotBefore:             t.Add(-clockSkew),
		NotAfter:              t.Add(opts.Validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            0,
		MaxPathLenZero:        true, // leaves only: no intermediate can be minted
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	keyPEM, err := marshalKeyPEM(key)
	if err != nil {
		return nil, err
	}
	if err := writeExclusive(filepath.Join(dir, CAKeyFile), keyPEM, 0o600); err != nil {
		return nil, err
	}
	if err := writeExclusive(filepath.Join(dir, CACertFile), certPEM(cert), 0o644); err != nil {
		return nil, err
	}
	ca := &CA{Dir: dir, Cert: cert, Key: key, Now: opts.Now}
	if err := ca.saveIndex(nil); err != nil {
		return nil, err
	}
	if _, err := ca.PublishCRL(opts.CRLValidity); err != nil {
		return nil, err
	}
	return ca, nil
}

// LoadCA reads the CA of dir.
func LoadCA(dir string) (*CA, error) {
	cert, err := readCertFile(filepath.Join(dir, CACertFile))
	if err != nil {
		return nil, err
	}
	if !cert.IsCA {
		return nil, errs.E(errs.Invalid, "%s is not a CA certificate", filepath.Join(dir, CACertFile))
	}
	key, err := readSignerFile(filepath.Join(dir, CAKeyFile))
	if err != nil {
		return nil, err
	}
	if !publicKeysEqual(key.Public(), cert.PublicKey) {
		return nil, errs.E(errs.Invalid, "%s does not belong to %s", CAKeyFile, CACertFile)
	}
	return &CA{Dir: dir, Cert: cert, Key: key}, nil
}

// newSerial returns a random 127-bit positive serial: unpredictable serials
// are what RFC 5280 and the CA/B baseline ask, and they need no counter.
func newSerial() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	if n.Sign() == 0 {
		return nil, errors.New("pki: zero serial drawn")
	}
	return n, nil
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	ak, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && ak.Equal(b)
}

func (ca *CA) String() string { return fmt.Sprintf("CA %q in %s", ca.Cert.Subject.CommonName, ca.Dir) }
