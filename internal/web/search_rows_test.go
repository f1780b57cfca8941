package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
)

// TestSearchRowsEscapeNames: the result rows are written without the
// template's escaping (handlers_cases_search.go), so every text in them
// must be escaped there. Names may hold any printable character.
func TestSearchRowsEscapeNames(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ru := newRegistryUsers(e)
	officer := auth.Actor{UserID: ru.officerID, Role: auth.RoleOfficer, Country: "SE"}
	given, family := `<script>alert("x")</script>`, `O'Brien & <b>Sons</b>`
	if _, _, err := e.cases.Register(context.Background(), officer, cases.ChildInput{GivenNames: given, FamilyName: family,
		BirthDate: "2010", Sex: cases.SexMale}, cases.CaseInput{Category: cases.CatUnaccompanied, Evidence: cases.EvidenceIdentified}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []req{
		{method: "POST", path: "/children/search", form: url.Values{"q": {"Sons OBrien"}}, session: ru.officer},
		{method: "GET", path: "/children", session: ru.officer},
	} {
		body := e.do(h, r).Body.String()
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<b>Sons") {
			t.Errorf("%s %s: a name reached the page unescaped", r.method, r.path)
		}
		want := `<bdi>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</bdi> <bdi>O&#39;Brien &amp; &lt;b&gt;Sons&lt;/b&gt;</bdi>`
		if !strings.Contains(body, want) {
			t.Errorf("%s %s: the escaped name is not in the results", r.method, r.path)
		}
		if names := searchNames(body); len(names) != 1 || names[0] != given+" "+family {
			t.Errorf("%s %s: results %q", r.method, r.path, names)
		}
	}
}
