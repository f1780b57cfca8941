package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var testKey = []byte("audit verify test key, 32 bytes or more.")

// memLog is a Reader over entries in memory, in the order they are walked.
type memLog struct {
	entries  []Entry
	headSeq  int64
	headHash []byte
	walkErr  error
}

func (m *memLog) WalkAudit(ctx context.Context, fn func(Entry) error) error {
	for _, e := range m.entries {
		if err := fn(e); err != nil {
			return err
		}
	}
	return m.walkErr
}

func (m *memLog) AuditHead(ctx context.Context) (int64, []byte, error) {
	return m.headSeq, m.headHash, nil
}

// record returns a varied, non-personal record for entry i.
func record(i int) Record {
	actions := Actions()
	return Record{
		Time:    time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * 1500 * time.Millisecond),
		Actor:   fmt.Sprintf("user:%d", i%7+1),
		Role:    "ncp_officer",
		Country: []string{"SE", "LT", "PL"}[i%3],
		Action:  actions[i%len(actions)],
		Target:  fmt.Sprintf("child:%d", i),
		Outcome: "ok",
		Addr:    fmt.Sprintf("%016x", i*7919),
		Detail:  "fields: status",
	}
}

// appendLog builds an intact log of n entries the way the store does.
func appendLog(c *Chain, n int) *memLog {
	m := &memLog{}
	var prev []byte
	for i := 1; i <= n; i++ {
		e := c.Link(int64(i), prev, record(i))
		m.entries = append(m.entries, e)
		prev = e.Hash
	}
	if n > 0 {
		m.headSeq, m.headHash = int64(n), prev
	}
	return m
}

func clone(m *memLog) *memLog {
	c := *m
	c.entries = nil
	for _, e := range m.entries {
		e.Prev = bytes.Clone(e.Prev)
		e.Hash = bytes.Clone(e.Hash)
		c.entries = append(c.entries, e)
	}
	return &c
}

func flip(s string) string {
	b := []byte(s)
	b[len(b)/2] ^= 0x01
	return string(b)
}

// at returns the index of entry seq in m.entries.
func (m *memLog) at(seq int64) int {
	for i, e := range m.entries {
		if e.Seq == seq {
			return i
		}
	}
	panic(fmt.Sprintf("no entry %d", seq))
}

func (m *memLog) remove(seq int64) {
	i := m.at(seq)
	m.entries = append(m.entries[:i], m.entries[i+1:]...)
}

func TestVerifyIntact(t *testing.T) {
	c := NewChain(testKey)
	for _, n := range []int{0, 1, 2, 1000} {
		rep, err := Verify(context.Background(), appendLog(c, n), c)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() || rep.Entries != n || rep.FirstBad != 0 || rep.HeadSeq != int64(n) {
			t.Errorf("%d entries: %+v", n, rep)
		}
		if n > 0 && !strings.Contains(rep.String(), "intact") {
			t.Errorf("String() = %q", rep.String())
		}
	}
}

