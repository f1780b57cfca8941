package pki

import (
	"bytes"
	"crypto/x509"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

func TestSealOpen(t *testing.T) {
	n := network(t)
	info := []byte("context")
	msg := []byte("the linkage secret")
	sealed, err := Seal(n.fi.Identity.HPKEPublicKey, info, msg)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		b := bytes.Clone(sealed)
		b[i] ^= 1
		return b
	}
	tests := []struct {
		name   string
		key    *Bundle
		info   []byte
		sealed []byte
		ok     bool
	}{
		{"round trip", n.fi, info, sealed, true},
		{"wrong recipient", n.de, info, sealed, false},
		{"other info", n.fi, []byte("context2"), sealed, false},
		{"no info", n.fi, nil, sealed, false},
		{"version byte altered", n.fi, info, flip(0), false},
		{"encapsulated key altered", n.fi, info, flip(5), false},
		{"ciphertext altered", n.fi, info, flip(len(sealed) - 20), false},
		{"tag altered", n.fi, info, flip(len(sealed) - 1), false},
		{"truncated", n.fi, info, sealed[:len(sealed)-1], false},
		{"empty", n.fi, info, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Open(tc.key.HPKE, tc.info, tc.sealed)
			if tc.ok {
				if err != nil || !bytes.Equal(got, msg) {
					t.Fatalf("Open: %q, %v", got, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Open accepted it: %q", got)
			}
			if bytes.Contains([]byte(err.Error()), msg) {
				t.Fatal("error carries the plaintext")
			}
		})
	}
	if bytes.Contains(sealed, msg) {
		t.Fatal("sealed message carries the plaintext")
	}
	again, _ := Seal(n.fi.Identity.HPKEPublicKey, info, msg)
	if bytes.Equal(again, sealed) {
		t.Fatal("two seals of one message are equal: the encapsulation is not fresh")
	}
}

func TestSignVerify(t *testing.T) {
	n := network(t)
	msg := []byte("checkpoint 42")
	sig, err := Sign(n.se.Key, msg)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cert *x509.Certificate
		msg  []byte
		sig  []byte
		ok   bool
	}{
		{"valid", n.se.Cert, msg, sig, true},
		{"other signer", n.fi.Cert, msg, sig, false},
		{"other message", n.se.Cert, []byte("checkpoint 43"), sig, false},
		{"no signature", n.se.Cert, msg, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := Verify(tc.cert, tc.msg, tc.sig); (err == nil) != tc.ok {
				t.Fatalf("Verify: %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestSealSignedOpenVerified(t *testing.T) {
	n := network(t)
	msg := []byte("the linkage secret")
	const kind = "linkage-secret"
	sealed, err := SealSigned(n.se, n.fi.Cert, kind, msg, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	revoked := mustIssue(t, n.ca, "PL", RoleNode, IssueOptions{})
	fromRevoked, err := SealSigned(revoked, n.fi.Cert, kind, msg, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.ca.Revoke(revoked.Cert.SerialNumber, "superseded"); err != nil {
		t.Fatal(err)
	}
	crl := n.watcher(t, nil)
	// A second SE certificate (a renewal) signing what claims to be from SE
	// is fine; a DE one is not.
	seRenewed := mustIssue(t, n.ca, "SE", RoleNode, IssueOptions{})
	fromRenewed, err := SealSigned(seRenewed, n.fi.Cert, kind, msg, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// What the hub could try: seal to FI as DE and claim SE sent it.
	fromDE, err := SealSigned(n.de, n.fi.Cert, kind, msg, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Another kind sealed by SE to FI, replayed as a linkage secret.
	otherKind, err := SealSigned(n.se, n.fi.Cert, "disclosure", msg, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// SE's signature swapped onto another ciphertext: splice DE's
	// ciphertext with SE's signature.
	ctEnd := 5 + int(binary.BigEndian.Uint32(sealed[1:5]))
	spliced := append(bytes.Clone(fromDE[:ctEnd]), sealed[ctEnd:]...)
	flip := func(b []byte, i int) []byte {
		b = bytes.Clone(b)
		b[i] ^= 1
		return b
	}
	tests := []struct {
		name      string
		recipient *Bundle
		sender    *x509.Certificate
		kind      string
		sealed    []byte
		opts      VerifyOptions
		code      errs.Code // "" when it must open
	}{
		{"round trip", n.fi, n.se.Cert, kind, sealed, VerifyOptions{CRL: crl}, ""},
		{"renewed sender certificate", n.fi, seRenewed.Cert, kind, fromRenewed, VerifyOptions{CRL: crl}, ""},
		{"sealed to another node", n.de, n.se.Cert, kind, sealed, VerifyOptions{}, errs.Forbidden},
		{"signed by the wrong country", n.fi, n.se.Cert, kind, fromDE, VerifyOptions{}, errs.Forbidden},
		{"claimed sender differs", n.fi, n.de.Cert, kind, sealed, VerifyOptions{}, errs.Forbidden},
		{"another kind", n.fi, n.se.Cert, kind, otherKind, VerifyOptions{}, errs.Forbidden},
		{"opened as another kind", n.fi, n.se.Cert, "disclosure", sealed, VerifyOptions{}, errs.Forbidden},
		{"ciphertext altered", n.fi, n.se.Cert, kind, flip(sealed, 20), VerifyOptions{}, errs.Forbidden},
		{"signature altered", n.fi, n.se.Cert, kind, flip(sealed, len(sealed)-3), VerifyOptions{}, errs.Forbidden},
		{"length altered", n.fi, n.se.Cert, kind, flip(sealed, 4), VerifyOptions{}, errs.Forbidden},
		{"length beyond the message", n.fi, n.se.Cert, kind, flip(sealed, 1), VerifyOptions{}, errs.Invalid},
		{"DE's ciphertext under SE's signature", n.fi, n.se.Cert, kind, spliced, VerifyOptions{}, errs.Forbidden},
		{"unknown version", n.fi, n.se.Cert, kind, flip(sealed, 0), VerifyOptions{}, errs.Invalid},
		{"sender of another CA", n.fi, otherNetwork().Cert, kind, sealed, VerifyOptions{}, errs.Forbidden},
		{"revoked sender", n.fi, revoked.Cert, kind, fromRevoked, VerifyOptions{CRL: crl}, errs.Forbidden},
		{"empty kind", n.fi, n.se.Cert, "", sealed, VerifyOptions{}, errs.Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := OpenVerified(tc.recipient, tc.sender, tc.kind, tc.sealed, tc.opts)
			if tc.code == "" {
				if err != nil || !bytes.Equal(got, msg) {
					t.Fatalf("OpenVerified: %q, %v", got, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("OpenVerified accepted it: %q", got)
			}
			if c := errs.CodeOf(err); c != tc.code {
				t.Fatalf("error %v has code %s, want %s", err, c, tc.code)
			}
		})
	}
}

// TestSealSignedRefusesSubstitutedKey is the hub's attack on the linkage
// secret: hand the sender a certificate with a key of its own choosing.
func TestSealSignedRefusesSubstitutedKey(t *testing.T) {
	n := network(t)
	tests := []struct {
		name      string
		recipient *x509.Certificate
		want      string
	}{
		{"certificate of another CA", otherNetwork().Cert, "not valid in this network"},
		{"hub certificate", n.hub.Cert, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SealSigned(n.se, tc.recipient, "linkage-secret", []byte("s"), VerifyOptions{Roles: []Role{RoleNode}})
			if err == nil {
				t.Fatal("sealed to a certificate it must refuse")
			}
			if tc.want != "" && !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseCert(t *testing.T) {
	n := network(t)
	for _, data := range [][]byte{CertPEM(n.se.Cert), n.se.Cert.Raw} {
		c, err := ParseCert(data)
		if err != nil || !c.Equal(n.se.Cert) {
			t.Fatalf("ParseCert: %v", err)
		}
	}
	for _, data := range [][]byte{nil, []byte("x"), CSRPEM(&x509.CertificateRequest{Raw: []byte{1}})} {
		if _, err := ParseCert(data); err == nil {
			t.Fatalf("ParseCert(%q) accepted", data)
		}
	}
}
