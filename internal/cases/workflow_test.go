package cases_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

func TestMissingAndLocated(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, k := e.register(t, officerSE, child("Amina", "Yusuf", "2012"))
		missing := func(want bool) {
			t.Helper()
			got, _, err := e.svc.Case(e.ctx, officerSE, k.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Missing != want {
				t.Fatalf("Missing = %v, want %v", got.Missing, want)
			}
		}
		ev, err := e.svc.AddEvent(e.ctx, officerSE, k.ID, cases.EventInput{Type: cases.EvWentMissing,
			At: t0.Add(-3 * time.Hour), Municipality: "Malmö", PlaceType: "reception_centre", Notes: "Left the centre at night."})
		if err != nil {
			t.Fatal(err)
		}
		if ev.ID == 0 || ev.CaseID != k.ID || ev.By != officerSE.UserID || ev.Notes != "Left the centre at night." {
			t.Errorf("event = %+v", ev)
		}
		missing(true)
		if _, err := e.svc.AddEvent(e.ctx, officerSE, k.ID, cases.EventInput{Type: cases.EvLocated, At: t0.Add(-time.Hour), PlaceType: "police"}); err != nil {
			t.Fatal(err)
		}
		missing(false)
		// A went_missing recorded late, dated before the located, does not
		// make the child missing again.
		if _, err := e.svc.AddEvent(e.ctx, officerSE, k.ID, cases.EventInput{Type: cases.EvWentMissing, At: t0.Add(-5 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		missing(false)
		if _, err := e.svc.AddEvent(e.ctx, officerSE, k.ID, cases.EventInput{Type: cases.EvPlaced, PlaceType: "foster_family"}); err != nil {
			t.Fatal(err)
		}
		tl, err := e.svc.Timeline(e.ctx, officerSE, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		var types []cases.EventType
		for i, ev := range tl {
			types = append(types, ev.Type)
			if i > 0 && ev.At.Before(tl[i-1].At) {
				t.Error("timeline out of time order")
			}
		}
		want := []cases.EventType{cases.EvWentMissing, cases.EvWentMissing, cases.EvLocated, cases.EvRegistered, cases.EvPlaced}
		// registered is at t0 (the opening), placed at t0 too (now), after it by insertion.
		if !slices.Equal(types, want) {
			t.Errorf("timeline %v, want %v", types, want)
		}
		h, err := e.svc.History(e.ctx, officerSE, "case", k.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, c := range h {
			actions = append(actions, c.Action)
		}
		if !slices.Equal(actions, []string{"placed", "went_missing", "located", "went_missing", "create"}) {
			t.Errorf("history actions %v", actions)
		}

		for _, tt := range []struct {
			in    cases.EventInput
			field string
		}{
			{cases.EventInput{Type: "vanished"}, "type"},
			{cases.EventInput{Type: cases.EvClosed}, "type"},
			{cases.EventInput{Type: cases.EvRegistered}, "type"},
			{cases.EventInput{Type: cases.EvReferred, At: t0.Add(time.Hour)}, "at"},
			{cases.EventInput{Type: cases.EvReferred, PlaceType: "Storgatan 5"}, "place_type"},
		} {
			_, err := e.svc.AddEvent(e.ctx, officerSE, k.ID, tt.in)
			wantCode(t, err, errs.Invalid)
			if errs.FieldOf(err) != tt.field {
				t.Errorf("%+v: field %q, want %q", tt.in, errs.FieldOf(err), tt.field)
			}
		}
	})
}

func TestUpdateChild(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c, _ := e.register(t, officerSE, child("Amir", "Rahimi", "2011"))
		in := child("Amir", "Rahimi", "2011-05-06")
		in.FamilyName = "Ahmadzai"
		in.Notes = "Uncle in Gothenburg."
		got, err := e.svc.UpdateChild(e.ctx, officerSE, c.ID, c.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 || got.FamilyName != "Ahmadzai" || got.BirthPrecision != cases.PrecisionExact {
			t.Errorf("updated child %+v", got)
		}
		// A stale version is refused: someone else changed the record. The
		// refusal is audited (issue 10 L1), although nothing was written.
		_, err = e.svc.UpdateChild(e.ctx, officer2SE, c.ID, c.Version, child("X", "Y", ""))
		wantCode(t, err, errs.Conflict)
		refused := 0
		for _, en := range e.auditEntries(t) {
			if en.Action == audit.ActChildUpdate && en.Outcome == "refused" && en.Detail == "stale_version" &&
				en.Actor == officer2SE.Ref() && en.Target == "child:"+strconv.FormatInt(c.ID, 10) {
				refused++
			}
		}
		if refused != 1 {
			t.Errorf("%d refused child.update entries, want 1", refused)
		}
		// Nothing changed: nothing written.
		same, err := e.svc.UpdateChild(e.ctx, officerSE, c.ID, 2, in)
		if err != nil || same.Version != 2 {
			t.Errorf("unchanged update: %+v, %v", same, err)
		}
		h, err := e.svc.History(e.ctx, officerSE, "child", c.ID)
		if err != nil || len(h) != 2 {
			t.Fatalf("history %+v, %v", h, err)
		}
		if n := e.countAudit(t, audit.ActChildRead, "child:"+strconv.FormatInt(c.ID, 10)); n == 0 {
			t.Errorf("reading the history is not audited")
		}
		wantFields := []string{"family_name", "birth_date", "birth_precision", "notes"}
		if h[0].Action != "update" || !slices.Equal(h[0].Fields, wantFields) || h[0].By != officerSE.UserID {
			t.Errorf("history entry %+v, want fields %v", h[0], wantFields)
		}
		var detail string
		for _, en := range e.auditEntries(t) {
			if en.Action == audit.ActChildUpdate && en.Outcome == "ok" {
				detail = en.Detail
			}
		}
		if detail != strings.Join(wantFields, ",") {
			t.Errorf("audit detail %q", detail)
		}
		// The blind index follows the names.
		for q, want := range map[string]int{"Ahmadzai": 1, "Rahimi": 0} {
			res, err := e.svc.Search(e.ctx, officerSE, cases.Query{Text: q})
			if err != nil || res.Total != want {
				t.Errorf("search %q after update: %d hits, %v", q, res.Total, err)
			}
		}
		_, err = e.svc.UpdateChild(e.ctx, officerLT, c.ID, 2, in)
		wantCode(t, err, errs.NotFound)
	})
}

func TestUpdateCase(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, k := e.register(t, officerSE, child("Amir", "Rahimi", "2011"))
		in := kase()
		in.Category, in.Evidence = cases.CatPresumedTrafficking, cases.EvidencePresumed
		in.Exploitation = []cases.Exploitation{cases.ExpForcedLabour, cases.ExpCriminalActivity}
		in.Consent = true
		got, err := e.svc.UpdateCase(e.ctx, officerSE, k.ID, k.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 || !got.OpenedAt.Equal(k.OpenedAt) || len(got.Exploitation) != 2 {
			t.Errorf("updated case %+v", got)
		}
		reread, _, err := e.svc.Case(e.ctx, officerSE, k.ID)
		if err != nil || !slices.Equal(reread.Exploitation, []cases.Exploitation{cases.ExpCriminalActivity, cases.ExpForcedLabour}) ||
			reread.Category != cases.CatPresumedTrafficking || !reread.Consent {
			t.Errorf("case read back %+v, %v", reread, err)
		}
		_, err = e.svc.UpdateCase(e.ctx, officerSE, k.ID, 1, kase())
		wantCode(t, err, errs.Conflict)
		h, _ := e.svc.History(e.ctx, officerSE, "case", k.ID)
		if len(h) != 2 || !slices.Equal(h[0].Fields, []string{"category", "exploitation", "evidence", "consent"}) {
			t.Errorf("history %+v", h)
		}
	})
}

func TestClosingNeedsFourEyes(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, k := e.register(t, officerSE, child("Amir", "Rahimi", "2011"))
		supervisor2 := auth.Actor{UserID: 9, Role: auth.RoleSupervisor, Country: "SE"}

		wantCode(t, e.svc.ApproveClose(e.ctx, supervisorSE, k.ID), errs.Conflict) // nothing requested
		wantCode(t, e.svc.RequestClose(e.ctx, officerSE, k.ID, ""), errs.Invalid)
		if err := e.svc.RequestClose(e.ctx, officerSE, k.ID, "Returned to family in Germany."); err != nil {
			t.Fatal(err)
		}
		wantCode(t, e.svc.RequestClose(e.ctx, officerSE, k.ID, "again"), errs.Conflict)
		wantCode(t, e.svc.ApproveClose(e.ctx, officerSE, k.ID), errs.Forbidden) // no cases.approve
		wantCode(t, e.svc.ApproveClose(e.ctx, officerLT, k.ID), errs.Forbidden)

		// Refused: open again, the refusal kept.
		if err := e.svc.RejectClose(e.ctx, supervisorSE, k.ID, "Placement not confirmed yet."); err != nil {
			t.Fatal(err)
		}
		got, _, err := e.svc.Case(e.ctx, officerSE, k.ID)
		if err != nil || got.Status != cases.StatusOpen || got.CloseRequest != nil || got.Rejection == nil ||
			got.Rejection.Reason != "Placement not confirmed yet." || got.Rejection.By != supervisorSE.UserID {
			t.Fatalf("after rejection: %+v %+v, %v", got, got.Rejection, err)
		}

		// A supervisor may not approve their own request.
		if err := e.svc.RequestClose(e.ctx, supervisorSE, k.ID, "Placement confirmed."); err != nil {
			t.Fatal(err)
		}
		wantCode(t, e.svc.ApproveClose(e.ctx, supervisorSE, k.ID), errs.Forbidden)
		if err := e.svc.ApproveClose(e.ctx, supervisor2, k.ID); err != nil {
			t.Fatal(err)
		}
		got, _, err = e.svc.Case(e.ctx, officerSE, k.ID)
		if err != nil || got.Status != cases.StatusClosed || !got.ClosedAt.Equal(t0) || got.CloseRequest == nil ||
			got.CloseRequest.Reason != "Placement confirmed." || got.CloseRequest.By != supervisorSE.UserID {
			t.Fatalf("after approval: %+v, %v", got, err)
		}
		tl, _ := e.svc.Timeline(e.ctx, officerSE, k.ID)
		if last := tl[len(tl)-1]; last.Type != cases.EvClosed || last.By != supervisor2.UserID {
			t.Errorf("last event %+v", last)
		}

		// A closed case is read-only.
		_, err = e.svc.UpdateCase(e.ctx, supervisorSE, k.ID, got.Version, kase())
		wantCode(t, err, errs.Conflict)
		_, err = e.svc.AddEvent(e.ctx, officerSE, k.ID, cases.EventInput{Type: cases.EvReferred})
		wantCode(t, err, errs.Conflict)
		wantCode(t, e.svc.RequestClose(e.ctx, officerSE, k.ID, "x"), errs.Conflict)
		wantCode(t, e.svc.RejectClose(e.ctx, supervisorSE, k.ID, "x"), errs.Conflict)

		var outcomes []string
		for _, en := range e.auditEntries(t) {
			if en.Action == audit.ActCaseCloseApprove {
				outcomes = append(outcomes, en.Outcome)
			}
			if strings.Contains(en.Detail, "Placement") {
				t.Errorf("audit entry carries the reason: %+v", en)
			}
		}
		if !slices.Equal(outcomes, []string{"denied", "ok"}) || e.countAudit(t, audit.ActCaseCloseRequest, "") != 2 {
			t.Errorf("close approvals audited %v", outcomes)
		}
	})
}
