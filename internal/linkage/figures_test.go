package linkage

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// TestFigures prints the figures quoted in docs/linkage.md:
//
//	CHILDCENTRE_FIGURES=1 go test -run Figures -v -timeout 60m ./internal/linkage/
//
// (or CHILDCENTRE_FIGURES=rule90,blip,... for some hardening options only)
//
// FEBRL4 and FEBRL3 quality, synthetic quality at 20,000 children with the
// child schema and with a naive schema (raw fields, no normalisation), and
// the cost in F1 of each hardening option.
func TestFigures(t *testing.T) {
	if os.Getenv("CHILDCENTRE_FIGURES") == "" {
		t.Skip("set CHILDCENTRE_FIGURES=1 to print the figures of docs/linkage.md")
	}
	febrl := loadSchemaFile(t, "../../examples/schemas/febrl.json")
	child := childSchema(t)
	naive := loadSchemaFile(t, "../../examples/schemas/child-naive.json")

	runFEBRL := func(s *Schema, files ...string) Metrics {
		e := encodeFEBRL(t, s, files...)
		res, err := Link(e.Set(), s.Options())
		if err != nil {
			t.Fatal(err)
		}
		return Evaluate(res.Cluster, febrlEntities(e.IDs))
	}
	runSynth := func(s *Schema, o Options) Metrics {
		e, ent := encodeSynth(t, s, synth.Options{Children: 20000, Seed: 1})
		if o.Threshold == 0 {
			o = s.Options()
		}
		start := time.Now()
		res, err := Link(e.Set(), o)
		if err != nil {
			t.Fatal(err)
		}
		m := Evaluate(res.Cluster, ent)
		t.Logf("  (%d records linked in %v)", e.Len(), time.Since(start).Round(time.Millisecond))
		return m
	}
	only := os.Getenv("CHILDCENTRE_FIGURES") // "1": all; otherwise hardening options to measure, comma-separated
	if only == "1" {
		t.Logf("FEBRL4 (dataset4a x dataset4b), febrl.json: %v", runFEBRL(febrl, "dataset4a.csv", "dataset4b.csv"))
		t.Logf("FEBRL3 (duplicates in one file), febrl.json: %v", runFEBRL(febrl, "dataset3.csv"))
		t.Logf("synthetic, 20,000 children, child schema: %v", runSynth(child, Options{}))
		t.Logf("synthetic, 20,000 children, child schema scored by plain Dice (asymmetry 1): %v", runSynth(child, Options{Threshold: child.Threshold, Review: child.Review, Asymmetry: 1}))
		t.Logf("synthetic, 20,000 children, naive schema (raw fields): %v", runSynth(naive, Options{}))
		t.Logf("synthetic, 20,000 children, naive schema, naive solver (plain Dice, transitive closure): %v",
			runSynth(naive, Options{Threshold: naive.Threshold, Review: naive.Review, Asymmetry: 1, Support: 0.01, MinLink: 0.01, MaxCluster: 1 << 20}))
	}

	// Hardening: each option alone, at the schema's thresholds and at the
	// best threshold of a sweep (hardening changes the scale of scores:
	// balanced filters are half set, so unrelated records score near 0.5).
	for _, h := range []string{``, `"rule90": true`, `"xor_fold": true`, `"balance": true`, `"blip": 0.02`, `"blip": 0.05`, `"salt": "SALT"`} {
		if only != "1" && (h == "" || !strings.Contains(only, strings.Trim(strings.SplitN(h, ":", 2)[0], `"`))) {
			continue
		}
		for _, base := range []*Schema{febrl, child} {
			h := strings.Replace(h, "SALT", map[bool]string{true: "state", false: "sex"}[base == febrl], 1)
			js, _ := base.MarshalIndent()
			src := strings.Replace(string(js), `"hardening": {}`, `"hardening": {`+h+`}`, 1)
			s, err := ParseSchema(strings.NewReader(src))
			if err != nil {
				t.Fatal(err)
			}
			var set *dice.Set
			var ent []string
			name := "FEBRL4"
			if base == febrl {
				e := encodeFEBRL(t, s, "dataset4a.csv", "dataset4b.csv")
				set, ent = e.Set(), febrlEntities(e.IDs)
			} else {
				e, en := encodeSynth(t, s, synth.Options{Children: 20000, Seed: 1})
				set, ent, name = e.Set(), en, "synthetic 20,000"
			}
			link := func(o Options) Metrics {
				res, err := Link(set, o)
				if err != nil {
					t.Fatal(err)
				}
				return Evaluate(res.Cluster, ent)
			}
			balanced := strings.Contains(h, "balance")
			o := s.Options()
			if balanced {
				// Unrelated balanced filters score about 0.5: keep no pairs
				// below the threshold, or nearly all pairs would be kept.
				o.Review = o.Threshold
			}
			at := link(o)
			best, bestT := Metrics{}, 0.0
			lo := 0.5
			if balanced {
				lo = 0.7
			}
			for th := lo; th < 0.96; th += 0.02 {
				o := s.Options()
				o.Threshold, o.Review = th, min(o.Review, th)
				if balanced {
					o.Review = th
				}
				if m := link(o); m.F1 > best.F1 {
					best, bestT = m, th
				}
			}
			t.Logf("hardening {%s} on %s: at the schema's thresholds P %.4f R %.4f F1 %.4f; best F1 %.4f at threshold %.2f", h, name, at.Precision, at.Recall, at.F1, best.F1, bestT)
		}
	}
}
