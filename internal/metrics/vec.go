package metrics

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// vec is a family of children of type T, one per combination of label
// values. Lookups of existing children take a read lock and build their map
// key on the stack, so they neither allocate nor wait for each other.
type vec[T any] struct {
	desc
	mu       sync.RWMutex
	children map[string]*child[T] // by key(values)
	newChild func() *T
}

type child[T any] struct {
	values []string
	pairs  []byte // `a="x",b="y"`, escaped once at creation
	m      *T
}

func newVec[T any](d desc, newChild func() *T) *vec[T] {
	return &vec[T]{desc: d, children: map[string]*child[T]{}, newChild: newChild}
}

// with returns the child for values, creating it on first use.
func (v *vec[T]) with(values []string) *T {
	if len(values) != len(v.labels) {
		panic(fmt.Sprintf("metrics: %s: %d label values for %d labels %v", v.name, len(values), len(v.labels), v.labels))
	}
	var buf [256]byte
	k := appendKey(buf[:0], values)
	v.mu.RLock()
	c, ok := v.children[string(k)] // no allocation: the compiler looks up without copying
	v.mu.RUnlock()
	if ok {
		return c.m
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if c, ok := v.children[string(k)]; ok {
		return c.m
	}
	c = &child[T]{values: slices.Clone(values), pairs: appendPairs(nil, v.labels, values), m: v.newChild()}
	v.children[string(k)] = c
	return c.m
}

// sorted returns the children ordered by their label values.
func (v *vec[T]) sorted() []*child[T] {
	v.mu.RLock()
	out := make([]*child[T], 0, len(v.children))
	for _, c := range v.children {
		out = append(out, c)
	}
	v.mu.RUnlock()
	slices.SortFunc(out, func(a, b *child[T]) int { return slices.Compare(a.values, b.values) })
	return out
}

// appendKey appends an unambiguous map key for label values: each value
// prefixed with its length, so that ("a:b", "") and ("a", ":b") differ.
func appendKey(b []byte, values []string) []byte {
	for _, v := range values {
		b = strconv.AppendInt(b, int64(len(v)), 10)
		b = append(b, ':')
		b = append(b, v...)
	}
	return b
}

// appendPairs appends `name="value",...` for the given labels.
func appendPairs(b []byte, names, values []string) []byte {
	for i, n := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, n...)
		b = append(b, `="`...)
		b = appendEscaped(b, values[i], true)
		b = append(b, '"')
	}
	return b
}

// appendSample appends one line: name{pairs} value.
func appendSample(b []byte, name string, pairs []byte, value float64) []byte {
	b = append(b, name...)
	if len(pairs) > 0 {
		b = append(b, '{')
		b = append(b, pairs...)
		b = append(b, '}')
	}
	b = append(b, ' ')
	b = appendFloat(b, value)
	return append(b, '\n')
}

// appendEscaped escapes s for HELP (backslash, newline) or, with quote, for
// a label value (also the double quote). Invalid UTF-8, which the format
// does not allow, becomes U+FFFD.
func appendEscaped(b []byte, s string, quote bool) []byte {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b = append(b, `\\`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '"' && quote:
			b = append(b, `\"`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendFloat writes a sample value or bucket bound as Prometheus does:
// +Inf, -Inf, NaN; integers below 1e15 in full; anything else in the
// shortest form that reads back exactly.
func appendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsInf(v, +1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	case math.IsNaN(v):
		return append(b, "NaN"...)
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return strconv.AppendFloat(b, v, 'f', -1, 64)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// addFloat adds v to the float64 stored as bits in u.
func addFloat(u *atomic.Uint64, v float64) {
	for {
		old := u.Load()
		if u.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}
