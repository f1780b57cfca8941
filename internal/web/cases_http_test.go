package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
)

// The case registry's pages over HTTP, against the real services on a real
// database: registration with the duplicate check (attach, register new,
// tampered confirmations), validation, and search in other spellings and
// scripts. cases_workflow_test.go has the records and their workflow.

// registryUsers are a node's case workers, signed in.
type registryUsers struct {
	officer, officer2, supervisor, supervisor2 string // session tokens
	officerID, supervisorID                    int64
}

func newRegistryUsers(e *testEnv) registryUsers {
	e.t.Helper()
	var ru registryUsers
	o, pw := e.user("olga.officer", auth.RoleOfficer, "SE")
	ru.officer, ru.officerID = e.enrol(o.Username, pw), o.ID
	o2, pw := e.user("oskar.officer", auth.RoleOfficer, "SE")
	ru.officer2 = e.enrol(o2.Username, pw)
	s, pw := e.user("siri.super", auth.RoleSupervisor, "SE")
	ru.supervisor, ru.supervisorID = e.enrol(s.Username, pw), s.ID
	s2, pw := e.user("sune.super", auth.RoleSupervisor, "SE")
	ru.supervisor2 = e.enrol(s2.Username, pw)
	return ru
}

// registration is a complete registration form.
func registration(given, family, dob string) url.Values {
	return url.Values{
		"given_names": {given}, "family_name": {family}, "birth_date": {dob}, "sex": {"male"},
		"citizenships": {"SY"}, "languages": {"ar"},
		"alias_name_0": {""}, "alias_script_0": {""}, "alias_source_0": {""},
		"category": {"unaccompanied"}, "evidence": {"identified"}, "exploitation": {"forced_labour", "sexual"},
		"placement": {"reception_centre"}, "handling": {"H2"}, "responsible_org": {"Migrationsverket"},
		"step": {"check"},
	}
}

// idFrom returns the number after prefix in a redirect's Location.
func idFrom(t *testing.T, loc, prefix string) int64 {
	t.Helper()
	rest, ok := strings.CutPrefix(loc, prefix)
	if !ok {
		t.Fatalf("redirect to %q, want %s…", loc, prefix)
	}
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		rest = rest[:i]
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		t.Fatalf("redirect to %q: %v", loc, err)
	}
	return id
}

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)

// formOf returns the hidden fields of the form around the element with
// the given id, as the browser would send them.
func formOf(t *testing.T, body, id string) url.Values {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no element #%s in page:\n%s", id, body)
	}
	start := strings.LastIndex(body[:i], "<form")
	end := strings.Index(body[i:], "</form>")
	if start < 0 || end < 0 {
		t.Fatalf("#%s is not in a form", id)
	}
	v := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(body[start:i+end], -1) {
		v.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return v
}

