package exchange

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/linkage"
)

func explanation() *Explanation {
	return &Explanation{Prior: -9.5, Weight: -0.9, Probability: 0.35, Decision: "review", Terms: []ExplainTerm{
		{Feature: "name", Level: "given same, family close", Weight: 5.8, TF: 1.2},
		{Feature: "dob", Level: "estimated: year ±1", Weight: 0.45},
		{Feature: "sex", Level: "agree", Weight: 0.24},
		{Feature: "citizenship", Level: "missing"},
	}}
}

// TestExplanationValidate: what a node accepts of a hit's explanation.
// A hostile or broken hub must not get markup, free text, huge payloads
// or numbers that do not print onto the review screen.
func TestExplanationValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Explanation)
		ok     bool
	}{
		{"valid", func(e *Explanation) {}, true},
		{"a level this version does not know", func(e *Explanation) { e.Terms[1].Level = "year ±3 (new level)" }, true},
		{"a custom schema's comparison", func(e *Explanation) { e.Terms[3].Feature = "place_of_birth" }, true},
		{"no terms", func(e *Explanation) { e.Terms = nil }, false},
		{"too many terms", func(e *Explanation) {
			for len(e.Terms) <= MaxExplainTerms {
				e.Terms = append(e.Terms, e.Terms[0])
			}
		}, false},
		{"markup as a level", func(e *Explanation) { e.Terms[0].Level = `<script>alert(1)</script>` }, false},
		{"markup as a feature", func(e *Explanation) { e.Terms[0].Feature = `<b>name</b>` }, false},
		{"a name as a level", func(e *Explanation) { e.Terms[0].Level = "Ahmad Rahimi\n2009-03-14" }, false},
		{"a long level", func(e *Explanation) { e.Terms[0].Level = strings.Repeat("a", 65) }, false},
		{"an empty level", func(e *Explanation) { e.Terms[0].Level = "" }, false},
		{"a capitalised feature", func(e *Explanation) { e.Terms[0].Feature = "Name" }, false},
		{"not a number", func(e *Explanation) { e.Terms[2].Weight = math.NaN() }, false},
		{"an infinite weight", func(e *Explanation) { e.Weight = math.Inf(-1) }, false},
		{"a huge adjustment", func(e *Explanation) { e.Terms[0].TF = 1e9 }, false},
		{"probability above 1", func(e *Explanation) { e.Probability = 1.5 }, false},
		{"unknown decision", func(e *Explanation) { e.Decision = "same child" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := explanation()
			tt.change(e)
			if p := e.Validate(); (p == nil) != tt.ok {
				t.Errorf("Validate = %v, want ok %v", p, tt.ok)
			} else if p != nil && (p.Code != CodeInvalid || strings.Contains(p.Message, "<")) {
				t.Errorf("problem %+v: want invalid, naming no value", p)
			}
		})
	}
}

// TestHitExplanationOptional: a hit without an explanation reads and
// writes as before (older hubs and nodes), one with it round-trips.
func TestHitExplanationOptional(t *testing.T) {
	b, err := json.Marshal(Hit{ID: "h1", LocalRef: "r1", OtherCountry: "FI", OtherRef: "r2", Band: "high"})
	if err != nil || strings.Contains(string(b), "explanation") {
		t.Fatalf("a hit without explanation: %s, %v", b, err)
	}
	var h Hit
	if err := json.Unmarshal([]byte(`{"id":"h1","local_ref":"r1","other_country":"FI","other_ref":"r2","band":"possible"}`), &h); err != nil || h.Explanation != nil {
		t.Fatalf("an old hub's notice: %+v, %v", h, err)
	}
	h.Explanation = explanation()
	b, _ = json.Marshal(h)
	var back Hit
	if err := json.Unmarshal(b, &back); err != nil || back.Explanation == nil || back.Explanation.Terms[1].Level != "estimated: year ±1" {
		t.Fatalf("round trip: %s -> %+v, %v", b, back.Explanation, err)
	}
}

// TestLinkageLevelsValid: every level name the linkage package can put in
// an explanation passes the node's check.
func TestLinkageLevelsValid(t *testing.T) {
	names := linkage.LevelNames()
	if len(names) < 70 {
		t.Fatalf("only %d level names", len(names))
	}
	for _, l := range names {
		e := explanation()
		e.Terms[0].Level = l
		if p := e.Validate(); p != nil {
			t.Errorf("level %q refused: %v", l, p)
		}
	}
}
