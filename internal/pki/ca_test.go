package pki

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

func TestNormaliseCountry(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SE", "SE"}, {"se", "SE"}, {" fi ", "FI"}, {"UA", "UA"}, {"MD", "MD"}, {"GB", "GB"},
		{"", ""}, {"S", ""}, {"SWE", ""}, {"752", ""}, {"S1", ""}, {"EU", ""}, {"XX", ""}, {"ZZ", ""},
		{"UK", ""}, {"UN", ""}, {"SU", ""}, {"YU", ""}, {"Ö1", ""},
	}
	for _, tc := range tests {
		got, err := NormaliseCountry(tc.in)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("NormaliseCountry(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestIssueCarriesCountryAndRole(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	ca := newTestCA(t, now)
	tests := []struct {
		name     string
		country  string
		role     Role
		opts     IssueOptions
		notAfter time.Time
		eku      []x509.ExtKeyUsage
		hosts    []string
	}{
		{"node, default validity", "se", RoleNode, IssueOptions{}, now.Add(90 * 24 * time.Hour),
			[]x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}, nil},
		{"node, 30 days", "FI", RoleNode, IssueOptions{Validity: 30 * 24 * time.Hour}, now.Add(30 * 24 * time.Hour),
			[]x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}, nil},
		{"hub with hosts", "SE", RoleHub, IssueOptions{Hosts: []string{"127.0.0.1", "Hub.Example.org", "::1"}}, now.Add(90 * 24 * time.Hour),
			[]x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}, []string{"hub.example.org", "127.0.0.1", "::1"}},
		{"validity cut to the CA's", "DE", RoleNode, IssueOptions{Validity: 20 * 365 * 24 * time.Hour}, ca.Cert.NotAfter,
			[]x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := mustIssue(t, ca, tc.country, tc.role, tc.opts)
			c := b.Cert
			cc := strings.ToUpper(tc.country)
			if !slices.Equal(c.Subject.Country, []string{cc}) || !slices.Equal(c.Subject.OrganizationalUnit, []string{string(tc.role)}) ||
				c.Subject.CommonName != cc+" "+string(tc.role) {
				t.Fatalf("subject %v", c.Subject)
			}
			if !c.NotAfter.Equal(tc.notAfter) || !c.NotBefore.Before(now) {
				t.Fatalf("valid %v to %v, want to %v", c.NotBefore, c.NotAfter, tc.notAfter)
			}
			if !slices.Equal(c.ExtKeyUsage, tc.eku) || !hasEKU(c, roleOID(tc.role)) || c.IsCA {
				t.Fatalf("usages %v %v, CA %v", c.ExtKeyUsage, c.UnknownExtKeyUsage, c.IsCA)
			}
			var hosts []string
			hosts = append(hosts, c.DNSNames...)
			for _, ip := range c.IPAddresses {
				hosts = append(hosts, ip.String())
			}
			if !slices.Equal(hosts, tc.hosts) {
				t.Fatalf("hosts %v, want %v", hosts, tc.hosts)
			}
			id, err := VerifyCert(ca.Cert, c, VerifyOptions{Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			if id.Country != cc || id.Role != tc.role || id.Serial != FormatSerial(c.SerialNumber) ||
				!id.NotAfter.Equal(c.NotAfter) || !id.HPKEPublicKey.Equal(b.HPKE.PublicKey()) {
				t.Fatalf("identity %+v", id)
			}
		})
	}
	entries, err := ca.List()
	if err != nil || len(entries) != len(tests) {
		t.Fatalf("index: %v, %v", entries, err)
	}
	if e := entries[2]; e.Country != "SE" || e.Role != RoleHub || e.Status(now) != "valid" || !slices.Equal(e.Hosts, tests[2].hosts) {
		t.Fatalf("index entry %+v", e)
	}
}

func TestIssueRefuses(t *testing.T) {
	ca := newTestCA(t, time.Now())
	tests := []struct {
		name    string
		country string
		role    Role
		opts    IssueOptions
		field   string
	}{
		{"unknown country", "XX", RoleNode, IssueOptions{}, "country"},
		{"group of countries", "EU", RoleNode, IssueOptions{}, "country"},
		{"unknown role", "SE", "admin", IssueOptions{}, "role"},
		{"hub without host", "SE", RoleHub, IssueOptions{}, "host"},
		{"bad host name", "SE", RoleHub, IssueOptions{Hosts: []string{"hub_1.example"}}, "host"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Issue(ca, tc.country, tc.role, tc.opts)
			var e *errs.Error
			if err == nil || !errorsAs(err, &e) || e.Field != tc.field {
				t.Fatalf("Issue: %v, want an error about %s", err, tc.field)
			}
		})
	}
	if entries, _ := ca.List(); len(entries) != 0 {
		t.Fatalf("refused certificates were indexed: %v", entries)
	}
}

// csrWith makes a CSR as a careless or hostile requester might.
func csrWith(t *testing.T, subject pkix.Name, exts []pkix.Extension, key any) *x509.CertificateRequest {
	t.Helper()
	if key == nil {
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		key = k
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: subject, ExtraExtensions: exts}, key)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := x509.ParseCertificateRequest(der)
	if err != nil {
		t.Fatal(err)
	}
	return csr
}