// TestVerifyTamper alters an intact log of 40 entries in every way the
// verification must notice, and checks that the first bad entry is named.
func TestVerifyTamper(t *testing.T) {
	c := NewChain(testKey)
	forger := NewChain([]byte("a key guessed by someone without the real one"))
	const n = 40
	tests := []struct {
		name     string
		tamper   func(m *memLog)
		firstBad int64
		problem  string
		anchors  []Anchor
	}{
		{"actor", func(m *memLog) { m.entries[16].Actor = flip(m.entries[16].Actor) }, 17, "entry 17: hash does not match its content (altered", nil},
		{"role", func(m *memLog) { m.entries[16].Role = "network_admin" }, 17, "entry 17: hash does not match", nil},
		{"country", func(m *memLog) { m.entries[0].Country = "DK" }, 1, "entry 1: hash does not match", nil},
		{"action", func(m *memLog) { m.entries[16].Action = flip(m.entries[16].Action) }, 17, "entry 17: hash does not match", nil},
		{"target", func(m *memLog) { m.entries[16].Target = "child:999" }, 17, "entry 17: hash does not match", nil},
		{"outcome", func(m *memLog) { m.entries[16].Outcome = "denied" }, 17, "entry 17: hash does not match", nil},
		{"addr", func(m *memLog) { m.entries[16].Addr = flip(m.entries[16].Addr) }, 17, "entry 17: hash does not match", nil},
		{"detail", func(m *memLog) { m.entries[16].Detail = flip(m.entries[16].Detail) }, 17, "entry 17: hash does not match", nil},
		{"time by a microsecond", func(m *memLog) { m.entries[16].Time = m.entries[16].Time.Add(time.Microsecond) }, 17, "entry 17: hash does not match", nil},
		{"hash", func(m *memLog) { m.entries[16].Hash[5] ^= 0x80 }, 17, "entry 17: hash does not match", nil},
		{"prev", func(m *memLog) { m.entries[16].Prev[31] ^= 0x01 }, 17, "entry 17: hash does not match", nil},
		{"last entry", func(m *memLog) { m.entries[n-1].Detail = "" }, n, "entry 40: hash does not match", nil},
		{"two entries: the first is named", func(m *memLog) {
			m.entries[30].Actor = "user:1"
			m.entries[9].Detail = "x"
		}, 10, "entry 10:", nil},
		{"removed in the middle", func(m *memLog) { m.remove(18) }, 18, "entry 18 missing: sequence jumps from 17 to 19 (removed)", nil},
		{"several removed", func(m *memLog) { m.remove(18); m.remove(19); m.remove(20) }, 18, "entries 18 to 20 missing: sequence jumps from 17 to 21", nil},
		{"first removed", func(m *memLog) { m.remove(1) }, 1, "entry 1 missing: the log starts at entry 2", nil},
		{"last removed", func(m *memLog) { m.remove(n) }, n, "head says 40 entries but the log ends at 39 (removed at the end)", nil},
		{"last two removed", func(m *memLog) { m.remove(n); m.remove(n - 1) }, n - 1, "head says 40 entries but the log ends at 38", nil},
		{"all removed", func(m *memLog) { m.entries = nil }, 1, "head says 40 entries but the log is empty", nil},
		{"removed and renumbered", func(m *memLog) {
			m.remove(18)
			for i := range m.entries[17:] {
				m.entries[17+i].Seq--
			}
		}, 18, "entry 18: holds the entry written as 19 (reordered, or entries removed and the rest renumbered)", nil},
		{"two swapped", func(m *memLog) {
			a, b := m.entries[19], m.entries[20]
			a.Seq, b.Seq = b.Seq, a.Seq
			m.entries[19], m.entries[20] = b, a
		}, 20, "entry 20: holds the entry written as 21", nil},
		{"moved far back", func(m *memLog) {
			e := m.entries[35]
			m.remove(36)
			e.Seq = 5
			m.entries = append(m.entries[:4], append([]Entry{e}, m.entries[4:]...)...)
			for i := range m.entries[5:] {
				m.entries[5+i].Seq = int64(6 + i)
			}
		}, 5, "entry 5: holds the entry written as 36", nil},
		// A reader that breaks its contract is caught too.
		{"walked out of order", func(m *memLog) { m.entries[20], m.entries[21] = m.entries[21], m.entries[20] }, 21, "entry 21 missing: sequence jumps from 20 to 22", nil},
		{"duplicated", func(m *memLog) {
			m.entries = append(m.entries[:21], append([]Entry{m.entries[20]}, m.entries[21:]...)...)
		}, 21, "entry 21 appears again after entry 21", nil},
		{"forged in the middle", func(m *memLog) {
			f := forger.Link(21, m.entries[19].Hash, record(99))
			rest := append([]Entry{f}, m.entries[20:]...)
			for i := range rest[1:] {
				rest[1+i].Seq++
			}
			m.entries = append(m.entries[:20], rest...)
			m.headSeq++
		}, 21, "entry 21: hash does not match its content (altered or forged)", nil},
		{"forged at the end", func(m *memLog) {
			f := forger.Link(n+1, m.headHash, record(99))
			m.entries = append(m.entries, f)
			m.headSeq, m.headHash = f.Seq, f.Hash
		}, n + 1, "entry 41: hash does not match its content (altered or forged)", nil},
		{"whole log re-chained under another key", func(m *memLog) {
			*m = *appendLog(forger, n)
		}, 1, "entry 1: hash does not match", nil},
		{"genuine entries spliced", func(m *memLog) {
			// Links made with the real key but to a predecessor that is not
			// there: entries from another copy of the log pasted in.
			m.entries[24] = c.Link(25, bytes.Repeat([]byte{7}, HashSize), record(25))
		}, 25, "entry 25: previous hash does not match entry 24 (reordered or altered)", nil},
		{"first entry not a start", func(m *memLog) {
			m.entries[0] = c.Link(1, bytes.Repeat([]byte{1}, HashSize), record(1))
		}, 1, "entry 1: does not start a chain", nil},
		{"head hash altered", func(m *memLog) { m.headHash = bytes.Repeat([]byte{9}, HashSize) }, n, "entry 40: hash differs from the one the head recorded", nil},
		{"tail cut and head moved back, caught by an anchor", func(m *memLog) {
			m.remove(n)
			m.remove(n - 1)
			m.headSeq, m.headHash = n-2, m.entries[n-3].Hash
		}, n - 1, "an anchor names entry 40 but the log ends at 38", []Anchor{{Seq: 20, Hash: nil}, {Seq: n}}},
		{"anchor mismatch", func(m *memLog) {}, 12, "entry 12: hash differs from the anchor", []Anchor{{Seq: 12, Hash: make([]byte, HashSize)}}},
	}
	intact := appendLog(c, n)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := clone(intact)
			tt.tamper(m)
			anchors := tt.anchors
			// Anchors with no hash take the intact log's.
			for i, a := range anchors {
				if a.Hash == nil {
					anchors[i].Hash = intact.entries[a.Seq-1].Hash
				}
			}
			rep, err := Verify(context.Background(), m, c, anchors...)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() {
				t.Fatalf("tampering not detected: %+v", rep)
			}
			if rep.FirstBad != tt.firstBad {
				t.Errorf("FirstBad = %d, want %d (%s)", rep.FirstBad, tt.firstBad, rep.Problem)
			}
			if !strings.Contains(rep.Problem, tt.problem) {
				t.Errorf("Problem = %q, want it to contain %q", rep.Problem, tt.problem)
			}
			want := int(tt.firstBad - 1)
			if strings.Contains(tt.problem, "appears again") {
				want = int(tt.firstBad) // the first copy verified
			}
			if rep.Entries != want {
				t.Errorf("Entries = %d, want the %d before the first bad one", rep.Entries, want)
			}
			if !strings.Contains(rep.String(), "NOT intact") {
				t.Errorf("String() = %q", rep.String())
			}
		})
	}
}

