package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cbss-egcc/childcentre/internal/pki"
)

func init() {
	register(&Command{
		Name:    "pki init",
		Args:    "--dir DIR [--days N]",
		Summary: "create the network's certificate authority in DIR (ca.key 0600; never overwrites)",
		Run:     runPKIInit,
	})
	register(&Command{
		Name:    "pki issue",
		Args:    "--ca DIR --country CC --role node|hub [--host H ...] [--days N] --out DIR",
		Summary: "make keys and a certificate in one step (demos, tests; production uses pki csr + pki sign)",
		Run:     runPKIIssue,
	})
	register(&Command{
		Name:    "pki csr",
		Args:    "--country CC --role node|hub [--host H ...] --out DIR",
		Summary: "make this machine's keys (0600) and a certificate request (node.csr) for the CA",
		Run:     runPKICSR,
	})
	register(&Command{
		Name:    "pki sign",
		Args:    "--ca DIR --csr FILE [--country CC] [--role node|hub] [--host H ...] [--days N] --out DIR",
		Summary: "certify a request: writes node.crt, ca.crt and ca.crl into DIR",
		Run:     runPKISign,
	})
	register(&Command{
		Name:    "pki revoke",
		Args:    "--ca DIR --serial S [--reason R]",
		Summary: "revoke a certificate and publish a new CRL (ca.crl)",
		Run:     runPKIRevoke,
	})
	register(&Command{
		Name:    "pki crl",
		Args:    "--ca DIR [--days N]",
		Summary: "re-publish the CRL before its next update is due",
		Run:     runPKICRL,
	})
	register(&Command{
		Name:    "pki list",
		Args:    "--ca DIR",
		Summary: "list the certificates the CA issued: serial, country, role, not_after, status",
		Run:     runPKIList,
	})
}

// pkiHosts is a repeatable --host flag; commas also separate hosts.
type pkiHosts []string

func (h *pkiHosts) String() string { return strings.Join(*h, ",") }
func (h *pkiHosts) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*h = append(*h, s)
		}
	}
	return nil
}

// pkiDays turns a --days flag into a validity; 0 keeps the default.
func pkiDays(n int) (time.Duration, error) {
	if n < 0 || n > 100*365 {
		return 0, Usagef("--days must be between 1 and 36500")
	}
	return time.Duration(n) * 24 * time.Hour, nil
}

// pkiRequired takes pairs of flag name and value and names the first one
// missing.
func pkiRequired(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			return Usagef("--%s is required", pairs[i])
		}
	}
	return nil
}

func runPKIInit(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("pki init", env)
	dir := fs.String("dir", "", "directory of the CA")
	n := fs.Int("days", 0, "validity of the CA certificate in days (default 3650)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := pkiRequired("dir", *dir); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return Usagef("unexpected arguments")
	}
	v, err := pkiDays(*n)
	if err != nil {
		return err
	}
	ca, err := pki.InitCA(*dir, pki.CAOptions{Validity: v, Now: env.Now})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "CA created in %s, valid until %s\n", *dir, ca.Cert.NotAfter.UTC().Format(time.DateOnly))
	fmt.Fprintf(env.Stdout, "keep %s offline and backed up; give %s and %s to every node and the hub\n",
		filepath.Join(*dir, pki.CAKeyFile), pki.CACertFile, pki.CRLFile)
	return nil
}

func runPKIRevoke(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("pki revoke", env)
	caDir := fs.String("ca", "", "directory of the CA")
	serial := fs.String("serial", "", "serial of the certificate (hex, see pki list)")
	reason := fs.String("reason", "", "unspecified, keyCompromise, affiliationChanged, superseded or cessationOfOperation")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := pkiRequired("ca", *caDir, "serial", *serial); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return Usagef("unexpected arguments")
	}
	n, err := pki.ParseSerial(*serial)
	if err != nil {
		return err
	}
	ca, err := pki.LoadCA(*caDir)
	if err != nil {
		return err
	}
	ca.Now = env.Now
	if err := ca.Revoke(n, *reason); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "revoked %s; distribute %s to the hub and every node\n", pki.FormatSerial(n), ca.CRLPath())
	return nil
}

func runPKICRL(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("pki crl", env)
	caDir := fs.String("ca", "", "directory of the CA")
	n := fs.Int("days", 0, "validity of the CRL in days (default 30)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := pkiRequired("ca", *caDir); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return Usagef("unexpected arguments")
	}
	v, err := pkiDays(*n)
	if err != nil {
		return err
	}
	ca, err := pki.LoadCA(*caDir)
	if err != nil {
		return err
	}
	ca.Now = env.Now
	crl, err := ca.PublishCRL(v)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "CRL %s published in %s, next update due %s\n", crl.Number, ca.CRLPath(), crl.NextUpdate.UTC().Format(time.RFC3339))
	return nil
}

func runPKIList(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("pki list", env)
	caDir := fs.String("ca", "", "directory of the CA")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := pkiRequired("ca", *caDir); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return Usagef("unexpected arguments")
	}
	entries, err := pki.List(*caDir)
	if err != nil {
		return err
	}
	now := env.Now()
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERIAL\tCOUNTRY\tROLE\tNOT_AFTER\tSTATUS")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Serial, e.Country, e.Role, e.NotAfter.UTC().Format(time.RFC3339), e.Status(now))
	}
	return tw.Flush()
}
