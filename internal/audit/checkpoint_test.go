package audit_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

func testSigner() *audit.CheckpointSigner {
	return audit.NewCheckpointSigner("LT", []byte("0123456789abcdef0123456789abcdef"))
}

func TestCheckpointSignature(t *testing.T) {
	s := testSigner()
	cp := s.Sign(7, make([]byte, audit.HashSize), t0)
	if err := audit.CheckCheckpoint(s.PublicKey(), cp); err != nil {
		t.Fatalf("own checkpoint: %v", err)
	}
	other := audit.NewCheckpointSigner("LT", []byte("another seed, another node......"))
	tests := map[string]func(*audit.Checkpoint){
		"seq raised":     func(c *audit.Checkpoint) { c.Seq++ },
		"hash changed":   func(c *audit.Checkpoint) { c.Hash = append([]byte{1}, c.Hash[1:]...) },
		"time moved":     func(c *audit.Checkpoint) { c.Time = c.Time.Add(time.Second) },
		"node renamed":   func(c *audit.Checkpoint) { c.Node = "LV" },
		"other key":      func(c *audit.Checkpoint) { *c = other.Sign(c.Seq, c.Hash, c.Time) },
		"hash too short": func(c *audit.Checkpoint) { c.Hash = c.Hash[:4] },
	}
	for name, change := range tests {
		c := cp
		c.Hash = append([]byte(nil), cp.Hash...)
		change(&c)
		if err := audit.CheckCheckpoint(s.PublicKey(), c); !errors.Is(err, audit.ErrBadCheckpoint) {
			t.Errorf("%s: %v, want ErrBadCheckpoint", name, err)
		}
	}
}

func TestFileWitness(t *testing.T) {
	s := testSigner()
	path := filepath.Join(t.TempDir(), "cp.jsonl")
	check := func(cp audit.Checkpoint) error { return audit.CheckCheckpoint(s.PublicKey(), cp) }
	if _, err := audit.ReadCheckpoints(path, check); !errors.Is(err, audit.ErrNoCheckpoints) {
		t.Fatalf("missing file: %v", err)
	}
	w := &audit.FileWitness{Path: path}
	for seq := int64(0); seq < 3; seq++ {
		h := make([]byte, audit.HashSize)
		h[0] = byte(seq)
		if err := w.Witness(context.Background(), s.Sign(seq, h, t0.Add(time.Duration(seq)*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	cps, err := audit.ReadCheckpoints(path, check)
	if err != nil || len(cps) != 3 || cps[2].Seq != 2 || cps[0].Hash != nil {
		t.Fatalf("read back: %v %+v", err, cps)
	}
	if got := audit.Anchors(cps); len(got) != 2 || got[1].Seq != 2 {
		t.Errorf("anchors: %+v", got)
	}
	// A line the node did not sign (someone with write access raising or
	// lowering the recorded head) is refused, naming the line.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"node":"LT","seq":1,"hash":null,"time":"2026-03-01T08:00:00Z","sig":"AAAA"}` + "\n")
	f.Close()
	if _, err := audit.ReadCheckpoints(path, check); err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("forged line: %v", err)
	}
}

// memWitness keeps checkpoints in memory, as the hub will.
type memWitness struct{ cps []audit.Checkpoint }

func (m *memWitness) Witness(_ context.Context, cp audit.Checkpoint) error {
	m.cps = append(m.cps, cp)
	return nil
}

func TestCheckpointerSignsOnlyNewHeads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		fw := &audit.FileWitness{Path: filepath.Join(t.TempDir(), "cp.jsonl")}
		mw := &memWitness{}
		cp := &audit.Checkpointer{Head: db, Signer: testSigner(), Witnesses: []audit.Witness{fw, mw}, Now: func() time.Time { return t0 }}
		for i, want := range []bool{true, false} { // the empty log, then unchanged
			if wrote, err := cp.Checkpoint(ctx); err != nil || wrote != want {
				t.Fatalf("checkpoint %d: %v %v", i, wrote, err)
			}
		}
		fill(t, db, 5)
		if wrote, err := cp.Checkpoint(ctx); err != nil || !wrote {
			t.Fatalf("after appends: %v %v", wrote, err)
		}
		if len(mw.cps) != 2 || mw.cps[1].Seq != 5 {
			t.Fatalf("witnessed: %+v", mw.cps)
		}
		// The head moved back: the checkpointer refuses to sign it.
		exec := storetest.Tamper(t, db)
		exec(`DELETE FROM audit_log WHERE seq = 5`)
		prev := entry(t, db, 4)
		exec(`UPDATE audit_head SET seq = ?, hash = ?`, prev.Seq, prev.Hash)
		if _, err := cp.Checkpoint(ctx); !errors.Is(err, audit.ErrHeadMovedBack) {
			t.Fatalf("head moved back: %v", err)
		}
		if len(mw.cps) != 2 {
			t.Errorf("a shorter head was witnessed: %+v", mw.cps)
		}
	})
}

