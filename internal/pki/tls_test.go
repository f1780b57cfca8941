package pki

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// handshakeResult is what both ends of one connection saw.
type handshakeResult struct {
	serverErr error    // the server's handshake error
	clientErr error    // the client's handshake or first read error
	peer      Identity // the client's identity as the server read it
	peerErr   error
}

// handshake runs one TLS connection over 127.0.0.1. The server answers
// "ok" after a completed handshake, so the client's first read fails when
// the server refused it: in TLS 1.3 the client finishes its side of the
// handshake before the server has judged the client's certificate.
func handshake(t *testing.T, server, client *tls.Config) handshakeResult {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", server)
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	defer ln.Close()
	done := make(chan handshakeResult, 1)
	go func() {
		var r handshakeResult
		c, err := ln.Accept()
		if err != nil {
			r.serverErr = err
			done <- r
			return
		}
		defer c.Close()
		tc := c.(*tls.Conn)
		tc.SetDeadline(time.Now().Add(10 * time.Second))
		if r.serverErr = tc.Handshake(); r.serverErr == nil {
			r.peer, r.peerErr = PeerIdentity(tc.ConnectionState())
			_, r.serverErr = tc.Write([]byte("ok"))
		}
		done <- r
	}()
	var clientErr error
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", ln.Addr().String(), client)
	if err != nil {
		clientErr = err
	} else {
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		buf := make([]byte, 2)
		if _, err := io.ReadFull(conn, buf); err != nil {
			clientErr = err
		} else if string(buf) != "ok" {
			clientErr = errors.New("unexpected answer " + string(buf))
		}
		conn.Close()
	}
	r := <-done
	r.clientErr = clientErr
	return r
}

