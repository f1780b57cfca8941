package stats

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
)

// The codes a node sends come back as the same registration on the hub.
func TestWireRoundTrip(t *testing.T) {
	f := facts(func(f *Facts) { f.Category, f.Exploitation = "presumed_trafficking", []string{"criminal_activities"} })
	codes, err := WireCodes(f)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(exchange.Metadata{Sex: "f", Evidence: "presumed", Stats: codes})
	var m exchange.Metadata
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	r, err := FromMetadata("SE", "ref1", m)
	want, _ := Map(f)
	if err != nil || r.Coded != want || !r.Registered.Equal(f.Registered) || r.Country != "SE" {
		t.Errorf("got %+v, %v; want %+v at %s", r, err, want, f.Registered)
	}
	for name, mod := range map[string]func(*exchange.Metadata){
		"stats":        func(m *exchange.Metadata) { m.Stats = nil },
		"sex":          func(m *exchange.Metadata) { m.Sex = "female" },
		"evidence":     func(m *exchange.Metadata) { m.Evidence = "confirmed" },
		"status":       func(m *exchange.Metadata) { c := *m.Stats; c.Status = "victim"; m.Stats = &c },
		"citizenship":  func(m *exchange.Metadata) { c := *m.Stats; c.Citizenship = "SY"; m.Stats = &c },
		"registered":   func(m *exchange.Metadata) { c := *m.Stats; c.Registered = "2026"; m.Stats = &c },
		"exploitation": func(m *exchange.Metadata) { c := *m.Stats; c.Exploitation = ""; m.Stats = &c },
	} {
		bad := m
		mod(&bad)
		var e *errs.Error
		if _, err := FromMetadata("SE", "r", bad); !errors.As(err, &e) || e.Field != name {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func TestComponents(t *testing.T) {
	rs := Records{{Ref: "a", Child: "k1"}, {Ref: "b", Child: "k1"}, {Ref: "c", Child: "k2"}, {Ref: "d", Child: "k3"}, {Ref: "e"}, {Ref: "f", Child: "k4"}}
	Components(rs, [][2]int{{1, 2}, {2, 4}, {5, 5}})
	all := map[string]bool{}
	for _, r := range rs[:5] {
		all[unitOf(&r, Loose)] = true
	}
	if len(all) != 2 || unitOf(&rs[3], Loose) != "k3" || rs[5].ChildAll != "" {
		t.Errorf("loose units: %v; %+v", all, rs)
	}
}

func TestFactsOf(t *testing.T) {
	c := &cases.Child{Sex: cases.SexMale, BirthYear: 2010, BirthPrecision: cases.PrecisionEstimated,
		Assessments: []cases.AgeAssessment{{Method: cases.MethodMedical}}, Citizenships: []string{"ER"}}
	k := &cases.Case{Country: "DE", Category: cases.CatPresumedTrafficking, Evidence: cases.EvidencePresumed,
		Exploitation: []cases.Exploitation{cases.ExpCriminalActivity}, Missing: true, OpenedAt: day(2025, 7, 1)}
	codes, err := WireCodes(FactsOf(c, k))
	want := exchange.StatsCodes{Status: StatusPresumed, Exploitation: FormCriminal, AgeGroup: Age12to14,
		AgeBasis: BasisAssessed, Citizenship: CitAfrica, Registered: "2025-07-01"}
	if err != nil || *codes != want {
		t.Errorf("got %+v, %v; want %+v", codes, err, want)
	}
}