// countAudit counts the audit entries with action (and target, if given).
func (e *testEnv) countAudit(action, target string) int {
	e.t.Helper()
	_, n, err := e.db.ListAudit(context.Background(), audit.Filter{Action: action, Target: target, Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// TestRegisterDuplicatesAttach: a first registration has no duplicate and
// is registered at once; a second one in another spelling shows the first
// child with its score; the officer attaches it (the child gains an alias
// and a case), or registers a new child; tampered confirmations only run
// the check again.
func TestRegisterDuplicatesAttach(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ru := newRegistryUsers(e)
	ctx := context.Background()

	rec := e.do(h, req{method: "GET", path: "/children/new", session: ru.officer})
	if body := rec.Body.String(); rec.Code != 200 || !strings.Contains(body, `id="alias_name_2"`) || !strings.Contains(body, `id="handling-H2" name="handling" value="H2" checked`) {
		t.Fatalf("registration form: %d\n%s", rec.Code, body)
	}

	rec = e.do(h, req{method: "POST", path: "/children", session: ru.officer, form: registration("Muhammad", "Al-Hassan", "2010-05-01")})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("first registration: %d\n%s", rec.Code, rec.Body.String())
	}
	first := idFrom(t, rec.Header().Get("Location"), "/children/")
	body := e.do(h, req{method: "GET", path: rec.Header().Get("Location"), session: ru.officer}).Body.String()
	if !strings.Contains(body, "The child has been registered") || !strings.Contains(body, "Al-Hassan") ||
		!strings.Contains(body, "Unaccompanied migrant child") || !strings.Contains(body, "Syria (SY)") {
		t.Fatalf("child page:\n%s", body)
	}
	if n := e.countAudit(audit.ActChildCreate, childTarget(first)); n != 1 {
		t.Fatalf("%d child.create entries", n)
	}
	if n := e.countAudit(audit.ActChildRead, childTarget(first)); n != 1 {
		t.Fatalf("opening the child's page: %d child.read entries, want 1", n)
	}

	// The same child, spelt otherwise, with an estimated year of birth.
	second := registration("Mohammed", "Alhassan", "2010")
	second.Set("birth_precision", "estimated")
	second.Set("alias_name_1", "محمد الحسن")
	second.Set("alias_source_1", "self-declared")
	rec = e.do(h, req{method: "POST", path: "/children", session: ru.officer, form: second})
	body = rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "<h1>Possible duplicates</h1>") || !strings.Contains(body, `id="attach-`+strconv.FormatInt(first, 10)+`"`) {
		t.Fatalf("duplicates page: %d\n%s", rec.Code, body)
	}
	if !regexp.MustCompile(`<strong>\d{2,3}%</strong>`).MatchString(body) {
		t.Fatal("the candidate's score is not shown")
	}
	attachForm := formOf(t, body, "attach-"+strconv.FormatInt(first, 10))
	if attachForm.Get("given_names") != "Mohammed" || attachForm.Get("alias_name_1") != "محمد الحسن" || attachForm.Get("dup_token") == "" {
		t.Fatalf("the attach form does not carry the registration: %v", attachForm)
	}

	// A confirmation for a child that was not shown, or for other data,
	// runs the check again and registers nothing.
	forged := url.Values{}
	for k, v := range attachForm {
		forged[k] = v
	}
	forged.Set("attach", "999")
	changed := url.Values{}
	for k, v := range formOf(t, body, "register-new") {
		changed[k] = v
	}
	changed.Set("family_name", "Alhasan")
	for name, f := range map[string]url.Values{"other child": forged, "changed data": changed} {
		rec := e.do(h, req{method: "POST", path: "/children", session: ru.officer, form: f})
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "<h1>Possible duplicates</h1>") {
			t.Fatalf("%s: %d, want the duplicates page again", name, rec.Code)
		}
	}
	// Another user's session (with its own CSRF token) cannot replay the
	// officer's duplicate token.
	replay := url.Values{}
	for k, v := range attachForm {
		replay[k] = v
	}
	replay.Del("csrf")
	rec = e.do(h, req{method: "POST", path: "/children", session: ru.officer2, form: replay})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "<h1>Possible duplicates</h1>") {
		t.Fatalf("replayed token: %d", rec.Code)
	}
	if n := e.countAudit(audit.ActChildCreate, ""); n != 1 {
		t.Fatalf("%d children created by refused confirmations", n-1)
	}

	// "Change the registration" goes back to the form with everything typed.
	rec = e.do(h, req{method: "POST", path: "/children", session: ru.officer, form: formOf(t, body, "register-edit")})
	if b := rec.Body.String(); rec.Code != 200 || !strings.Contains(b, `value="Mohammed"`) || !strings.Contains(b, `value="محمد الحسن"`) ||
		!strings.Contains(b, `id="exploitation-sexual" name="exploitation" value="sexual" checked`) || !strings.Contains(b, `value="estimated" selected`) {
		t.Fatalf("back to the form:\n%s", b)
	}

	// Attach: the child keeps its identity and gains the aliases and a case.
	rec = e.do(h, req{method: "POST", path: "/children", session: ru.officer, form: attachForm})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("attach: %d\n%s", rec.Code, rec.Body.String())
	}
	newCase := idFrom(t, rec.Header().Get("Location"), "/cases/")
	if b := e.do(h, req{method: "GET", path: rec.Header().Get("Location"), session: ru.officer}).Body.String(); !strings.Contains(b, "attached to the child already held") {
		t.Fatalf("case page after attaching:\n%s", b)
	}
	c, err := e.cases.Child(ctx, auth.SystemActor, first)
	if err != nil {
		t.Fatal(err)
	}
	if c.GivenNames != "Muhammad" || len(c.Aliases) != 2 || c.Aliases[0].Name != "Mohammed Alhassan" || c.Aliases[1].Script != "Arab" {
		t.Fatalf("child after attaching: %+v", c)
	}
	ks, err := e.cases.CasesOf(ctx, auth.SystemActor, first)
	if err != nil || len(ks) != 2 || ks[0].ID != newCase {
		t.Fatalf("cases after attaching: %v, %v", ks, err)
	}

	// "Register as a new child" registers another child despite the candidate.
	third := registration("Muhammad", "Al Hassan", "2010-05-01") // a clear candidate whatever the keys
	rec = e.do(h, req{method: "POST", path: "/children", session: ru.officer, form: third})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Possible duplicates") {
		t.Fatalf("third registration: %d", rec.Code)
	}
	rec = e.do(h, req{method: "POST", path: "/children", session: ru.officer, form: formOf(t, rec.Body.String(), "register-new")})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("register new: %d\n%s", rec.Code, rec.Body.String())
	}
	if id := idFrom(t, rec.Header().Get("Location"), "/children/"); id == first {
		t.Fatal("registered as new, but got the first child")
	}
	if n := e.countAudit(audit.ActChildCreate, ""); n != 2 {
		t.Fatalf("%d child.create entries, want 2", n)
	}
}

