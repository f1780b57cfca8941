package nodesync_test

import (
	"testing"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/exchange"
)

func hitExplanation(level string) *exchange.Explanation {
	return &exchange.Explanation{Prior: -9.9, Weight: -0.6, Probability: 0.4, Decision: "review", Terms: []exchange.ExplainTerm{
		{Feature: "name", Level: "given same, family close", Weight: 5.8, TF: 0.7},
		{Feature: "dob", Level: level, Weight: 0.45},
		{Feature: "sex", Level: "agree", Weight: 0.24},
		{Feature: "citizenship", Level: "missing"},
	}}
}

// TestHitExplanationStored: the explanation of a possible hit is stored
// with it and read back with the queue; one that fails the check (markup
// from a hostile hub) or comes with a high hit is dropped and the hit
// kept.
func TestHitExplanationStored(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.withSecret(t)
		e.register(t, childInput("Hamid", "Sultani", "2011-11-11"), cases.EvidenceIdentified)
		e.drain(t)
		ref := e.refOf(t)
		hit := func(id, other, band string, ex *exchange.Explanation) {
			e.hub.notify(exchange.Notice{Type: exchange.NoticeHit, Hit: &exchange.Hit{ID: id, LocalRef: ref, OtherCountry: other,
				OtherRef: other + "-1", Band: band, Explanation: ex}})
		}
		hit("h1", "FI", "possible", hitExplanation("estimated: year ±1"))
		hit("h2", "DE", "possible", hitExplanation(`<img src=x onerror=alert(1)>`))
		hit("h3", "PL", "high", hitExplanation("exact"))
		hit("h4", "LT", "possible", nil)
		e.pull(t)
		q, err := e.hits.Queue(e.ctx, officer, false)
		if err != nil || len(q) != 4 {
			t.Fatalf("Queue = %d hits, %v; want 4", len(q), err)
		}
		got := map[string]*exchange.Explanation{}
		for _, h := range q {
			got[h.OtherCountry] = h.Explanation
		}
		fi := got["FI"]
		if fi == nil || len(fi.Terms) != 4 || fi.Terms[1].Level != "estimated: year ±1" || fi.Terms[0].TF != 0.7 ||
			fi.Probability != 0.4 || fi.Decision != "review" || fi.Prior != -9.9 {
			t.Errorf("FI's explanation read back as %+v", fi)
		}
		for _, c := range []string{"DE", "PL", "LT"} {
			if got[c] != nil {
				t.Errorf("%s's hit kept an explanation: %+v", c, got[c])
			}
		}

		// Withdrawn and notified again (the other side re-uploaded): the
		// new notice's explanation replaces the old.
		e.hub.notify(exchange.Notice{Type: exchange.NoticeHitWithdrawn, Hit: &exchange.Hit{ID: "h1"}})
		hit("h5", "FI", "possible", hitExplanation("year ±2"))
		e.pull(t)
		q, err = e.hits.Queue(e.ctx, officer, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range q {
			if h.OtherCountry == "FI" && (h.Explanation == nil || h.Explanation.Terms[1].Level != "year ±2") {
				t.Errorf("FI's hit notified again has explanation %+v", h.Explanation)
			}
		}
	})
}
