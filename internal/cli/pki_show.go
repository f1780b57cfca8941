package cli

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/pki"
)

func init() {
	register(&Command{
		Name:    "pki show",
		Args:    "FILE",
		Summary: "print what a certificate or certificate request (PEM) says: country, role, hosts, validity, fingerprints",
		Run:     runPKIShow,
	})
}

// runPKIShow lets the CA operator read a request before signing it, and a
// node's operator read the certificate that came back, without openssl.
func runPKIShow(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("pki show", env)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return Usagef("give one certificate or request file")
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return fmt.Errorf("%s is not a PEM file", fs.Arg(0))
	}
	fileSum := sha256.Sum256(data)
	w := env.Stdout
	switch block.Type {
	case "CERTIFICATE REQUEST":
		csr, err := pki.ParseCSR(data)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "certificate request\n")
		printName(env, csr.Subject.Country, csr.Subject.OrganizationalUnit)
		printHosts(env, csr.DNSNames, csr.IPAddresses)
		fmt.Fprintf(w, "hpke key:    %s\n", hpkeFingerprint(csr.Extensions))
		fmt.Fprintf(w, "file SHA-256: %s\n", hex.EncodeToString(fileSum[:]))
	case "CERTIFICATE":
		cert, err := pki.ParseCert(data)
		if err != nil {
			return err
		}
		id, idErr := pki.IdentityOf(cert)
		fmt.Fprintf(w, "certificate %s\n", pki.FormatSerial(cert.SerialNumber))
		fmt.Fprintf(w, "subject:     %s\n", cert.Subject)
		fmt.Fprintf(w, "issuer:      %s\n", cert.Issuer)
		if cert.IsCA {
			fmt.Fprintf(w, "role:        network CA\n")
		} else if idErr != nil {
			fmt.Fprintf(w, "role:        none usable in the network (%s)\n", idErr)
		} else {
			fmt.Fprintf(w, "country:     %s\nrole:        %s\n", id.Country, id.Role)
		}
		printHosts(env, cert.DNSNames, cert.IPAddresses)
		fmt.Fprintf(w, "valid:       %s to %s\n", cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339))
		if !cert.IsCA {
			fmt.Fprintf(w, "hpke key:    %s\n", hpkeFingerprint(cert.Extensions))
		}
		sum := sha256.Sum256(cert.Raw)
		fmt.Fprintf(w, "SHA-256:     %s\n", colonHex(sum[:]))
	default:
		return fmt.Errorf("%s holds a %s, not a certificate or a certificate request", fs.Arg(0), block.Type)
	}
	return nil
}

func printName(env *Env, country, ou []string) {
	fmt.Fprintf(env.Stdout, "country:     %s\nrole:        %s\n", strings.Join(country, ","), strings.Join(ou, ","))
}

func printHosts(env *Env, dns []string, ips []net.IP) {
	hosts := append([]string{}, dns...)
	for _, ip := range ips {
		hosts = append(hosts, ip.String())
	}
	if len(hosts) == 0 {
		hosts = []string{"-"}
	}
	fmt.Fprintf(env.Stdout, "hosts:       %s\n", strings.Join(hosts, " "))
}

// hpkeFingerprint names the HPKE key by the SHA-256 of its 32 bytes, so
// that the node's operator can tell their key from a substituted one.
func hpkeFingerprint(exts []pkix.Extension) string {
	c := &x509.Certificate{Extensions: exts}
	k, err := pki.HPKEPublicKey(c)
	if err != nil {
		return "none"
	}
	sum := sha256.Sum256(k.Bytes())
	return "X25519 SHA-256 " + hex.EncodeToString(sum[:])
}

// colonHex writes a fingerprint the way openssl prints one.
func colonHex(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("%02X", c)
	}
	return strings.Join(parts, ":")
}