func TestMutualTLS(t *testing.T) {
	n := network(t)
	// A CRL good for a year, so that the injected clocks below judge the
	// certificates and not the CRL.
	if _, err := n.ca.PublishCRL(365 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	crl := n.watcher(t, nil)
	revokedNode := mustIssue(t, n.ca, "PL", RoleNode, IssueOptions{})
	shortLived := mustIssue(t, n.ca, "LT", RoleNode, IssueOptions{Validity: time.Hour})

	serverCfg := func(t *testing.T, now func() time.Time) *tls.Config {
		t.Helper()
		cfg, err := ServerTLS(n.hub, VerifyOptions{CRL: crl, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	clientCfg := func(t *testing.T, b *Bundle, serverName string) *tls.Config {
		t.Helper()
		cfg, err := ClientTLS(b, serverName, VerifyOptions{CRL: crl})
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	tests := []struct {
		name    string
		before  func(t *testing.T)
		server  func(t *testing.T) *tls.Config
		client  func(t *testing.T) *tls.Config
		ok      bool
		country string
		serverE string // part of the server's error when refused
	}{
		{name: "valid node certificate", ok: true, country: "SE",
			client: func(t *testing.T) *tls.Config { return clientCfg(t, n.se, "127.0.0.1") }},
		{name: "valid certificate of another country", ok: true, country: "FI",
			client: func(t *testing.T) *tls.Config { return clientCfg(t, n.fi, "hub.test") }},
		{name: "no client certificate", serverE: "didn't provide a certificate",
			client: func(t *testing.T) *tls.Config {
				c := clientCfg(t, n.se, "127.0.0.1")
				c.Certificates = nil
				return c
			}},
		{name: "certificate of another CA", serverE: "unknown authority",
			client: func(t *testing.T) *tls.Config {
				c := clientCfg(t, n.se, "127.0.0.1")
				c.Certificates = []tls.Certificate{otherNetwork().TLSCertificate()}
				return c
			}},
		{name: "expired certificate (server clock 2 hours on)", serverE: "expired",
			server: func(t *testing.T) *tls.Config {
				return serverCfg(t, func() time.Time { return time.Now().Add(2 * time.Hour) })
			},
			client: func(t *testing.T) *tls.Config { return clientCfg(t, shortLived, "127.0.0.1") }},
		{name: "certificate not yet valid (server clock a day back)", serverE: "not yet valid",
			server: func(t *testing.T) *tls.Config {
				return serverCfg(t, func() time.Time { return time.Now().Add(-24 * time.Hour) })
			},
			client: func(t *testing.T) *tls.Config { return clientCfg(t, n.se, "127.0.0.1") }},
		{name: "revoked certificate, CRL reloaded without restart", serverE: "revoked",
			before: func(t *testing.T) {
				// The same server configuration accepted it a moment ago.
				if r := handshake(t, serverCfg(t, nil), clientCfg(t, revokedNode, "127.0.0.1")); r.serverErr != nil || r.clientErr != nil {
					t.Fatalf("before revocation: server %v, client %v", r.serverErr, r.clientErr)
				}
				if err := n.ca.Revoke(revokedNode.Cert.SerialNumber, "keyCompromise"); err != nil {
					t.Fatal(err)
				}
				if err := crl.Reload(); err != nil {
					t.Fatal(err)
				}
			},
			client: func(t *testing.T) *tls.Config { return clientCfg(t, revokedNode, "127.0.0.1") }},
		{name: "hub certificate where a node is expected", serverE: "role hub",
			client: func(t *testing.T) *tls.Config {
				c := clientCfg(t, n.se, "127.0.0.1")
				c.Certificates = []tls.Certificate{n.hub.TLSCertificate()}
				return c
			}},
		{name: "TLS 1.2 client", serverE: "unsupported versions",
			client: func(t *testing.T) *tls.Config {
				c := clientCfg(t, n.se, "127.0.0.1")
				c.MinVersion, c.MaxVersion = tls.VersionTLS12, tls.VersionTLS12
				return c
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.before != nil {
				tc.before(t)
			}
			server := serverCfg(t, nil)
			if tc.server != nil {
				server = tc.server(t)
			}
			r := handshake(t, server, tc.client(t))
			if tc.ok {
				if r.serverErr != nil || r.clientErr != nil || r.peerErr != nil {
					t.Fatalf("server %v, client %v, identity %v", r.serverErr, r.clientErr, r.peerErr)
				}
				if r.peer.Country != tc.country || r.peer.Role != RoleNode || r.peer.HPKEPublicKey == nil {
					t.Fatalf("peer identity %+v, want a %s node with an HPKE key", r.peer, tc.country)
				}
				return
			}
			if r.serverErr == nil || r.clientErr == nil {
				t.Fatalf("want no TLS session; server %v, client %v", r.serverErr, r.clientErr)
			}
			if !strings.Contains(r.serverErr.Error(), tc.serverE) {
				t.Fatalf("server error %q, want it to mention %q", r.serverErr, tc.serverE)
			}
		})
	}
}

// TestClientRefusesServer checks the node's side: it talks only to a hub of
// its own network under the name it dialled.
func TestClientRefusesServer(t *testing.T) {
	n := network(t)
	crl := n.watcher(t, nil)
	tests := []struct {
		name       string
		serverAs   *Bundle
		serverName string
		want       string
	}{
		{"hub of the network", n.hub, "127.0.0.1", ""},
		{"a node posing as the hub", mustIssue(t, n.ca, "FI", RoleNode, IssueOptions{Hosts: []string{"127.0.0.1"}}), "127.0.0.1", "role node"},
		{"hub under a name it was not issued for", n.hub, "evil.test", "evil.test"},
		{"server of another CA", otherNetwork(), "127.0.0.1", "unknown authority"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			server, err := ServerTLS(tc.serverAs, VerifyOptions{CRL: crl})
			if err != nil {
				t.Fatal(err)
			}
			// The other CA's server must trust our client to get as far as
			// being judged by it.
			server.ClientCAs.AddCert(n.ca.Cert)
			client, err := ClientTLS(n.se, tc.serverName, VerifyOptions{CRL: crl})
			if err != nil {
				t.Fatal(err)
			}
			r := handshake(t, server, client)
			if tc.want == "" {
				if r.clientErr != nil || r.serverErr != nil {
					t.Fatalf("client %v, server %v", r.clientErr, r.serverErr)
				}
				return
			}
			if r.clientErr == nil || !strings.Contains(r.clientErr.Error(), tc.want) {
				t.Fatalf("client error %v, want one mentioning %q", r.clientErr, tc.want)
			}
		})
	}
}

func TestStaleCRLRefusesEveryone(t *testing.T) {
	n := network(t)
	later := func() time.Time { return time.Now().Add(DefaultCRLValidity + time.Hour) }
	crl := n.watcher(t, later)
	server, err := ServerTLS(n.hub, VerifyOptions{CRL: crl})
	if err != nil {
		t.Fatal(err)
	}
	client, err := ClientTLS(n.se, "127.0.0.1", VerifyOptions{CRL: n.watcher(t, nil)})
	if err != nil {
		t.Fatal(err)
	}
	r := handshake(t, server, client)
	if r.serverErr == nil || !strings.Contains(r.serverErr.Error(), "out of date") {
		t.Fatalf("server error %v, want the CRL out of date", r.serverErr)
	}
}

func TestTLSConfigNeedsCRL(t *testing.T) {
	n := network(t)
	if _, err := ServerTLS(n.hub, VerifyOptions{}); err == nil {
		t.Fatal("ServerTLS without a CRL accepted")
	}
	if _, err := ClientTLS(n.se, "hub.test", VerifyOptions{}); err == nil {
		t.Fatal("ClientTLS without a CRL accepted")
	}
}

func TestPeerIdentityNeedsVerifiedChain(t *testing.T) {
	n := network(t)
	tests := []struct {
		name string
		cs   tls.ConnectionState
		ok   bool
	}{
		{"verified", tls.ConnectionState{HandshakeComplete: true, PeerCertificates: []*x509.Certificate{n.se.Cert}, VerifiedChains: [][]*x509.Certificate{{n.se.Cert, n.ca.Cert}}}, true},
		{"presented but not verified", tls.ConnectionState{HandshakeComplete: true, PeerCertificates: []*x509.Certificate{n.se.Cert}}, false},
		{"handshake not complete", tls.ConnectionState{PeerCertificates: []*x509.Certificate{n.se.Cert}, VerifiedChains: [][]*x509.Certificate{{n.se.Cert, n.ca.Cert}}}, false},
		{"no certificate", tls.ConnectionState{HandshakeComplete: true}, false},
	}
	if _, err := RequestIdentity(httptest.NewRequest("POST", "http://hub.test/upload", nil)); err == nil {
		t.Fatal("RequestIdentity accepted a request without TLS")
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := PeerIdentity(tc.cs)
			if tc.ok != (err == nil) {
				t.Fatalf("PeerIdentity: %+v, %v", id, err)
			}
			r := httptest.NewRequest("POST", "https://hub.test/upload", nil)
			r.TLS = &tc.cs
			if rid, err := RequestIdentity(r); tc.ok != (err == nil) || rid.Serial != id.Serial || rid.Country != id.Country {
				t.Fatalf("RequestIdentity: %+v, %v", rid, err)
			}
			if tc.ok && (id.Country != "SE" || id.Role != RoleNode) {
				t.Fatalf("identity %+v", id)
			}
		})
	}
}
