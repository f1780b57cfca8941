package nete2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/node"
	"github.com/cbss-egcc/childcentre/internal/nodesync"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// registrations makes k synthetic children of country.
func registrations(t testing.TB, country string, k int) []cases.Registration {
	t.Helper()
	recs, err := synth.Generate(synth.Options{Children: k, Countries: []string{country}, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var out []cases.Registration
	for _, r := range recs {
		if seen[r.Entity] || len(out) == k {
			continue
		}
		seen[r.Entity] = true
		sex := cases.SexUnknown
		switch r.Sex {
		case "f":
			sex = cases.SexFemale
		case "m":
			sex = cases.SexMale
		}
		given := r.GivenName
		if given == "" && r.FamilyName == "" {
			given = "unknown"
		}
		dob := r.DateOfBirth
		if b, ok := r.BirthDate(); !ok || b.After(r.Registered) {
			dob = ""
		}
		out = append(out, cases.Registration{
			Child: cases.ChildInput{NationalRef: fmt.Sprintf("%s-%06d", country, len(out)), GivenNames: given, FamilyName: r.FamilyName,
				BirthDate: dob, Sex: sex},
			Case: cases.CaseInput{Category: cases.CatUnaccompanied, Evidence: cases.EvidenceIdentified, Placement: cases.PlaceReception,
				Handling: cases.H2, OpenedAt: r.Registered},
		})
	}
	return out
}

func (tn *testNode) importChildren(t testing.TB, regs []cases.Registration) {
	t.Helper()
	res, err := tn.Cases.Import(context.Background(), officer(tn.cfg.Country), regs, false)
	if err != nil || len(res.Errors) > 0 || res.Created != len(regs) {
		t.Fatalf("import: %+v %v", res, err)
	}
}

// uploaded counts the node's children the hub holds, as the node sees it.
func uploaded(t testing.TB, c *config.Config) int {
	t.Helper()
	kr, err := node.Keyring(c)
	if err != nil {
		t.Fatal(err)
	}
	db, err := node.OpenDB(context.Background(), c, kr, logger(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var k int
	err = store.NewNodeSyncStore(db).View(context.Background(), func(tx nodesync.Tx) error {
		var err error
		k, err = tx.Shared(context.Background())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestHubRestartMidSync stops the hub while a node is uploading its
// registry and starts it again: nothing is lost, nothing is doubled.
func TestHubRestartMidSync(t *testing.T) {
	const children = 600
	n := newNet(t)
	// Small batches, one at a time, the seventh held until the hub is
	// stopped, so that the hub stops mid-sync however fast the machine.
	g := &gate{left: 7, open: make(chan struct{})}
	se := n.startNode(t, "SE", nil, func(nd *node.Node) {
		nd.Exchange.Sender.Batch, nd.Exchange.Sender.InFlight = 20, 1
		g.Transport = nd.Exchange.Sender.Transport
		nd.Exchange.Sender.Transport = g
	})
	se.importChildren(t, registrations(t, "SE", children)) // before the secret: queued by Resync
	shareSecret(t, se)
	waitFor(t, 60*time.Second, "the upload to be under way", func() bool { return n.hubEncodings(t, "SE") >= 3*20 })
	n.stopHub()
	t.Logf("hub stopped with %d of %d encodings", countRecords(t, n), children)
	close(g.open)
	time.Sleep(time.Second) // the node's sender fails and backs off meanwhile
	if p, _ := se.pending(t); p == 0 {
		t.Fatal("the outbox was empty when the hub stopped: the test did not stop it mid-sync")
	}
	n.startHub(t)
	waitFor(t, 120*time.Second, "the outbox to drain", func() bool { p, _ := se.pending(t); return p == 0 })
	waitFor(t, 10*time.Second, "the hub to hold every child", func() bool { return n.hubEncodings(t, "SE") == children })
	if p, r := se.pending(t); p != 0 || r != 0 {
		t.Fatalf("outbox: %d pending, %d refused", p, r)
	}
	if k := countRecords(t, n); k != children {
		t.Fatalf("hub holds %d records of SE, want %d", k, children)
	}
}

// gate passes the first left batches to Transport and holds the others
// until open is closed.
type gate struct {
	nodesync.Transport
	mu   sync.Mutex
	left int
	open chan struct{}
}

func (g *gate) Send(ctx context.Context, b exchange.Batch) (exchange.BatchResult, error) {
	g.mu.Lock()
	hold := g.left <= 0
	g.left--
	g.mu.Unlock()
	if hold {
		select {
		case <-g.open:
		case <-ctx.Done():
			return exchange.BatchResult{}, ctx.Err()
		}
	}
	return g.Transport.Send(ctx, b)
}

// countRecords counts the hub's encodings of SE (its gauge).
func countRecords(t testing.TB, n *testNet) int {
	t.Helper()
	return n.hubEncodings(t, "SE")
}

// TestNodeKilledMidSend kills a node's process (SIGKILL) while it sends
// its registry to the hub, starts it again, and checks that the hub ends
// with every child exactly once.
func TestNodeKilledMidSend(t *testing.T) {
	if os.Getenv("NETE2E_CHILD") != "" {
		t.Skip("the child process runs TestNodeProcess only")
	}
	const children = 800
	n := newNet(t)
	c := n.config(t, "node", "SE")
	se := n.startNode(t, "SE", c)
	se.importChildren(t, registrations(t, "SE", children))
	se.stop()

	// The node's process: the test binary again, running TestNodeProcess.
	cfg, _ := json.Marshal(c)
	cmd := exec.Command(os.Args[0], "-test.run=^TestNodeProcess$", "-test.v")
	cmd.Env = append(os.Environ(), "NETE2E_CHILD="+string(cfg))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitFor(t, 120*time.Second, "the upload to be under way", func() bool { return n.hubEncodings(t, "SE") >= children/5 })
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	held := n.hubEncodings(t, "SE")
	t.Logf("node killed with %d of %d encodings at the hub", held, children)
	if held >= children {
		t.Fatal("the node finished before it was killed: the test did not kill it mid-send")
	}

	se = n.startNode(t, "SE", c)
	waitFor(t, 120*time.Second, "the outbox to drain", func() bool { p, _ := se.pending(t); return p == 0 })
	waitFor(t, 10*time.Second, "the hub to hold every child", func() bool { return n.hubEncodings(t, "SE") == children })
	if p, r := se.pending(t); p != 0 || r != 0 {
		t.Fatalf("outbox: %d pending, %d refused", p, r)
	}
	se.stop()
	if k := uploaded(t, c); k != children {
		t.Fatalf("the node counts %d children at the hub, want %d", k, children)
	}
}

// TestNodeProcess is the node of TestNodeKilledMidSend, run in a child
// process: it makes the linkage secret (its registry is then queued) and
// serves until it is killed.
func TestNodeProcess(t *testing.T) {
	raw := os.Getenv("NETE2E_CHILD")
	if raw == "" {
		t.Skip("run by TestNodeKilledMidSend")
	}
	var c config.Config
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		t.Fatal(err)
	}
	nd, err := node.Open(context.Background(), &c, logger(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Small batches, one at a time, so that the kill comes mid-send.
	nd.Exchange.Sender.Batch, nd.Exchange.Sender.InFlight = 20, 1
	nd.Exchange.Sender.Poll = 50 * time.Millisecond
	if _, err := nd.Exchange.Secrets.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	go nd.Resync(context.Background())
	go nd.Exchange.Sender.Run(context.Background())
	select {} // until SIGKILL
}
