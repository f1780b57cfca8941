package pki

import (
	"context"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

func TestRevoke(t *testing.T) {
	n := network(t)
	crl := n.watcher(t, nil)
	if crl.Number().Int64() != 1 || crl.IsRevoked(n.se.Identity.Serial) {
		t.Fatalf("first CRL: number %v", crl.Number())
	}
	tests := []struct {
		name   string
		serial string
		reason string
		code   errs.Code
	}{
		{"revoke SE", n.se.Identity.Serial, "keyCompromise", ""},
		{"revoke FI, reason spelt with a hyphen", n.fi.Identity.Serial, "cessation-of-operation", ""},
		{"revoke SE again", n.se.Identity.Serial, "", errs.Conflict},
		{"serial the CA never issued", "abcdef", "", errs.NotFound},
		{"serial that is no number", "xyz", "", errs.Invalid},
		{"unknown reason", n.de.Identity.Serial, "bored", errs.Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Revoke(n.dir, tc.serial, tc.reason)
			if errs.CodeOf(err) != tc.code {
				t.Fatalf("Revoke: %v, want code %q", err, tc.code)
			}
		})
	}
	if err := crl.Reload(); err != nil {
		t.Fatal(err)
	}
	if crl.Number().Int64() != 3 {
		t.Fatalf("CRL number %v after two revocations, want 3", crl.Number())
	}
	for _, b := range []*Bundle{n.se, n.fi} {
		if !crl.IsRevoked(b.Identity.Serial) || crl.Check(b.Cert) == nil {
			t.Fatalf("%s not revoked", b.Identity.Country)
		}
	}
	if crl.IsRevoked(n.de.Identity.Serial) || crl.Check(n.de.Cert) != nil {
		t.Fatal("DE revoked by a refused revocation")
	}
	entries, err := List(n.dir)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, e := range entries {
		status[e.Country+" "+string(e.Role)] = e.Status(time.Now()) + " " + e.Reason
	}
	want := map[string]string{"SE node": "revoked keyCompromise", "FI node": "revoked cessationOfOperation", "DE node": "valid ", "SE hub": "valid "}
	for k, v := range want {
		if status[k] != v {
			t.Errorf("%s: %q, want %q", k, status[k], v)
		}
	}
}

func TestCRLWatcherRefusesBadCRLs(t *testing.T) {
	n := network(t)
	crl := n.watcher(t, nil)
	old, err := os.ReadFile(n.ca.CRLPath())
	if err != nil {
		t.Fatal(err)
	}
	if err := n.ca.Revoke(n.se.Cert.SerialNumber, ""); err != nil {
		t.Fatal(err)
	}
	if err := crl.Reload(); err != nil || !crl.IsRevoked(n.se.Identity.Serial) {
		t.Fatalf("reload: %v", err)
	}
	other, err := os.ReadFile(filepath.Join(tempRoot(), "other-ca", CRLFile))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		code errs.Code
	}{
		{"an older CRL (rollback)", old, errs.Conflict},
		{"a CRL of another CA", other, errs.Invalid},
		{"garbage", []byte("not a CRL"), errs.Invalid},
		{"a certificate", CertPEM(n.se.Cert), errs.Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(n.ca.CRLPath(), tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := crl.Reload(); errs.CodeOf(err) != tc.code {
				t.Fatalf("Reload: %v, want code %s", err, tc.code)
			}
			if !crl.IsRevoked(n.se.Identity.Serial) || crl.Number().Int64() != 2 {
				t.Fatal("a refused CRL replaced the one in force")
			}
		})
	}
	if err := os.Remove(n.ca.CRLPath()); err != nil {
		t.Fatal(err)
	}
	if err := crl.Reload(); err == nil || !crl.IsRevoked(n.se.Identity.Serial) {
		t.Fatalf("missing file: %v", err)
	}
	// The index keeps the CRL number, so a lost ca.crl does not restart it.
	if _, err := n.ca.PublishCRL(0); err != nil {
		t.Fatal(err)
	}
	if err := crl.Reload(); err != nil || crl.Number().Int64() != 3 || !crl.IsRevoked(n.se.Identity.Serial) {
		t.Fatalf("re-published CRL: %v, number %v", err, crl.Number())
	}
	// CopyCRL is how it reaches a node's directory.
	nodeDir := t.TempDir()
	if err := n.ca.CopyCRL(nodeDir); err != nil {
		t.Fatal(err)
	}
	w2, err := NewCRLWatcher(filepath.Join(nodeDir, CRLFile), n.fi.CA, nil)
	if err != nil || w2.Number().Int64() != 3 || !w2.IsRevoked(n.se.Identity.Serial) {
		t.Fatalf("copied CRL: %v", err)
	}
}

func TestCRLWatcherConcurrent(t *testing.T) {
	n := network(t)
	crl := n.watcher(t, nil)
	// Watch stops, and is waited for, before the test ends: t.Context ends
	// only after it, and a reload of the temporary CRL being removed then
	// reported to a finished test.
	ctx, cancel := context.WithCancel(t.Context())
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		crl.Watch(ctx, time.Millisecond, func(err error) { t.Errorf("watch: %v", err) })
	}()
	defer func() { cancel(); <-watched }()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				_ = crl.Check(n.de.Cert)
				_ = crl.NextUpdate()
			}
		})
	}
	if err := n.ca.Revoke(n.se.Cert.SerialNumber, ""); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	// Watch picks the new CRL up on its own.
	deadline := time.Now().Add(5 * time.Second)
	for !crl.IsRevoked(n.se.Identity.Serial) {
		if time.Now().After(deadline) {
			t.Fatal("Watch did not load the new CRL")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestParseSerial(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"ff", 255}, {"FF", 255}, {"0xff", 255}, {"0f:f0", 0xff0}, {"", 0}, {"-1", 0}, {"0", 0}, {"g", 0},
	}
	for _, tc := range tests {
		n, err := ParseSerial(tc.in)
		if tc.want == 0 {
			if err == nil {
				t.Errorf("ParseSerial(%q) = %v, want an error", tc.in, n)
			}
			continue
		}
		if err != nil || n.Cmp(big.NewInt(tc.want)) != 0 {
			t.Errorf("ParseSerial(%q) = %v, %v", tc.in, n, err)
		}
	}
}
