package linkage

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"math/bits"
	"slices"
	"strconv"

	"golang.org/x/crypto/blake2b"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Encoder turns records into CLKs under one schema and one secret. It keeps
// scratch memory and keyed hash states between records, so an Encoder is not
// safe for concurrent use: give each goroutine its own (Clone).
type Encoder struct {
	s      *Schema
	keys   *keySet
	words  int // 64-bit words of the filter before hardening
	fields []fieldEncoder
	salt   int // index into fields of the salt field, or -1
	hard   *hardener

	sc     scratch
	vals   []value
	filter []uint64
	saltV  []byte
}

type fieldEncoder struct {
	f     *Field
	cols  []int // indexes into Schema.Columns()
	est   int   // index of the estimated-flag column, or -1
	norm  normaliser
	toks  []tokenEncoder
	emit  seedEmitter
	isSlt bool
	off   uint64 // segment offset in bits (segmented schemas)
	seg   uint64 // segment length in bits, 0 for the whole filter
	estMD []int  // month*100+day of dates taken as estimated
}

type tokenEncoder struct {
	t   *Tokeniser
	tag byte // distinguishes the tokenisers of one field under one key
}

// NewEncoder returns an Encoder for s under secret (see ReadSecret).
func NewEncoder(s *Schema, secret []byte) (*Encoder, error) {
	keys, err := deriveKeys(s, secret)
	if err != nil {
		return nil, err
	}
	return newEncoder(s, keys), nil
}

func newEncoder(s *Schema, keys *keySet) *Encoder {
	cols := s.Columns()
	index := func(c string) int {
		for i, x := range cols {
			if x == c {
				return i
			}
		}
		return -1
	}
	e := &Encoder{s: s, keys: keys, words: s.FilterBits / 64, salt: -1}
	off := 0
	for i := range s.Fields {
		f := &s.Fields[i]
		fe := fieldEncoder{f: f, est: -1, norm: normalisers[f.Normalise], off: uint64(off), seg: uint64(f.Bits)}
		off += f.Bits
		for _, d := range f.EstimatedDays {
			m, _ := strconv.Atoi(d[:2])
			dd, _ := strconv.Atoi(d[3:])
			fe.estMD = append(fe.estMD, m*100+dd)
		}
		for _, c := range f.Columns {
			fe.cols = append(fe.cols, index(c))
		}
		if f.Estimated != "" {
			fe.est = index(f.Estimated)
		}
		for j := range f.Tokens {
			fe.toks = append(fe.toks, tokenEncoder{t: &f.Tokens[j], tag: byte('A' + j)})
		}
		fe.emit.h = newHasher(s.Hash, keys.field[f.Key])
		fe.isSlt = f.Name == s.Hardening.Salt
		if fe.isSlt {
			e.salt = i
		}
		e.fields = append(e.fields, fe)
	}
	e.vals = make([]value, len(e.fields))
	e.filter = make([]uint64, e.words)
	e.hard = newHardener(s, keys)
	return e
}

// Clone returns an Encoder for the same schema and secret with its own
// scratch memory, for another goroutine.
func (e *Encoder) Clone() *Encoder { return newEncoder(e.s, e.keys) }

// Schema returns the encoder's schema.
func (e *Encoder) Schema() *Schema { return e.s }

// KeyID returns the fingerprint of the secret (see encfile.go).
func (e *Encoder) KeyID() string { return e.keys.id }

// Words returns the length in 64-bit words of the encodings.
func (e *Encoder) Words() int { return e.s.EncodedBits() / 64 }

// ColumnError reports a value that cannot be encoded. It names the column and
// the problem, never the value: values are personal data.
type ColumnError struct {
	Column  string
	Problem string
}

func (c *ColumnError) Error() string { return "column " + c.Column + ": " + c.Problem }

// Encode encodes one record into dst, which must hold Words() words. row
// holds the values of Schema().Columns() in that order (row[0], the id, is
// not encoded). A value that cannot be normalised is a *ColumnError.
func (e *Encoder) Encode(row []string, dst []uint64) error {
	if len(dst) != e.Words() {
		return errs.E(errs.Internal, "linkage: encode into a filter of the wrong length")
	}
	// Normalise every field first: the salt field's value is needed before
	// any other field is hashed.
	for i := range e.fields {
		fe := &e.fields[i]
		v := &e.vals[i]
		v.reset()
		if err := e.normalise(fe, row, v); err != nil {
			return err
		}
	}
	e.saltV = e.saltV[:0]
	if e.salt >= 0 {
		e.saltV = appendSalt(e.saltV, &e.vals[e.salt])
	}
	clear(e.filter)
	m := uint64(e.s.FilterBits)
	shift := 64 - uint(bits.TrailingZeros64(m))
	for i := range e.fields {
		fe := &e.fields[i]
		v := &e.vals[i]
		if len(v.words) == 0 && v.date.year == 0 {
			continue // missing: no bits
		}
		em := &fe.emit
		em.salt = e.saltV
		if fe.isSlt {
			em.salt = nil
		}
		for _, te := range fe.toks {
			em.tag = te.tag
			em.seeds = em.seeds[:0]
			e.sc.tokenise(te.t, v, em)
			if len(em.seeds) == 0 {
				continue
			}
			k := te.t.BitsPerToken
			if te.t.FieldBits > 0 {
				n := len(em.seeds) / 2
				k = (te.t.FieldBits + n - 1) / n
			}
			if fe.seg > 0 {
				setSegment(e.filter, em.seeds, k, fe.off, fe.seg)
			} else {
				setPositions(e.filter, em.seeds, k, shift)
			}
		}
	}
	e.hard.apply(e.filter, dst)
	return nil
}

