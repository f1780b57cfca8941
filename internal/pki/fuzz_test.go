package pki

import (
	"bytes"
	"path/filepath"
	"sync"
	"testing"
)

// fuzzNet is one network for all fuzz inputs: key generation per input
// would leave no time for fuzzing.
var fuzzNet = sync.OnceValue(func() *testNetwork {
	ca, err := InitCA(filepath.Join(tempRoot(), "fuzz-ca"), CAOptions{})
	if err != nil {
		panic(err)
	}
	n := &testNetwork{dir: ca.Dir, ca: ca}
	for _, p := range []struct {
		b  **Bundle
		cc string
	}{{&n.se, "SE"}, {&n.fi, "FI"}} {
		if *p.b, err = Issue(ca, p.cc, RoleNode, IssueOptions{}); err != nil {
			panic(err)
		}
	}
	return n
})

// FuzzOpenVerified feeds what the hub relays: whatever arrives, opening
// fails cleanly or yields exactly what SE sealed.
func FuzzOpenVerified(f *testing.F) {
	n := fuzzNet()
	msg := []byte("secret")
	sealed, err := SealSigned(n.se, n.fi.Cert, "k", msg, VerifyOptions{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sealed)
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0, 0, 0})
	f.Add([]byte{1, 255, 255, 255, 255})
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := OpenVerified(n.fi, n.se.Cert, "k", data, VerifyOptions{})
		if err == nil && !bytes.Equal(got, msg) {
			t.Fatalf("opened to %q", got)
		}
	})
}

// FuzzParseCSR feeds what a requester sends the CA: a request is refused or
// parsed, its HPKE extension read, without a panic.
func FuzzParseCSR(f *testing.F) {
	_, csr, err := NewKeyAndCSR("SE", RoleNode, []string{"127.0.0.1"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(CSRPEM(csr))
	f.Add(csr.Raw)
	f.Add([]byte("-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCSR(data)
		if err != nil {
			return
		}
		if k, err := hpkeKeyOf(c.Extensions); err == nil && k != nil && len(k.Bytes()) != 32 {
			t.Fatalf("HPKE key of %d bytes", len(k.Bytes()))
		}
	})
}

// FuzzParseCRL feeds the CRL file a watcher reads.
func FuzzParseCRL(f *testing.F) {
	n := fuzzNet()
	crl, err := n.ca.PublishCRL(0)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(crl.Raw)
	f.Add([]byte("-----BEGIN X509 CRL-----\n-----END X509 CRL-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if c, err := ParseCRL(data, n.ca.Cert); err == nil && c.Number == nil {
			t.Fatal("accepted a CRL without a number")
		}
	})
}
