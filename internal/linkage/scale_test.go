package linkage

import (
	"cmp"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// TestScale links 10 countries × 100,000 registrations (1,000,000 records):
//
//	CHILDCENTRE_SCALE=1 go test -run Scale -timeout 30m -v ./internal/linkage/
//
// CHILDCENTRE_SCALE may also be a record count (e.g. 200000), and
// CHILDCENTRE_SCALE_SCHEMA a built-in schema (default child; child-fields
// for the field-level model). It prints the time of each stage, the peak
// memory of the process (VmHWM) and, for child, the recall of LSH blocking
// against exhaustive comparison of a random sample of records with all
// others (child-fields uses no LSH: it compares every pair whose names
// reach its floor among the records born at most two years apart, and
// TestCandidatesByYear checks that it keeps exactly those pairs).
func TestScale(t *testing.T) {
	env := os.Getenv("CHILDCENTRE_SCALE")
	if env == "" {
		t.Skip("set CHILDCENTRE_SCALE=1 (or a record count) to run the 1,000,000-record scale test")
	}
	n := 1_000_000
	if v, err := strconv.Atoi(env); err == nil && v > 1 {
		n = v
	}
	// A soft heap limit, as GOMEMLIMIT=900MiB does for the link command: the
	// garbage collector works harder near it instead of letting the heap
	// double. CHILDCENTRE_SCALE_NOLIMIT=1 measures without it.
	if os.Getenv("CHILDCENTRE_SCALE_NOLIMIT") == "" {
		debug.SetMemoryLimit(900 << 20)
		defer debug.SetMemoryLimit(math.MaxInt64)
	}
	name := cmp.Or(os.Getenv("CHILDCENTRE_SCALE_SCHEMA"), "child-clk")
	s, ok := BuiltinSchema(name)
	if !ok {
		t.Fatalf("no built-in schema %q", name)
	}
	start := time.Now()
	e, entities := encodeSynth(t, s, synth.Options{Records: n, Seed: 2026})
	encTime := time.Since(start)
	t.Logf("generated and encoded %d records in %v (%.0f records/s)", e.Len(), encTime, float64(e.Len())/encTime.Seconds())
	set := e.Set()
	runtime.GC()

	start = time.Now()
	res, err := Link(set, s.Options())
	if err != nil {
		t.Fatal(err)
	}
	linkTime := time.Since(start)
	t.Logf("schema %s: linked %d records in %v: %d clusters, %d pairs scored, %d for review", name, set.Len(), linkTime, res.Clusters, len(res.Pairs), res.Reviews())
	if linkTime > 10*time.Minute {
		t.Errorf("link took %v, more than 10 minutes", linkTime)
	}
	t.Logf("quality against the generator's truth: %v", Evaluate(res.Cluster, entities))
	peak := peakMemory()
	t.Logf("peak memory (VmHWM) %s", peak)
	if kb, err := strconv.Atoi(strings.TrimSuffix(peak, " kB")); err == nil && kb >= 1<<20 {
		t.Errorf("peak memory %s, not under 1 GiB", peak)
	}
	if s.layout != nil {
		return
	}

	// Recall of blocking: every pair exhaustive comparison finds between a
	// random sample of records and all records, at the match and at the
	// review threshold, and the share of them LSH found.
	r := rand.New(rand.NewPCG(1, 2))
	sample := dice.NewSet(set.Words, 2000)
	var idx []int32
	for range 2000 {
		i := int32(r.IntN(set.Len()))
		idx = append(idx, i)
		sample.Add(set.Filter(int(i)))
	}
	start = time.Now()
	o := s.Options()
	o.fill()
	exact := dice.Join(sample, set, diceFloor(o.Review, o.Asymmetry, o.BlockFloor), 0)
	sc := &pairScorer{set: set, gamma: o.Asymmetry}
	found := map[[2]int32]bool{}
	for _, p := range res.Pairs {
		found[[2]int32{p.A, p.B}] = true
	}
	for _, th := range []float64{o.Review, o.Threshold} {
		var all, hit int
		for _, p := range exact {
			a, b := idx[p.A], p.B
			if a == b || sc.score(a, b) < th {
				continue
			}
			all++
			if found[[2]int32{min(a, b), max(a, b)}] {
				hit++
			}
		}
		t.Logf("blocking recall at %.2f: %d of %d exhaustive pairs of a 2,000-record sample (%.4f)", th, hit, all, float64(hit)/float64(max(all, 1)))
		if float64(hit) < 0.99*float64(all) {
			t.Errorf("blocking recall at %.2f below 0.99", th)
		}
	}
	t.Logf("exhaustive comparison of the sample took %v", time.Since(start))
}

// peakMemory returns the process's peak resident set size from
// /proc/self/status, or "unknown".
func peakMemory() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	return "unknown"
}
