package hub

import (
	"math/rand/v2"
	"slices"
	"sync"
)

// lshIndex is a candidate filter in front of the linkage Model: Hamming
// locality-sensitive hashing by bit sampling. Each of its tables keys a
// record by lshBits bits of its filter drawn at random; two filters that
// agree on most bits (a probable match) share a key in at least one table
// with high probability, two unrelated filters rarely. A query then scores
// only the records that share a bucket with it, instead of the whole index
// (linkage.Index.Candidates scans every record: about 20 ms at a million).
//
// It decides nothing: every candidate it yields is scored by the Model, as
// Link scores pairs; it only chooses which pairs are scored. Its recall
// against the full scan is measured in lsh_test.go.
type lshIndex struct {
	mu      sync.RWMutex
	pos     [][lshBits]uint16 // per table, the sampled bit positions
	buckets [][][]uint32      // per table, key → record ids
	// filters by record id (ids are dense): scoring a candidate reads
	// its words directly, without a lookup by reference.
	words   int
	filters []uint64
}

// lshBits is the key length: 2^16 buckets per table, addressed directly.
const lshBits = 16

// lshMinShared is how many tables a candidate must share a bucket with
// the query in.
const lshMinShared = 2

// newLSH returns an empty filter of tables tables over filters of words
// 64-bit words; the bit positions come from seed, so that every hub
// process draws the same.
func newLSH(words, tables int, seed uint64) *lshIndex {
	r := rand.New(rand.NewPCG(seed, 0x6c7368))
	l := &lshIndex{pos: make([][lshBits]uint16, tables), buckets: make([][][]uint32, tables), words: words}
	for t := range l.pos {
		for i := range l.pos[t] {
			l.pos[t][i] = uint16(r.IntN(words * 64))
		}
		l.buckets[t] = make([][]uint32, 1<<lshBits)
	}
	return l
}

func (l *lshIndex) key(t int, f []uint64) uint32 {
	var k uint32
	for i, p := range l.pos[t] {
		k |= uint32(f[p>>6]>>(p&63)&1) << i
	}
	return k
}

// add files id under f's keys.
func (l *lshIndex) add(id uint32, f []uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for t := range l.pos {
		k := l.key(t, f)
		l.buckets[t][k] = append(l.buckets[t][k], id)
	}
	if need := (int(id) + 1) * l.words; need > len(l.filters) {
		l.filters = append(l.filters, make([]uint64, need-len(l.filters)+len(l.filters)/4)...)
	}
	copy(l.filters[int(id)*l.words:], f)
}

// remove takes id out of f's buckets (f as it was added).
func (l *lshIndex) remove(id uint32, f []uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for t := range l.pos {
		k := l.key(t, f)
		b := l.buckets[t][k]
		if i := slices.Index(b, id); i >= 0 {
			b[i] = b[len(b)-1]
			l.buckets[t][k] = b[:len(b)-1]
		}
	}
	clear(l.filters[int(id)*l.words : (int(id)+1)*l.words])
}

// candidates returns the ids sharing a bucket with f in any table, once
// each.
func (l *lshIndex) candidates(f []uint64) []uint32 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.candidatesLocked(f)
}

func (l *lshIndex) candidatesLocked(f []uint64) []uint32 {
	// Keep the records that share a bucket in at least lshMinShared
	// tables: a probable match agrees on a fifth of the tables' keys, an
	// unrelated record rarely on two. They are counted in a scratch array
	// by id (ids are dense) rather than found by sorting every bucket's
	// ids, which took most of a query's time with large buckets.
	keys := make([]uint32, len(l.pos))
	for t := range l.pos {
		keys[t] = l.key(t, f)
	}
	n := len(l.filters) / max(l.words, 1)
	sp, _ := lshScratch.Get().(*[]uint8)
	if sp == nil {
		sp = new([]uint8)
	}
	if len(*sp) < n {
		*sp = make([]uint8, n)
	}
	counts := *sp
	var out []uint32
	for t, k := range keys {
		for _, id := range l.buckets[t][k] {
			c := counts[id] + 1
			counts[id] = c
			if c == lshMinShared {
				out = append(out, id)
			}
		}
	}
	for t, k := range keys {
		for _, id := range l.buckets[t][k] {
			counts[id] = 0
		}
	}
	lshScratch.Put(sp)
	slices.Sort(out)
	return out
}

// lshScratch holds the counting arrays of candidatesLocked, one per query
// running at once.
var lshScratch sync.Pool

// scored calls fn with each candidate of f and its filter, under the read
// lock; fn must not keep the filter.
func (l *lshIndex) scored(f []uint64, fn func(id uint32, g []uint64)) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, id := range l.candidatesLocked(f) {
		fn(id, l.filters[int(id)*l.words:(int(id)+1)*l.words])
	}
}
