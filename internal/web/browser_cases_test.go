package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cbss-egcc/childcentre/internal/auth"
)

// click clicks the element matched by css without waiting for a page.
func (tb *tab) click(css string) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.Click(chromedp.CSS(css))); err != nil {
		tb.t.Fatalf("click %s: %v", css, err)
	}
}

// expectAt checks that the browser is at a path matching re, with heading.
func (tb *tab) expectAt(status, wantStatus int64, re, heading string) string {
	tb.t.Helper()
	if status != wantStatus {
		tb.t.Errorf("status %d, want %d", status, wantStatus)
	}
	p := tb.path()
	if !regexp.MustCompile(re).MatchString(p) {
		tb.t.Fatalf("at %s, want %s", p, re)
	}
	if h := tb.text("h1"); h != heading {
		tb.t.Fatalf("heading %q, want %q", h, heading)
	}
	return p
}

// TestBrowserRegistry: an officer registers a child through the forms,
// finds the child again under another spelling, opens the case and marks
// the child missing; then an auditor sees the registration, the readings
// and the change in the audit log.
func TestBrowserRegistry(t *testing.T) {
	tb := newTab(t)
	e := tb.e
	o, opw := e.user("fia.officer", auth.RoleOfficer, "SE")
	e.enrol(o.Username, opw)
	a, apw := e.user("gun.auditor", auth.RoleAuditor, "SE")
	e.enrol(a.Username, apw)

	tb.signIn(o.Username, opw)
	tb.expectPage(tb.submit("nav.site-nav a[href='/children']"), 200, "/children", "Children")
	tb.expectPage(tb.submit("#register-link"), 200, "/children/new", "Register a child")

	// The form, as an officer fills it in: names with diacritics, a date,
	// radio buttons, a checkbox, an alias row.
	tb.fill("given_names", "Łukasz", "family_name", "Kowalski", "birth_date", "2011-07-14",
		"citizenships", "PL", "alias_name_0", "Lukas Kovalski", "alias_source_0", "police")
	for _, id := range []string{"#sex-male", "#category-presumed_trafficking", "#evidence-presumed", "#exploitation-forced_labour"} {
		tb.click(id)
	}
	childPath := tb.expectAt(tb.submit("#register-submit"), 200, `^/children/\d+\?done=registered$`, "Child")
	if n := tb.text(".notice"); !strings.Contains(n, "The child has been registered") {
		t.Fatalf("notice %q", n)
	}
	if id := tb.text("main"); !strings.Contains(id, "Łukasz") || !strings.Contains(id, "Lukas Kovalski") || !strings.Contains(id, "Presumed victim of trafficking") {
		t.Fatalf("child page:\n%s", id)
	}
	childID := regexp.MustCompile(`\d+`).FindString(childPath)

	// Found again under another spelling, without the diacritic.
	tb.open("/children")
	tb.fill("q", "Lukasz Kowalsky")
	tb.expectAt(tb.submit("#search-submit"), 200, `^/children/search$`, "Children")
	if row := tb.text("#results tbody tr"); !strings.Contains(row, "Łukasz Kowalski") {
		t.Fatalf("first result %q", row)
	}
	tb.expectAt(tb.submit("#results tbody tr a"), 200, `^/children/`+childID+`$`, "Child")

	// The case, and the child marked missing.
	casePath := tb.expectAt(tb.submit("#cases tbody a"), 200, `^/cases/\d+$`, "Case")
	caseID := strings.TrimPrefix(casePath, "/cases/")
	tb.expectAt(tb.submit("#mark-missing"), 200, `^/cases/`+caseID+`\?done=missing$`, "Case")
	if n := tb.text(".notice"); n != "The child is recorded as missing." {
		t.Fatalf("notice %q", n)
	}
	if b := tb.text("#missing-badge"); b != "Missing" {
		t.Fatalf("badge %q", b)
	}
	if ev := tb.text("#timeline tbody tr.event-went_missing"); !strings.Contains(ev, "Went missing") {
		t.Fatalf("timeline row %q", ev)
	}

	// The auditor reads it all in the audit log.
	tb.submit(".who button[type=submit]")
	tb.signIn(a.Username, apw)
	tb.open("/audit")
	tb.fill("target", "child:"+childID)
	tb.expectAt(tb.submit("form[action='/audit'] button[type=submit]"), 200, `^/audit\?`, "Audit log")
	log := tb.text("table.audit tbody")
	for _, want := range []string{"Child registered", "Child record opened", o.Username} {
		if !strings.Contains(log, want) {
			t.Errorf("audit entries for the child lack %q:\n%s", want, log)
		}
	}
	tb.open("/audit")
	tb.fill("target", "case:"+caseID)
	tb.submit("form[action='/audit'] button[type=submit]")
	if log := tb.text("table.audit tbody"); !strings.Contains(log, "Case opened") || !strings.Contains(log, "Case record read") ||
		!regexp.MustCompile(`Case changed\s.*missing`).MatchString(log) {
		t.Errorf("audit entries for the case:\n%s", log)
	}
	tb.open("/audit?action=child.search")
	if log := tb.text("table.audit tbody"); !strings.Contains(log, "Registry searched") || strings.Contains(log, "Lukasz") {
		t.Errorf("search entries:\n%s", log)
	}
	// And the auditor has no access to the registry itself.
	tb.expectPage(tb.open(childPath), http.StatusForbidden, childPath, "Not allowed")
}
