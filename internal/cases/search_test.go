package cases_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// registry registers a small Swedish registry and a Lithuanian child
// whose names would match every query.
func registry(t *testing.T, e *env) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	for _, n := range []struct{ given, family string }{
		{"Muhammad", "Al-Hassan"},
		{"Олександр", "Шевченко"},
		{"Nguyễn Văn", "An"},
		{"Łukasz", "Kowalski"},
		{"Amina", "Yusuf"},
		{"Tesfaye", "Gebremedhin"},
		{"Muhammad", "Karimi"},
	} {
		c, _ := e.register(t, officerSE, child(n.given, n.family, "2010"))
		ids[n.given+" "+n.family] = c.ID
	}
	for _, n := range []string{"Muhammad Al-Hassan", "Oleksandr", "An Nguyen Van", "Lukasz"} {
		given, family, _ := strings.Cut(n, " ")
		e.register(t, officerLT, child(given, family, "2010"))
	}
	return ids
}

func TestSearchSurvivesSpelling(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ids := registry(t, e)
		tests := []struct {
			query string
			first string // the child that must rank first
			not   []string
		}{
			{"Mohammed Alhassan", "Muhammad Al-Hassan", nil},
			{"Oleksandr", "Олександр Шевченко", []string{"Muhammad Al-Hassan"}},
			{"Alexander Shevchenko", "Олександр Шевченко", nil},
			{"An Nguyen Van", "Nguyễn Văn An", []string{"Muhammad Al-Hassan"}},
			{"Lukasz", "Łukasz Kowalski", []string{"Muhammad Al-Hassan"}},
			{"Gebremedin Tesfay", "Tesfaye Gebremedhin", nil},
		}
		for _, tt := range tests {
			res, err := e.svc.Search(e.ctx, officerSE, cases.Query{Text: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 || res.Hits[0].Child.ID != ids[tt.first] {
				t.Errorf("%q: hits %v, want %q first", tt.query, names(res), tt.first)
				continue
			}
			for _, h := range res.Hits {
				if h.Child.Country != "SE" {
					t.Errorf("%q: found a child of %s", tt.query, h.Child.Country)
				}
				for _, n := range tt.not {
					if h.Child.ID == ids[n] {
						t.Errorf("%q found unrelated %q", tt.query, n)
					}
				}
			}
			if res.Total != len(res.Hits) {
				t.Errorf("%q: total %d, %d hits on one page", tt.query, res.Total, len(res.Hits))
			}
		}
		// Unrelated names are not found.
		for _, q := range []string{"Sven Svensson", "Ingrid", "Zhang Wei"} {
			res, err := e.svc.Search(e.ctx, officerSE, cases.Query{Text: q})
			if err != nil || res.Total != 0 || len(res.Hits) != 0 {
				t.Errorf("%q: %v, %v; want nothing", q, names(res), err)
			}
		}
		// A full match outranks a partial one; exact outranks phonetic.
		res, err := e.svc.Search(e.ctx, officerSE, cases.Query{Text: "Muhammad Karimi"})
		if err != nil || len(res.Hits) < 2 || res.Hits[0].Child.ID != ids["Muhammad Karimi"] || res.Hits[0].Score != 1 ||
			res.Hits[1].Score >= res.Hits[0].Score {
			t.Errorf("Muhammad Karimi: %v", names(res))
		}
		// The search is audited without its terms.
		for _, en := range e.auditEntries(t) {
			if en.Action == audit.ActChildSearch && (strings.Contains(strings.ToLower(en.Detail), "muhammad") || en.Country != "SE") {
				t.Errorf("search audit entry %+v", en)
			}
		}
		if e.countAudit(t, audit.ActChildSearch, "") < len(tests) {
			t.Error("searches are not audited")
		}
	})
}

func names(res *cases.Results) []string {
	if res == nil {
		return nil
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Child.GivenNames+" "+h.Child.FamilyName)
	}
	return out
}

func TestSearchFiltersAndPages(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var ids []int64
		for i := range 7 {
			cs := kase()
			if i%2 == 1 {
				cs.Category, cs.Evidence = cases.CatPresumedTrafficking, cases.EvidencePresumed
			}
			cs.OpenedAt = t0.Add(-time.Duration(7-i) * 24 * time.Hour)
			c, k, err := e.svc.Register(e.ctx, officerSE, child("Amir", "Rahimi", "2011"), cs)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
			if i == 0 {
				if _, err := e.svc.AddEvent(e.ctx, officerSE, k.ID, cases.EventInput{Type: cases.EvWentMissing, At: t0.Add(-time.Hour)}); err != nil {
					t.Fatal(err)
				}
			}
		}
		e.register(t, officerLT, child("Amir", "Rahimi", "2011"))
		yes := true
		for _, text := range []string{"", "Amir Rahimi"} {
			for _, tt := range []struct {
				q    cases.Query
				want []int64 // in order
			}{
				{cases.Query{}, rev(ids)},
				{cases.Query{PerPage: 3, Page: 2}, rev(ids)[3:6]},
				{cases.Query{PerPage: 3, Page: 3}, rev(ids)[6:]},
				{cases.Query{Category: cases.CatPresumedTrafficking}, []int64{ids[5], ids[3], ids[1]}},
				{cases.Query{Evidence: cases.EvidenceIdentified, Status: cases.StatusOpen}, []int64{ids[6], ids[4], ids[2], ids[0]}},
				{cases.Query{Missing: &yes}, []int64{ids[0]}},
				{cases.Query{From: t0.Add(-3 * 24 * time.Hour), To: t0.Add(-60 * time.Hour)}, []int64{ids[4]}},
				{cases.Query{Status: cases.StatusClosed}, nil},
			} {
				q := tt.q
				q.Text = text
				res, err := e.svc.Search(e.ctx, supervisorSE, q)
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, h := range res.Hits {
					got = append(got, h.Child.ID)
					if len(h.Cases) != 1 {
						t.Errorf("hit with %d cases", len(h.Cases))
					}
				}
				wantTotal := len(tt.want)
				if tt.q.PerPage == 3 {
					wantTotal = 7
				}
				if !equal(got, tt.want) || res.Total != wantTotal {
					t.Errorf("text %q %+v: ids %v total %d, want %v total %d", text, tt.q, got, res.Total, tt.want, wantTotal)
				}
			}
		}
		_, err := e.svc.Search(e.ctx, officerSE, cases.Query{Status: "lost"})
		wantCode(t, err, errs.Invalid)
	})
}

func rev(s []int64) []int64 {
	out := make([]int64, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSearchManyWords: a query of more distinct words than one store
// call takes tokens for (cases.MaxMatchTokens; each word has an exact
// and a phonetic token) is matched in full: a child holding the last 40
// of its 64 words, in the order the tokens are looked up, ranks first
// with at least those 40 matched (with only the first call's tokens it
// would match too few to be found).
func TestSearchManyWords(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		registry(t, e)
		var words []string
		for i := range 64 {
			words = append(words, "x"+string(rune('a'+i/8))+string(rune('a'+i%8)))
		}
		c, _ := e.register(t, officerSE, child(strings.Join(words[24:], " "), "", "2010"))
		res, err := e.svc.Search(e.ctx, officerSE, cases.Query{Text: strings.Join(words, " ")})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].Child.ID != c.ID || res.Hits[0].Score < 40.0/64 {
			t.Fatalf("hits %v, want the child holding 40 of the 64 words first, scoring at least 40/64", names(res))
		}
	})
}
