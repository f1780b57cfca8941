package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
)

// linkRE finds the URLs a page makes a browser request: links, form
// actions, sources.
var linkRE = regexp.MustCompile(`(?:href|action|src)="([^"]*)"`)

// TestNoIdentifyingTermsInURLs crawls every route of the node as every
// role, following every link and form on every page, and runs a search by
// name and a registration: no URL the node serves, links to or redirects
// to may carry a child's name or national reference, since browser
// history, proxies and access logs keep URLs (issue 10 M1).
func TestNoIdentifyingTermsInURLs(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ru := newRegistryUsers(e)
	ctx := context.Background()
	officer := auth.Actor{UserID: ru.officerID, Role: auth.RoleOfficer, Country: "SE"}
	child, kase, err := e.cases.Register(ctx, officer, cases.ChildInput{NationalRef: "NR-7731-QX", GivenNames: "Zebulonia",
		FamilyName: "Quixotez", BirthDate: "2012-04", Sex: cases.SexFemale, Aliases: []cases.Alias{{Name: "Ксенофонтa"}}},
		cases.CaseInput{Category: cases.CatSeparated, Evidence: cases.EvidencePresumed})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.cases.RequestClose(ctx, officer, kase.ID, "Reunited."); err != nil {
		t.Fatal(err)
	}
	// Enough namesakes for a second page of results.
	var regs []cases.Registration
	for i := range 30 {
		regs = append(regs, cases.Registration{
			Child: cases.ChildInput{GivenNames: "Zebulonia", FamilyName: "Quixotez" + strconv.Itoa(i), BirthDate: "2011"},
			Case:  cases.CaseInput{Category: cases.CatSeparated, Evidence: cases.EvidencePresumed}})
	}
	if _, err := e.cases.Import(ctx, officer, regs, false); err != nil {
		t.Fatal(err)
	}
	terms := []string{"zebulonia", "quixotez", "nr-7731-qx", "ксенофонт", "zebulon", "quixot"}
	admin, pw := e.user("ada.admin", auth.RoleCountryAdmin, "SE")
	adminTok := e.enrol(admin.Username, pw)
	aud, pw := e.user("aud.itor", auth.RoleAuditor, "SE")
	audTok := e.enrol(aud.Username, pw)

	check := func(from, u string) {
		t.Helper()
		plain := strings.ToLower(u)
		if p, err := url.QueryUnescape(u); err == nil {
			plain += " " + strings.ToLower(p)
		}
		for _, term := range terms {
			if strings.Contains(plain, term) {
				t.Errorf("%s: URL %q carries %q", from, u, term)
			}
		}
	}
	ids := strings.NewReplacer("{id}", "0", "{file}", "style.css")
	visited := map[string]bool{}
	crawl := func(session string, start []string) {
		queue := append([]string(nil), start...)
		for len(queue) > 0 && len(visited) < 2000 {
			path := queue[0]
			queue = queue[1:]
			key := session + " " + path
			if visited[key] {
				continue
			}
			visited[key] = true
			check("link", path)
			rec := e.do(h, req{method: "GET", path: path, session: session})
			if loc := rec.Header().Get("Location"); loc != "" {
				check("redirect from "+path, loc)
			}
			for _, m := range linkRE.FindAllStringSubmatch(rec.Body.String(), -1) {
				u := strings.ReplaceAll(m[1], "&amp;", "&")
				check(path, u)
				if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
					queue = append(queue, u)
				}
			}
		}
	}
	var start []string
	for _, rt := range e.srv.Routes() {
		if rt.Method != "GET" {
			continue
		}
		p := strings.TrimSuffix(rt.Pattern, "{$}")
		switch {
		case strings.HasPrefix(p, "/children/{id}"):
			p = strings.Replace(p, "{id}", strconv.FormatInt(child.ID, 10), 1)
		case strings.HasPrefix(p, "/cases/{id}"):
			p = strings.Replace(p, "{id}", strconv.FormatInt(kase.ID, 10), 1)
		case strings.HasPrefix(p, "/admin/users/{id}"):
			p = strings.Replace(p, "{id}", strconv.FormatInt(ru.officerID, 10), 1)
		}
		start = append(start, ids.Replace(p))
	}
	for _, s := range []string{ru.officer, ru.supervisor, adminTok, audTok} {
		crawl(s, start)
	}
	if len(visited) < 4*len(start) {
		t.Fatalf("crawled %d pages, fewer than every route for every role", len(visited))
	}

	// A search by name and a registration: their pages and redirects.
	rec := e.do(h, req{method: "POST", path: "/children/search", form: url.Values{"q": {"Zebulonia Quixotez"}}, session: ru.officer})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Zebulonia") || !strings.Contains(rec.Body.String(), `id="search-next"`) {
		t.Fatalf("search by name: %d", rec.Code)
	}
	// Its second page is reached by POST too, with the terms in the body.
	rec = e.do(h, req{method: "POST", path: "/children/search", form: url.Values{"q": {"Zebulonia Quixotez"}, "page": {"2"}}, session: ru.officer})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `id="search-prev"`) {
		t.Fatalf("second page of the search: %d", rec.Code)
	}
	for _, m := range linkRE.FindAllStringSubmatch(rec.Body.String(), -1) {
		check("search results", m[1])
	}
	form := registration("Zebulonia", "Quixotez", "2012-04")
	form.Set("national_ref", "NR-7731-QX2")
	form.Set("step", "register")
	rec = e.do(h, req{method: "POST", path: "/children", form: form, session: ru.officer})
	check("registration", rec.Header().Get("Location"))
	for _, m := range linkRE.FindAllStringSubmatch(rec.Body.String(), -1) {
		check("registration page", m[1])
	}
	// A name typed into a GET URL by hand is neither searched nor echoed.
	rec = e.do(h, req{method: "GET", path: "/children?q=Zebulonia", session: ru.officer})
	if strings.Contains(rec.Body.String(), `value="Zebulonia"`) || strings.Contains(rec.Body.String(), "found") && strings.Contains(rec.Body.String(), "Match") {
		t.Errorf("a name in a GET URL was searched")
	}
}
