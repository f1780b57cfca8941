package hub_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/hub"
	"github.com/cbss-egcc/childcentre/internal/hub/hubtest"
	"github.com/cbss-egcc/childcentre/internal/linkage"
	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// TestFiguresAgainstBatch prints the hub's clusters against the batch
// link's on the same child-fields encodings, the figures quoted in
// docs/linkage.md ("Incremental use"):
//
//	CHILDCENTRE_FIGURES=5000 go test -run FiguresAgainstBatch -v ./internal/hub/
//
// (the number of children; field preset, seed 1, five countries;
// CHILDCENTRE_FIGURES_SCHEMA=child for the record-level schema). The
// records are uploaded 200 at a time, each country's in one batch, in the
// order generated, and matched after each round; the hub scores with the
// built-in weights, as a hub does, and the batch link with the same.
func TestFiguresAgainstBatch(t *testing.T) {
	children, _ := strconv.Atoi(os.Getenv("CHILDCENTRE_FIGURES"))
	if children <= 0 {
		t.Skip("set CHILDCENTRE_FIGURES to a number of children to print the hub's figures against the batch link")
	}
	recs := fieldRecords(t, children)
	schema := hubtest.FieldsSchema(t)
	if os.Getenv("CHILDCENTRE_FIGURES_SCHEMA") == "child-clk" {
		schema = hubtest.Schema(t)
	}
	enc := hubtest.NewEncoderOf(t, schema)
	o := schema.Options()
	hubCl, ents := hubClusters(t, recs, enc, o, -1)
	set := dice.NewSet(enc.Words(), len(recs))
	for _, r := range recs {
		set.Add(words(t, enc, r))
	}
	m, err := linkage.NewModel(enc.Words(), o)
	if err != nil {
		t.Fatal(err)
	}
	o.Model = m
	res, err := linkage.Link(set, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d children, %d records", children, len(recs))
	t.Logf("hub:   %v", linkage.Evaluate(hubCl, ents))
	t.Logf("batch: %v", linkage.Evaluate(res.Cluster, ents))
	// The pairs either puts in one cluster, and how many both do.
	var either, both int
	for i := range recs {
		for j := i + 1; j < len(recs); j++ {
			a := hubCl[i] >= 0 && hubCl[i] == hubCl[j]
			b := res.Cluster[i] >= 0 && res.Cluster[i] == res.Cluster[j]
			if a || b {
				either++
				if a == b {
					both++
				}
			}
		}
	}
	t.Logf("pairs in one cluster by either: %d, by both: %d (%.4f)", either, both, float64(both)/float64(either))
}

// TestLSHPathAsScan checks that a child-fields hub links as well through
// its LSH filter (past Config.LSHFrom records, 10,000 by default) as by
// scanning its whole index. The LSH filter lets through records whose
// names the scan never compares (below the name floor), and the weights
// of those names' levels, which training never sees, had smoothed to a
// match's: at 5,000 children the LSH path's F1 was 0.819 against 0.887 by
// the scan (docs/linkage.md, "Names that differ weigh against").
func TestLSHPathAsScan(t *testing.T) {
	if testing.Short() {
		t.Skip("links 1,500 children twice through a hub")
	}
	children := 1500
	if raceEnabled {
		children = 500
	}
	recs := fieldRecords(t, children)
	schema := hubtest.FieldsSchema(t)
	enc := hubtest.NewEncoderOf(t, schema)
	scan, ents := hubClusters(t, recs, enc, schema.Options(), -1)
	lsh, _ := hubClusters(t, recs, enc, schema.Options(), 1)
	s, l := linkage.Evaluate(scan, ents), linkage.Evaluate(lsh, ents)
	t.Logf("scan: %v", s)
	t.Logf("LSH:  %v", l)
	if l.F1 < s.F1-0.01 || l.Precision < s.Precision-0.01 {
		t.Errorf("through the LSH filter F1 %.4f, precision %.4f; by a scan %.4f, %.4f", l.F1, l.Precision, s.F1, s.Precision)
	}
}

// fieldRecords generates the field preset's registrations of children in
// five countries (seed 1), one per registration number: a record filed
// twice is one record on the hub.
func fieldRecords(t *testing.T, children int) []synth.Record {
	t.Helper()
	all, err := synth.Generate(synth.Options{Children: children, Countries: figureCountries, Seed: 1, Preset: synth.PresetField})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var recs []synth.Record
	for _, r := range all {
		if !seen[r.ID] {
			seen[r.ID] = true
			recs = append(recs, r)
		}
	}
	return recs
}

var figureCountries = []string{"SE", "FI", "DE", "PL", "DK"}

// hubClusters uploads recs to a new hub scoring with o, 200 at a time,
// each country's in one batch, in the order given, matching after each
// round, and returns each record's hub cluster (-1: alone) and entity.
// lshFrom is Config.LSHFrom (-1: always scan).
func hubClusters(t *testing.T, recs []synth.Record, enc *hubtest.Encoder, o linkage.Options, lshFrom int) ([]int32, []string) {
	t.Helper()
	db := storetest.New(t)
	h := newHub(t, db, enc, func(c *hub.Config) { c.Options = o; c.LSHFrom = lshFrom })
	for i := 0; i < len(recs); i += 200 {
		byCountry := map[string][]exchange.Envelope{}
		for k, r := range recs[i:min(i+200, len(recs))] {
			byCountry[r.Country] = append(byCountry[r.Country], enc.Upsert(t, fmt.Sprint("m", i+k), r, true))
		}
		for _, c := range figureCountries {
			if len(byCountry[c]) > 0 {
				accept(t, h, c, byCountry[c]...)
			}
		}
		drain(t, h)
	}
	ents := make([]string, len(recs))
	cl := make([]int32, len(recs))
	for i, r := range recs {
		ents[i] = r.Entity
		cl[i] = int32(clusterOf(t, db, r)) - 1 // -1: alone
	}
	return cl, ents
}
