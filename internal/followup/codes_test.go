package followup

import (
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
)

func TestInputValidate(t *testing.T) {
	good := func() Input {
		return Input{Purpose: "Find the child.", LegalBasis: "hague-1996", Urgency: Urgent, Handling: "H2", Evaluation: "B2",
			Asked: []string{"given_names"}}
	}
	for _, c := range []struct {
		name string
		edit func(*Input)
		ok   bool
	}{
		{"good", func(*Input) {}, true},
		{"no purpose", func(in *Input) { in.Purpose = "  " }, false},
		{"unknown legal basis", func(in *Input) { in.LegalBasis = "gdpr" }, false},
		{"national without text", func(in *Input) { in.LegalBasis = "national" }, false},
		{"national with text", func(in *Input) { in.LegalBasis, in.LegalText = "national", "Lag (2018:1200) 3 §" }, true},
		{"unknown urgency", func(in *Input) { in.Urgency = "soon" }, false},
		{"H4", func(in *Input) { in.Handling = "H4" }, false},
		{"evaluation D1", func(in *Input) { in.Evaluation = "D1" }, false},
		{"evaluation X4", func(in *Input) { in.Evaluation = "X4" }, true},
		{"nothing asked", func(in *Input) { in.Asked = nil }, false},
		{"unknown field", func(in *Input) { in.Asked = []string{"address"} }, false},
	} {
		in := good()
		c.edit(&in)
		err := in.Validate()
		if (err == nil) != c.ok || (err != nil && errs.CodeOf(err) != errs.Invalid) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

func TestOverdueAndExport(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		state    string
		deadline time.Time
		want     bool
	}{
		{StateSent, now.Add(-time.Minute), true},
		{StatePending, now.Add(-time.Minute), true},
		{StatePending, now.Add(time.Minute), false},
		{StateGranted, now.Add(-time.Minute), false},
		{StateApproval, time.Time{}, false},
	} {
		r := &Request{State: c.state, Deadline: c.deadline}
		if got := r.Overdue(now); got != c.want {
			t.Errorf("%s at %v: overdue %v, want %v", c.state, c.deadline, got, c.want)
		}
	}
	for h, ok := range map[string]bool{"H0": true, "H1": true, "H2": false, "H3": false} {
		if err := Export(&exchange.FollowUpDecision{Handling: h}); (err == nil) != ok {
			t.Errorf("export under %s: %v", h, err)
		}
	}
}
