package linkage

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"math"
)

// hardener applies a schema's hardening to a filter, in a fixed order:
// Rule 90, XOR-folding, BLIP, balancing. Balancing comes last so that every
// encoding keeps exactly half its bits set.
type hardener struct {
	h     Hardening
	words int // input words
	perm  []uint32
	blip  uint64 // flip when a uniform 64-bit draw is below this
	mac   hash.Hash
	tmp   []uint64
	bytes []byte
	sum   []byte
}

func newHardener(s *Schema, keys *keySet) *hardener {
	h := &hardener{h: s.Hardening, words: s.FilterBits / 64}
	h.tmp = make([]uint64, h.words)
	if h.h.BLIP > 0 {
		h.blip = uint64(h.h.BLIP * math.MaxUint64)
		h.mac = hmac.New(sha256.New, keys.hardness)
		h.bytes = make([]byte, 8*h.words)
		h.sum = make([]byte, 0, 32)
	}
	if h.h.Balance {
		n := s.FilterBits * 2
		if h.h.XORFold {
			n /= 2
		}
		// A permutation drawn under the key (Fisher-Yates on a keyed
		// stream), so that an encoding's bits and their complements are
		// mixed and cannot be told apart without the secret.
		h.perm = make([]uint32, n)
		for i := range h.perm {
			h.perm[i] = uint32(i)
		}
		seed := binary.LittleEndian.Uint64(keys.hardness[:8])
		for i := n - 1; i > 0; i-- {
			seed += 0x9e3779b97f4a7c15
			j := int(mix64(seed) % uint64(i+1))
			h.perm[i], h.perm[j] = h.perm[j], h.perm[i]
		}
	}
	return h
}

// apply writes the hardened form of f into dst (Schema.EncodedBits bits).
// f is used as scratch.
func (h *hardener) apply(f, dst []uint64) {
	cur := f
	if h.h.Rule90 {
		rule90(cur, h.tmp)
		cur = h.tmp
	}
	if h.h.XORFold {
		half := len(cur) / 2
		for i := range half {
			cur[i] ^= cur[i+half]
		}
		cur = cur[:half]
	}
	if h.blip > 0 {
		h.flip(cur)
	}
	if !h.h.Balance {
		copy(dst, cur)
		return
	}
	clear(dst)
	n := len(cur) * 64
	for i, p := range h.perm {
		var bit uint64
		if i < n {
			bit = cur[i>>6] >> (i & 63) & 1
		} else {
			bit = ^cur[(i-n)>>6] >> ((i - n) & 63) & 1
		}
		dst[p>>6] |= bit << (p & 63)
	}
}

// rule90 sets out[i] = f[i-1] XOR f[i+1], indexes modulo the filter length
// (the elementary cellular automaton Rule 90, one step).
func rule90(f, out []uint64) {
	n := len(f)
	for i := range n {
		prev := f[(i+n-1)%n] // word holding bit i*64-1
		next := f[(i+1)%n]   // word holding bit i*64+64
		left := f[i]<<1 | prev>>63
		right := f[i]>>1 | next<<63
		out[i] = left ^ right
	}
}

// flip flips each bit with probability BLIP, drawing from a stream seeded by
// the keyed hash of the filter itself: the same record always gets the same
// encoding, and without the key the flips cannot be predicted.
func (h *hardener) flip(f []uint64) {
	for i, w := range f {
		binary.LittleEndian.PutUint64(h.bytes[8*i:], w)
	}
	h.mac.Reset()
	h.mac.Write(h.bytes[:8*len(f)])
	d := h.mac.Sum(h.sum[:0])
	s := binary.LittleEndian.Uint64(d)
	for i := range f {
		var m uint64
		for b := range 64 {
			s += 0x9e3779b97f4a7c15
			if mix64(s) < h.blip {
				m |= 1 << b
			}
		}
		f[i] ^= m
	}
}
