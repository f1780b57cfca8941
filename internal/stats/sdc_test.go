package stats

import (
	"bytes"
	"encoding/json"
	"strconv"
	"testing"
	"time"
)

func csvOf(t *testing.T, p *Publication) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := p.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// unprotected publishes p's periods again with primary suppression only:
// what the attacks must break, to show that they can.
func primaryOnly(rs Records, now time.Time, k int) *Publication {
	period := closedYear(now, DefaultLag, 0)
	strict := Children(rs, Strict, false, period)[Region]
	loose := Children(rs, Loose, false, period)[Region]
	pub := &Publication{Mapping: MappingVersion, K: k}
	for p := range strict {
		for _, pair := range DefaultPairs {
			tb := Crosstab(strict[p], loose[p], pair[0], pair[1])
			tb.Period = p
			tb.each(func(c *Cell) { c.Suppressed = sensitive(c, k) })
			pub.Tables = append(pub.Tables, tb)
		}
	}
	return pub
}

var publishedAt = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func TestTotalsAttackRecoversNothing(t *testing.T) {
	for _, n := range []int{300, 3000} {
		rs := synthetic(n, uint64(n), 2023, 2024, 2025)
		for _, k := range []int{DefaultK, 20} {
			pub, err := Publish(nil, rs, Options{K: k, Now: publishedAt})
			if err != nil {
				t.Fatal(err)
			}
			data := csvOf(t, pub)
			for _, col := range []string{"count", "count_low", "count_high"} {
				if found := totalsAttack(t, data, col, k); len(found) > 0 {
					t.Errorf("n=%d k=%d: the totals attack on %s recovers %d figures, e.g. %s", n, k, col, len(found), found[0])
				}
			}
			// The attack works: without secondary suppression it recovers.
			if n == 300 && k == DefaultK {
				if found := totalsAttack(t, csvOf(t, primaryOnly(rs, publishedAt, k)), "count", k); len(found) == 0 {
					t.Error("the totals attack recovers nothing from primary suppression alone: it is not attacking")
				}
			}
			checkPublished(t, pub, data, k)
		}
	}
}

func TestDifferencingAttackRecoversNothing(t *testing.T) {
	rs := synthetic(2000, 7, 2024, 2025)
	first, err := Publish(nil, rs, Options{Now: publishedAt})
	if err != nil {
		t.Fatal(err)
	}
	// A year later: late registrations of 2025 (an import), new children
	// in 2026, and some of 2025's children withdrawn (purged).
	more := synthetic(1200, 8, 2025, 2026)
	for i := range more {
		more[i].Child += "-late"
		if more[i].ChildAll != "" {
			more[i].ChildAll += "-late"
		}
	}
	later := append(append(Records{}, rs[50:]...), more...)
	next := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	second, err := Publish(first, later, Options{Now: next})
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Periods) != 3 {
		t.Fatalf("periods: got %v, want 2024, 2025 and 2026", second.Periods)
	}
	for _, col := range []string{"count", "count_low", "count_high", "median_days"} {
		if found := differencingAttack(t, csvOf(t, first), csvOf(t, second), col, DefaultK); len(found) > 0 {
			t.Errorf("the differencing attack on %s recovers %d figures, e.g. %s", col, len(found), found[0])
		}
	}
	// The attack works: publications recomputed instead of frozen differ.
	recomputed, err := Publish(nil, later, Options{Now: next})
	if err != nil {
		t.Fatal(err)
	}
	if found := differencingAttack(t, csvOf(t, first), csvOf(t, recomputed), "count", DefaultK); len(found) == 0 {
		t.Error("the differencing attack recovers nothing from recomputed figures: it is not attacking")
	}
	// Raising k later keeps every earlier suppression.
	raised, err := Publish(second, later, Options{K: 15, Now: next})
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := parsePublishedT(t, csvOf(t, second), "count")
	p3, _ := parsePublishedT(t, csvOf(t, raised), "count")
	for k, v := range p2 {
		if v == "c" && p3[k] != "c" {
			t.Errorf("%s: suppressed at k=11, published at k=15", k)
		}
	}
	if found := totalsAttack(t, csvOf(t, raised), "count", 15); len(found) > 0 {
		t.Errorf("k=15: the totals attack recovers %s", found[0])
	}
}

func TestKRisesOnly(t *testing.T) {
	if _, err := Publish(nil, nil, Options{K: 5, Now: publishedAt}); err == nil {
		t.Error("k=5 accepted")
	}
	first, err := Publish(nil, synthetic(100, 1, 2024), Options{K: 20, Now: publishedAt})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Publish(first, nil, Options{K: 11, Now: publishedAt}); err == nil {
		t.Error("k lowered from 20 to 11")
	}
}

// checkPublished fails on any published figure in 1..k−1, in the CSV and
// the JSON.
func checkPublished(t *testing.T, pub *Publication, data []byte, k int) {
	t.Helper()
	_, rows := parsePublishedT(t, data, "count")
	for _, r := range rows {
		for _, i := range []int{6, 7, 8} {
			if v, err := strconv.Atoi(r[i]); err == nil && v >= 1 && v < k {
				t.Errorf("CSV: %v has %s=%d", r[:6], Columns[i], v)
			} else if err != nil && r[i] != "c" {
				t.Errorf("CSV: %v has %s=%q", r[:6], Columns[i], r[i])
			}
		}
	}
	var b bytes.Buffer
	if err := pub.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var f struct {
		Columns []string         `json:"columns"`
		Rows    []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal(b.Bytes(), &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != len(rows) || index(f.Columns, "count") < 0 {
		t.Fatalf("JSON: %d rows, columns %v; CSV %d rows", len(f.Rows), f.Columns, len(rows))
	}
	for _, r := range f.Rows {
		for _, c := range []string{"count", "count_low", "count_high"} {
			switch v := r[c].(type) {
			case float64:
				if v >= 1 && v < float64(k) {
					t.Errorf("JSON: %v has %s=%v", r, c, v)
				}
			case string:
				if v != "c" {
					t.Errorf("JSON: %v has %s=%q", r, c, v)
				}
			default:
				t.Errorf("JSON: %v has %s of type %T", r, c, v)
			}
		}
	}
}

// TestProtectIsDeterministic: the same data give the same suppressions,
// whatever the order of Go's maps.
func TestProtectIsDeterministic(t *testing.T) {
	rs := synthetic(400, 11, 2024, 2025)
	first := csvOf(t, mustPublish(t, rs))
	for range 5 {
		if again := csvOf(t, mustPublish(t, rs)); !bytes.Equal(again, first) {
			t.Fatal("two publications of the same data differ")
		}
	}
}

func mustPublish(t *testing.T, rs Records) *Publication {
	t.Helper()
	p, err := Publish(nil, rs, Options{Now: publishedAt})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
