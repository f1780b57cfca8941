package pki

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Entry is one certificate the CA issued, as kept in index.json.
type Entry struct {
	Serial    string    `json:"serial"`
	Country   string    `json:"country"`
	Role      Role      `json:"role"`
	Hosts     []string  `json:"hosts,omitempty"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
	Reason    string    `json:"reason,omitempty"`
}

// Status is "revoked", "expired" or "valid" at now.
func (e Entry) Status(now time.Time) string {
	switch {
	case !e.RevokedAt.IsZero():
		return "revoked"
	case now.After(e.NotAfter):
		return "expired"
	}
	return "valid"
}

// index is the CA's record of what it issued and of the last CRL number,
// so that CRL numbers keep increasing even if ca.crl is lost.
type index struct {
	CRLNumber int64   `json:"crl_number"`
	Entries   []Entry `json:"certificates"`
}

func (ca *CA) loadIndex() (*index, error) {
	data, err := os.ReadFile(filepath.Join(ca.Dir, IndexFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errs.E(errs.NotFound, "%s has no %s: not a CA directory (see pki init)", ca.Dir, IndexFile)
	}
	if err != nil {
		return nil, err
	}
	var ix index
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ix); err != nil {
		return nil, errs.E(errs.Invalid, "%s cannot be read", filepath.Join(ca.Dir, IndexFile))
	}
	return &ix, nil
}

func (ca *CA) saveIndex(ix *index) error {
	if ix == nil {
		ix = &index{Entries: []Entry{}}
	}
	data, err := json.MarshalIndent(ix, "", "  ")
	if err != nil {
		return err
	}
	return writeReplace(filepath.Join(ca.Dir, IndexFile), append(data, '\n'), 0o600)
}

func (ca *CA) record(cert *x509.Certificate) error {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	ix, err := ca.loadIndex()
	if err != nil {
		return err
	}
	id, err := IdentityOf(cert)
	if err != nil {
		return err
	}
	e := Entry{Serial: id.Serial, Country: id.Country, Role: id.Role, NotBefore: cert.NotBefore.UTC(), NotAfter: cert.NotAfter.UTC()}
	e.Hosts = append(e.Hosts, cert.DNSNames...)
	for _, ip := range cert.IPAddresses {
		e.Hosts = append(e.Hosts, ip.String())
	}
	ix.Entries = append(ix.Entries, e)
	return ca.saveIndex(ix)
}

// List returns the certificates the CA issued, oldest first.
func (ca *CA) List() ([]Entry, error) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	ix, err := ca.loadIndex()
	if err != nil {
		return nil, err
	}
	sort.SliceStable(ix.Entries, func(i, j int) bool { return ix.Entries[i].NotBefore.Before(ix.Entries[j].NotBefore) })
	return ix.Entries, nil
}

// List reads the index of the CA in caDir without loading its private key.
func List(caDir string) ([]Entry, error) {
	ca := &CA{Dir: caDir}
	return ca.List()
}

func findEntry(ix *index, serial *big.Int) int {
	want := FormatSerial(serial)
	for i, e := range ix.Entries {
		if strings.EqualFold(e.Serial, want) {
			return i
		}
	}
	return -1
}
