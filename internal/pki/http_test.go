package pki

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// TestKeptAliveConnectionAfterRevocation serves HTTP as the hub would and
// shows why VerifyPeer runs per request: a connection made before a
// revocation stays open (the handshake checked the CRL once), and only the
// per-request check cuts the node off at once.
func TestKeptAliveConnectionAfterRevocation(t *testing.T) {
	n := network(t)
	crl := n.watcher(t, nil)
	// The clock is read by the server's goroutines: atomic, so that -race
	// does not take the network for synchronisation.
	var clock atomic.Int64
	clock.Store(time.Now().UnixNano())
	opts := VerifyOptions{CRL: crl, Now: func() time.Time { return time.Unix(0, clock.Load()) }}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := RequestIdentity(r)
		if err != nil {
			http.Error(w, errs.MessageOf(err), errs.HTTPStatus(err))
			return
		}
		if _, err := VerifyPeer(*r.TLS, opts); err != nil {
			http.Error(w, errs.MessageOf(err), errs.HTTPStatus(err))
			return
		}
		io.WriteString(w, id.Country)
	}))
	cfg, err := ServerTLS(n.hub, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv.TLS = cfg
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake below is expected
	srv.StartTLS()
	defer srv.Close()
	ccfg, err := ClientTLS(n.se, "127.0.0.1", VerifyOptions{CRL: crl})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: ccfg, ForceAttemptHTTP2: true}}
	defer client.CloseIdleConnections()
	get := func() (int, string, bool) {
		t.Helper()
		var reused bool
		req, _ := http.NewRequest("GET", srv.URL, nil)
		req = req.WithContext(withConnTrace(req.Context(), &reused))
		resp, err := client.Do(req)
		if err != nil {
			return 0, err.Error(), reused
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body), reused
	}
	if code, body, _ := get(); code != 200 || body != "SE" {
		t.Fatalf("first request: %d %q", code, body)
	}
	if err := n.ca.Revoke(n.se.Cert.SerialNumber, "keyCompromise"); err != nil {
		t.Fatal(err)
	}
	if err := crl.Reload(); err != nil {
		t.Fatal(err)
	}
	code, body, reused := get()
	if !reused {
		t.Fatal("the second request did not reuse the connection: the test shows nothing")
	}
	if code != http.StatusForbidden {
		t.Fatalf("request of a revoked node on a kept-alive connection: %d %q", code, body)
	}
	client.CloseIdleConnections()
	if code, body, _ := get(); code != 0 {
		t.Fatalf("new connection of a revoked node: %d %q, want no TLS session", code, body)
	}

	// Expiry during a kept-alive connection, with a fresh node.
	fiClient := &http.Client{Transport: &http.Transport{TLSClientConfig: mustClientTLS(t, n.fi, crl)}}
	defer fiClient.CloseIdleConnections()
	if resp, err := fiClient.Get(srv.URL); err != nil || resp.StatusCode != 200 {
		t.Fatalf("FI: %v", err)
	} else {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	clock.Store(n.fi.Cert.NotAfter.Add(time.Second).UnixNano())
	resp, err := fiClient.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("request after expiry: %d", resp.StatusCode)
	}
}

func mustClientTLS(t *testing.T, b *Bundle, crl *CRLWatcher) *tlsConfig {
	t.Helper()
	c, err := ClientTLS(b, "127.0.0.1", VerifyOptions{CRL: crl})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
