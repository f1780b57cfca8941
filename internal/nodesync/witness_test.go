package nodesync_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/nodesync"
)

// testCertSign stands in for pki.Sign: a digest of what it is given, so
// that the test can see which bytes were signed.
func testCertSign(msg []byte) ([]byte, error) {
	d := sha256.Sum256(append([]byte("cert:"), msg...))
	return d[:], nil
}

// TestHubWitnessOutbox: checkpoints go to the hub through the outbox — kept
// while the hub is down, only the latest of them sent, countersigned over
// the checkpoint's own bytes — beside the registry's messages.
func TestHubWitnessOutbox(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.withSecret(t)
		woken := 0
		hw := &nodesync.HubWitness{Store: e.net, CertSign: testCertSign, Wake: func() { woken++ }}
		signer := audit.NewCheckpointSigner("SE", e.keys.Derive(crypto.PurposeAuditCheckpoint, 32))
		cpr := &audit.Checkpointer{Head: e.db, Signer: signer, Witnesses: []audit.Witness{hw}}

		e.hub.down = true
		e.register(t, childInput("Amina", "Noor", "2013-07-01"), cases.EvidenceIdentified)
		if _, err := cpr.Checkpoint(e.ctx); err != nil {
			t.Fatal(err)
		}
		e.register(t, childInput("Bashir", "Noor", "2013-07-01"), cases.EvidenceIdentified)
		if _, err := cpr.Checkpoint(e.ctx); err != nil {
			t.Fatal(err)
		}
		if woken != 2 {
			t.Errorf("the sender was woken %d times, want 2", woken)
		}
		var queued []*exchange.Checkpoint
		for _, m := range e.outbox(t) {
			if m.Type == exchange.TypeCheckpoint {
				queued = append(queued, m.Checkpoint)
			}
		}
		head, _, _ := e.db.AuditHead(e.ctx)
		if len(queued) != 1 || queued[0].Seq != head {
			t.Fatalf("outbox holds checkpoints %+v, want only the latest (entry %d)", queued, head)
		}
		if _, err := e.sender.SendOnce(e.ctx); err == nil {
			t.Fatal("a hub that is down took the batch")
		}

		e.hub.down = false
		e.drain(t)
		if p, r := e.counts(t); p != 0 || r != 0 {
			t.Fatalf("after delivery: %d pending, %d refused", p, r)
		}
		if n := e.hub.count(exchange.TypeUpsert); n != 2 {
			t.Errorf("the hub got %d uploads beside the checkpoint, want 2", n)
		}
		var got []exchange.Envelope
		for _, m := range e.hub.applied {
			if m.Type == exchange.TypeCheckpoint {
				got = append(got, m)
			}
		}
		if len(got) != 1 {
			t.Fatalf("the hub got %d checkpoints, want 1", len(got))
		}
		c := got[0].Checkpoint
		if c.Node != "SE" || c.Seq != head {
			t.Errorf("the hub got a checkpoint of %s at %d, want SE at %d", c.Node, c.Seq, head)
		}
		if err := audit.CheckCheckpoint(signer.PublicKey(), c.Audit()); err != nil {
			t.Errorf("the checkpoint does not verify under the node's key after the trip: %v", err)
		}
		if want, _ := testCertSign(c.Audit().Message()); !bytes.Equal(c.CertSig, want) {
			t.Error("the certificate signature is not over the checkpoint's message")
		}
	})
}

// fakeSource answers the hub's latest checkpoint.
type fakeSource struct {
	w   exchange.Witnessed
	err error
}

func (s fakeSource) Checkpoint(context.Context) (exchange.Witnessed, error) { return s.w, s.err }

func TestHubWitnessLatest(t *testing.T) {
	signer := audit.NewCheckpointSigner("SE", make([]byte, 32))
	cp := signer.Sign(12, bytes.Repeat([]byte{7}, audit.HashSize), t0)
	down := errors.New("hub unreachable")
	tests := []struct {
		name   string
		src    fakeSource
		ok     bool
		err    bool
		verify bool
	}{
		{"none yet", fakeSource{}, false, false, false},
		{"held", fakeSource{w: exchange.Witnessed{Checkpoint: exchange.CheckpointOf(cp, []byte{1}), Received: t0}}, true, false, true},
		{"unreachable", fakeSource{err: down}, false, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hw := &nodesync.HubWitness{Source: tt.src}
			got, ok, err := hw.LatestCheckpoint(context.Background())
			if ok != tt.ok || (err != nil) != tt.err {
				t.Fatalf("LatestCheckpoint = %+v, %v, %v", got, ok, err)
			}
			if tt.err && !errors.Is(err, down) {
				t.Errorf("error %v does not wrap the transport's", err)
			}
			if tt.verify {
				if err := audit.CheckCheckpoint(signer.PublicKey(), got); err != nil || got.Seq != 12 {
					t.Errorf("checkpoint read back: %+v, %v", got, err)
				}
			}
		})
	}
	if err := (&nodesync.HubWitness{}).Witness(context.Background(), cp); err == nil {
		t.Error("a witness without an outbox accepted a checkpoint")
	}
}
