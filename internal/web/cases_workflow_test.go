package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/web/i18n"
)

// The case registry's records over HTTP: editing at a version, the case's
// workflow with four eyes, the print view, every page in every language.

// registerOne registers a child through the service and returns the ids.
func (e *testEnv) registerOne(officerID int64, given, family string) (childID, caseID int64) {
	e.t.Helper()
	c, k, err := e.cases.Register(context.Background(), auth.Actor{UserID: officerID, Role: auth.RoleOfficer, Country: "SE"},
		cases.ChildInput{GivenNames: given, FamilyName: family, BirthDate: "2012-04", Sex: cases.SexFemale, Citizenships: []string{"AF"}},
		cases.CaseInput{Category: cases.CatSeparated, Evidence: cases.EvidencePresumed})
	if err != nil {
		e.t.Fatal(err)
	}
	return c.ID, k.ID
}

// TestChildEditConflict: two officers open the same record; the second to
// save is told that it changed, keeps what they typed, and saved nothing.
func TestChildEditConflict(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ru := newRegistryUsers(e)
	childID, _ := e.registerOne(ru.officerID, "Zahra", "Ahmadi")
	edit := childURL(childID, "/edit")

	formA := e.do(h, req{method: "GET", path: edit, session: ru.officer}).Body.String()
	formB := e.do(h, req{method: "GET", path: edit, session: ru.officer2}).Body.String()
	if !strings.Contains(formA, `name="version" value="1"`) || !strings.Contains(formA, `value="Zahra"`) || !strings.Contains(formA, `value="2012-04"`) {
		t.Fatalf("edit form:\n%s", formA)
	}
	_ = formB
	post := func(session, family string) *http.Response {
		f := url.Values{"version": {"1"}, "given_names": {"Zahra"}, "family_name": {family}, "birth_date": {"2012-04"},
			"sex": {"female"}, "citizenships": {"AF"}}
		return e.do(h, req{method: "POST", path: edit, session: session, form: f}).Result()
	}
	if res := post(ru.officer, "Ahmadi-Karimi"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != childURL(childID, "?done=updated") {
		t.Fatalf("first save: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	rec := e.do(h, req{method: "POST", path: edit, session: ru.officer2, form: url.Values{"version": {"1"}, "given_names": {"Sahra"},
		"family_name": {"Ahmady"}, "birth_date": {"2012-04"}, "sex": {"female"}, "citizenships": {"AF"}}})
	body := rec.Body.String()
	if rec.Code != http.StatusConflict || !strings.Contains(body, "Someone else changed this record since you opened it") ||
		!strings.Contains(body, `value="Sahra"`) || !strings.Contains(body, `value="Ahmady"`) || !strings.Contains(body, `id="current-record"`) {
		t.Fatalf("conflict: %d\n%s", rec.Code, body)
	}
	c, err := e.cases.Child(context.Background(), auth.SystemActor, childID)
	if err != nil || c.FamilyName != "Ahmadi-Karimi" || c.Version != 2 {
		t.Fatalf("child after the conflict: %+v, %v", c, err)
	}
	// The history names the change, by whom (by username), without values.
	body = e.do(h, req{method: "GET", path: childURL(childID, "/history"), session: ru.officer}).Body.String()
	if !strings.Contains(body, "<td>Changed</td>") || !strings.Contains(body, "<td>Family name</td>") || !strings.Contains(body, "<td><bdi>olga.officer</bdi></td>") ||
		strings.Contains(body, "Ahmadi") {
		t.Fatalf("history:\n%s", body)
	}
}