// TestRegisterValidation: errors of the form's own checks and of the
// service are listed in the summary, linked to their inputs (a row's error
// to the row it was typed in) and shown beside them, and what was typed
// stays.
func TestRegisterValidation(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ru := newRegistryUsers(e)

	f := url.Values{"birth_date": {"2010-13-45"}, "alias_source_1": {"police"}, "notes": {"line one\nline two"},
		"citizenships": {"Narnia"}, "step": {"check"}}
	rec := e.do(h, req{method: "POST", path: "/children", session: ru.officer, form: f})
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("status %d\n%s", rec.Code, body)
	}
	for _, want := range []string{
		`<a href="#given_names">Enter a given name or a family name`,
		`<a href="#category">Choose the category of the case.</a>`,
		`<a href="#evidence">Choose the evidence level.</a>`,
		`<a href="#birth_date">Enter the date of birth as YYYY-MM-DD`,
		`<a href="#alias_name_1">Alias 2: enter the name`,
		`<a href="#citizenships">Enter at most 8 country codes`,
		`id="birth_date" name="birth_date" type="text" value="2010-13-45"`,
		`aria-describedby="birth_date-hint birth_date-error" aria-invalid="true"`,
		`id="alias_source_1" name="alias_source_1" type="text" value="police"`,
		">line one\nline two</textarea>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(body)
	}
	if n := e.countAudit(audit.ActChildCreate, ""); n != 0 {
		t.Fatal("an invalid registration was saved")
	}

	// A national reference registered twice is refused on its field.
	ok := registration("Amina", "Yusuf", "2009")
	ok.Set("national_ref", "MIG-2025-0001")
	if rec := e.do(h, req{method: "POST", path: "/children", session: ru.officer, form: ok}); rec.Code != http.StatusSeeOther {
		t.Fatalf("registration: %d", rec.Code)
	}
	other := registration("Tesfaye", "Gebremedhin", "2008")
	other.Set("national_ref", "MIG-2025-0001")
	rec = e.do(h, req{method: "POST", path: "/children", session: ru.officer, form: other})
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), `<a href="#national_ref">Another child is already registered`) {
		t.Fatalf("duplicate national reference: %d\n%s", rec.Code, rec.Body.String())
	}
}

