package hub

import (
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/cbss-egcc/childcentre/internal/linkage"
)

// lshIndex is a candidate filter in front of the linkage Model:
// locality-sensitive hashing. For a record-level CLK it is Hamming LSH by
// bit sampling: each table keys a record by lshBits bits of its filter
// drawn at random; for a segmented schema, MinHash over the record's name
// bag (minHashRows min-hashes per table). Two filters that agree on most
// bits (a probable match) share a key in at least one table with high
// probability, two unrelated filters rarely. A query then scores
// only the records that share a bucket with it, instead of the whole index
// (linkage.Index.Candidates scans every record: about 20 ms at a million).
//
// It decides nothing: every candidate it yields is scored by the Model, as
// Link scores pairs; it only chooses which pairs are scored. Its recall
// against the full scan is measured in lsh_test.go.
type lshIndex struct {
	mu  sync.RWMutex
	pos [][lshBits]uint16 // per table, the sampled bit positions
	// bag, when set, gives the set bits a record is keyed by with MinHash
	// instead of bit sampling (segmented schemas: the name bag, see keys);
	// seeds are the hash functions, minHashRows per table.
	bag     func(f []uint64, dst []uint32) []uint32
	seeds   [][minHashRows]uint64
	buckets [][][]uint32 // per table, key → record ids
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

// minHashRows is how many min-hashes make one table's key: a pair whose
// name bags have Jaccard similarity J shares a table's key with
// probability J³. Over 32 tables, names that agree closely (Dice 0.8, J
// 0.67) share about 10, names at the blocking floor (Dice 0.6, J 0.43)
// about 2.5, unrelated names of one origin (J 0.2) about 0.25.
// Measured in TestLSHRecall: with two rows, recall 1.0 but a fifth of
// the index scored per query; with four, recall 0.977.
const minHashRows = 3

// newLSH returns an empty filter of tables tables over filters of words
// 64-bit words; the bit positions (or the hash functions) come from seed,
// so that every hub process draws the same. With bag set, records are
// keyed by MinHash over the bits bag gives: bit sampling suits the dense
// record-level CLK, but in the sparse segments of a field-level filter
// most sampled bits are zero in most filters, and its buckets held over
// half of the index (docs/scaling.md).
func newLSH(words, tables int, seed uint64, bag func(f []uint64, dst []uint32) []uint32) *lshIndex {
	r := rand.New(rand.NewPCG(seed, 0x6c7368))
	l := &lshIndex{pos: make([][lshBits]uint16, tables), buckets: make([][][]uint32, tables), words: words, bag: bag}
	for t := range l.pos {
		for i := range l.pos[t] {
			l.pos[t][i] = uint16(r.IntN(words * 64))
		}
		l.buckets[t] = make([][]uint32, 1<<lshBits)
	}
	if bag != nil {
		l.seeds = make([][minHashRows]uint64, tables)
		for t := range l.seeds {
			for j := range l.seeds[t] {
				l.seeds[t][j] = r.Uint64()
			}
		}
	}
	return l
}

// keys writes f's key in every table to dst and reports whether f has
// any: a filter with an empty name bag is filed nowhere (nothing could
// find it by its names).
func (l *lshIndex) keys(f []uint64, dst []uint32) bool {
	if l.bag == nil {
		for t := range l.pos {
			dst[t] = l.key(t, f)
		}
		return true
	}
	var buf [256]uint32
	set := l.bag(f, buf[:0])
	if len(set) == 0 {
		return false
	}
	for t := range l.seeds {
		var k uint64
		for j, seed := range l.seeds[t] {
			lo := ^uint64(0)
			for _, p := range set {
				lo = min(lo, lshMix(seed^uint64(p)))
			}
			k ^= lshMix(lo + uint64(j))
		}
		dst[t] = uint32(k) & (1<<lshBits - 1)
	}
	return true
}

// lshMix is a 64-bit finaliser (SplitMix64's): a hash function of a bit
// position under a seed.
func lshMix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
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
	keys := make([]uint32, len(l.pos))
	filed := l.keys(f, keys)
	l.mu.Lock()
	defer l.mu.Unlock()
	if filed {
		for t, k := range keys {
			l.buckets[t][k] = append(l.buckets[t][k], id)
		}
	}
	if need := (int(id) + 1) * l.words; need > len(l.filters) {
		l.filters = append(l.filters, make([]uint64, need-len(l.filters)+len(l.filters)/4)...)
	}
	copy(l.filters[int(id)*l.words:], f)
}

// remove takes id out of f's buckets (f as it was added).
func (l *lshIndex) remove(id uint32, f []uint64) {
	keys := make([]uint32, len(l.pos))
	filed := l.keys(f, keys)
	l.mu.Lock()
	defer l.mu.Unlock()
	if filed {
		for t, k := range keys {
			b := l.buckets[t][k]
			if i := slices.Index(b, id); i >= 0 {
				b[i] = b[len(b)-1]
				l.buckets[t][k] = b[:len(b)-1]
			}
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
	if !l.keys(f, keys) {
		return nil
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

// lshBag is the bag an LSH filter over m's filters keys records by: the
// name bag for a segmented (field-level) model, nil (bit sampling) for a
// record-level one, or a segmented one without name fields, whose records
// would otherwise be filed nowhere.
func lshBag(m *linkage.Model) func(f []uint64, dst []uint32) []uint32 {
	if !m.HasNameBag() {
		return nil
	}
	return m.NameBag
}
