package audit

import (
	"bytes"
	"context"
	"crypto/hmac"
	"encoding/hex"
	"errors"
	"fmt"
)

// Reader gives verification the stored chain. internal/store implements it.
type Reader interface {
	// WalkAudit calls fn for every entry in ascending Seq order and stops at
	// the first error fn returns, returning it.
	WalkAudit(ctx context.Context, fn func(Entry) error) error
	// AuditHead returns the sequence number and hash of the last entry as
	// recorded when it was appended: (0, nil) for an empty log.
	AuditHead(ctx context.Context) (seq int64, hash []byte, err error)
}

// Report is the outcome of Verify.
type Report struct {
	// Entries is how many entries verified intact before the first problem
	// (all of them when there is none).
	Entries int
	// HeadSeq and HeadHash identify the last entry verified intact. Recorded
	// outside the database (a ticket, the hub, an operator's notebook), they
	// are an Anchor for later runs: see Verify.
	HeadSeq  int64
	HeadHash []byte
	// FirstBad is the sequence number of the first entry that was altered,
	// removed, reordered or forged; 0 when the chain is intact.
	FirstBad int64
	// Problem says what is wrong with FirstBad, "" when the chain is intact.
	// It names entries by number and never quotes their content.
	Problem string
}

// OK reports whether the chain verified intact.
func (r Report) OK() bool { return r.Problem == "" }

// String is the one-line summary printed by 'childcentre audit verify'.
func (r Report) String() string {
	if r.OK() {
		if r.Entries == 0 {
			return "audit log intact: no entries"
		}
		return fmt.Sprintf("audit log intact: %d entries; last entry %d, hash %s", r.Entries, r.HeadSeq, hex.EncodeToString(r.HeadHash))
	}
	return fmt.Sprintf("audit log NOT intact: %s (%d entries verified before it)", r.Problem, r.Entries)
}

// Anchor is an entry's hash recorded outside the database by an earlier
// verification (Report.HeadSeq, Report.HeadHash). The head row lives in the
// same database as the log, so someone who can write the database could cut
// off the newest entries and move the head back; an anchor taken before the
// cut still names the missing entry.
type Anchor struct {
	Seq  int64
	Hash []byte
}

// reorderWindow is how far from its position Verify looks for the place an
// entry was written at, to tell a reordered entry from an altered one.
const reorderWindow = 1024

// errStop ends the walk at the first problem.
var errStop = errors.New("audit: verification stopped at the first problem")

