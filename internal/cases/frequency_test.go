package cases

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// What a frequency analysis of the blind index still reveals (issue 10 M3).
// An attacker who reads the database but not the key sees, for each exact
// name token, how many children carry it. With a public table of name
// frequencies of the same population (here: an independent synthetic
// sample), they pair the most frequent hash with the most frequent name,
// the second with the second, and so on. leakOf measures how many hashes,
// token occurrences and children that attack names correctly.

// leak is the outcome of the rank-matching attack.
type leak struct {
	Hashes, HashesNamed           int // distinct exact-token hashes, and how many the attack names correctly
	Occurrences, OccurrencesNamed int // token occurrences (child × token)
	Children, ChildrenNamed       int // children with at least one correctly named token
}

// rankAttack pairs the hashes of stored (each child's token hashes) with the
// tokens of aux (each auxiliary record's tokens) by frequency rank, and
// counts what it names correctly; index gives the true hash of a token.
func rankAttack(stored [][][]byte, aux [][]string, index func(string) []byte) leak {
	var l leak
	hashCount := map[string]int{}
	for _, toks := range stored {
		for _, h := range toks {
			hashCount[string(h)]++
		}
	}
	tokCount := map[string]int{}
	for _, toks := range aux {
		for _, t := range toks {
			tokCount[t]++
		}
	}
	byFreq := func(m map[string]int) []string {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b string) int {
			if m[a] != m[b] {
				return m[b] - m[a]
			}
			return strings.Compare(a, b)
		})
		return keys
	}
	hs, ts := byFreq(hashCount), byFreq(tokCount)
	named := map[string]bool{}
	for i, h := range hs {
		if i < len(ts) && bytes.Equal(index(ts[i]), []byte(h)) {
			named[h] = true
		}
	}
	l.Hashes, l.HashesNamed = len(hs), len(named)
	for _, toks := range stored {
		l.Children++
		any := false
		for _, h := range toks {
			l.Occurrences++
			if named[string(h)] {
				l.OccurrencesNamed++
				any = true
			}
		}
		if any {
			l.ChildrenNamed++
		}
	}
	return l
}

// TestRankAttack checks the measurement on a population whose answer is
// known: three names of distinct frequencies are all named, two of equal
// frequency are told apart only by luck (here, not).
func TestRankAttack(t *testing.T) {
	h := func(s string) []byte { return []byte("H(" + s + ")") }
	stored := [][][]byte{{h("anna")}, {h("anna")}, {h("anna")}, {h("omar")}, {h("omar")}, {h("li")}, {h("zed")}, {h("ava")}}
	aux := [][]string{{"anna"}, {"anna"}, {"anna"}, {"omar"}, {"omar"}, {"li"}, {"zed"}, {"ava"}}
	l := rankAttack(stored, aux, h)
	// Ties (li, zed, ava: once each) are ordered by hash and by name
	// alike; "H(ava)" < "H(li)" < "H(zed)" and "ava" < "li" < "zed", so they
	// pair correctly too: a rank attack needs only the order.
	if l.Hashes != 5 || l.HashesNamed != 5 || l.OccurrencesNamed != 8 || l.ChildrenNamed != 8 {
		t.Fatalf("%+v", l)
	}
	aux = [][]string{{"omar"}, {"omar"}, {"omar"}, {"anna"}, {"anna"}}
	if l := rankAttack(stored, aux, h); l.HashesNamed != 0 {
		t.Fatalf("a table of another population names %d hashes", l.HashesNamed)
	}
}

// BenchmarkBlindIndexFrequencyLeak prints what the rank attack names in a
// registry of 20,000 synthetic children with an auxiliary table from an
// independent sample of the same population:
//
//	go test -run '^$' -bench BlindIndexFrequencyLeak -benchtime 1x ./internal/cases
func BenchmarkBlindIndexFrequencyLeak(b *testing.B) {
	const n = 20000
	reg, err := synth.Generate(synth.Options{Records: n, Countries: []string{"SE"}, Seed: 11, Errors: synth.NoErrors()})
	if err != nil {
		b.Fatal(err)
	}
	aux, err := synth.Generate(synth.Options{Records: n, Countries: []string{"SE"}, Seed: 12, Errors: synth.NoErrors()})
	if err != nil {
		b.Fatal(err)
	}
	kr := crypto.NewKeyring(time.Now())
	index := func(tok string) []byte { return kr.BlindIndex(purposeName, tok) }
	tokens := func(r synth.Record) []string {
		return nameTokens(&Child{Identity: Identity{GivenNames: r.GivenName, FamilyName: r.FamilyName}})
	}
	var l leak
	for b.Loop() {
		stored := make([][][]byte, len(reg))
		for i, r := range reg {
			for _, t := range tokens(r) {
				stored[i] = append(stored[i], index(t))
			}
		}
		auxToks := make([][]string, len(aux))
		for i, r := range aux {
			auxToks[i] = tokens(r)
		}
		l = rankAttack(stored, auxToks, index)
	}
	b.ReportMetric(float64(l.HashesNamed)/float64(l.Hashes)*100, "%hashes_named")
	b.ReportMetric(float64(l.OccurrencesNamed)/float64(l.Occurrences)*100, "%occurrences_named")
	b.ReportMetric(float64(l.ChildrenNamed)/float64(l.Children)*100, "%children_named")
	b.Logf("rank attack on %d children: %d of %d hashes named, %d of %d token occurrences, %d children with a named token",
		l.Children, l.HashesNamed, l.Hashes, l.OccurrencesNamed, l.Occurrences, l.ChildrenNamed)
}