// TestVerifyTailCutWithoutAnchor documents the limit of a head kept in the
// same database: cut entries and a head moved back verify intact, which is
// why Report.HeadSeq/HeadHash should be recorded elsewhere as anchors.
func TestVerifyTailCutWithoutAnchor(t *testing.T) {
	c := NewChain(testKey)
	m := appendLog(c, 10)
	m.remove(10)
	m.headSeq, m.headHash = 9, m.entries[8].Hash
	rep, err := Verify(context.Background(), m, c)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.HeadSeq != 9 {
		t.Errorf("%+v", rep)
	}
	rep, _ = Verify(context.Background(), m, c, Anchor{Seq: 10, Hash: appendLog(c, 10).headHash})
	if rep.OK() || rep.FirstBad != 10 {
		t.Errorf("with an anchor: %+v", rep)
	}
}

// TestVerifyConcurrentAppend: entries appended after the head was read are
// verified, not reported as a problem.
func TestVerifyConcurrentAppend(t *testing.T) {
	c := NewChain(testKey)
	m := appendLog(c, 12)
	m.headSeq, m.headHash = 10, m.entries[9].Hash
	rep, err := Verify(context.Background(), m, c)
	if err != nil || !rep.OK() || rep.Entries != 12 || rep.HeadSeq != 12 {
		t.Errorf("%+v, %v", rep, err)
	}
}

func TestVerifyReadErrors(t *testing.T) {
	c := NewChain(testKey)
	m := appendLog(c, 5)
	m.walkErr = errors.New("database gone")
	if _, err := Verify(context.Background(), m, c); err == nil || !strings.Contains(err.Error(), "database gone") {
		t.Errorf("walk error: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Verify(ctx, appendLog(c, 5), c); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestProblemHasNoContent: problems name entries, never their content.
func TestProblemHasNoContent(t *testing.T) {
	c := NewChain(testKey)
	m := appendLog(c, 5)
	m.entries[2].Target = "child:77777"
	m.entries[2].Detail = "secret-detail"
	rep, _ := Verify(context.Background(), m, c)
	for _, s := range []string{"77777", "secret-detail", "user:", "SE"} {
		if strings.Contains(rep.Problem, s) {
			t.Errorf("Problem %q contains entry content %q", rep.Problem, s)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	c := NewChain(testKey)
	m := appendLog(c, 10000)
	for b.Loop() {
		if rep, err := Verify(context.Background(), m, c); err != nil || !rep.OK() {
			b.Fatal(rep, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/10000, "ns/entry")
}
