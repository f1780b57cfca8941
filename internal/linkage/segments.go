package linkage

import (
	"fmt"
	"slices"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// A segmented schema gives each field its own stretch of the filter (a
// segment), so that the hub, which never sees a value, can still compare two
// records field by field: the AND-popcount and the popcounts of one segment
// are the Dice similarity of that field alone. Segments are laid out in the
// order of the fields; each is a multiple of 32 bits.

// Comparison kinds.
const (
	CompareName  = "name"
	CompareDate  = "date"
	CompareExact = "exact"
)

// Layout is what the hub needs to compare segmented filters: where each
// field's segment lies and which segments are compared together. It holds
// no secret and no value; encoding files carry it in their header.
type Layout struct {
	// Words is the length of a filter in 64-bit words.
	Words int `json:"words"`
	// Segments are the fields' segments, in field order.
	Segments []Segment `json:"segments"`
	// Comparisons say how segments are compared.
	Comparisons []LayoutComparison `json:"comparisons"`
}

// Segment is one field's stretch of the filter, in bits.
type Segment struct {
	Field  string `json:"field"`
	Offset int    `json:"offset"`
	Bits   int    `json:"bits"`
}

// LayoutComparison is a Comparison with its fields as segment indexes.
type LayoutComparison struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Segments []int  `json:"segments"`
}

// Layout returns the schema's segment layout, or nil for a schema without
// comparisons (one Bloom filter for the whole record).
func (s *Schema) Layout() *Layout { return s.layout }

// validateSegments checks field segments and comparisons and builds the
// layout.
func (s *Schema) validateSegments() error {
	bad := func(format string, a ...any) error {
		return errs.E(errs.Invalid, "schema: "+format, a...)
	}
	n := 0
	for _, f := range s.Fields {
		if f.Bits != 0 {
			n++
		}
	}
	if n == 0 {
		if len(s.Comparisons) > 0 {
			return bad("comparisons need field segments (bits on every field)")
		}
		return nil
	}
	if n != len(s.Fields) {
		return bad("bits: either every field has a segment or none has")
	}
	if s.Hardening.XORFold || s.Hardening.Balance || s.Hardening.Salt != "" {
		return bad("hardening: xor_fold, balance and salt mix the segments of a segmented schema; use blip or rule90")
	}
	l := &Layout{Words: s.EncodedBits() / 64}
	off := 0
	index := map[string]int{}
	for i, f := range s.Fields {
		if f.Bits%32 != 0 || f.Bits < 32 {
			return bad("field %s: bits must be a positive multiple of 32", f.Name)
		}
		for _, t := range f.Tokens {
			if t.BitsPerToken > f.Bits/2 || t.FieldBits > f.Bits {
				return bad("field %s: more bits per token than its segment can hold", f.Name)
			}
		}
		l.Segments = append(l.Segments, Segment{Field: f.Name, Offset: off, Bits: f.Bits})
		index[f.Name] = i
		off += f.Bits
	}
	if off > s.FilterBits {
		return bad("bits: the segments (%d bits) do not fit in filter_bits (%d)", off, s.FilterBits)
	}
	if len(s.Comparisons) == 0 {
		return bad("comparisons: a segmented schema needs at least one comparison")
	}
	for _, c := range s.Comparisons {
		if !validLabel(c.Name) {
			return bad("comparison: name must be 1-64 letters, digits, '-', '_' or '.'")
		}
		want := map[string]int{CompareName: 2, CompareDate: 5, CompareExact: 1}[c.Kind]
		if want == 0 {
			return bad("comparison %s: kind must be name, date or exact", c.Name)
		}
		if len(c.Fields) != want {
			return bad("comparison %s: a %s comparison takes %d fields", c.Name, c.Kind, want)
		}
		lc := LayoutComparison{Name: c.Name, Kind: c.Kind}
		for _, fn := range c.Fields {
			i, ok := index[fn]
			if !ok {
				return bad("comparison %s: no field %q", c.Name, fn)
			}
			lc.Segments = append(lc.Segments, i)
		}
		if c.Kind == CompareName {
			a, b := s.Fields[lc.Segments[0]], s.Fields[lc.Segments[1]]
			if a.Bits%64 != 0 || l.Segments[lc.Segments[0]].Offset%64 != 0 || l.Segments[lc.Segments[1]].Offset%64 != 0 {
				return bad("comparison %s: name segments must be multiples of 64 bits on 64-bit boundaries", c.Name)
			}
			if a.Key != b.Key || a.Bits != b.Bits || !slices.EqualFunc(a.Tokens, b.Tokens, func(x, y Tokeniser) bool {
				return x.Kind == y.Kind && x.N == y.N && x.Padded == y.Padded && x.BitsPerToken == y.BitsPerToken && x.FieldBits == y.FieldBits
			}) {
				return bad("comparison %s: the two name fields need the same key, bits and tokens, so that they can be compared crossed", c.Name)
			}
		}
		l.Comparisons = append(l.Comparisons, lc)
	}
	s.layout = l
	return nil
}

// Validate checks a layout read from an encoding header.
func (l *Layout) Validate() error {
	if l.Words < 1 || l.Words > maxFilterBits/32 {
		return fmt.Errorf("layout: bad length")
	}
	for _, sg := range l.Segments {
		if sg.Offset < 0 || sg.Bits < 32 || sg.Offset%32 != 0 || sg.Bits%32 != 0 || sg.Offset+sg.Bits > l.Words*64 {
			return fmt.Errorf("layout: bad segment")
		}
	}
	if len(l.Comparisons) == 0 {
		return fmt.Errorf("layout: no comparisons")
	}
	for _, c := range l.Comparisons {
		want := map[string]int{CompareName: 2, CompareDate: 5, CompareExact: 1}[c.Kind]
		if want == 0 || len(c.Segments) != want {
			return fmt.Errorf("layout: bad comparison")
		}
		for _, i := range c.Segments {
			if i < 0 || i >= len(l.Segments) {
				return fmt.Errorf("layout: bad comparison")
			}
		}
	}
	return nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}
