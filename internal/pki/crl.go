package pki

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"path/filepath"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Revocation reasons of RFC 5280 section 5.3.1 that a network operator
// uses; ParseReason accepts their names.
var reasons = map[string]int{
	"unspecified":          0,
	"keycompromise":        1,
	"affiliationchanged":   3,
	"superseded":           4,
	"cessationofoperation": 5,
}

// ParseReason returns the RFC 5280 reason code named by s ("keyCompromise",
// "key-compromise" and "key_compromise" are the same); "" is unspecified.
func ParseReason(s string) (int, error) {
	k := strings.ToLower(strings.NewReplacer("-", "", "_", "", " ", "").Replace(s))
	if k == "" {
		return 0, nil
	}
	code, ok := reasons[k]
	if !ok {
		return 0, errs.Field("reason", "reason must be one of unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation")
	}
	return code, nil
}

func reasonName(code int) string {
	for _, n := range []string{"unspecified", "keyCompromise", "affiliationChanged", "superseded", "cessationOfOperation"} {
		if reasons[strings.ToLower(n)] == code {
			return n
		}
	}
	return "unspecified"
}

// Revoke loads the CA of caDir, marks the certificate with serial (hex)
// revoked and publishes a new CRL in caDir/ca.crl.
func Revoke(caDir, serial, reason string) error {
	ca, err := LoadCA(caDir)
	if err != nil {
		return err
	}
	n, err := ParseSerial(serial)
	if err != nil {
		return err
	}
	return ca.Revoke(n, reason)
}

// Revoke marks a certificate of this CA revoked and publishes a new CRL
// with the default validity. Peers honour it once their CRLWatcher has
// reloaded the file.
func (ca *CA) Revoke(serial *big.Int, reason string) error {
	code, err := ParseReason(reason)
	if err != nil {
		return err
	}
	ca.mu.Lock()
	ix, err := ca.loadIndex()
	if err == nil {
		i := findEntry(ix, serial)
		switch {
		case i < 0:
			err = errs.E(errs.NotFound, "this CA issued no certificate with serial %s", FormatSerial(serial))
		case !ix.Entries[i].RevokedAt.IsZero():
			err = errs.E(errs.Conflict, "certificate %s is already revoked", FormatSerial(serial))
		default:
			ix.Entries[i].RevokedAt = ca.now().UTC().Truncate(time.Second)
			ix.Entries[i].Reason = reasonName(code)
			err = ca.saveIndex(ix)
		}
	}
	ca.mu.Unlock()
	if err != nil {
		return err
	}
	_, err = ca.PublishCRL(0)
	return err
}

// PublishCRL signs a new CRL of every revoked certificate, with a CRL number
// one above the last, valid for validity (DefaultCRLValidity when 0), and
// writes it atomically to ca.crl. Run it (`pki crl`) well before the
// previous CRL's nextUpdate: peers refuse every connection after it.
func (ca *CA) PublishCRL(validity time.Duration) (*x509.RevocationList, error) {
	if validity <= 0 {
		validity = DefaultCRLValidity
	}
	ca.mu.Lock()
	defer ca.mu.Unlock()
	ix, err := ca.loadIndex()
	if err != nil {
		return nil, err
	}
	now := ca.now()
	tmpl := &x509.RevocationList{
		Number:     big.NewInt(ix.CRLNumber + 1),
		ThisUpdate: now.Add(-clockSkew),
		NextUpdate: now.Add(validity),
	}
	for _, e := range ix.Entries {
		if e.RevokedAt.IsZero() {
			continue
		}
		n, err := ParseSerial(e.Serial)
		if err != nil {
			return nil, err
		}
		code, _ := ParseReason(e.Reason)
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries, x509.RevocationListEntry{
			SerialNumber: n, RevocationTime: e.RevokedAt, ReasonCode: code,
		})
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, ca.Cert, ca.Key)
	if err != nil {
		return nil, errs.Wrap(err, "pki: create CRL")
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, errs.Wrap(err, "pki: parse CRL")
	}
	// The index goes first: were the CRL written and the index not, the next
	// CRL would reuse this number and peers would refuse it as a rollback.
	ix.CRLNumber++
	if err := ca.saveIndex(ix); err != nil {
		return nil, err
	}
	if err := writeReplace(filepath.Join(ca.Dir, CRLFile), pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der}), 0o644); err != nil {
		return nil, err
	}
	return crl, nil
}

// ParseCRL reads a CRL in PEM or DER and checks that ca signed it.
func ParseCRL(data []byte, ca *x509.Certificate) (*x509.RevocationList, error) {
	if b, _ := pem.Decode(data); b != nil {
		if b.Type != "X509 CRL" {
			return nil, errs.E(errs.Invalid, "expected an X509 CRL, found %s", b.Type)
		}
		data = b.Bytes
	}
	crl, err := x509.ParseRevocationList(data)
	if err != nil {
		return nil, errs.E(errs.Invalid, "not a CRL")
	}
	if err := crl.CheckSignatureFrom(ca); err != nil {
		return nil, errs.E(errs.Invalid, "the CRL was not signed by the network's CA")
	}
	if crl.Number == nil {
		return nil, errs.E(errs.Invalid, "the CRL has no CRL number")
	}
	return crl, nil
}
