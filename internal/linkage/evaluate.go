package linkage

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Metrics are the quality of a clustering measured on pairs: every two
// records in one cluster are a predicted pair, every two records of one true
// entity a true pair.
type Metrics struct {
	TruePositives  int64
	FalsePositives int64
	FalseNegatives int64
	Precision      float64
	Recall         float64
	F1             float64
}

func (m Metrics) String() string {
	return fmt.Sprintf("precision %.4f recall %.4f F1 %.4f (true positives %d, false positives %d, false negatives %d)",
		m.Precision, m.Recall, m.F1, m.TruePositives, m.FalsePositives, m.FalseNegatives)
}

// Evaluate compares clusters (cluster[i] is record i's cluster, -1 for none)
// with the true entities (entity[i], "" when unknown: such records are left
// out of the count). It counts pairs without listing them, so it runs in
// time linear in the records.
func Evaluate(cluster []int32, entity []string) Metrics {
	type key struct {
		c int32
		e string
	}
	byCluster := map[int32]int64{}
	byEntity := map[string]int64{}
	both := map[key]int64{}
	for i, e := range entity {
		if e == "" {
			continue
		}
		byEntity[e]++
		if c := cluster[i]; c >= 0 {
			byCluster[c]++
			both[key{c, e}]++
		}
	}
	pairs := func(n int64) int64 { return n * (n - 1) / 2 }
	var predicted, truth, tp int64
	for _, n := range byCluster {
		predicted += pairs(n)
	}
	for _, n := range byEntity {
		truth += pairs(n)
	}
	for _, n := range both {
		tp += pairs(n)
	}
	m := Metrics{TruePositives: tp, FalsePositives: predicted - tp, FalseNegatives: truth - tp}
	if predicted > 0 {
		m.Precision = float64(tp) / float64(predicted)
	}
	if truth > 0 {
		m.Recall = float64(tp) / float64(truth)
	}
	if m.Precision+m.Recall > 0 {
		m.F1 = 2 * m.Precision * m.Recall / (m.Precision + m.Recall)
	}
	return m
}

// ReadTruth reads ground truth: CSV with a header, the record id in the first
// column and the true entity in the second. It returns entity by record id.
func ReadTruth(r io.Reader) (map[string]string, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	if _, err := cr.Read(); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errs.E(errs.Invalid, "truth file: empty (a header row is needed)")
		}
		return nil, csvError(err)
	}
	truth := map[string]string{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return truth, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) < 2 {
			return nil, &RowError{Row: line, Problem: "a truth row needs a record id and an entity"}
		}
		id, ent := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		if id == "" || ent == "" {
			return nil, &RowError{Row: line, Problem: "empty record id or entity"}
		}
		if _, dup := truth[id]; dup {
			return nil, &RowError{Row: line, Column: "id", Problem: "record id given twice"}
		}
		truth[id] = ent
	}
}
