package linkage

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
)

// Incremental matching: the hub does not re-link the whole network for each
// upload. It keeps an Index of every encoding it holds, scores a new one
// against its candidates with the same Model that Link uses, and decides
// with Model.CanJoin whether the new record joins a cluster under the same
// anti-chaining rules as the batch solver (solve.go); Model.DateKnown and
// Model.CanJoinUndated (undated.go) give it the batch link's second look
// at records without a full date of birth.

// Candidate is an indexed record that scores against a query.
type Candidate struct {
	Ref   string
	Score float64
}

// Model scores pairs of filters made with one schema, exactly as Link does.
// It is immutable and safe for concurrent use.
type Model struct {
	opt Options
	sc  pairScorer
	fs  *fsModel // segmented schemas: the Fellegi–Sunter model
}

// NewModel returns the model for filters of words 64-bit words linked with
// o (zero fields take Link's defaults). With o.Layout (a segmented schema)
// it is a Fellegi–Sunter model with o.Weights, else the built-in default
// weights of the layout; Fit learns weights from data instead.
func NewModel(words int, o Options) (*Model, error) {
	if words < 1 {
		return nil, fmt.Errorf("linkage: a model needs filters of at least one word")
	}
	if err := o.fill(); err != nil {
		return nil, err
	}
	m := &Model{opt: o, sc: pairScorer{set: dice.NewSet(words, 0), gamma: o.Asymmetry}}
	if o.Layout != nil {
		if o.Layout.Words != words {
			return nil, fmt.Errorf("linkage: the layout is for filters of %d words", o.Layout.Words)
		}
		w := defaultWeights(o.Layout)
		if o.Weights != nil {
			w = *o.Weights
			w.Layout = o.Layout
		}
		fs, err := newFSModel(w)
		if err != nil {
			return nil, err
		}
		m.fs = fs
		m.opt.Weights, m.opt.Model = nil, nil
	}
	return m, nil
}

// Weights returns the model's parameters (nil for a model without
// layout), for Marshal or a weights file.
func (m *Model) Weights() *Weights {
	if m.fs == nil {
		return nil
	}
	w := m.fs.w
	return &w
}

// WithFrequencies returns a copy of m whose name and date frequencies
// (the frequency adjustment), and the mean frequency each is compared
// with, are counted from the filters of set; a model without layout is
// returned as it is. The weights' means were learned on another
// population, and the mean moves with its size (Index.model).
func (m *Model) WithFrequencies(set *dice.Set) *Model {
	if m.fs == nil {
		return m
	}
	c := *m
	fs := *m.fs
	fs.countFrequencies(set.Bits, set.Words)
	c.fs = fs.forPopulation(fs.stats)
	return &c
}

// Options returns the model's options, defaults filled in.
func (m *Model) Options() Options { return m.opt }

// Words returns the length of the model's filters in 64-bit words.
func (m *Model) Words() int { return m.sc.set.Words }

// Score returns the match probability of filters a and b under a
// segmented schema's model, else their pair score (see score.go).
func (m *Model) Score(a, b []uint64) float64 {
	if m.fs != nil {
		var lv [32]uint8
		var pa, pb [maxFields]uint16
		c := m.fs.c
		return prob(m.fs.weight(c.rec(a, pa[:]), c.rec(b, pb[:]), lv[:len(c.feats)], nil))
	}
	c := dice.AndCount(a, b)
	return m.sc.fromCounts(uint32(c), uint32(dice.Count(a)), uint32(dice.Count(b)))
}

// IsMatch reports whether a pair score makes a match candidate.
func (m *Model) IsMatch(score float64) bool { return score >= m.opt.Threshold }

// IsReview reports whether a pair score is worth a person's look.
func (m *Model) IsReview(score float64) bool { return score >= m.opt.Review }

// CanJoin reports whether a record whose scores against every member of a
// cluster are scores may join it: the batch solver's rule, so that one
// strong link cannot pull a record into a cluster of another child. scores
// must hold one score per member.
func (m *Model) CanJoin(scores []float64) bool {
	return m.CanMerge(scores, len(scores)+1)
}