// TestCheckpointerRefusesRegrownLog: the end of the log is cut while the
// node runs, and the node appends past the head it signed last before the
// next checkpoint. The head is longer, but the entry the last checkpoint
// named is not the one signed: the checkpointer refuses, so that no
// witness (the hub compares heads only) is handed a rewritten log.
func TestCheckpointerRefusesRegrownLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		mw := &memWitness{}
		cp := &audit.Checkpointer{Head: db, Signer: testSigner(), Witnesses: []audit.Witness{mw}, Now: func() time.Time { return t0 }}
		fill(t, db, 6)
		if wrote, err := cp.Checkpoint(ctx); err != nil || !wrote {
			t.Fatalf("first checkpoint: %v %v", wrote, err)
		}
		exec := storetest.Tamper(t, db)
		exec(`DELETE FROM audit_log WHERE seq > 3`)
		e := entry(t, db, 3)
		exec(`UPDATE audit_head SET seq = ?, hash = ?`, e.Seq, e.Hash)
		fill(t, db, 5) // entries 4 to 8, the application's, validly chained
		if head, _, _ := db.AuditHead(ctx); head != 8 {
			t.Fatalf("head %d after regrowing, want 8", head)
		}
		if _, err := cp.Checkpoint(ctx); !errors.Is(err, audit.ErrHeadMovedBack) {
			t.Fatalf("regrown log: %v, want ErrHeadMovedBack", err)
		}
		if len(mw.cps) != 1 {
			t.Errorf("the regrown log was witnessed: %+v", mw.cps)
		}
		// An honest log that grows is still signed.
		honest := &memWitness{}
		cp2 := &audit.Checkpointer{Head: db, Signer: testSigner(), Witnesses: []audit.Witness{honest}, Now: func() time.Time { return t0 }}
		for range 2 {
			if _, err := cp2.Checkpoint(ctx); err != nil {
				t.Fatal(err)
			}
			fill(t, db, 2)
		}
		if len(honest.cps) != 2 || honest.cps[1].Seq != 10 {
			t.Errorf("a growing log: %+v", honest.cps)
		}
	})
}

// TestCheckpointsDetectTailDeletion is the attack of issue 10 (H1): someone
// who owns the database drops the append-only triggers, deletes the newest
// entries (or all of them) and rewrites the head row to match. The chain
// alone verifies; the checkpoints written outside the database do not.
func TestCheckpointsDetectTailDeletion(t *testing.T) {
	const n = 30
	tests := []struct {
		name string
		keep int64 // entries left
		want string
	}{
		{"last entries", 25, "anchor names entry 30 but the log ends at 25"},
		{"all entries", 0, "log is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				t.Parallel()
				ctx := context.Background()
				path := filepath.Join(t.TempDir(), "cp.jsonl")
				s := testSigner()
				cpr := &audit.Checkpointer{Head: db, Signer: s, Witnesses: []audit.Witness{&audit.FileWitness{Path: path}}}
				fill(t, db, 20)
				if _, err := cpr.Checkpoint(ctx); err != nil {
					t.Fatal(err)
				}
				fill(t, db, n-20)
				if _, err := cpr.Checkpoint(ctx); err != nil {
					t.Fatal(err)
				}
				exec := storetest.Tamper(t, db)
				exec(`DELETE FROM audit_log WHERE seq > ?`, tt.keep)
				if tt.keep == 0 {
					exec(`UPDATE audit_head SET seq = 0, hash = NULL`)
				} else {
					e := entry(t, db, tt.keep)
					exec(`UPDATE audit_head SET seq = ?, hash = ?`, e.Seq, e.Hash)
				}
				if rep := verify(t, db); !rep.OK() {
					t.Fatalf("the attack should fool the chain alone: %s", rep.Problem)
				}
				cps, err := audit.ReadCheckpoints(path, func(cp audit.Checkpoint) error { return audit.CheckCheckpoint(s.PublicKey(), cp) })
				if err != nil {
					t.Fatal(err)
				}
				rep, err := audit.Verify(ctx, db, storetest.Chain(), audit.Anchors(cps)...)
				if err != nil {
					t.Fatal(err)
				}
				if rep.OK() || !strings.Contains(rep.Problem, tt.want) {
					t.Fatalf("report %q, want a failure naming %q", rep.Problem, tt.want)
				}
			})
		})
	}
}
