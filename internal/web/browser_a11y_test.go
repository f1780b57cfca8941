package web

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/webtest"
)

// TestBrowserAccessibility opens every page of the node in Chromium, as
// the role that sees it, and runs axe-core (WCAG 2.0–2.2, A and AA) on
// it: any violation fails the test, listed with the elements.
func TestBrowserAccessibility(t *testing.T) {
	tb := newTab(t)
	// axe-core takes a moment per page: a deadline of its own, not the
	// 20 s of one browser test.
	ctx, cancel := context.WithTimeout(tb.tabCtx, 3*time.Minute)
	defer cancel()
	tb.ctx = ctx
	e := tb.e
	// check opens path, wants the status (200 unless the path's own), and
	// runs axe-core on the page.
	check := func(path string, status ...int64) {
		t.Helper()
		want := int64(200)
		if len(status) > 0 {
			want = status[0]
		}
		if got := tb.open(path); got != want {
			t.Errorf("%s: status %d, want %d", path, got, want)
		}
		webtest.RequireAccessible(t, ctx, path)
	}

	// Signed out, and part-way through signing in.
	check("/signin")
	n, npw := e.user("new.user", auth.RoleOfficer, "SE")
	tb.open("/signin")
	tb.fill("username", n.Username, "password", npw)
	tb.submit("form[action='/signin'] button[type=submit]")
	webtest.RequireAccessible(t, ctx, "/enrol")
	tb.submit("form[action='/signout'] button[type=submit]")

	s, spw := e.user("sam.super", auth.RoleSupervisor, "SE")
	e.enrol(s.Username, spw)
	tb.open("/signin")
	tb.fill("username", s.Username, "password", spw)
	tb.submit("form[action='/signin'] button[type=submit]")
	webtest.RequireAccessible(t, ctx, "/signin/code")
	tb.fill("code", e.code(s.Username))
	tb.submit("form[action='/signin/code'] button[type=submit]")

	// A supervisor: the registry, on a node with a hub (follow-up and
	// alerts): the child is missing, with an alert and sightings both ways.
	childID, caseID := e.registerOne(s.ID, "Zahra", "Ahmadi")
	otherID, _ := e.registerOne(s.ID, "Amir", "Rahimi")
	fu := e.withFollowUp()
	e.share(childID, "se-ref-1")
	e.share(otherID, "se-ref-2")
	sup := auth.Actor{UserID: s.ID, Role: auth.RoleSupervisor, Country: "SE"}
	if _, err := e.cases.AddEvent(ctx, sup, caseID, cases.EventInput{Type: cases.EvWentMissing}); err != nil {
		t.Fatal(err)
	}
	if _, err := fu.RaiseAlert(ctx, sup, childID, exchange.AlertUrgent, false); err != nil {
		t.Fatal(err)
	}
	for _, g := range []exchange.Sighting{
		{AlertID: "a1", LocalRef: "se-ref-1", Alerting: true, OtherCountry: "FI", Urgency: "urgent", Band: "high", Registered: e.clock.Now()},
		{AlertID: "a2", LocalRef: "se-ref-2", OtherCountry: "DK", Urgency: "danger", Band: "possible"},
	} {
		if err := fu.ReceiveNotice(ctx, exchange.Notice{Type: exchange.NoticeSighting, Sighting: &g}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"/", "/alerts", "/followup", fmt.Sprintf("/children/%d", otherID),
		"/children", "/children?q=Zahra", "/children/new", "/account",
		fmt.Sprintf("/children/%d", childID), fmt.Sprintf("/children/%d/edit", childID), fmt.Sprintf("/children/%d/history", childID),
		fmt.Sprintf("/cases/%d", caseID), fmt.Sprintf("/cases/%d/print", caseID), fmt.Sprintf("/cases/%d/edit", caseID)} {
		check(p)
	}
	// The possible matches abroad, and the review screen's explanations
	// unfolded (hits_explain.go).
	e.srv.deps.Hits = &fakeHits{hits: explainedHits()}
	check("/hits")
	opened, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(() => {
		const ds = document.querySelectorAll("details.explain");
		ds.forEach(d => d.open = true);
		return ds.length;
	})()`))
	if err != nil || opened != 2 {
		t.Fatalf("unfolded %d explanations (%v), want 2", opened, err)
	}
	webtest.RequireAccessible(t, ctx, "/hits (explanations unfolded)")
	check("/children?status=nonsense", 422)
	check("/nowhere", 404)
	check("/admin/users", 403)
	// The registration form with its errors shown.
	tb.open("/children/new")
	tb.submit("form[action='/children'] button[type=submit]")
	webtest.RequireAccessible(t, ctx, "/children/new (errors)")
	tb.submit("form[action='/signout'] button[type=submit]")

	// An administrator: the users.
	a, apw := e.user("ada.admin", auth.RoleCountryAdmin, "SE")
	e.enrol(a.Username, apw)
	tb.signIn(a.Username, apw)
	for _, p := range []string{"/", "/admin/users", "/admin/users/new", fmt.Sprintf("/admin/users/%d", s.ID)} {
		check(p)
	}
	tb.submit("form[action='/signout'] button[type=submit]")

	// An auditor: the audit log.
	au, aupw := e.user("aud.auditor", auth.RoleAuditor, "SE")
	e.enrol(au.Username, aupw)
	tb.signIn(au.Username, aupw)
	check("/")
	check("/audit")
}