// CanMerge reports whether two clusters of size records together, whose
// cross pairs (every record of one with every record of the other) score
// scores, may merge: the batch solver's rule, CanJoin's for a cluster of
// one.
func (m *Model) CanMerge(scores []float64, size int) bool {
	if len(scores) == 0 {
		return true
	}
	if size > m.opt.MaxCluster {
		return false
	}
	sum := 0.0
	for _, s := range scores {
		if s < m.opt.MinLink {
			return false
		}
		sum += s
	}
	return sum/float64(len(scores)) >= m.opt.Support
}

// Index holds encodings by reference for incremental matching. It is safe
// for concurrent use: Candidates runs under a read lock.
type Index struct {
	m    *Model
	mu   sync.RWMutex
	set  *dice.Set
	refs []string // by slot; "" for a free slot
	pos  map[string]int32
	free []int32
	out  sync.Pool // []uint32 AND-count buffers
	// Segmented schemas: the name bags compared first (blocking), and the
	// number of indexed records sharing each name segment (the frequency
	// adjustment, from the encodings alone).
	block *dice.Set
	freq  []map[uint64]int32
	nfreq []int
	// pairs[t] and cubes[t] are the sums over table t's values of c(c−1)
	// and c²(c−1), c the records holding the value: the index's own mean
	// frequency of an agreeing value (Index.model).
	pairs, cubes []int64
	// carried is the model carried over to the indexed records, made on
	// first use after the counts changed (nil: to be made again).
	carried atomic.Pointer[fsModel]
}

// NewIndex returns an empty index scored by m.
func NewIndex(m *Model) *Index {
	ix := &Index{m: m, set: dice.NewSet(m.Words(), 0), pos: map[string]int32{}}
	if m.fs != nil {
		bs := m.fs.c.blockSet(dice.NewSet(m.Words(), 0))
		ix.block = bs
		ix.freq = make([]map[uint64]int32, len(m.fs.tf))
		ix.nfreq = make([]int, len(m.fs.tf))
		ix.pairs = make([]int64, len(m.fs.tf))
		ix.cubes = make([]int64, len(m.fs.tf))
		for t := range ix.freq {
			ix.freq[t] = map[uint64]int32{}
		}
	}
	return ix
}

// count adds d to the frequency counts of the name segments of f.
func (ix *Index) count(f []uint64, d int32) {
	fs := ix.m.fs
	for t := range ix.freq {
		h, ok := fs.tfKey(f, t)
		if !ok {
			continue
		}
		c0 := int64(ix.freq[t][h])
		ix.freq[t][h] += d
		c1 := int64(ix.freq[t][h])
		if c1 <= 0 {
			delete(ix.freq[t], h)
		}
		ix.nfreq[t] += int(d)
		ix.pairs[t] += c1*(c1-1) - c0*(c0-1)
		ix.cubes[t] += c1*c1*(c1-1) - c0*c0*(c0-1)
		ix.carried.Store(nil)
	}
}

// setBlock writes slot i's name bag.
func (ix *Index) setBlock(i int32, f []uint64) {
	w := ix.block.Words
	for int(i) >= ix.block.Len() {
		ix.block.Bits = append(ix.block.Bits, make([]uint64, w)...)
		ix.block.Pop = append(ix.block.Pop, 0)
	}
	dst := ix.block.Bits[int(i)*w : int(i+1)*w]
	clear(dst)
	if f != nil {
		ix.m.fs.c.nameUnion(f, dst)
	}
	ix.block.Pop[i] = uint32(dice.Count(dst))
}

// Model returns the index's model.
func (ix *Index) Model() *Model { return ix.m }

// Len returns the number of records indexed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.pos)
}

