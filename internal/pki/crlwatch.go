package pki

import (
	"context"
	"crypto/x509"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// CRLWatcher holds the network's current CRL, read from a file that the
// operator replaces when the CA publishes a new one. Reload (or Watch) picks
// the new file up without a restart. It is safe for concurrent use.
//
// It fails closed: once the CRL's nextUpdate has passed, Check refuses every
// certificate, because nobody can then tell whether a certificate was revoked.
type CRLWatcher struct {
	path string
	ca   *x509.Certificate
	now  func() time.Time

	mu      sync.RWMutex
	number  *big.Int
	next    time.Time
	revoked map[string]bool // by FormatSerial
}

// NewCRLWatcher reads the CRL at path, which ca must have signed. now is the
// clock for nextUpdate (time.Now when nil).
func NewCRLWatcher(path string, ca *x509.Certificate, now func() time.Time) (*CRLWatcher, error) {
	if now == nil {
		now = time.Now
	}
	w := &CRLWatcher{path: path, ca: ca, now: now}
	if err := w.Reload(); err != nil {
		return nil, err
	}
	return w, nil
}

// Reload re-reads the file. A file that cannot be read, is not signed by the
// CA or carries a lower CRL number than the one held (a rollback to a CRL
// from before a revocation) is refused and the CRL held is kept.
func (w *CRLWatcher) Reload() error {
	data, err := os.ReadFile(w.path)
	if err != nil {
		return errs.Wrap(err, "pki: read CRL")
	}
	crl, err := ParseCRL(data, w.ca)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.number != nil && crl.Number.Cmp(w.number) < 0 {
		return errs.E(errs.Conflict, "CRL number %s is older than the CRL in use (%s): refused", crl.Number, w.number)
	}
	revoked := make(map[string]bool, len(crl.RevokedCertificateEntries))
	for _, e := range crl.RevokedCertificateEntries {
		revoked[FormatSerial(e.SerialNumber)] = true
	}
	w.number, w.next, w.revoked = crl.Number, crl.NextUpdate, revoked
	return nil
}

// Watch reloads the file every interval until ctx ends, reporting failures
// to onErr (which may be nil); the CRL held stays in force after a failure.
func (w *CRLWatcher) Watch(ctx context.Context, interval time.Duration, onErr func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := w.Reload(); err != nil && onErr != nil {
				onErr(err)
			}
		}
	}
}

// Check returns an error when cert is revoked or the CRL is out of date.
func (w *CRLWatcher) Check(cert *x509.Certificate) error {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if !w.next.IsZero() && w.now().After(w.next) {
		return errs.E(errs.Unavailable, "the network's CRL is out of date (next update was due %s): no certificate can be trusted", w.next.UTC().Format(time.RFC3339))
	}
	if w.revoked[FormatSerial(cert.SerialNumber)] {
		return errs.E(errs.Forbidden, "certificate %s is revoked", FormatSerial(cert.SerialNumber))
	}
	return nil
}

// IsRevoked reports whether the CRL held lists serial (hex).
func (w *CRLWatcher) IsRevoked(serial string) bool {
	n, err := ParseSerial(serial)
	if err != nil {
		return false
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.revoked[FormatSerial(n)]
}

// Number returns the CRL number held.
func (w *CRLWatcher) Number() *big.Int {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return new(big.Int).Set(w.number)
}

// NextUpdate returns when the CRL held stops being trusted.
func (w *CRLWatcher) NextUpdate() time.Time {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.next
}

// CRLPath returns where the CA publishes its CRL.
func (ca *CA) CRLPath() string { return filepath.Join(ca.Dir, CRLFile) }
