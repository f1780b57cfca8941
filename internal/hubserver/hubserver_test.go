package hubserver_test

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/hubserver"
	"github.com/cbss-egcc/childcentre/internal/network"
	"github.com/cbss-egcc/childcentre/internal/pki"
)

// testNet is a network CA with a running hub on 127.0.0.1.
type testNet struct {
	ca      *pki.CA
	hub     *hubserver.Hub
	url     string // the exchange
	webURL  string
	cancel  context.CancelFunc
	done    chan error
	dbURL   string
	keys    string
	hubDir  string
	crlPath string
	schema  string // --network-schema; child-clk when empty
	cleanup bool
	// shutdown is the hub's shutdown timeout (default 5 s); a tiny one
	// cuts requests in flight, as a crash would.
	shutdown time.Duration
}

// newNet makes a CA, a hub certificate for 127.0.0.1 and a hub on a fresh
// database at dbURL ("" for SQLite in a temporary directory).
func newNet(t testing.TB, dbURL string) *testNet {
	t.Helper()
	ca, err := pki.InitCA(filepath.Join(t.TempDir(), "ca"), pki.CAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := &testNet{ca: ca, crlPath: ca.CRLPath()}
	hb, err := pki.Issue(ca, "SE", pki.RoleHub, pki.IssueOptions{Hosts: []string{"127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	n.hubDir = filepath.Join(t.TempDir(), "hub")
	if err := hb.Save(n.hubDir); err != nil {
		t.Fatal(err)
	}
	kb, err := crypto.NewKeyring(time.Now()).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	n.keys = string(kb)
	if dbURL == "" {
		dbURL = filepath.Join(t.TempDir(), "hub.db")
	}
	n.dbURL = dbURL
	n.start(t)
	return n
}

func (n *testNet) config() *config.Config {
	return &config.Config{Role: "hub", Listen: "127.0.0.1:0", ExchangeListen: "127.0.0.1:0", DatabaseURL: n.dbURL,
		Keys: n.keys, LogLevel: "info", LogFormat: "text", Language: "en", IdleTimeout: 30 * time.Minute,
		AbsoluteTimeout: 12 * time.Hour, ShutdownTimeout: cmp.Or(n.shutdown, 5*time.Second), NetworkDir: n.hubDir,
		NetworkCRL: n.crlPath, NetworkSchema: cmp.Or(n.schema, "child-clk")}
}

// start opens and serves the hub (again, after stop: a restart).
func (n *testNet) start(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	c := n.config()
	logger := slog.New(slog.DiscardHandler)
	if err := hubserver.Migrate(ctx, c, logger, nil); err != nil {
		t.Fatal(err)
	}
	h, err := hubserver.Open(ctx, c, logger, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A restart listens where the hub listened before, so that clients
	// keep their URL.
	webAddr, exAddr := "127.0.0.1:0", "127.0.0.1:0"
	if n.url != "" {
		webAddr, exAddr = strings.TrimPrefix(n.webURL, "http://"), strings.TrimPrefix(n.url, "https://")
	}
	webLn, err := net.Listen("tcp", webAddr)
	if err != nil {
		t.Fatal(err)
	}
	exLn, err := net.Listen("tcp", exAddr)
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	n.hub, n.cancel, n.done = h, cancel, make(chan error, 1)
	n.url, n.webURL = "https://"+exLn.Addr().String(), "http://"+webLn.Addr().String()
	go func() { n.done <- h.Serve(sctx, webLn, exLn) }()
	if !n.cleanup {
		n.cleanup = true
		t.Cleanup(n.stop)
	}
}

// stop shuts the hub down (idempotent).
func (n *testNet) stop() {
	if n.cancel == nil {
		return
	}
	n.cancel()
	<-n.done
	n.hub.Close()
	n.cancel = nil
}

// node issues a node certificate of country and returns its exchange client.
func (n *testNet) node(t testing.TB, country string, opts pki.IssueOptions) *exchange.Client {
	t.Helper()
	b, err := pki.Issue(n.ca, country, pki.RoleNode, opts)
	if err != nil {
		t.Fatal(err)
	}
	return n.client(t, b)
}

func (n *testNet) client(t testing.TB, b *pki.Bundle) *exchange.Client {
	t.Helper()
	crl, err := pki.NewCRLWatcher(n.crlPath, b.CA, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := (&network.Identity{Bundle: b, CRL: crl, Now: time.Now}).Client(n.url, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// refusedInHandshake reports whether err is a TLS session refused: no
// answer of the hub's at all.
func refusedInHandshake(err error) bool {
	var re *exchange.RemoteError
	return err != nil && !errors.As(err, &re)
}

// waitHits polls c's inbox until it holds n hit notices.
func waitHits(t *testing.T, c *exchange.Client, n int) []exchange.Hit {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		in, err := c.Inbox(context.Background(), 0)
		if err != nil {
			t.Fatal(err)
		}
		var hits []exchange.Hit
		for _, x := range in.Notices {
			if x.Type == exchange.NoticeHit {
				hits = append(hits, *x.Hit)
			}
		}
		if len(hits) >= n || time.Now().After(deadline) {
			if len(hits) != n {
				t.Fatalf("%d hit notices, want %d", len(hits), n)
			}
			return hits
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// send posts msgs and returns the result of the first.
func send(t *testing.T, c *exchange.Client, msgs ...exchange.Envelope) exchange.Result {
	t.Helper()
	return sendBatch(t, c, exchange.Batch{Messages: msgs})
}

func sendBatch(t *testing.T, c *exchange.Client, b exchange.Batch) exchange.Result {
	t.Helper()
	res, err := c.Send(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	return res.Results[0]
}

func plainTLS(t *testing.T, n *testNet, cert *tls.Certificate) error {
	t.Helper()
	return plainTLSPath(t, n, cert, exchange.PathInbox)
}

// plainTLSPath GETs path with a bare TLS client presenting cert (none when
// nil); it returns nil only for an answer below 400.
func plainTLSPath(t *testing.T, n *testNet, cert *tls.Certificate, path string) error {
	t.Helper()
	roots := n.hub.Network.Bundle.Roots()
	cfg := &tls.Config{RootCAs: roots, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS13}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 5 * time.Second}
	resp, err := hc.Get(n.url + path)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode < 400 {
			return nil
		}
		return errors.New(resp.Status)
	}
	return err
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