// Add indexes f under ref, replacing what ref held before.
func (ix *Index) Add(ref string, f []uint64) error {
	if ref == "" {
		return fmt.Errorf("linkage: an indexed record needs a reference")
	}
	if len(f) != ix.m.Words() {
		return fmt.Errorf("linkage: filter of %d words for an index of %d", len(f), ix.m.Words())
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if i, ok := ix.pos[ref]; ok {
		if ix.block != nil {
			ix.count(ix.set.Filter(int(i)), -1)
		}
		ix.put(i, f)
		return nil
	}
	var i int32
	if n := len(ix.free); n > 0 {
		i = ix.free[n-1]
		ix.free = ix.free[:n-1]
		ix.put(i, f)
	} else {
		i = int32(ix.set.Add(f))
		ix.refs = append(ix.refs, "")
		if ix.block != nil {
			ix.setBlock(i, f)
			ix.count(f, 1)
		}
	}
	ix.refs[i] = ref
	ix.pos[ref] = i
	return nil
}

func (ix *Index) put(i int32, f []uint64) {
	copy(ix.set.Filter(int(i)), f)
	ix.set.Pop[i] = uint32(dice.Count(f))
	if ix.block != nil {
		ix.setBlock(i, f)
		ix.count(f, 1)
	}
}

// Remove drops ref from the index and reports whether it was there.
func (ix *Index) Remove(ref string) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	i, ok := ix.pos[ref]
	if !ok {
		return false
	}
	delete(ix.pos, ref)
	ix.refs[i] = ""
	if ix.block != nil {
		ix.count(ix.set.Filter(int(i)), -1)
		ix.setBlock(i, nil)
	}
	clear(ix.set.Filter(int(i)))
	ix.set.Pop[i] = 0
	ix.free = append(ix.free, i)
	return true
}

// Filter returns a copy of the filter indexed under ref.
func (ix *Index) Filter(ref string) ([]uint64, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	i, ok := ix.pos[ref]
	if !ok {
		return nil, false
	}
	return slices.Clone(ix.set.Filter(int(i))), true
}

// Candidates returns the indexed records whose score against f is at least
// min (at least the model's review threshold when min is lower), best
// first. Records with almost no information are not compared with everyone:
// the model's blocking floor applies.
func (ix *Index) Candidates(f []uint64, min float64) []Candidate {
	if ix.block != nil {
		return ix.candidatesFS(f, min)
	}
	o := ix.m.opt
	min = max(min, o.Review)
	floor := diceFloor(min, o.Asymmetry, o.BlockFloor)
	pq := uint32(dice.Count(f))
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n := ix.set.Len()
	if n == 0 || pq == 0 {
		return nil
	}
	buf, _ := ix.out.Get().(*[]uint32)
	if buf == nil || cap(*buf) < n {
		b := make([]uint32, n)
		buf = &b
	}
	counts := (*buf)[:n]
	defer ix.out.Put(buf)
	// One pass of the kernel over every slot: at 1024 bits it compares
	// about a billion pairs a second, so a linear scan is the baseline any
	// blocking in front of it has to beat.
	dice.AndCounts(f, ix.set.Bits, counts)
	var out []Candidate
	for i, c := range counts {
		if ix.refs[i] == "" {
			continue
		}
		pi := ix.set.Pop[i]
		if float64(2*c) < floor*float64(pq+pi) {
			continue
		}
		if s := ix.m.sc.fromCounts(c, pq, pi); s >= min {
			out = append(out, Candidate{Ref: ix.refs[i], Score: s})
		}
	}
	slices.SortFunc(out, func(a, b Candidate) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.Ref, b.Ref)
	})
	return out
}

// candidatesFS is Candidates for a segmented schema: the records whose
// names are similar enough (the name bags, compared by the kernel), scored
// by the model with name frequencies counted in the index.
func (ix *Index) candidatesFS(f []uint64, min float64) []Candidate {
	o := ix.m.opt
	min = max(min, o.Review)
	fs := ix.m.fs
	q := make([]uint64, ix.block.Words)
	fs.c.nameUnion(f, q)
	pq := uint32(dice.Count(q))
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n := ix.block.Len()
	if n == 0 || pq == 0 {
		return nil
	}
	counts := make([]uint32, n)
	dice.AndCounts(q, ix.block.Bits, counts)
	fs = ix.model()
	var pa, pb [maxFields]uint16
	qa := fs.c.rec(f, pa[:])
	qa.tf = ix.freqs(f, nil)
	tfb := make([]float32, len(ix.freq))
	lv := make([]uint8, len(fs.c.feats))
	var out []Candidate
	for i, c := range counts {
		if ix.refs[i] == "" {
			continue
		}
		if float64(2*c) < o.NameFloor*float64(pq+ix.block.Pop[i]) {
			continue
		}
		g := ix.set.Filter(i)
		b := fs.c.rec(g, pb[:])
		b.tf = ix.freqs(g, tfb)
		if p := prob(fs.weight(qa, b, lv, nil)); p >= min {
			out = append(out, Candidate{Ref: ix.refs[i], Score: p})
		}
	}
	slices.SortFunc(out, func(a, b Candidate) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.Ref, b.Ref)
	})
	return out
}