// TestCaseWorkflow: missing and found, an event, closing with four eyes:
// an officer cannot approve, a supervisor cannot approve their own
// request, another supervisor can; a refusal reopens the case.
func TestCaseWorkflow(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ru := newRegistryUsers(e)
	_, caseID := e.registerOne(ru.officerID, "Hanna", "Tesfay")
	page := caseURL(caseID, "")
	post := func(session, action string, form url.Values) *http.Response {
		return e.do(h, req{method: "POST", path: caseURL(caseID, action), session: session, form: form}).Result()
	}
	done := func(res *http.Response, what string) {
		t.Helper()
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != caseURL(caseID, "?done="+what) {
			t.Fatalf("%s: %d %s", what, res.StatusCode, res.Header.Get("Location"))
		}
	}

	done(post(ru.officer, "/missing", nil), "missing")
	body := e.do(h, req{method: "GET", path: page + "?done=missing", session: ru.officer}).Body.String()
	if !strings.Contains(body, `id="missing-badge"`) || !strings.Contains(body, `id="mark-found"`) || !strings.Contains(body, "<td>Went missing</td>") {
		t.Fatalf("after marking missing:\n%s", body)
	}
	done(post(ru.officer, "/found", nil), "found")
	done(post(ru.officer, "/events", url.Values{"event_type": {"placed"}, "event_date": {"2025-03-09"}, "event_time": {"14:30"},
		"municipality": {"Malmö"}, "place_type": {"foster_family"}, "event_notes": {"Placed with a foster family."}}), "event")
	body = e.do(h, req{method: "GET", path: page, session: ru.officer}).Body.String()
	if strings.Contains(body, `id="missing-badge"`) || !strings.Contains(body, "2025-03-09 14:30 UTC") || !strings.Contains(body, "<td>Malmö</td>") {
		t.Fatalf("timeline:\n%s", body)
	}
	// An event in the future is refused on its field, the input kept.
	rec := e.do(h, req{method: "POST", path: caseURL(caseID, "/events"), session: ru.officer, form: url.Values{
		"event_type": {"referred"}, "event_date": {"2030-01-01"}, "municipality": {"Lund"}}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `<a href="#event_date">`) || !strings.Contains(rec.Body.String(), `value="Lund"`) {
		t.Fatalf("future event: %d", rec.Code)
	}

	// Closing: a reason is needed.
	rec = e.do(h, req{method: "POST", path: caseURL(caseID, "/close-request"), session: ru.officer, form: url.Values{"reason": {"  "}}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `<a href="#reason">Give a reason`) {
		t.Fatalf("closing without a reason: %d", rec.Code)
	}
	done(post(ru.officer, "/close-request", url.Values{"reason": {"Returned to her family."}}), "close_requested")
	// The officer has no approval: the route refuses them.
	if res := post(ru.officer, "/close-approve", nil); res.StatusCode != http.StatusForbidden {
		t.Fatalf("officer approving: %d", res.StatusCode)
	}
	if body := e.do(h, req{method: "GET", path: page, session: ru.officer}).Body.String(); strings.Contains(body, `id="close-approve"`) ||
		!strings.Contains(body, "A supervisor must approve or refuse the closure.") {
		t.Fatal("the officer is offered approval")
	}
	// A supervisor refuses; the case is open again, with the refusal shown.
	done(post(ru.supervisor, "/close-reject", url.Values{"reject_reason": {"Check the return first."}}), "close_rejected")
	body = e.do(h, req{method: "GET", path: page, session: ru.officer}).Body.String()
	if !strings.Contains(body, "Check the return first.") || !strings.Contains(body, `id="close-request"`) {
		t.Fatalf("after the refusal:\n%s", body)
	}
	// The supervisor requests closing and cannot approve their own request.
	done(post(ru.supervisor, "/close-request", url.Values{"reason": {"Return confirmed."}}), "close_requested")
	if body := e.do(h, req{method: "GET", path: page, session: ru.supervisor}).Body.String(); strings.Contains(body, `id="close-approve"`) ||
		!strings.Contains(body, "another supervisor must approve or refuse it") {
		t.Fatal("the requester is offered approval")
	}
	rec = e.do(h, req{method: "POST", path: caseURL(caseID, "/close-approve"), session: ru.supervisor})
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "another supervisor must approve it") {
		t.Fatalf("approving one's own request: %d", rec.Code)
	}
	done(post(ru.supervisor2, "/close-approve", nil), "closed")
	body = e.do(h, req{method: "GET", path: page, session: ru.officer}).Body.String()
	if !strings.Contains(body, `<span class="badge status" id="case-status">Closed</span>`) || strings.Contains(body, `id="mark-missing"`) || strings.Contains(body, `id="case-edit"`) {
		t.Fatalf("closed case:\n%s", body)
	}
	// A closed case refuses events.
	rec = e.do(h, req{method: "POST", path: caseURL(caseID, "/missing"), session: ru.officer})
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "The case is closed") {
		t.Fatalf("event on a closed case: %d", rec.Code)
	}
	if n := e.countAudit(audit.ActCaseCloseApprove, caseTarget(caseID)); n != 2 {
		t.Fatalf("%d case.close_approve entries (a refusal and an approval), want 2", n)
	}
}

// TestCaseEditAndPrint: the case edit form saves at its version, refuses a
// stale one, and the print view has the record without navigation.
func TestCaseEditAndPrint(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ru := newRegistryUsers(e)
	_, caseID := e.registerOne(ru.officerID, "Lina", "Haddad")
	form := e.do(h, req{method: "GET", path: caseURL(caseID, "/edit"), session: ru.officer}).Body.String()
	if !strings.Contains(form, `id="category-separated" name="category" value="separated" checked`) || !strings.Contains(form, `name="version" value="1"`) {
		t.Fatalf("case edit form:\n%s", form)
	}
	f := url.Values{"version": {"1"}, "category": {"presumed_trafficking"}, "evidence": {"presumed"}, "exploitation": {"forced_labour"},
		"placement": {"foster_family"}, "handling": {"H3"}, "consent": {"yes"}, "legal_basis": {"Act 2023:12 s. 4"}}
	if rec := e.do(h, req{method: "POST", path: caseURL(caseID, "/edit"), session: ru.officer, form: f}); rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", rec.Code, rec.Body.String())
	}
	f.Set("handling", "H1")
	rec := e.do(h, req{method: "POST", path: caseURL(caseID, "/edit"), session: ru.officer2, form: f})
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "Someone else changed this case") || !strings.Contains(rec.Body.String(), `id="handling-H1" name="handling" value="H1" checked`) {
		t.Fatalf("stale save: %d", rec.Code)
	}

	rec = e.do(h, req{method: "GET", path: caseURL(caseID, "/print"), session: ru.officer})
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, `<body class="print-view">`) || strings.Contains(body, `class="site-nav"`) ||
		strings.Contains(body, `action="/signout"`) || !strings.Contains(body, "H3 – other restrictions") ||
		!strings.Contains(body, "Presumed victim of trafficking") || !strings.Contains(body, "Haddad") || !strings.Contains(body, "Printed on 2025-03-10") {
		t.Fatalf("print view:\n%s", body)
	}
}

