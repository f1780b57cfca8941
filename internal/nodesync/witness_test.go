package nodesync_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"strings"
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

// fakeSource is the hub's list of checkpoints, in pages of two.
type fakeSource struct {
	held []exchange.Checkpoint
	err  error
	asks int
}

func (s *fakeSource) Checkpoints(_ context.Context, after int64) (exchange.Witnessed, error) {
	s.asks++
	if s.err != nil {
		return exchange.Witnessed{}, s.err
	}
	var w exchange.Witnessed
	for _, c := range s.held {
		if c.Seq > after {
			if len(w.Checkpoints) == 2 {
				w.More = true
				break
			}
			w.Checkpoints = append(w.Checkpoints, c)
		}
	}
	return w, nil
}

func TestHubWitnessReadsEveryCheckpoint(t *testing.T) {
	signer := audit.NewCheckpointSigner("SE", make([]byte, 32))
	var held []exchange.Checkpoint
	for _, seq := range []int64{3, 12, 40, 41, 90} {
		held = append(held, *exchange.CheckpointOf(signer.Sign(seq, bytes.Repeat([]byte{byte(seq)}, audit.HashSize), t0), []byte{1}))
	}
	down := errors.New("hub unreachable")
	tests := []struct {
		name string
		src  *fakeSource
		want []int64
		asks int
		err  string
	}{
		{"none yet", &fakeSource{}, nil, 1, ""},
		{"in pages", &fakeSource{held: held}, []int64{3, 12, 40, 41, 90}, 3, ""},
		{"unreachable", &fakeSource{err: down}, nil, 1, "unreachable"},
		{"out of order", &fakeSource{held: []exchange.Checkpoint{held[1], held[0]}}, nil, 1, "out of order"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := (&nodesync.HubWitness{Source: tt.src}).Checkpoints(context.Background())
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Checkpoints = %v, %v; want an error saying %q", got, err, tt.err)
				}
				return
			}
			if err != nil || len(got) != len(tt.want) || tt.src.asks != tt.asks {
				t.Fatalf("Checkpoints = %+v, %v after %d asks; want %v in %d", got, err, tt.src.asks, tt.want, tt.asks)
			}
			for i, cp := range got {
				if cp.Seq != tt.want[i] {
					t.Errorf("checkpoint %d is of entry %d, want %d", i, cp.Seq, tt.want[i])
				}
				if err := audit.CheckCheckpoint(signer.PublicKey(), cp); err != nil {
					t.Errorf("checkpoint of entry %d read back: %v", cp.Seq, err)
				}
			}
		})
	}
	if err := (&nodesync.HubWitness{}).Witness(context.Background(), signer.Sign(1, make([]byte, audit.HashSize), t0)); err == nil {
		t.Error("a witness without an outbox accepted a checkpoint")
	}
}
