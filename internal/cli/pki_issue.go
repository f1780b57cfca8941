package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/cbss-egcc/childcentre/internal/pki"
)

// The commands that make keys and certificates: pki csr on the node, pki
// sign at the CA (together the ceremony of docs/network.md), and pki issue
// (both at once, for demos and tests).

func runPKIIssue(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("pki issue", env)
	caDir := fs.String("ca", "", "directory of the CA")
	country := fs.String("country", "", "ISO 3166-1 alpha-2 country code")
	role := fs.String("role", "", "node or hub")
	out := fs.String("out", "", "directory to write node.key, node.hpke, node.crt, ca.crt, ca.crl")
	n := fs.Int("days", 0, "validity in days (default 90)")
	var hosts pkiHosts
	fs.Var(&hosts, "host", "host name or IP address the certificate is valid for (repeatable)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := pkiRequired("ca", *caDir, "country", *country, "role", *role, "out", *out); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return Usagef("unexpected arguments")
	}
	r, err := pki.ParseRole(*role)
	if err != nil {
		return err
	}
	v, err := pkiDays(*n)
	if err != nil {
		return err
	}
	if err := refuseExistingKeys(*out); err != nil {
		return err
	}
	ca, err := pki.LoadCA(*caDir)
	if err != nil {
		return err
	}
	ca.Now = env.Now
	b, err := pki.Issue(ca, *country, r, pki.IssueOptions{Validity: v, Hosts: hosts})
	if err != nil {
		return err
	}
	if err := b.Save(*out); err != nil {
		return err
	}
	if err := ca.CopyCRL(*out); err != nil {
		return err
	}
	printIssued(env, b.Identity, *out)
	return nil
}

func runPKICSR(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("pki csr", env)
	country := fs.String("country", "", "ISO 3166-1 alpha-2 country code")
	role := fs.String("role", "", "node or hub")
	out := fs.String("out", "", "directory to write node.key, node.hpke and node.csr")
	var hosts pkiHosts
	fs.Var(&hosts, "host", "host name or IP address to request (repeatable)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := pkiRequired("country", *country, "role", *role, "out", *out); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return Usagef("unexpected arguments")
	}
	r, err := pki.ParseRole(*role)
	if err != nil {
		return err
	}
	if err := refuseExistingKeys(*out); err != nil {
		return err
	}
	keys, csr, err := pki.NewKeyAndCSR(*country, r, hosts)
	if err != nil {
		return err
	}
	if err := keys.Save(*out); err != nil {
		return err
	}
	path := filepath.Join(*out, pki.NodeCSRFile)
	if err := os.WriteFile(path, pki.CSRPEM(csr), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "keys written to %s (mode 0600: they never leave this machine)\nsend %s to the CA operator\nrequest SHA-256 %s (confirm it with the CA operator by phone)\n",
		*out, path, fileSHA256(pki.CSRPEM(csr)))
	return nil
}

func runPKISign(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("pki sign", env)
	caDir := fs.String("ca", "", "directory of the CA")
	csrPath := fs.String("csr", "", "certificate request made by pki csr")
	out := fs.String("out", "", "directory to write node.crt, ca.crt and ca.crl")
	country := fs.String("country", "", "country the request must be for")
	role := fs.String("role", "", "role the request must be for")
	n := fs.Int("days", 0, "validity in days (default 90)")
	var hosts pkiHosts
	fs.Var(&hosts, "host", "host name or IP address, replacing those requested (repeatable)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := pkiRequired("ca", *caDir, "csr", *csrPath, "out", *out); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return Usagef("unexpected arguments")
	}
	opts := pki.IssueOptions{Country: *country, Hosts: hosts}
	if *role != "" {
		r, err := pki.ParseRole(*role)
		if err != nil {
			return err
		}
		opts.Role = r
	}
	v, err := pkiDays(*n)
	if err != nil {
		return err
	}
	opts.Validity = v
	data, err := os.ReadFile(*csrPath)
	if err != nil {
		return err
	}
	csr, err := pki.ParseCSR(data)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "request SHA-256 %s\n", fileSHA256(data))
	ca, err := pki.LoadCA(*caDir)
	if err != nil {
		return err
	}
	ca.Now = env.Now
	cert, err := pki.IssueFromCSR(ca, csr, opts)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o700); err != nil {
		return err
	}
	if err := pki.SaveCerts(*out, cert, ca.Cert); err != nil {
		return err
	}
	if err := ca.CopyCRL(*out); err != nil {
		return err
	}
	id, err := pki.IdentityOf(cert)
	if err != nil {
		return err
	}
	printIssued(env, id, *out)
	return nil
}

// refuseExistingKeys fails before anything is generated or issued when out
// already holds keys, so that a refused run leaves no orphan certificate in
// the CA's index.
func refuseExistingKeys(out string) error {
	for _, f := range []string{pki.NodeKeyFile, pki.NodeHPKEFile} {
		if _, err := os.Stat(filepath.Join(out, f)); err == nil {
			return fmt.Errorf("%s already exists: refusing to overwrite a key", filepath.Join(out, f))
		}
	}
	return nil
}

// fileSHA256 is what sha256sum prints for a file with these contents, so
// that the two sides of a phone call can compare it with either tool.
func fileSHA256(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func printIssued(env *Env, id pki.Identity, out string) {
	fmt.Fprintf(env.Stdout, "issued %s %s certificate %s, valid until %s, in %s\n",
		id.Country, id.Role, id.Serial, id.NotAfter.UTC().Format(time.RFC3339), out)
}