// Verify walks the chain in sequence order and checks every entry against
// the chain key, its predecessor and the recorded head, and each anchor
// against the entry it names. It stops at the first problem, which the
// report names; the error is only for failures to read. Entries appended
// while Verify runs are verified too.
func Verify(ctx context.Context, r Reader, c *Chain, anchors ...Anchor) (Report, error) {
	// The head is read before the walk: an entry appended during the walk
	// then only lengthens the log past the head, which is no problem, whereas
	// a head read after the walk could name an entry the walk did not see.
	headSeq, headHash, err := r.AuditHead(ctx)
	if err != nil {
		return Report{}, err
	}
	v := &verifier{c: c, prev: make([]byte, HashSize), anchors: map[int64][]byte{}}
	for _, a := range anchors {
		if a.Seq > 0 {
			v.anchors[a.Seq] = a.Hash
		}
	}
	v.headSeq, v.headHash = headSeq, headHash

	err = r.WalkAudit(ctx, func(e Entry) error {
		if v.rep.Entries%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if !v.check(e) {
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return Report{}, err
	}
	if v.rep.OK() {
		v.finish()
	}
	return v.rep, nil
}

type verifier struct {
	c        *Chain
	rep      Report
	last     int64  // seq of the last entry checked
	prev     []byte // its hash; zeros before the first
	headSeq  int64
	headHash []byte
	anchors  map[int64][]byte
}

// bad records the first problem.
func (v *verifier) bad(seq int64, format string, args ...any) bool {
	v.rep.FirstBad = seq
	v.rep.Problem = fmt.Sprintf(format, args...)
	return false
}

// check verifies one entry and reports whether the walk may go on.
func (v *verifier) check(e Entry) bool {
	want := v.last + 1
	switch {
	case e.Seq < want:
		return v.bad(e.Seq, "entry %d appears again after entry %d (duplicated or reordered)", e.Seq, v.last)
	case e.Seq > want && v.last == 0:
		return v.bad(want, "%s missing: the log starts at entry %d (removed)", span(want, e.Seq-1), e.Seq)
	case e.Seq > want:
		return v.bad(want, "%s missing: sequence jumps from %d to %d (removed)", span(want, e.Seq-1), v.last, e.Seq)
	}
	if !v.c.Valid(e) {
		if orig, ok := v.writtenAt(e); ok {
			return v.bad(e.Seq, "entry %d: holds the entry written as %d (reordered, or entries removed and the rest renumbered)", e.Seq, orig)
		}
		return v.bad(e.Seq, "entry %d: hash does not match its content (altered or forged)", e.Seq)
	}
	if !bytes.Equal(e.Prev, v.prev) {
		if e.Seq == 1 {
			return v.bad(e.Seq, "entry 1: does not start a chain (entries before it removed, or the log replaced)")
		}
		return v.bad(e.Seq, "entry %d: previous hash does not match entry %d (reordered or altered)", e.Seq, e.Seq-1)
	}
	if e.Seq == v.headSeq && !hmac.Equal(v.headHash, e.Hash) {
		return v.bad(e.Seq, "entry %d: hash differs from the one the head recorded when it was appended (head or entry replaced)", e.Seq)
	}
	if a, ok := v.anchors[e.Seq]; ok && !hmac.Equal(a, e.Hash) {
		return v.bad(e.Seq, "entry %d: hash differs from the anchor recorded earlier (log rewritten from here)", e.Seq)
	}
	v.last, v.prev = e.Seq, e.Hash
	v.rep.Entries++
	v.rep.HeadSeq, v.rep.HeadHash = e.Seq, e.Hash
	return true
}

// writtenAt looks for the position an entry that fails at its own position
// was written at: the sequence number is part of the hash, so an entry moved
// from elsewhere verifies at exactly one other position. Looking only near
// its place bounds the cost to a few thousand hashes, once per verification.
func (v *verifier) writtenAt(e Entry) (int64, bool) {
	seq := e.Seq
	for d := int64(1); d <= reorderWindow; d++ {
		for _, s := range [2]int64{seq + d, seq - d} {
			if s < 1 {
				continue
			}
			e.Seq = s
			if v.c.Valid(e) {
				return s, true
			}
		}
	}
	return 0, false
}

// finish checks what only the end of the walk shows: a tail cut off below
// the recorded head, or an anchor past the end.
func (v *verifier) finish() {
	if v.headSeq > v.last {
		if v.last == 0 {
			v.bad(1, "head says %d entries but the log is empty (removed)", v.headSeq)
			return
		}
		v.bad(v.last+1, "head says %d entries but the log ends at %d (removed at the end)", v.headSeq, v.last)
		return
	}
	var beyond int64
	for seq := range v.anchors {
		if seq > v.last && (beyond == 0 || seq < beyond) {
			beyond = seq
		}
	}
	switch {
	case beyond > 0 && v.last == 0:
		v.bad(1, "an anchor names entry %d but the log is empty (removed, head moved back)", beyond)
	case beyond > 0:
		v.bad(v.last+1, "an anchor names entry %d but the log ends at %d (removed at the end, head moved back)", beyond, v.last)
	}
}

func span(from, to int64) string {
	if from == to {
		return fmt.Sprintf("entry %d", from)
	}
	return fmt.Sprintf("entries %d to %d", from, to)
}
