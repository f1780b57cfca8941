package pki

import (
	"crypto/tls"
	"net"
	"testing"
)

// BenchmarkHandshake measures one full mutual TLS 1.3 handshake over
// loopback (both ends in this process, CRL checked), which every new
// connection to the hub costs since session tickets are off.
func BenchmarkHandshake(b *testing.B) {
	n := fuzzNet()
	hub, err := Issue(n.ca, "SE", RoleHub, IssueOptions{Hosts: []string{"127.0.0.1"}})
	if err != nil {
		b.Fatal(err)
	}
	crl, err := NewCRLWatcher(n.ca.CRLPath(), n.ca.Cert, nil)
	if err != nil {
		b.Fatal(err)
	}
	server, _ := ServerTLS(hub, VerifyOptions{CRL: crl})
	client, _ := ClientTLS(n.se, "127.0.0.1", VerifyOptions{CRL: crl})
	ln, err := tls.Listen("tcp", "127.0.0.1:0", server)
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				if c.(*tls.Conn).Handshake() == nil {
					c.Write([]byte{1})
				}
			}(c)
		}
	}()
	b.ResetTimer()
	for b.Loop() {
		c, err := tls.Dial("tcp", ln.Addr().String(), client)
		if err != nil {
			b.Fatal(err)
		}
		var buf [1]byte
		if _, err := c.Read(buf[:]); err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "handshakes/s")
}

func BenchmarkSealSigned(b *testing.B) {
	n := fuzzNet()
	msg := make([]byte, 1024)
	for b.Loop() {
		if _, err := SealSigned(n.se, n.fi.Cert, "disclosure", msg, VerifyOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpenVerified(b *testing.B) {
	n := fuzzNet()
	sealed, err := SealSigned(n.se, n.fi.Cert, "disclosure", make([]byte, 1024), VerifyOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := OpenVerified(n.fi, n.se.Cert, "disclosure", sealed, VerifyOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIssue is the cost of one node's keys and certificate (Issue),
// index update included.
func BenchmarkIssue(b *testing.B) {
	n := fuzzNet()
	for b.Loop() {
		if _, err := Issue(n.ca, "DE", RoleNode, IssueOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
