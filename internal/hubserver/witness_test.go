package hubserver_test

import (
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/pki"
)

// TestWitnessOverMutualTLS: checkpoints lodged and read back over the
// exchange's real mutual TLS. The country is the certificate's: a node
// cannot lodge another country's checkpoint, nor read another country's.
func TestWitnessOverMutualTLS(t *testing.T) {
	n := newNet(t, "")
	ctx := context.Background()
	dk, err := pki.Issue(n.ca, "DK", pki.RoleNode, pki.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := n.client(t, dk)
	seed := sha256.Sum256([]byte("DK"))
	at := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	lodge := func(id, node string, seq int64) exchange.Result {
		t.Helper()
		h := sha256.Sum256([]byte(id))
		cp := audit.NewCheckpointSigner(node, seed[:]).Sign(seq, h[:], at.Add(time.Duration(seq)*time.Second))
		sig, err := pki.Sign(dk.Key, cp.Message())
		if err != nil {
			t.Fatal(err)
		}
		return send(t, c, exchange.Envelope{ID: id, Type: exchange.TypeCheckpoint, Checkpoint: exchange.CheckpointOf(cp, sig)})
	}

	if r := lodge("dk-1", "DK", 10); r.Status != exchange.StatusAccepted {
		t.Fatalf("own checkpoint: %+v", r)
	}
	if r := lodge("dk-2", "SE", 20); r.Status != exchange.StatusRefused || r.Code != exchange.CodeForbidden {
		t.Errorf("a checkpoint of SE's log from DK's certificate: %+v", r)
	}
	if r := lodge("dk-3", "DK", 9); r.Status != exchange.StatusRefused || r.Code != exchange.CodeRegression {
		t.Errorf("a shorter log: %+v", r)
	}

	w, err := c.Checkpoints(ctx, 0)
	if err != nil || len(w.Checkpoints) != 1 || w.Checkpoints[0].Seq != 10 || w.Checkpoints[0].Node != "DK" {
		t.Fatalf("DK reads back %+v, %v", w, err)
	}
	pub := audit.NewCheckpointSigner("DK", seed[:]).PublicKey()
	if err := audit.CheckCheckpoint(pub, w.Checkpoints[0].Audit()); err != nil {
		t.Errorf("read back over TLS, the checkpoint no longer verifies: %v", err)
	}
	if w, err := n.node(t, "SE", pki.IssueOptions{}).Checkpoints(ctx, 0); err != nil || len(w.Checkpoints) != 0 {
		t.Errorf("SE reads %+v, %v; want nothing (SE lodged nothing, DK's are DK's)", w, err)
	}
	cert := dk.TLSCertificate()
	for _, path := range []string{exchange.PathCheckpoints + "?after=-1", exchange.PathCheckpoints + "?limit=5001"} {
		if err := plainTLSPath(t, n, &cert, path); err == nil || !contains(err.Error(), "400") {
			t.Errorf("GET %s: %v, want 400", path, err)
		}
	}
	if err := plainTLSPath(t, n, nil, exchange.PathCheckpoints); err == nil {
		t.Error("checkpoints read without a certificate")
	}
}
