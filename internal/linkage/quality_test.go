package linkage

import (
	"testing"

	"github.com/cbss-egcc/childcentre/internal/synth"
)

// The quality floors: the figures reached when they were set (see
// docs/linkage.md). A change to normalisation, encoding, candidate
// generation or solving that loses quality fails these tests.
const (
	floorFEBRL4Precision = 0.999 // reached 1.0000
	floorFEBRL4Recall    = 0.995 // reached 0.9968
	floorFEBRL3F1        = 0.99  // reached 0.9948
	floorSynth20kF1      = 0.90  // reached 0.9008 (20,000 children, seed 1)
	floorSynth5kF1       = 0.915 // reached 0.9181 (5,000 children, seed 1, the -short run)
)

func linkFEBRL(t *testing.T, files ...string) Metrics {
	t.Helper()
	s := loadSchemaFile(t, "../../examples/schemas/febrl.json")
	e := encodeFEBRL(t, s, files...)
	res, err := Link(e.Set(), s.Options())
	if err != nil {
		t.Fatal(err)
	}
	return Evaluate(res.Cluster, febrlEntities(e.IDs))
}

func TestQualityFEBRL4(t *testing.T) {
	m := linkFEBRL(t, "dataset4a.csv", "dataset4b.csv")
	t.Logf("FEBRL4: %v", m)
	if m.Precision < floorFEBRL4Precision || m.Recall < floorFEBRL4Recall {
		t.Errorf("FEBRL4 precision %.4f (floor %.3f), recall %.4f (floor %.3f)", m.Precision, floorFEBRL4Precision, m.Recall, floorFEBRL4Recall)
	}
}

func TestQualityFEBRL3(t *testing.T) {
	m := linkFEBRL(t, "dataset3.csv")
	t.Logf("FEBRL3: %v", m)
	if m.F1 < floorFEBRL3F1 {
		t.Errorf("FEBRL3 F1 %.4f below the floor %.3f", m.F1, floorFEBRL3F1)
	}
}

// TestQualitySynthetic links synthetic registrations of children on the
// move (synth: name variants, transliteration, swapped names, estimated and
// swapped dates, siblings and twins) with the built-in child schema: 20,000
// children, or 5,000 with -short.
func TestQualitySynthetic(t *testing.T) {
	children, floor := 20000, floorSynth20kF1
	if testing.Short() {
		children, floor = 5000, floorSynth5kF1
	}
	s := childSchema(t)
	e, ent := encodeSynth(t, s, synth.Options{Children: children, Seed: 1})
	res, err := Link(e.Set(), s.Options())
	if err != nil {
		t.Fatal(err)
	}
	m := Evaluate(res.Cluster, ent)
	t.Logf("synthetic, %d children (%d records): %v", children, e.Len(), m)
	if m.F1 < floor {
		t.Errorf("F1 %.4f below the floor %.3f", m.F1, floor)
	}
}