// bucketAttack is rankAttack against bucketed tokens: each token is stored
// as its bucket (of buckets, by a keyed hash), so that names share them.
// The attacker pairs the k-th largest bucket with the k-th most frequent
// name of aux and guesses that name for every token of the bucket; a
// guess counts only when it is the child's true token. It also returns
// what bucketing costs a search: the mean number of index entries a
// search token reads, relative to exact tokens (a name searched with its
// frequency in the registry).
func bucketAttack(reg, aux [][]string, bucket func(string) int) (l leak, readFactor float64) {
	bucketCount, tokCount, auxCount := map[int]int{}, map[string]int{}, map[string]int{}
	for _, toks := range reg {
		for _, t := range toks {
			bucketCount[bucket(t)]++
			tokCount[t]++
		}
	}
	for _, toks := range aux {
		for _, t := range toks {
			auxCount[t]++
		}
	}
	buckets := make([]int, 0, len(bucketCount))
	for b := range bucketCount {
		buckets = append(buckets, b)
	}
	slices.SortFunc(buckets, func(a, b int) int {
		if bucketCount[a] != bucketCount[b] {
			return bucketCount[b] - bucketCount[a]
		}
		return a - b
	})
	names := make([]string, 0, len(auxCount))
	for t := range auxCount {
		names = append(names, t)
	}
	slices.SortFunc(names, func(a, b string) int {
		if auxCount[a] != auxCount[b] {
			return auxCount[b] - auxCount[a]
		}
		return strings.Compare(a, b)
	})
	guess := map[int]string{}
	for i, b := range buckets {
		if i < len(names) {
			guess[b] = names[i]
		}
	}
	l.Hashes = len(buckets)
	for b, name := range guess {
		if bucket(name) == b && tokCount[name] > 0 {
			l.HashesNamed++
		}
	}
	var read, exact float64
	for t, f := range tokCount {
		read += float64(f) * float64(bucketCount[bucket(t)])
		exact += float64(f) * float64(f)
	}
	for _, toks := range reg {
		l.Children++
		named := false
		for _, t := range toks {
			l.Occurrences++
			if guess[bucket(t)] == t {
				l.OccurrencesNamed++
				named = true
			}
		}
		if named {
			l.ChildrenNamed++
		}
	}
	return l, read / exact
}

// BenchmarkBlindIndexBucketing measures what bucketing the exact-name
// tokens would buy against the rank attack and what it would cost the
// search, on the registry of BenchmarkBlindIndexFrequencyLeak:
//
//	go test -run '^$' -bench BlindIndexBucketing -benchtime 1x ./internal/cases
func BenchmarkBlindIndexBucketing(b *testing.B) {
	const n = 20000
	gen := func(seed int64) [][]string {
		recs, err := synth.Generate(synth.Options{Records: n, Countries: []string{"SE"}, Seed: seed, Errors: synth.NoErrors()})
		if err != nil {
			b.Fatal(err)
		}
		out := make([][]string, len(recs))
		for i, r := range recs {
			out[i] = nameTokens(&Child{Identity: Identity{GivenNames: r.GivenName, FamilyName: r.FamilyName}})
		}
		return out
	}
	reg, aux := gen(11), gen(12)
	kr := crypto.NewKeyring(time.Now())
	for _, buckets := range []int{0, 4096, 1024, 256, 64} {
		b.Run(fmt.Sprintf("buckets=%d", buckets), func(b *testing.B) {
			ids := map[string]int{}
			bucket := func(t string) int {
				if v, ok := ids[t]; ok {
					return v
				}
				h := kr.BlindIndex(purposeName, t)
				v := int(binary.BigEndian.Uint32(h))
				if buckets > 0 {
					v %= buckets
				}
				ids[t] = v
				return v
			}
			var l leak
			var factor float64
			for b.Loop() {
				l, factor = bucketAttack(reg, aux, bucket)
			}
			b.ReportMetric(float64(l.OccurrencesNamed)/float64(l.Occurrences)*100, "%occurrences_named")
			b.ReportMetric(float64(l.ChildrenNamed)/float64(l.Children)*100, "%children_named")
			b.ReportMetric(factor, "reads/search")
			b.Logf("%d buckets: %d of %d buckets named, %.1f %% of token occurrences and %.1f %% of children named correctly; a search token reads %.1f× the index entries",
				buckets, l.HashesNamed, l.Hashes, 100*float64(l.OccurrencesNamed)/float64(l.Occurrences),
				100*float64(l.ChildrenNamed)/float64(l.Children), factor)
		})
	}
}
