package nodesync_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/nodesync"
	"github.com/cbss-egcc/childcentre/internal/store"
)

func TestSenderDeliversOnceDespiteFailures(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.withSecret(t)
		for _, n := range []string{"Amina", "Bashir", "Chala", "Dilan"} {
			e.register(t, childInput(n, "Noor", "2013-07-01"), cases.EvidenceIdentified)
		}
		// The hub is down: nothing is lost, the node keeps working.
		e.hub.down = true
		if _, err := e.sender.SendOnce(e.ctx); err == nil {
			t.Fatal("SendOnce to a hub that is down reported no error")
		}
		e.register(t, childInput("Elif", "Noor", "2013-07-01"), cases.EvidenceIdentified)
		if p, _ := e.counts(t); p != 5 {
			t.Fatalf("%d pending while the hub is down, want 5", p)
		}
		// The hub applies a batch but its answer is lost (as if the node
		// died between sending and marking): the batch goes again and the
		// hub answers duplicate.
		e.hub.down, e.hub.loseAck = false, true
		if _, err := e.sender.SendOnce(e.ctx); err == nil {
			t.Fatal("a lost answer reported no error")
		}
		if p, _ := e.counts(t); p != 5 {
			t.Fatalf("%d pending after a lost answer, want 5", p)
		}
		e.drain(t)
		if p, r := e.counts(t); p != 0 || r != 0 {
			t.Fatalf("after delivery: %d pending, %d refused", p, r)
		}
		if n := e.hub.count(exchange.TypeUpsert); n != 5 {
			t.Errorf("the hub applied %d uploads, want exactly 5", n)
		}
		if len(e.hub.records) != 5 {
			t.Errorf("the hub holds %d records, want 5", len(e.hub.records))
		}
		var out bytes.Buffer
		e.reg.WriteTo(&out)
		if !bytes.Contains(out.Bytes(), []byte("childcentre_exchange_outbox_pending 0")) {
			t.Errorf("metrics lack the pending gauge at 0:\n%s", out.String())
		}
	})
}

func TestSenderKeepsRefusals(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.withSecret(t)
		e.hub.refuse = func(m exchange.Envelope) string {
			if m.Type == exchange.TypeUpsert && m.Upsert.Metadata.Category == string(cases.CatSeparated) {
				return "schema"
			}
			return ""
		}
		e.register(t, childInput("Farid", "Rahimi", "2012-02-02"), cases.EvidenceIdentified)
		ci := childInput("Gul", "Rahimi", "2012-02-02")
		k := caseInput(cases.EvidenceIdentified)
		k.Category = cases.CatSeparated
		if _, _, err := e.cases.Register(e.ctx, officer, ci, k); err != nil {
			t.Fatal(err)
		}
		e.drain(t)
		if p, r := e.counts(t); p != 0 || r != 1 {
			t.Fatalf("%d pending, %d refused; want 0 and 1", p, r)
		}
		batches := e.hub.batches
		e.drain(t)
		if e.hub.batches != batches {
			t.Error("a refused message was sent again")
		}
		var refused int
		e.net.View(e.ctx, func(tx nodesync.Tx) error {
			list, err := tx.Refusals(e.ctx, 10)
			if len(list) == 1 && list[0].Code == "schema" {
				refused = 1
			}
			return err
		})
		if refused != 1 {
			t.Error("the refusal and its code are not listed for the operator")
		}
	})
}

// TestSenderCutsBatchesBySize: sealed attachments of several MiB go in
// batches that stay within exchange.MaxBatchBytes, one larger than it
// alone, so that no batch exceeds the hub's body limit.
func TestSenderCutsBatchesBySize(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var msgs []*cases.OutboxMessage
		for i, size := range []int{4 << 20, 4 << 20, 10 << 20, 1 << 10} {
			env := exchange.Envelope{ID: "att-" + string(rune('a'+i)), Type: exchange.TypeSealed,
				Sealed: &exchange.Sealed{To: "FI", Kind: exchange.KindFollowUpAttachment, Ciphertext: make([]byte, size)}}
			body, err := json.Marshal(env)
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, &cases.OutboxMessage{ID: env.ID, Type: env.Type, Body: body})
		}
		if err := store.NewFollowUpStore(e.db).Update(e.ctx, func(tx followup.Tx) error { return tx.Enqueue(e.ctx, msgs) }); err != nil {
			t.Fatal(err)
		}
		var sent []int
		for range 5 {
			n, err := e.sender.SendOnce(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
			sent = append(sent, n)
		}
		if !slices.Equal(sent, []int{2, 1, 1}) {
			t.Errorf("batches of %v messages, want [2 1 1]: 4+4 MiB together, 10 MiB alone, then 1 KiB", sent)
		}
		if p, r := e.counts(t); p != 0 || r != 0 {
			t.Errorf("after delivery: %d pending, %d refused", p, r)
		}
	})
}

// TestSenderBatchesInFlight: uploads and withdrawals of distinct records
// go several batches at once, each delivered once; a window holding any
// other message (here a sealed one) goes one batch at a time, in order.
func TestSenderBatchesInFlight(t *testing.T) {
	tests := []struct {
		name      string
		sealedAt  int // -1: none
		wantFirst int // messages sent by the first SendOnce
	}{
		{"uploads only", -1, 30},
		{"a sealed message among them", 17, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			each(t, func(t *testing.T, e *env) {
				e.sender.Batch, e.sender.InFlight = 10, 3
				var msgs []*cases.OutboxMessage
				for i := range 45 {
					env := exchange.Envelope{ID: fmt.Sprint("m-", i), Type: exchange.TypeWithdraw,
						Withdraw: &exchange.Withdraw{Ref: fmt.Sprint("ref-", i), Reason: "test"}}
					if i == tt.sealedAt {
						env = exchange.Envelope{ID: env.ID, Type: exchange.TypeSealed,
							Sealed: &exchange.Sealed{To: "FI", Kind: exchange.KindFollowUpAttachment, Ciphertext: []byte{1}}}
					}
					body, err := json.Marshal(env)
					if err != nil {
						t.Fatal(err)
					}
					msgs = append(msgs, &cases.OutboxMessage{ID: env.ID, Type: env.Type, Ref: fmt.Sprint("ref-", i), Body: body})
				}
				if err := e.net.Update(e.ctx, func(tx nodesync.Tx) error { return tx.Enqueue(e.ctx, msgs) }); err != nil {
					t.Fatal(err)
				}
				n, err := e.sender.SendOnce(e.ctx)
				if err != nil || n != tt.wantFirst {
					t.Fatalf("first SendOnce sent %d (%v), want %d", n, err, tt.wantFirst)
				}
				e.drain(t)
				if p, r := e.counts(t); p != 0 || r != 0 {
					t.Errorf("after delivery: %d pending, %d refused", p, r)
				}
				if len(e.hub.applied) != 45 {
					t.Errorf("the hub applied %d messages, want 45", len(e.hub.applied))
				}
				// What was written before the sealed message reached the
				// hub before it, what was written after, after it.
				for i, m := range e.hub.applied {
					var k int
					fmt.Sscanf(m.ID, "m-%d", &k)
					if tt.sealedAt >= 0 && (k < tt.sealedAt) != (i < tt.sealedAt) {
						t.Fatalf("message %s applied %d-th: out of order around the sealed message", m.ID, i)
					}
				}
			})
		})
	}
}
