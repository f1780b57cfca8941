package dice

import "fmt"

// Set holds filters of Words 64-bit words each, stored contiguously in Bits (filter i
// is Bits[i*Words:(i+1)*Words]), with Pop[i] the popcount of filter i. Keeping the
// popcounts lets Join prune by them and score a pair from one AND-popcount.
//
// A Set is not safe for concurrent modification; Join and SelfJoin only read it.
type Set struct {
	Words int
	Bits  []uint64
	Pop   []uint32
}

// NewSet returns an empty Set of filters of words 64-bit words (16 for the default
// 1024-bit filters) with room for capacity filters. It panics if words < 1.
func NewSet(words, capacity int) *Set {
	if words < 1 {
		panic("dice: NewSet with fewer than one word per filter")
	}
	capacity = max(capacity, 0)
	return &Set{
		Words: words,
		Bits:  make([]uint64, 0, words*capacity),
		Pop:   make([]uint32, 0, capacity),
	}
}

// Add appends a copy of f to the set and returns its index. It panics if len(f) is
// not s.Words.
func (s *Set) Add(f []uint64) int {
	if len(f) != s.Words {
		panic("dice: Set.Add of a filter of the wrong length")
	}
	s.Bits = append(s.Bits, f...)
	s.Pop = append(s.Pop, uint32(Count(f)))
	return len(s.Pop) - 1
}

// Len returns the number of filters in the set.
func (s *Set) Len() int { return len(s.Pop) }

// Filter returns filter i, aliasing the set's storage (its capacity is clipped, so
// appending to it cannot overwrite the next filter).
func (s *Set) Filter(i int) []uint64 {
	w := s.Words
	return s.Bits[i*w : (i+1)*w : (i+1)*w]
}

// check reports a Set whose fields disagree (it may have been built by hand) or that
// is too large for the int32 indexes of Pair.
func (s *Set) check() error {
	switch {
	case s.Words < 1:
		return fmt.Errorf("dice: set has %d words per filter", s.Words)
	case len(s.Bits) != s.Words*len(s.Pop):
		return fmt.Errorf("dice: set has %d words for %d filters of %d words",
			len(s.Bits), len(s.Pop), s.Words)
	case len(s.Pop) > 1<<31-1:
		return fmt.Errorf("dice: set has more filters than a Pair can index")
	}
	for i, p := range s.Pop {
		if int(p) > 64*s.Words {
			return fmt.Errorf("dice: set popcount %d exceeds the filter length", i)
		}
	}
	return nil
}
