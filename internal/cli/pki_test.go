package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/pki"
)

// TestPKICeremony walks the production ceremony through the commands: a CA,
// a hub issued in one step, a node that makes its own keys and request, the
// CA signing it, a revocation, and the list after each.
func TestPKICeremony(t *testing.T) {
	root := t.TempDir()
	ca, hub, node, signed := filepath.Join(root, "ca"), filepath.Join(root, "hub"), filepath.Join(root, "se"), filepath.Join(root, "se-signed")

	steps := []struct {
		name   string
		args   []string
		code   int
		stdout string // regular expression
		stderr string
	}{
		{"init", []string{"pki", "init", "--dir", ca}, 0, `CA created in .*valid until 20\d\d-`, ""},
		{"init again", []string{"pki", "init", "--dir", ca}, 1, ``, "already exists"},
		{"issue hub", []string{"pki", "issue", "--ca", ca, "--country", "se", "--role", "hub", "--host", "127.0.0.1", "--host", "hub.example", "--days", "30", "--out", hub}, 0, `issued SE hub certificate [0-9a-f]+, valid until`, ""},
		{"issue over existing keys", []string{"pki", "issue", "--ca", ca, "--country", "SE", "--role", "hub", "--host", "127.0.0.1", "--out", hub}, 1, ``, "refusing to overwrite"},
		{"node makes keys and request", []string{"pki", "csr", "--country", "SE", "--role", "node", "--out", node}, 0, `send .*node\.csr to the CA`, ""},
		{"request again over the keys", []string{"pki", "csr", "--country", "SE", "--role", "node", "--out", node}, 1, ``, "refusing to overwrite"},
		{"sign for the wrong country", []string{"pki", "sign", "--ca", ca, "--csr", filepath.Join(node, "node.csr"), "--country", "FI", "--out", signed}, 1, ``, "for SE, not FI"},
		{"sign", []string{"pki", "sign", "--ca", ca, "--csr", filepath.Join(node, "node.csr"), "--country", "SE", "--role", "node", "--out", signed}, 0, `issued SE node certificate`, ""},
		{"list", []string{"pki", "list", "--ca", ca}, 0, `(?m)^SERIAL\s+COUNTRY\s+ROLE\s+NOT_AFTER\s+STATUS\n[0-9a-f]+\s+SE\s+hub\s+20\S+Z\s+valid\n[0-9a-f]+\s+SE\s+node\s+20\S+Z\s+valid\n$`, ""},
		{"revoke unknown serial", []string{"pki", "revoke", "--ca", ca, "--serial", "abc"}, 1, ``, "no certificate with serial abc"},
		{"revoke with unknown reason", []string{"pki", "revoke", "--ca", ca, "--serial", "abc", "--reason", "whim"}, 1, ``, "reason must be one of"},
		{"revoke bad serial", []string{"pki", "revoke", "--ca", ca, "--serial", "zz"}, 1, ``, "hexadecimal"},
		{"re-publish CRL", []string{"pki", "crl", "--ca", ca, "--days", "7"}, 0, `CRL \d+ published in .*ca\.crl, next update due`, ""},
	}
	outputs := map[string]string{}
	for _, s := range steps {
		code, stdout, stderr := runCLI(t, nil, s.args...)
		outputs[s.name] = stdout
		if code != s.code || !regexp.MustCompile(s.stdout).MatchString(stdout) || !strings.Contains(stderr, s.stderr) {
			t.Fatalf("%s: exit %d, stdout %q, stderr %q; want %d, /%s/, %q", s.name, code, stdout, stderr, s.code, s.stdout, s.stderr)
		}
	}
	for _, f := range []string{filepath.Join(ca, "ca.key"), filepath.Join(hub, "node.key"), filepath.Join(hub, "node.hpke"), filepath.Join(node, "node.key"), filepath.Join(node, "node.hpke")} {
		fi, err := os.Stat(f)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v, mode %v; want 0600", f, err, fi.Mode().Perm())
		}
	}
	// Both sides print the request's SHA-256 as sha256sum would, for the
	// phone call that authenticates the request.
	csrFile, err := os.ReadFile(filepath.Join(node, "node.csr"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(csrFile)
	for _, step := range []string{"node makes keys and request", "sign"} {
		if !strings.Contains(outputs[step], "request SHA-256 "+hex.EncodeToString(sum[:])) {
			t.Fatalf("%s does not print the request's SHA-256:\n%s", step, outputs[step])
		}
	}
	// pki show reads either side of the ceremony.
	shows := []struct {
		file string
		code int
		want []string
	}{
		{filepath.Join(node, "node.csr"), 0, []string{"certificate request", "country:     SE", "role:        node", "hpke key:    X25519 SHA-256 ", "file SHA-256: " + hex.EncodeToString(sum[:])}},
		{filepath.Join(signed, "node.crt"), 0, []string{"country:     SE", "role:        node", "hpke key:    X25519 SHA-256 ", "SHA-256:     "}},
		{filepath.Join(hub, "node.crt"), 0, []string{"role:        hub", "hosts:       hub.example 127.0.0.1"}},
		{filepath.Join(ca, "ca.crt"), 0, []string{"role:        network CA"}},
		{filepath.Join(node, "node.key"), 1, nil},
	}
	for _, sh := range shows {
		code, stdout, stderr := runCLI(t, nil, "pki", "show", sh.file)
		if code != sh.code {
			t.Fatalf("pki show %s: exit %d, %s", sh.file, code, stderr)
		}
		for _, w := range sh.want {
			if !strings.Contains(stdout, w) {
				t.Fatalf("pki show %s: no %q in\n%s", sh.file, w, stdout)
			}
		}
		if strings.Contains(stdout+stderr, "PRIVATE") && sh.code == 0 {
			t.Fatal("pki show printed a key")
		}
	}
	// The request's HPKE key is the certificate's.
	_, csrOut, _ := runCLI(t, nil, "pki", "show", filepath.Join(node, "node.csr"))
	_, crtOut, _ := runCLI(t, nil, "pki", "show", filepath.Join(signed, "node.crt"))
	hpkeLine := regexp.MustCompile(`hpke key: +(.*)`)
	if a, b := hpkeLine.FindStringSubmatch(csrOut), hpkeLine.FindStringSubmatch(crtOut); a == nil || b == nil || a[1] != b[1] {
		t.Fatalf("HPKE key of request %v and certificate %v differ", a, b)
	}

	// The signed certificate goes back to the node and joins its keys.
	for _, f := range []string{"node.crt", "ca.crt", "ca.crl"} {
		data, err := os.ReadFile(filepath.Join(signed, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(node, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := pki.LoadNode(node)
	if err != nil {
		t.Fatalf("LoadNode after the ceremony: %v", err)
	}
	if b.Identity.Country != "SE" || b.Identity.Role != pki.RoleNode || b.HPKE == nil {
		t.Fatalf("node identity %+v", b.Identity)
	}
	h, err := pki.LoadNode(hub)
	if err != nil || h.Identity.Role != pki.RoleHub {
		t.Fatalf("hub: %v", err)
	}

	code, stdout, stderr := runCLI(t, nil, "pki", "revoke", "--ca", ca, "--serial", b.Identity.Serial, "--reason", "key-compromise")
	if code != 0 || !strings.Contains(stdout, "revoked "+b.Identity.Serial) {
		t.Fatalf("revoke: %d %q %q", code, stdout, stderr)
	}
	_, stdout, _ = runCLI(t, nil, "pki", "list", "--ca", ca)
	if !regexp.MustCompile(`(?m)^` + b.Identity.Serial + `\s+SE\s+node\s+\S+\s+revoked$`).MatchString(stdout) {
		t.Fatalf("list after revoke:\n%s", stdout)
	}
	w, err := pki.NewCRLWatcher(filepath.Join(ca, "ca.crl"), b.CA, nil)
	if err != nil || !w.IsRevoked(b.Identity.Serial) || w.IsRevoked(h.Identity.Serial) {
		t.Fatalf("CRL after revoke: %v", err)
	}
}

func TestPKIUsageErrors(t *testing.T) {
	root := t.TempDir()
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"init without dir", []string{"pki", "init"}, 2, "--dir is required"},
		{"issue without country", []string{"pki", "issue", "--ca", root, "--role", "node", "--out", root}, 2, "--country is required"},
		{"issue with a bad role", []string{"pki", "issue", "--ca", root, "--country", "SE", "--role", "admin", "--out", filepath.Join(root, "x")}, 1, "role must be node or hub"},
		{"csr with a bad country", []string{"pki", "csr", "--country", "Sweden", "--role", "node", "--out", filepath.Join(root, "y")}, 1, "two-letter ISO 3166-1"},
		{"csr with an unknown country", []string{"pki", "csr", "--country", "XX", "--role", "node", "--out", filepath.Join(root, "y")}, 1, "XX is not an ISO 3166-1 country code"},
		{"issue with negative days", []string{"pki", "issue", "--ca", root, "--country", "SE", "--role", "node", "--days", "-1", "--out", root}, 2, "--days"},
		{"sign without csr", []string{"pki", "sign", "--ca", root, "--out", root}, 2, "--csr is required"},
		{"sign a file that is no request", []string{"pki", "sign", "--ca", root, "--csr", "pki_test.go", "--out", root}, 1, "not a certificate signing request"},
		{"revoke without serial", []string{"pki", "revoke", "--ca", root}, 2, "--serial is required"},
		{"list without ca", []string{"pki", "list"}, 2, "--ca is required"},
		{"list of a directory without a CA", []string{"pki", "list", "--ca", root}, 1, "index.json"},
		{"unknown flag", []string{"pki", "list", "--ca", root, "--all"}, 2, "flag provided but not defined"},
		{"show without a file", []string{"pki", "show"}, 2, "give one certificate"},
		{"show a file that is not PEM", []string{"pki", "show", "pki_test.go"}, 1, "not a PEM file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, nil, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d, stderr %q; want %d, %q", code, stderr, tc.code, tc.stderr)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(root, "y", "node.key")); err == nil {
		t.Fatal("a refused request left a key behind")
	}
}