func (e *Encoder) normalise(fe *fieldEncoder, row []string, v *value) error {
	raw := row[fe.cols[0]]
	if len(fe.cols) > 1 {
		// Several columns make one field: join their values so that the
		// words count whichever column they were written in.
		joined := make([]byte, 0, 64)
		for _, c := range fe.cols {
			if row[c] == "" {
				continue
			}
			if len(joined) > 0 {
				joined = append(joined, ' ')
			}
			joined = append(joined, row[c]...)
		}
		raw = string(joined)
	}
	estimated := false
	if fe.est >= 0 {
		switch row[fe.est] {
		case "", "0":
		case "1":
			estimated = true
		default:
			return &ColumnError{Column: fe.f.Estimated, Problem: "must be 0 or 1"}
		}
	}
	if err := fe.norm.fn(fe.f, raw, v); err != nil {
		col := fe.f.Columns[0]
		if len(fe.f.Columns) > 1 {
			col = fe.f.Name
		}
		return &ColumnError{Column: col, Problem: err.Error()}
	}
	if estimated && v.date.year != 0 {
		v.date.estimated = true
	}
	if d := v.date; d.year != 0 && d.month != 0 && slices.Contains(fe.estMD, d.month*100+d.day) {
		v.date.estimated = true
	}
	return nil
}

// appendSalt appends the canonical bytes of a salt field's value.
func appendSalt(dst []byte, v *value) []byte {
	if v.date.year != 0 {
		return append(appendDate(dst, v.date), 0)
	}
	for i, w := range v.words {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, w...)
	}
	return append(dst, 0)
}

// seedEmitter hashes each token under the field's key and keeps two 64-bit
// words of the keyed digest, from which the token's positions are drawn.
//
// Most tokens recur (the bigrams of names, birth years, the two sexes), so
// the digests of the last tokens seen are cached: a cached token costs a map
// lookup instead of two SHA-256 compressions. The cache holds what the key
// already determines and lives only in the encoder; it is not used for
// salted fields, whose tokens rarely recur.
type seedEmitter struct {
	h     *hasher
	tag   byte
	salt  []byte
	seeds []uint64
	cache map[string][2]uint64
	key   []byte
}

// maxCache bounds the cache of one field; when it is full it is emptied
// (simpler than LRU, and the working set of tokens is far smaller).
const maxCache = 1 << 15

func (s *seedEmitter) token(t []byte) {
	if len(s.salt) > 0 {
		a, b := s.h.sum(s.tag, s.salt, t)
		s.seeds = append(s.seeds, a, b)
		return
	}
	s.key = append(append(s.key[:0], s.tag), t...)
	if d, ok := s.cache[string(s.key)]; ok {
		s.seeds = append(s.seeds, d[0], d[1])
		return
	}
	a, b := s.h.sum(s.tag, nil, t)
	if s.cache == nil || len(s.cache) >= maxCache {
		s.cache = make(map[string][2]uint64, 1024)
	}
	s.cache[string(s.key)] = [2]uint64{a, b}
	s.seeds = append(s.seeds, a, b)
}

// setPositions sets k positions for each token seed pair. The positions are
// drawn by a 64-bit mixing function from the token's keyed digest ("random
// hashing", not double hashing h1+i*h2, whose arithmetic progressions leak
// structure that Kroll & Steinmetzer's attack exploits). shift is 64 -
// log2(filter bits): the top bits of each mixed word are the position.
func setPositions(f []uint64, seeds []uint64, k int, shift uint) {
	for i := 0; i+1 < len(seeds); i += 2 {
		a, b := seeds[i], seeds[i+1]
		for j := range k {
			p := mix64(a+uint64(j)*0x9e3779b97f4a7c15) ^ b
			p = mix64(p) >> shift
			f[p>>6] |= 1 << (p & 63)
		}
	}
}

// setSegment is setPositions within the segment of seg bits at off: the
// top bits of the mixed word, scaled to the segment, are the position.
func setSegment(f []uint64, seeds []uint64, k int, off, seg uint64) {
	for i := 0; i+1 < len(seeds); i += 2 {
		a, b := seeds[i], seeds[i+1]
		for j := range k {
			p := mix64(a+uint64(j)*0x9e3779b97f4a7c15) ^ b
			hi, _ := bits.Mul64(mix64(p), seg)
			p = off + hi
			f[p>>6] |= 1 << (p & 63)
		}
	}
}

// mix64 is the finaliser of SplitMix64: a bijection whose output bits each
// depend on every input bit.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// hasher is one field's keyed hash: HMAC-SHA256 or keyed BLAKE2b-256. Both
// keep their keyed initial state, so a token costs two compression function
// calls and no allocation.
type hasher struct {
	mac hash.Hash
	out []byte
	one [1]byte
}

func newHasher(alg string, key []byte) *hasher {
	h := &hasher{out: make([]byte, 0, 64)}
	switch alg {
	case HashBLAKE2b:
		m, err := blake2b.New256(key)
		if err != nil {
			panic("linkage: blake2b key: " + err.Error()) // keys are 32 bytes by construction
		}
		h.mac = m
	default:
		h.mac = hmac.New(sha256.New, key)
	}
	return h
}

// sum returns two words of the keyed digest of tag || salt || token.
func (h *hasher) sum(tag byte, salt, tok []byte) (uint64, uint64) {
	h.mac.Reset()
	h.one[0] = tag
	h.mac.Write(h.one[:])
	if len(salt) > 0 {
		h.mac.Write(salt)
	}
	h.mac.Write(tok)
	d := h.mac.Sum(h.out[:0])
	return binary.LittleEndian.Uint64(d[0:8]), binary.LittleEndian.Uint64(d[8:16])
}
