package audit_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// The store must serve verification.
var _ audit.Reader = (*store.DB)(nil)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// fill appends n entries in one transaction (one fsync, not n).
func fill(t *testing.T, db *store.DB, n int) {
	t.Helper()
	err := db.Update(context.Background(), func(tx *store.Tx) error {
		for i := 1; i <= n; i++ {
			err := tx.AppendAudit(context.Background(), audit.Record{
				Time:    t0.Add(time.Duration(i) * 1001 * time.Millisecond),
				Actor:   fmt.Sprintf("user:%d", i%5+1),
				Role:    "ncp_officer",
				Country: "LT",
				Action:  audit.ActChildRead,
				Target:  fmt.Sprintf("child:%d", i),
				Outcome: "ok",
				Addr:    fmt.Sprintf("%016x", i),
				Detail:  "page: child",
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// entry reads one stored entry.
func entry(t *testing.T, db *store.DB, seq int64) audit.Entry {
	t.Helper()
	var found *audit.Entry
	err := db.WalkAudit(context.Background(), func(e audit.Entry) error {
		if e.Seq == seq {
			found = &e
		}
		return nil
	})
	if err != nil || found == nil {
		t.Fatalf("entry %d: %v", seq, err)
	}
	return *found
}

// timeArg encodes a time as the dialect stores it, for raw statements.
func timeArg(db *store.DB, tm time.Time) any {
	if db.Dialect() == store.DialectSQLite {
		return tm.UTC().Format("2006-01-02T15:04:05.000000Z")
	}
	return tm.UTC()
}

func flipString(s string) string {
	b := []byte(s)
	b[len(b)/2] ^= 0x01
	return string(b)
}

func verify(t *testing.T, db *store.DB) audit.Report {
	t.Helper()
	rep, err := audit.Verify(context.Background(), db, storetest.Chain())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestVerifyStoreIntact(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 200
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		if rep := verify(t, db); !rep.OK() || rep.Entries != 0 {
			t.Errorf("empty log: %+v", rep)
		}
		fill(t, db, n)
		// Single appends in their own transactions continue the chain.
		for range 3 {
			if err := db.AppendAudit(context.Background(), audit.Record{Actor: "system", Action: audit.ActSystemStart, Outcome: "ok"}); err != nil {
				t.Fatal(err)
			}
		}
		rep := verify(t, db)
		if !rep.OK() || rep.Entries != n+3 || rep.HeadSeq != int64(n+3) {
			t.Fatalf("intact log of %d: %+v", n+3, rep)
		}
		seq, hash, err := db.AuditHead(context.Background())
		if err != nil || seq != rep.HeadSeq || !bytes.Equal(hash, rep.HeadHash) {
			t.Errorf("report head %d differs from the store's %d", rep.HeadSeq, seq)
		}
	})
}

// TestVerifyStoreTamper alters the stored log with raw SQL, as someone with
// access to the database could, and checks that verification names the
// first bad entry.
func TestVerifyStoreTamper(t *testing.T) {
	const n = 30
	forger := audit.NewChain([]byte("a key guessed by someone without the real one"))
	tests := []struct {
		name     string
		tamper   func(t *testing.T, db *store.DB, exec func(string, ...any))
		firstBad int64
		problem  string
	}{
		{"actor", func(t *testing.T, db *store.DB, exec func(string, ...any)) {
			exec(`UPDATE audit_log SET actor = ? WHERE seq = 17`, flipString(entry(t, db, 17).Actor))
		}, 17, "entry 17: hash does not match its content (altered or forged)"},
		{"detail", func(t *testing.T, db *store.DB, exec func(string, ...any)) {
			exec(`UPDATE audit_log SET detail = ? WHERE seq = 17`, flipString(entry(t, db, 17).Detail))
		}, 17, "entry 17: hash does not match its content"},
		{"target", func(t *testing.T, db *store.DB, exec func(string, ...any)) {
			exec(`UPDATE audit_log SET target = ? WHERE seq = 3`, "child:4")
		}, 3, "entry 3: hash does not match its content"},
		{"time", func(t *testing.T, db *store.DB, exec func(string, ...any)) {
			exec(`UPDATE audit_log SET time = ? WHERE seq = 17`, timeArg(db, entry(t, db, 17).Time.Add(time.Microsecond)))
		}, 17, "entry 17: hash does not match its content"},
		{"hash", func(t *testing.T, db *store.DB, exec func(string, ...any)) {
			h := entry(t, db, 17).Hash
			h[0] ^= 0x01
			exec(`UPDATE audit_log SET hash = ? WHERE seq = 17`, h)
		}, 17, "entry 17: hash does not match its content"},
		{"prev", func(t *testing.T, db *store.DB, exec func(string, ...any)) {
			p := entry(t, db, 17).Prev
			p[31] ^= 0x80
			exec(`UPDATE audit_log SET prev = ? WHERE seq = 17`, p)
		}, 17, "entry 17: hash does not match its content"},
		{"deleted in the middle", func(t *testing.T, db *store.DB, exec func(string, ...any)) {
			exec(`DELETE FROM audit_log WHERE seq = 18`)
		}, 18, "entry 18 missing: sequence jumps from 17 to 19 (removed)"},
		{"deleted first", func(t *testing.T, db *store.DB, exec func(string, ...any)) {
			exec(`DELETE FROM audit_log WHERE seq = 1`)
		}, 1, "entry 1 missing: the log starts at entry 2"},
		{"deleted last", func(t *testing.T, db *store.DB, exec func(string, ...any)) {
			exec(`DELETE FROM audit_log WHERE seq = ?`, n)
		}, n, "head says 30 entries but the log ends at 29 (removed at the end)"},
		{"deleted all", func(t *testing.T, db *store.DB, exec func(string, ...any)) {
			exec(`DELETE FROM audit_log`)
		}, 1, "head says 30 entries but the log is empty"},
		{"swapped", func(t *testing.T, db *store.DB, exec func(string, ...any)) {
			exec(`UPDATE audit_log SET seq = -1 WHERE seq = 20`)
			exec(`UPDATE audit_log SET seq = 20 WHERE seq = 21`)
			exec(`UPDATE audit_log SET seq = 21 WHERE seq = -1`)
		}, 20, "entry 20: holds the entry written as 21 (reordered"},
		{"deleted and renumbered", func(t *testing.T, db *store.DB, exec func(string, ...any)) {
			exec(`DELETE FROM audit_log WHERE seq = 10`)
			// Two steps, so no intermediate state breaks the primary key.
			exec(`UPDATE audit_log SET seq = -seq WHERE seq > 10`)
			exec(`UPDATE audit_log SET seq = -seq - 1 WHERE seq < 0`)
			exec(`UPDATE audit_head SET seq = seq - 1`)
		}, 10, "entry 10: holds the entry written as 11"},
		{"forged in the middle", func(t *testing.T, db *store.DB, exec func(string, ...any)) {
			f := forger.Link(11, entry(t, db, 10).Hash, audit.Record{Time: t0, Actor: "user:1", Action: audit.ActUserCreate, Target: "user:99", Outcome: "ok"})
			exec(`UPDATE audit_log SET seq = -seq WHERE seq > 10`)
			exec(`UPDATE audit_log SET seq = -seq + 1 WHERE seq < 0`)
			insert(db, exec, f)
			exec(`UPDATE audit_head SET seq = seq + 1`)
		}, 11, "entry 11: hash does not match its content (altered or forged)"},
		{"forged at the end with the head", func(t *testing.T, db *store.DB, exec func(string, ...any)) {
			f := forger.Link(n+1, entry(t, db, n).Hash, audit.Record{Time: t0, Actor: "user:1", Action: audit.ActUserCreate, Target: "user:99", Outcome: "ok"})
			insert(db, exec, f)
			exec(`UPDATE audit_head SET seq = ?, hash = ?`, f.Seq, f.Hash)
		}, n + 1, "entry 31: hash does not match its content (altered or forged)"},
		{"head altered", func(t *testing.T, db *store.DB, exec func(string, ...any)) {
			exec(`UPDATE audit_head SET hash = ?`, bytes.Repeat([]byte{1}, audit.HashSize))
		}, n, "entry 30: hash differs from the one the head recorded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				fill(t, db, n)
				if rep := verify(t, db); !rep.OK() {
					t.Fatalf("before tampering: %+v", rep)
				}
				tt.tamper(t, db, storetest.Tamper(t, db))
				rep := verify(t, db)
				if rep.OK() {
					t.Fatalf("tampering not detected: %+v", rep)
				}
				if rep.FirstBad != tt.firstBad || !strings.Contains(rep.Problem, tt.problem) {
					t.Errorf("got FirstBad %d %q, want %d %q", rep.FirstBad, rep.Problem, tt.firstBad, tt.problem)
				}
			})
		})
	}
}

func insert(db *store.DB, exec func(string, ...any), e audit.Entry) {
	exec(`INSERT INTO audit_log (seq, time, actor, role, country, action, target, outcome, addr, detail, prev, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, timeArg(db, e.Time), e.Actor, e.Role, e.Country, e.Action, e.Target, e.Outcome, e.Addr, e.Detail, e.Prev, e.Hash)
}

// TestVerifyStoreAppendOnly: without Tamper, the database itself refuses
// to change the log, so tampering needs deliberate effort by its owner.
func TestVerifyStoreAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		fill(t, db, 3)
		for _, q := range []string{`UPDATE audit_log SET actor = 'user:9' WHERE seq = 2`, `DELETE FROM audit_log WHERE seq = 2`} {
			if _, err := db.SQL().Exec(q); err == nil {
				t.Errorf("%s: accepted", q)
			}
		}
		if rep := verify(t, db); !rep.OK() {
			t.Errorf("%+v", rep)
		}
	})
}
