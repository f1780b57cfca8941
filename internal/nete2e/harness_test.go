package nete2e

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/hubserver"
	"github.com/cbss-egcc/childcentre/internal/node"
	"github.com/cbss-egcc/childcentre/internal/nodesync"
	"github.com/cbss-egcc/childcentre/internal/pki"
)

// testNet is a CA and a hub; nodes join it.
type testNet struct {
	t      testing.TB
	dir    string
	ca     *pki.CA
	hubCfg *config.Config
	hub    *hubserver.Hub
	exAddr string // the exchange's address, kept across restarts
	schema string // the network's linkage schema ("" for child)
	cancel context.CancelFunc
	done   chan error
}

func logger() *slog.Logger {
	if os.Getenv("CHILDCENTRE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

func newNet(t testing.TB) *testNet {
	t.Helper()
	return newNetOn(t, "")
}

// newNetOn is newNet with the hub's database at hubDB ("" for SQLite in the
// hub's folder; storetest.PostgresURL for PostgreSQL).
func newNetOn(t testing.TB, hubDB string) *testNet {
	t.Helper()
	return newNetSchema(t, hubDB, "child-clk")
}

// newNetSchema is newNetOn with the network's linkage schema (a built-in
// name: child, child-fields).
func newNetSchema(t testing.TB, hubDB, schema string) *testNet {
	t.Helper()
	dir := t.TempDir()
	ca, err := pki.InitCA(filepath.Join(dir, "ca"), pki.CAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := &testNet{t: t, dir: dir, ca: ca, schema: schema}
	n.hubCfg = n.config(t, "hub", "SE")
	n.hubCfg.Country = ""
	if hubDB != "" {
		n.hubCfg.DatabaseURL = hubDB
	}
	if err := hubserver.Migrate(context.Background(), n.hubCfg, logger(), nil); err != nil {
		t.Fatal(err)
	}
	n.startHub(t)
	t.Cleanup(n.stopHub)
	return n
}

// config makes a server's folder (keys, certificate) and configuration.
func (n *testNet) config(t testing.TB, role, country string) *config.Config {
	t.Helper()
	name := role + "-" + country
	sdir := filepath.Join(n.dir, name)
	keyFile := filepath.Join(sdir, "keys.json")
	if err := os.MkdirAll(sdir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := crypto.GenerateKeyFile(keyFile); err != nil {
		t.Fatal(err)
	}
	b, err := pki.Issue(n.ca, country, pki.Role(role), pki.IssueOptions{Hosts: []string{"127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	netDir := filepath.Join(sdir, "network")
	if err := b.Save(netDir); err != nil {
		t.Fatal(err)
	}
	c := &config.Config{Role: role, Country: country, Listen: "127.0.0.1:0", ExchangeListen: "127.0.0.1:0",
		DatabaseURL: filepath.Join(sdir, role+".db"), KeyFile: keyFile, NetworkDir: netDir,
		NetworkCA: filepath.Join(n.ca.Dir, pki.CACertFile), NetworkCRL: n.ca.CRLPath(), NetworkSchema: n.schema,
		LogLevel: "error", LogFormat: "text", Language: "en", IdleTimeout: 30 * time.Minute,
		AbsoluteTimeout: 12 * time.Hour, ShutdownTimeout: 5 * time.Second, Retention: 24 * time.Hour}
	if role == "node" {
		c.HubURL = "https://" + n.exAddr
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return c
}

// startHub opens and serves the hub, on the same exchange address after a restart.
func (n *testNet) startHub(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	h, err := hubserver.Open(ctx, n.hubCfg, logger(), nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := n.exAddr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var exLn net.Listener
	for range 50 { // a restart may find the port still closing
		if exLn, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	webLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	n.exAddr = exLn.Addr().String()
	sctx, cancel := context.WithCancel(ctx)
	n.hub, n.cancel, n.done = h, cancel, make(chan error, 1)
	go func() { n.done <- h.Serve(sctx, webLn, exLn) }()
}

// stopHub stops the hub (idempotent).
func (n *testNet) stopHub() {
	if n.cancel == nil {
		return
	}
	n.cancel()
	<-n.done
	n.hub.Close()
	n.cancel = nil
}

// hubEncodings reads the hub's gauge of encodings held for country.
func (n *testNet) hubEncodings(t testing.TB, country string) int {
	t.Helper()
	var b bytes.Buffer
	n.hub.Metrics.WriteTo(&b)
	prefix := fmt.Sprintf("childcentre_hub_encodings{country=%q} ", country)
	for _, l := range strings.Split(b.String(), "\n") {
		if v, ok := strings.CutPrefix(l, prefix); ok {
			var k int
			fmt.Sscan(v, &k)
			return k
		}
	}
	return 0
}

// testNode is a running node.
type testNode struct {
	*node.Node
	cfg    *config.Config
	offset atomic.Int64 // added to the clock, to purge "later"
	cancel context.CancelFunc
	done   chan error
	url    string
}

var (
	officer = func(cc string) auth.Actor {
		return auth.Actor{UserID: 1, Role: auth.RoleOfficer, Country: auth.Country(cc)}
	}
	supervisor = func(cc string) auth.Actor {
		return auth.Actor{UserID: 2, Role: auth.RoleSupervisor, Country: auth.Country(cc)}
	}
)

// startNode migrates, opens and serves a node of country configured by c
// (a fresh configuration when nil); tune, if given, adjusts the node
// before it serves.
func (n *testNet) startNode(t testing.TB, country string, c *config.Config, tune ...func(*node.Node)) *testNode {
	t.Helper()
	if c == nil {
		c = n.config(t, "node", country)
	}
	tn := &testNode{cfg: c}
	if err := migrate(c); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Now().Add(time.Duration(tn.offset.Load())) }
	nd, err := node.Open(context.Background(), c, logger(), now)
	if err != nil {
		t.Fatal(err)
	}
	nd.ExchangeEvery = 300 * time.Millisecond
	nd.Exchange.Sender.Poll = 100 * time.Millisecond
	nd.Exchange.Puller.Poll = 100 * time.Millisecond
	nd.Exchange.Sender.MinDelay, nd.Exchange.Sender.MaxDelay = 50*time.Millisecond, 500*time.Millisecond
	for _, f := range tune {
		f(nd)
	}
	tn.Node = nd
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tn.url = "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	tn.cancel, tn.done = cancel, make(chan error, 1)
	go func() { tn.done <- nd.Serve(ctx, ln) }()
	t.Cleanup(tn.stop)
	return tn
}

func migrate(c *config.Config) error {
	kr, err := node.Keyring(c)
	if err != nil {
		return err
	}
	db, err := node.OpenDB(context.Background(), c, kr, logger(), nil)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Migrate(context.Background())
	return err
}

// stop stops the node (idempotent).
func (tn *testNode) stop() {
	if tn.cancel == nil {
		return
	}
	tn.cancel()
	<-tn.done
	tn.Close()
	tn.cancel = nil
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// shareSecret makes the linkage secret on first and waits until every
// other node uses it.
func shareSecret(t testing.TB, first *testNode, others ...*testNode) {
	t.Helper()
	key, err := first.Exchange.Secrets.Init(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range others {
		waitFor(t, 30*time.Second, "the linkage secret to reach "+o.cfg.Country, func() bool { return o.Exchange.Secrets.KeyID() == key })
	}
}

// queue returns a node's open hits.
func (tn *testNode) queue(t testing.TB) []*nodesync.Hit {
	t.Helper()
	q, err := tn.Exchange.Hits.Queue(context.Background(), officer(tn.cfg.Country), false)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// pending counts the node's outbox.
func (tn *testNode) pending(t testing.TB) (pending, refused int) {
	t.Helper()
	err := tn.Exchange.Store.View(context.Background(), func(tx nodesync.Tx) error {
		var err error
		pending, refused, err = tx.OutboxCounts(context.Background())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return pending, refused
}

// register registers a child with an identified case.
func (tn *testNode) register(t testing.TB, ci cases.ChildInput) (*cases.Child, *cases.Case) {
	t.Helper()
	c, k, err := tn.Cases.Register(context.Background(), officer(tn.cfg.Country), ci, cases.CaseInput{
		Category: cases.CatUnaccompanied, Evidence: cases.EvidenceIdentified, Placement: cases.PlaceReception, Handling: cases.H2})
	if err != nil {
		t.Fatal(err)
	}
	return c, k
}

// hubQueue is the number of uploads waiting to be matched on the hub.
func (n *testNet) hubQueue(t testing.TB) int64 {
	t.Helper()
	h, err := n.hub.Service.Health(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return h.Queue
}

// shared counts the node's children the hub holds, as the node knows it.
func (tn *testNode) shared(t testing.TB) int {
	t.Helper()
	var k int
	err := tn.Exchange.Store.View(context.Background(), func(tx nodesync.Tx) error {
		var err error
		k, err = tx.Shared(context.Background())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return k
}