func TestCSRPath(t *testing.T) {
	ca := newTestCA(t, time.Now())
	dir := t.TempDir()
	keys, csr, err := NewKeyAndCSR("fi", RoleNode, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := keys.Save(dir); err != nil {
		t.Fatal(err)
	}
	// Only the PEM of the CSR travels to the CA.
	parsed, err := ParseCSR(CSRPEM(csr))
	if err != nil {
		t.Fatal(err)
	}
	cert, err := IssueFromCSR(ca, parsed, IssueOptions{Country: "FI", Role: RoleNode})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := HPKEPublicKey(cert)
	if err != nil || !pub.Equal(keys.HPKE.PublicKey()) {
		t.Fatalf("certificate carries HPKE key %v (%v), want the node's", pub, err)
	}
	if err := SaveCerts(dir, cert, ca.Cert); err != nil {
		t.Fatal(err)
	}
	b, err := LoadNode(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.Identity.Country != "FI" || !b.HPKE.Equal(keys.HPKE) {
		t.Fatalf("loaded %+v", b.Identity)
	}

	hk, _ := ecdh.X25519().GenerateKey(rand.Reader)
	goodExt, _ := hpkeExtension(hk.PublicKey())
	p256, _ := ecdh.P256().GenerateKey(rand.Reader)
	p256Der, _ := x509.MarshalPKIXPublicKey(p256.PublicKey())
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	tampered := *parsed
	tampered.Signature = append([]byte{}, parsed.Signature...)
	tampered.Signature[10] ^= 1
	tests := []struct {
		name string
		csr  *x509.CertificateRequest
		opts IssueOptions
		want string
	}{
		{"no HPKE key", csrWith(t, subject("SE", RoleNode), nil, nil), IssueOptions{}, "HPKE"},
		{"HPKE key on the wrong curve", csrWith(t, subject("SE", RoleNode), []pkix.Extension{{Id: OIDHPKEKey, Value: p256Der}}, nil), IssueOptions{}, "X25519"},
		{"no country", csrWith(t, pkix.Name{OrganizationalUnit: []string{"node"}}, []pkix.Extension{goodExt}, nil), IssueOptions{}, "one country"},
		{"invalid country", csrWith(t, pkix.Name{Country: []string{"EU"}, OrganizationalUnit: []string{"node"}}, []pkix.Extension{goodExt}, nil), IssueOptions{}, "EU"},
		{"two countries", csrWith(t, pkix.Name{Country: []string{"SE", "FI"}, OrganizationalUnit: []string{"node"}}, []pkix.Extension{goodExt}, nil), IssueOptions{}, "one country"},
		{"invalid role", csrWith(t, pkix.Name{Country: []string{"SE"}, OrganizationalUnit: []string{"ca"}}, []pkix.Extension{goodExt}, nil), IssueOptions{}, "role"},
		{"Ed25519 key", csrWith(t, subject("SE", RoleNode), []pkix.Extension{goodExt}, edKey), IssueOptions{}, "ECDSA"},
		{"country not the one expected", parsed, IssueOptions{Country: "SE"}, "for FI, not SE"},
		{"role not the one expected", parsed, IssueOptions{Role: RoleHub}, "role node, not hub"},
		{"signature altered", &tampered, IssueOptions{}, "signature"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cert, err := IssueFromCSR(ca, tc.csr, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("IssueFromCSR: %v, %v; want an error mentioning %q", cert, err, tc.want)
			}
		})
	}
}

func TestKeyFiles(t *testing.T) {
	root := t.TempDir()
	caDir := filepath.Join(root, "ca")
	ca, err := InitCA(caDir, CAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := InitCA(caDir, CAOptions{}); errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("second InitCA: %v, want a conflict", err)
	}
	b := mustIssue(t, ca, "SE", RoleNode, IssueOptions{})
	nodeDir := filepath.Join(root, "node")
	if err := b.Save(nodeDir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{filepath.Join(caDir, CAKeyFile), filepath.Join(nodeDir, NodeKeyFile), filepath.Join(nodeDir, NodeHPKEFile)} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(f), fi.Mode().Perm())
		}
	}
	before, _ := os.ReadFile(filepath.Join(nodeDir, NodeKeyFile))
	other := mustIssue(t, ca, "SE", RoleNode, IssueOptions{})
	if err := other.Save(nodeDir); errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("Save over existing keys: %v, want a conflict", err)
	}
	if after, _ := os.ReadFile(filepath.Join(nodeDir, NodeKeyFile)); string(after) != string(before) {
		t.Fatal("an existing key was overwritten")
	}
	if _, err := LoadCA(caDir); err != nil {
		t.Fatalf("LoadCA: %v", err)
	}

	// A key others can read is refused, whichever key it is.
	for _, f := range []string{NodeKeyFile, NodeHPKEFile} {
		path := filepath.Join(nodeDir, f)
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadNode(nodeDir); err == nil || !strings.Contains(err.Error(), "accessible to other users") {
			t.Fatalf("LoadNode with %s mode 0644: %v", f, err)
		}
		if err := os.Chmod(path, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := LoadNode(nodeDir); err != nil {
		t.Fatalf("LoadNode: %v", err)
	}

	// A certificate that is not the keys' own is refused when loading.
	if err := SaveCerts(nodeDir, other.Cert, ca.Cert); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadNode(nodeDir); err == nil || !strings.Contains(err.Error(), "does not belong") {
		t.Fatalf("LoadNode with another certificate: %v", err)
	}
	// Nor a certificate of another CA.
	if err := SaveCerts(nodeDir, b.Cert, otherNetwork().CA); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadNode(nodeDir); err == nil || !strings.Contains(err.Error(), "not issued by") {
		t.Fatalf("LoadNode with another CA: %v", err)
	}
}