// TestRegistryPagesEveryLanguage renders every registry page in every
// language (the env fails the test on a missing translation), and the
// roles without the registry get neither the navigation entry nor a page.
func TestRegistryPagesEveryLanguage(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ru := newRegistryUsers(e)
	childID, caseID := e.registerOne(ru.officerID, "Sara", "Bekele")
	if err := e.cases.RequestClose(context.Background(), auth.Actor{UserID: ru.officerID, Role: auth.RoleOfficer, Country: "SE"}, caseID, "Reunited."); err != nil {
		t.Fatal(err)
	}
	paths := []string{"/children", "/children?q=Sarah", "/children?to=bad", "/children/new", childURL(childID, ""), childURL(childID, "/edit"),
		childURL(childID, "/history"), caseURL(caseID, ""), caseURL(caseID, "/edit"), caseURL(caseID, "/print"), "/"}
	for _, lang := range i18n.Languages {
		hd := http.Header{"Accept-Language": {lang}}
		for _, path := range paths {
			rec := e.do(h, req{method: "GET", path: path, session: ru.supervisor, header: hd})
			if rec.Code >= 500 || !strings.Contains(rec.Body.String(), `<html lang="`+lang+`">`) {
				t.Errorf("%s %s: %d", lang, path, rec.Code)
			}
		}
		rec := e.do(h, req{method: "POST", path: "/children", session: ru.officer, header: hd, form: url.Values{"step": {"check"}}})
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: empty registration: %d", lang, rec.Code)
		}
		rec = e.do(h, req{method: "POST", path: "/children", session: ru.officer, header: hd, form: registration("Sarah", "Bekele", "2012-04")})
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="register-new"`) {
			t.Errorf("%s: duplicates page: %d", lang, rec.Code)
		}
	}
	// The dashboard links the registry for case workers only.
	if body := e.do(h, req{method: "GET", path: "/", session: ru.officer}).Body.String(); !strings.Contains(body, `<a href="/children">Children</a>`) ||
		!strings.Contains(body, `<a href="/children/new">Register cases</a>`) {
		t.Fatal("the officer's dashboard does not link the registry")
	}
	aud, pw := e.user("aud.se", auth.RoleAuditor, "SE")
	body := e.do(h, req{method: "GET", path: "/", session: e.enrol(aud.Username, pw)}).Body.String()
	if strings.Contains(body, `href="/children"`) {
		t.Fatal("the auditor is offered the registry")
	}
}

// TestRegistryLabels: every code of package cases has a catalogue key, so
// that no page shows a raw code.
func TestRegistryLabels(t *testing.T) {
	check := func(kind string, codes []string) {
		for _, c := range codes {
			if _, ok := enumKeys[kind][c]; !ok {
				t.Errorf("%s %q has no catalogue key", kind, c)
			}
		}
	}
	check("sex", stringsOf(cases.Sexes))
	check("precision", stringsOf(cases.Precisions))
	check("method", stringsOf(cases.AssessmentMethods))
	check("category", stringsOf(cases.Categories))
	check("exploitation", stringsOf(cases.Exploitations))
	check("evidence", stringsOf(cases.EvidenceLevels))
	check("status", stringsOf(cases.Statuses))
	check("placement", stringsOf(cases.Placements))
	check("handling", stringsOf(cases.Handlings))
	check("event", stringsOf(cases.EventTypes))
	check("place", cases.PlaceTypes)
	// History actions: the service's own and each event a user records.
	for _, c := range eventChoices[1:] {
		check("change", []string{c.Value})
	}
	check("change", []string{"create", "update", "close_requested", "close_rejected", "closed"})
}

func stringsOf[T ~string](codes []T) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = string(c)
	}
	return out
}

// TestRegistryWithoutService: a node that has not wired the registry
// answers its routes with 503, not a crash.
func TestRegistryWithoutService(t *testing.T) {
	e := newTestEnv(t)
	srv, err := New(Config{Country: "SE", Now: e.clock.Now}, Deps{Auth: e.auth, Audit: e.db, Keys: e.keys})
	if err != nil {
		t.Fatal(err)
	}
	ru := newRegistryUsers(e)
	for _, path := range []string{"/children", "/children/new", "/children/1", "/cases/1"} {
		if rec := e.do(srv.Handler(), req{method: "GET", path: path, session: ru.officer}); rec.Code != http.StatusServiceUnavailable {
			t.Errorf("%s: %d, want 503", path, rec.Code)
		}
	}
}
