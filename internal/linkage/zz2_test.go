package linkage

import (
	"os"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/synth"
)

func TestZZPrior(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	s, _ := BuiltinSchema("child-fields")
	bm, _ := NewModel(s.EncodedBits()/64, s.Options())
	for _, p := range []string{"field", "mild"} {
		for _, n := range []int{50, 100, 200, 500, 1000} {
			e, ent := encodeSynth(t, s, synth.Options{Children: n, Seed: 2, Preset: p})
			m, err := Fit(e.Set(), s.Layout(), s.Options())
			if err != nil {
				t.Fatal(err)
			}
			c := bm.WithFrequencies(e.Set())
			o := s.Options()
			o.Model = bm
			res, _ := Link(e.Set(), o)
			res2, _ := Link(e.Set(), s.Options())
			t.Logf("%s %d: learned prior %.4f carried %.4f; F1 builtin %.4f learned %.4f", p, n, m.Weights().Prior, c.Weights().Prior, Evaluate(res.Cluster, ent).F1, Evaluate(res2.Cluster, ent).F1)
		}
	}
}