// searchNames returns the names in the results table, in order.
func searchNames(body string) []string {
	var out []string
	// Names are isolated in <bdi> (issue 10 L3): a name written right to
	// left cannot reorder what follows it.
	for _, m := range regexp.MustCompile(`<a href="/children/\d+"><bdi>([^<]*)</bdi> <bdi>([^<]*)</bdi></a>`).FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]+" "+m[2]))
	}
	return out
}

// TestSearchSpellings: the search box finds children under other
// spellings and scripts, ranks them, filters by case, and is audited
// without its terms.
func TestSearchSpellings(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ru := newRegistryUsers(e)
	ctx := context.Background()
	officer := auth.Actor{UserID: ru.officerID, Role: auth.RoleOfficer, Country: "SE"}
	ids := map[string]int64{}
	for _, n := range []struct{ given, family string }{
		{"Muhammad", "Al-Hassan"}, {"Łukasz", "Kowalski"}, {"Олександр", "Шевченко"}, {"Amina", "Yusuf"}, {"Muhammad", "Karimi"},
	} {
		c, _, err := e.cases.Register(ctx, officer, cases.ChildInput{GivenNames: n.given, FamilyName: n.family, BirthDate: "2010", Sex: cases.SexMale},
			cases.CaseInput{Category: cases.CatUnaccompanied, Evidence: cases.EvidenceIdentified})
		if err != nil {
			t.Fatal(err)
		}
		ids[n.given+" "+n.family] = c.ID
	}
	for _, tc := range []struct{ q, first string }{
		{"Mohammed Alhassan", "Muhammad Al-Hassan"},
		{"Lukasz", "Łukasz Kowalski"},
		{"Oleksandr", "Олександр Шевченко"},
	} {
		rec := e.do(h, req{method: "POST", path: "/children/search", form: url.Values{"q": {tc.q}}, session: ru.officer})
		names := searchNames(rec.Body.String())
		if rec.Code != 200 || len(names) == 0 || names[0] != tc.first {
			t.Errorf("%q: %d, found %q, want %q first", tc.q, rec.Code, names, tc.first)
		}
		if !strings.Contains(rec.Body.String(), `value="`+html.EscapeString(tc.q)+`"`) {
			t.Errorf("%q: the search box does not keep the text", tc.q)
		}
	}
	// Listing, and a filter on the children's cases.
	if names := searchNames(e.do(h, req{method: "GET", path: "/children", session: ru.officer}).Body.String()); len(names) != 5 || names[0] != "Muhammad Karimi" {
		t.Fatalf("listing: %q", names)
	}
	ks, err := e.cases.CasesOf(ctx, officer, ids["Amina Yusuf"])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.cases.AddEvent(ctx, officer, ks[0].ID, cases.EventInput{Type: cases.EvWentMissing}); err != nil {
		t.Fatal(err)
	}
	body := e.do(h, req{method: "GET", path: "/children?missing=yes", session: ru.officer}).Body.String()
	if names := searchNames(body); len(names) != 1 || names[0] != "Amina Yusuf" || !strings.Contains(body, `<span class="badge missing">Missing</span>`) {
		t.Fatalf("missing filter: %q", names)
	}
	if rec := e.do(h, req{method: "GET", path: "/children?from=2025-99-01&status=bogus", session: ru.officer}); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), `<a href="#from">`) || !strings.Contains(rec.Body.String(), `<a href="#status">`) {
		t.Fatalf("bad filters: %d", rec.Code)
	}
	// Searches are audited with counts and ids, never the terms.
	entries, n, err := e.db.ListAudit(ctx, audit.Filter{Action: audit.ActChildSearch})
	if err != nil || n != 5 {
		t.Fatalf("%d child.search entries, %v", n, err)
	}
	for _, en := range entries {
		if strings.Contains(strings.ToLower(en.Detail), "lukasz") || strings.Contains(en.Detail, "Mohammed") {
			t.Fatalf("search terms in the audit log: %q", en.Detail)
		}
	}
}

func childTarget(id int64) string { return "child:" + strconv.FormatInt(id, 10) }
func caseTarget(id int64) string  { return "case:" + strconv.FormatInt(id, 10) }
