package hub_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/hub"
	"github.com/cbss-egcc/childcentre/internal/hub/hubtest"
	"github.com/cbss-egcc/childcentre/internal/metrics"
	"github.com/cbss-egcc/childcentre/internal/pki"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// witnessNode is a node of a test network as the hub's witness sees it:
// its certificate (the TLS session's) and the two keys that sign its
// checkpoints.
type witnessNode struct {
	bundle *pki.Bundle
	signer *audit.CheckpointSigner
}

func newWitnessNode(t *testing.T, ca *pki.CA, country string) *witnessNode {
	t.Helper()
	b, err := pki.Issue(ca, country, pki.RoleNode, pki.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	seed := sha256.Sum256([]byte("checkpoint key of " + country))
	return &witnessNode{bundle: b, signer: audit.NewCheckpointSigner(country, seed[:])}
}

func (n *witnessNode) peer() exchange.Peer {
	return exchange.Peer{Country: n.bundle.Identity.Country, Role: "node", Serial: "0a",
		NotAfter: n.bundle.Cert.NotAfter, Certificate: n.bundle.Cert.Raw}
}

// checkpoint signs the head (seq, hash of a log named by tag) with both keys.
func (n *witnessNode) checkpoint(t *testing.T, seq int64, tag string) *exchange.Checkpoint {
	t.Helper()
	h := sha256.Sum256([]byte(tag))
	cp := n.signer.Sign(seq, h[:], time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC).Add(time.Duration(seq)*time.Minute))
	sig, err := pki.Sign(n.bundle.Key, cp.Message())
	if err != nil {
		t.Fatal(err)
	}
	return exchange.CheckpointOf(cp, sig)
}

func lodge(id string, c *exchange.Checkpoint) exchange.Envelope {
	return exchange.Envelope{ID: id, Type: exchange.TypeCheckpoint, Checkpoint: c}
}

// TestHubWitness: the hub keeps each node's latest checkpoint and refuses
// one of another country, one whose certificate signature does not verify,
// one of a shorter log (regression) and one of the same entry with
// another hash (fork), counting and auditing each refusal; what it gives
// back is what the node signed.
func TestHubWitness(t *testing.T) {
	ca, err := pki.InitCA(filepath.Join(t.TempDir(), "ca"), pki.CAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	se, fi := newWitnessNode(t, ca, "SE"), newWitnessNode(t, ca, "FI")
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		reg := metrics.NewRegistry()
		h := newHub(t, db, hubtest.NewEncoder(t), func(c *hub.Config) { c.Metrics = reg })
		ctx := context.Background()

		// Signed by SE's checkpoint key but under FI's certificate key.
		stolen := se.checkpoint(t, 9, "a")
		stolen.CertSig, _ = pki.Sign(fi.bundle.Key, stolen.Audit().Message())
		// Signed properly, then altered on the way.
		altered := se.checkpoint(t, 9, "a")
		altered.Seq = 12
		steps := []struct {
			name string
			from *witnessNode
			cp   *exchange.Checkpoint
			want string // status, or the refusal code
		}{
			{"first", se, se.checkpoint(t, 3, "a"), exchange.StatusAccepted},
			{"same head again after a restart", se, se.checkpoint(t, 3, "a"), exchange.StatusAccepted},
			{"longer log", se, se.checkpoint(t, 7, "a"), exchange.StatusAccepted},
			{"other country", fi, se.checkpoint(t, 9, "a"), exchange.CodeForbidden},
			{"certificate of another node", se, stolen, exchange.CodeSignature},
			{"altered after signing", se, altered, exchange.CodeSignature},
			{"shorter log", se, se.checkpoint(t, 5, "a"), exchange.CodeRegression},
			{"emptied log", se, se.checkpoint(t, 0, ""), exchange.CodeRegression},
			{"rewritten log", se, se.checkpoint(t, 7, "b"), exchange.CodeFork},
			{"other node's own log", fi, fi.checkpoint(t, 2, "f"), exchange.StatusAccepted},
		}
		for i, st := range steps {
			res, err := h.Accept(ctx, st.from.peer(), []exchange.Envelope{lodge("cp-"+string(rune('a'+i)), st.cp)}, 0)
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			got := res[0].Status
			if got == exchange.StatusRefused {
				got = res[0].Code
			}
			if got != st.want {
				t.Errorf("%s: %s (%s), want %s", st.name, got, res[0].Message, st.want)
			}
		}

		w, err := h.Checkpoints(ctx, se.peer(), 0, exchange.MaxCheckpoints)
		if err != nil || len(w.Checkpoints) != 2 || w.More {
			t.Fatalf("Checkpoints(SE) = %+v, %v; want entries 3 and 7", w, err)
		}
		back := w.Checkpoints[1].Audit()
		if w.Checkpoints[0].Seq != 3 || back.Seq != 7 || !bytes.Equal(back.Hash, se.checkpoint(t, 7, "a").Hash) {
			t.Errorf("hub holds SE at %d, %d %x; want 3, then 7 of log a", w.Checkpoints[0].Seq, back.Seq, back.Hash)
		}
		if err := audit.CheckCheckpoint(se.signer.PublicKey(), back); err != nil {
			t.Errorf("the checkpoint given back does not verify under the node's key: %v", err)
		}
		if w, _ := h.Checkpoints(ctx, se.peer(), 0, 1); len(w.Checkpoints) != 1 || !w.More || w.Checkpoints[0].Seq != 3 {
			t.Errorf("first page of one = %+v", w)
		}
		if w, _ := h.Checkpoints(ctx, se.peer(), 3, 10); len(w.Checkpoints) != 1 || w.More || w.Checkpoints[0].Seq != 7 {
			t.Errorf("page after 3 = %+v", w)
		}
		if w, _ := h.Checkpoints(ctx, fi.peer(), 0, 10); len(w.Checkpoints) != 1 || w.Checkpoints[0].Seq != 2 || w.Checkpoints[0].Node != "FI" {
			t.Errorf("Checkpoints(FI) = %+v", w.Checkpoints)
		}

		// What the hub witnessed stays: the database refuses to change it.
		for _, q := range []string{`DELETE FROM hub_checkpoints WHERE country = 'SE'`, `UPDATE hub_checkpoints SET seq = 1`} {
			if _, err := db.SQL().ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v, want refused", q, err)
			}
		}

		var out bytes.Buffer
		reg.WriteTo(&out)
		for _, line := range []string{
			`childcentre_hub_checkpoints_refused_total{country="SE",reason="regression"} 2`,
			`childcentre_hub_checkpoints_refused_total{country="SE",reason="fork"} 1`,
			`childcentre_hub_checkpoints_refused_total{country="SE",reason="signature"} 2`,
			`childcentre_hub_checkpoints_refused_total{country="FI",reason="country"} 1`,
			`childcentre_hub_checkpoints_total{country="SE"} 3`,
		} {
			if !strings.Contains(out.String(), line) {
				t.Errorf("metrics lack %s", line)
			}
		}
		var details []string
		err = db.WalkAudit(ctx, func(e audit.Entry) error {
			if e.Action == audit.ActCheckpointRefused {
				details = append(details, e.Country+" "+e.Outcome+" "+e.Detail)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"FI refused country", "SE refused signature", "SE refused signature",
			"SE refused regression held=7 got=5", "SE refused regression held=7 got=0", "SE refused fork held=7 got=7"}
		if strings.Join(details, "|") != strings.Join(want, "|") {
			t.Errorf("hub audit log:\n%s\nwant\n%s", strings.Join(details, "\n"), strings.Join(want, "\n"))
		}
	})
}
