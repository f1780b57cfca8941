package linkage

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// TestDiagnoseErrors breaks the false negatives and false positives of one
// link down by cause, from the cleartext the generator kept (the date as
// recorded on each side, names, siblings) and, for a segmented schema, by the
// agreement levels the model saw. It is a tool for tuning, not a floor:
//
//	CHILDCENTRE_DIAG=child-fields go test -run DiagnoseErrors -v ./internal/linkage/
//
// CHILDCENTRE_DIAG_PRESET (default field), CHILDCENTRE_DIAG_SEED (default 1:
// tune on seed 1 only), CHILDCENTRE_DIAG_CHILDREN (default 20000);
// CHILDCENTRE_DIAG_THRESHOLD, _REVIEW, _MINLINK, _SUPPORT, _ASYMMETRY and
// _NAMEFLOOR override the schema's settings, and CHILDCENTRE_DIAG_SWEEP=1
// links again with the m probabilities the ground truth gives.
func TestDiagnoseErrors(t *testing.T) {
	name := os.Getenv("CHILDCENTRE_DIAG")
	if name == "" {
		t.Skip("set CHILDCENTRE_DIAG=child or child-fields to break a link's errors down by cause")
	}
	s, ok := BuiltinSchema(name)
	if !ok {
		t.Fatalf("no schema %s", name)
	}
	seed, _ := strconv.ParseInt(cmp.Or(os.Getenv("CHILDCENTRE_DIAG_SEED"), "1"), 10, 64)
	n, _ := strconv.Atoi(cmp.Or(os.Getenv("CHILDCENTRE_DIAG_CHILDREN"), "20000"))
	opt := synth.Options{Children: n, Seed: seed, Preset: cmp.Or(os.Getenv("CHILDCENTRE_DIAG_PRESET"), synth.PresetField)}
	var recs []synth.Record
	if err := synth.Stream(opt, func(r synth.Record) error { recs = append(recs, r); return nil }); err != nil {
		t.Fatal(err)
	}
	e, ent := encodeSynth(t, s, opt)
	lo := s.Options()
	for _, x := range []struct {
		env string
		dst *float64
	}{{"THRESHOLD", &lo.Threshold}, {"REVIEW", &lo.Review}, {"MINLINK", &lo.MinLink}, {"SUPPORT", &lo.Support},
		{"ASYMMETRY", &lo.Asymmetry}, {"NAMEFLOOR", &lo.NameFloor}} {
		if v, err := strconv.ParseFloat(os.Getenv("CHILDCENTRE_DIAG_"+x.env), 64); err == nil {
			*x.dst = v
		}
	}
	start := time.Now()
	res, err := Link(e.Set(), lo)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("linked %d records in %v: %v", e.Len(), time.Since(start).Round(time.Millisecond), Evaluate(res.Cluster, ent))
	o := lo
	o.fill()
	set := e.Set()
	var score func(a, b int32) (float64, string)
	if res.Model != nil && res.Model.fs != nil {
		m := res.Model.fs
		rs := m.recs(set)
		lv := make([]uint8, len(m.c.feats))
		score = func(a, b int32) (float64, string) {
			p := prob(m.weight(rs.at(a), rs.at(b), lv, nil))
			var parts []string
			for fi, l := range lv {
				parts = append(parts, levelNames[m.c.feats[fi].kind][l])
			}
			return p, strings.Join(parts[:2], " | ")
		}
		t.Logf("prior %.5f", res.Model.fs.w.Prior)
		for _, f := range res.Model.fs.w.Features {
			if len(f.M) > 20 {
				continue
			}
			var b strings.Builder
			for l := 1; l < len(f.M); l++ {
				fmt.Fprintf(&b, " %.2f", f.M[l]/f.U[l])
			}
			t.Logf("m/u %s:%s", f.Name, b.String())
		}
	} else {
		sc := &pairScorer{set: set, gamma: o.Asymmetry}
		score = func(a, b int32) (float64, string) { return sc.score(a, b), "" }
	}
	band := func(p float64) string {
		switch {
		case p >= o.Threshold:
			return "≥threshold"
		case p >= o.Review:
			return "review"
		}
		return "<review"
	}
	fnCause := map[string]int{}
	fnLevel := map[string]int{}
	byEnt := map[string][]int32{}
	for i, x := range ent {
		byEnt[x] = append(byEnt[x], int32(i))
	}
	var fn, ex int
	for _, rr := range byEnt {
		for i, a := range rr {
			for _, b := range rr[i+1:] {
				if res.Cluster[a] >= 0 && res.Cluster[a] == res.Cluster[b] {
					continue
				}
				fn++
				p, lv := score(a, b)
				fnCause[band(p)+" / "+dateCause(recs[a], recs[b])]++
				if ex < 40 && band(p) == "<review" && recs[a].DateOfBirth == recs[b].DateOfBirth && len(recs[a].DateOfBirth) == 10 {
					ex++
					t.Logf("example: %.3f %s | %q %q %s | %q %q %s", p, lv, recs[a].GivenName, recs[a].FamilyName, recs[a].Origin, recs[b].GivenName, recs[b].FamilyName, recs[b].Country)
				}
				if lv != "" {
					fnLevel[band(p)+" / "+lv]++
				}
			}
		}
	}
	byCl := map[int32][]int32{}
	for i, c := range res.Cluster {
		if c >= 0 {
			byCl[c] = append(byCl[c], int32(i))
		}
	}
	fpCause := map[string]int{}
	fpLevel := map[string]int{}
	sizes := map[string]int{}
	var fp int
	for _, rr := range byCl {
		k := 0
		for i, a := range rr {
			for _, b := range rr[i+1:] {
				if ent[a] == ent[b] {
					continue
				}
				k++
				p, lv := score(a, b)
				rel := "unrelated"
				if recs[a].Family == recs[b].Family {
					rel = "sibling"
				}
				fpCause[band(p)+" / "+rel+" / "+dateCause(recs[a], recs[b])]++
				if lv != "" {
					fpLevel[band(p)+" / "+lv]++
				}
			}
		}
		fp += k
		if k > 0 {
			sizes[fmt.Sprintf("cluster of %d", min(len(rr), 10))] += k
		}
	}
	top := func(title string, m map[string]int, total int) {
		type kv struct {
			k string
			v int
		}
		var l []kv
		for k, v := range m {
			l = append(l, kv{k, v})
		}
		slices.SortFunc(l, func(x, y kv) int { return cmp.Compare(y.v, x.v) })
		t.Logf("%s (%d pairs):", title, total)
		for i, x := range l {
			if i == 25 {
				break
			}
			t.Logf("  %6d %5.1f%%  %s", x.v, 100*float64(x.v)/float64(max(total, 1)), x.k)
		}
	}
	if os.Getenv("CHILDCENTRE_DIAG_SWEEP") != "" && res.Model != nil && res.Model.fs != nil {
		diagSweep(t, set, res.Model, ent)
	}
	top("false negatives by score and dates", fnCause, fn)
	top("false negatives by score and levels (name | date)", fnLevel, fn)
	top("false positives by score, relation and dates", fpCause, fp)
	top("false positives by score and levels (name | date)", fpLevel, fp)
	top("false positives by cluster size", sizes, fp)
}

