package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/store"
)

// withFollowUp wires the node's real follow-up service on the test's
// database into the server, as a node connected to a hub has it. Alerts
// and the dashboard need no peers: nothing here is sealed to another node.
func (e *testEnv) withFollowUp() *followup.Service {
	e.t.Helper()
	f := &followup.Service{Store: store.NewFollowUpStore(e.db), AtRest: e.keys.Sealer(followup.AtRestPurpose),
		Records: e.cases, Country: "SE", Now: e.clock.Now}
	e.srv.deps.FollowUp = f
	return f
}

// share records a child as held by the hub under ref, as the node's
// sender does once the upload is acknowledged.
func (e *testEnv) share(childID int64, ref string) {
	e.t.Helper()
	err := store.NewCaseStore(e.db).Update(context.Background(), func(tx cases.Tx) error {
		return tx.PutShareStates(context.Background(), []*cases.ShareState{{ChildID: childID, Ref: ref, KeyID: "k1", Uploaded: true}})
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// auditDetails returns "outcome:detail" of each audit entry of an action.
func (e *testEnv) auditDetails(action string) []string {
	e.t.Helper()
	es, _, err := e.db.ListAudit(context.Background(), audit.Filter{Action: action})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, x := range es {
		out = append(out, x.Outcome+":"+x.Detail)
	}
	return out
}

// TestAlertPages: an alert is offered only on the record of a child a case
// records as missing; raising it needs the CSRF token, is audited and
// refused a second time; the alerts page lists it with the sightings of
// both kinds and their instructions; cancelling withdraws it and offers
// the form again.
func TestAlertPages(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ru := newRegistryUsers(e)
	fu := e.withFollowUp()
	ctx := context.Background()
	officer := auth.Actor{UserID: ru.officerID, Role: auth.RoleOfficer, Country: "SE"}
	childID, caseID := e.registerOne(ru.officerID, "Zahra", "Ahmadi")
	e.share(childID, "se-ref-1")
	childPage := childURL(childID, "")
	raise := childURL(childID, "/alert")
	get := func(session, path string) string {
		t.Helper()
		rec := e.do(h, req{method: "GET", path: path, session: session})
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, rec.Code)
		}
		return rec.Body.String()
	}
	post := func(r req) *http.Response {
		t.Helper()
		r.method = "POST"
		return e.do(h, r).Result()
	}
	form := url.Values{"urgency": {"danger"}, "protect": {"yes"}}

	// Not missing: no alert section, and a forged POST is refused.
	if body := get(ru.officer, childPage); strings.Contains(body, `id="alert"`) {
		t.Error("the record of a child who is not missing offers an alert")
	}
	if res := post(req{path: raise, session: ru.officer, form: form}); res.StatusCode != http.StatusSeeOther ||
		res.Header.Get("Location") != childURL(childID, "?done=alert_refused") {
		t.Fatalf("alert on a child not missing: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if got := e.auditDetails(audit.ActAlertRaise); len(got) != 0 {
		t.Fatalf("a refused alert was audited as raised: %q", got)
	}

	// Missing: officers and supervisors are offered the form.
	if _, err := e.cases.AddEvent(ctx, officer, caseID, cases.EventInput{Type: cases.EvWentMissing}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{ru.officer, ru.supervisor} {
		if body := get(s, childPage); !strings.Contains(body, `action="/children/`+fmt.Sprint(childID)+`/alert"`) {
			t.Errorf("the record of a missing child offers no alert:\n%s", body)
		}
	}
	if res := post(req{path: raise, session: ru.officer, form: form, noCSRF: true}); res.StatusCode != http.StatusForbidden {
		t.Errorf("an alert without the CSRF token: %d, want 403", res.StatusCode)
	}
	if res := post(req{path: raise, session: ru.officer, form: form}); res.StatusCode != http.StatusSeeOther ||
		res.Header.Get("Location") != "/alerts?done=raised" {
		t.Fatalf("raise: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if got := e.auditDetails(audit.ActAlertRaise); len(got) != 1 || got[0] != "ok:danger protect_location" {
		t.Errorf("audit of the alert: %q", got)
	}
	if res := post(req{path: raise, session: ru.supervisor, form: form}); res.Header.Get("Location") != childURL(childID, "?done=alert_refused") {
		t.Errorf("a second alert on the same child: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	alerts, err := fu.Alerts(ctx, officer, 0, 10)
	if err != nil || len(alerts) != 1 || !alerts[0].Protect || alerts[0].Urgency != exchange.AlertDanger {
		t.Fatalf("alerts after raising twice: %v %+v", err, alerts)
	}
	if body := get(ru.officer, childPage); !strings.Contains(body, `id="alert-cancel"`) || strings.Contains(body, `id="alert-raise"`) {
		t.Error("the child's page does not show the active alert with its cancel button")
	}

	// Sightings, both kinds, as the puller hands them over.
	other, _ := e.registerOne(ru.officerID, "Amir", "Rahimi")
	third, _ := e.registerOne(ru.officerID, "Olena", "Kovalenko")
	e.share(other, "se-ref-2")
	e.share(third, "se-ref-3")
	registered := time.Date(2025, 3, 10, 7, 30, 0, 0, time.UTC)
	for _, g := range []exchange.Sighting{
		{AlertID: "a1", LocalRef: "se-ref-1", Alerting: true, OtherCountry: "FI", Urgency: "danger", Band: "high", Registered: registered},
		{AlertID: "a2", LocalRef: "se-ref-2", OtherCountry: "DK", Urgency: "urgent", Band: "possible"},
		{AlertID: "a3", LocalRef: "se-ref-3", Urgency: "danger", Band: "high"}, // DK's alert protects the location
	} {
		if err := fu.ReceiveNotice(ctx, exchange.Notice{Type: exchange.NoticeSighting, Sighting: &g}); err != nil {
			t.Fatal(err)
		}
	}
	page := get(ru.officer, "/alerts?done=raised")
	for _, want := range []string{
		"The alert was raised",
		`<tr class="alert" data-state="active">`,
		fmt.Sprintf(`action="/alerts/%d/cancel"`, alerts[0].ID),
		`<tr class="sighting" data-country="FI">`,
		"2025-03-10 07:30",
		"Contact the NCP of DK at once.",
		"The alerting country protects the child",
		fmt.Sprintf(`href="/children/%d"`, third),
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the alerts page lacks %q", want)
		}
	}
	abroad := page[strings.Index(page, `id="sightings-abroad"`):strings.Index(page, `id="sightings-here"`)]
	if strings.Contains(abroad, "DK") {
		t.Error("a sighting of another country's alert is listed among our children abroad")
	}

	// Cancelled: withdrawn, audited, and offered again while still missing.
	cancel := fmt.Sprintf("/alerts/%d/cancel", alerts[0].ID)
	if res := post(req{path: cancel, session: ru.supervisor}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/alerts?done=cancelled" {
		t.Fatalf("cancel: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if got := e.auditDetails(audit.ActAlertCancel); len(got) != 1 {
		t.Errorf("audit of the cancellation: %q", got)
	}
	page = get(ru.officer, "/alerts")
	if !strings.Contains(page, `data-state="cancelled"`) || strings.Contains(page, cancel) {
		t.Error("the cancelled alert is still shown as active")
	}
	if res := post(req{path: cancel, session: ru.officer}); res.Header.Get("Location") != "/alerts" {
		t.Errorf("cancelling twice: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if got := e.auditDetails(audit.ActAlertCancel); len(got) != 1 {
		t.Errorf("a second cancellation was audited: %q", got)
	}
	if body := get(ru.officer, childPage); !strings.Contains(body, `id="alert-raise"`) {
		t.Error("the record of a child still missing offers no new alert after a cancellation")
	}
}

// TestAlertsNotConnected: on a node without a hub the page says so and
// the forms answer 404.
func TestAlertsNotConnected(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ru := newRegistryUsers(e)
	rec := e.do(h, req{method: "GET", path: "/alerts", session: ru.officer})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "not connected") {
		t.Errorf("alerts without a hub: %d", rec.Code)
	}
	childID, _ := e.registerOne(ru.officerID, "Zahra", "Ahmadi")
	if rec := e.do(h, req{method: "POST", path: childURL(childID, "/alert"), session: ru.officer, form: url.Values{"urgency": {"urgent"}}}); rec.Code != http.StatusNotFound {
		t.Errorf("raise without a hub: %d, want 404", rec.Code)
	}
}