// dateCause describes how the recorded dates of two registrations relate.
func dateCause(a, b synth.Record) string {
	kind := func(r synth.Record) string {
		switch {
		case r.DateOfBirth == "":
			return "missing"
		case len(r.DateOfBirth) < 10:
			return "partial"
		case r.DOBEstimated:
			return "est"
		case strings.HasSuffix(r.DateOfBirth, "-01-01") || strings.HasSuffix(r.DateOfBirth, "-07-01"):
			return "jan/jul"
		}
		return "full"
	}
	ka, kb := kind(a), kind(b)
	if ka > kb {
		ka, kb = kb, ka
	}
	if ka == "missing" || kb == "missing" {
		return "missing"
	}
	ya, _ := strconv.Atoi(a.DateOfBirth[:4])
	yb, _ := strconv.Atoi(b.DateOfBirth[:4])
	dy := ya - yb
	if dy < 0 {
		dy = -dy
	}
	rel := fmt.Sprintf("years %d apart", min(dy, 3))
	if a.DateOfBirth == b.DateOfBirth {
		rel = "equal"
	}
	return ka + "+" + kb + " " + rel
}

// diagSweep links again at other thresholds, with the learned weights and
// with the m the ground truth gives (an upper bound of what EM can learn).
func diagSweep(t *testing.T, set *dice.Set, m *Model, ent []string) {
	t.Helper()
	fs := m.fs
	w := fs.w
	rs := fs.recs(set)
	lv := make([]uint8, len(fs.c.feats))
	cm := make([][]float64, len(fs.c.feats))
	for i, f := range fs.c.feats {
		cm[i] = make([]float64, f.levels)
	}
	byEnt := map[string][]int32{}
	for i, x := range ent {
		byEnt[x] = append(byEnt[x], int32(i))
	}
	for _, rr := range byEnt {
		for i, a := range rr {
			for _, b := range rr[i+1:] {
				fs.c.vector(rs.at(a), rs.at(b), lv)
				for fi, l := range lv {
					cm[fi][l]++
				}
			}
		}
	}
	oracle := w
	oracle.Features = nil
	for i, f := range w.Features {
		mm := make([]float64, len(f.M))
		normalise(mm, cm[i])
		oracle.Features = append(oracle.Features, FeatureWeights{Name: f.Name, M: mm, U: f.U})
		if len(f.M) > 20 {
			for l := 1; l < len(f.M); l++ {
				if f.U[l] > 0.002 || mm[l] > 0.01 {
					t.Logf("  %-40s u %.4f learned m/u %7.2f true m/u %7.2f", levelNames[featName][l], f.U[l], f.M[l]/f.U[l], mm[l]/f.U[l])
				}
			}
		}
		if len(f.M) <= 20 {
			var b strings.Builder
			for l := 1; l < len(f.M); l++ {
				fmt.Fprintf(&b, " %.2f", mm[l]/f.U[l])
			}
			t.Logf("true m/u %s:%s", f.Name, b.String())
		}
	}
	for _, wt := range []struct {
		name string
		w    Weights
	}{{"true m", oracle}} {
		for _, th := range []float64{0.35, 0.4, 0.45, 0.5} {
			o := Options{Layout: w.Layout, Weights: &wt.w, Threshold: th, Review: min(0.2, th)}
			res, err := Link(set, o)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s weights, threshold %.2f: %v", wt.name, th, Evaluate(res.Cluster, ent))
		}
	}
}
