package api_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/api"
	"github.com/cbss-egcc/childcentre/internal/api/tokens"
)

// TestProblems: every failure is a problem details object of the right
// status and type, naming every field problem, and repeating no value sent.
func TestProblems(t *testing.T) {
	e := sqlite(t)
	tok, _ := e.token("SE", tokens.ScopeRead, tokens.ScopeWrite)
	held := e.register(tok, registration("SE-1", "Łukasz", "Nowak", "2010-03-04"))
	id := strconv.FormatInt(held.Child.ID, 10)

	bad := registration("SE-2", "Zebulon", "Quixote", "2031-01-01") // born in the future
	bad.Child.Sex = "dragon"
	bad.Child.Aliases = append(bad.Child.Aliases, api.AliasJSON{Name: "", Script: "latin"})
	bad.Case.Category = "pirate"
	bad.Case.Handling = "H9"

	big := `{"child":{"notes":"` + strings.Repeat("x", 300<<10) + `"},"case":{}}`
	tests := []struct {
		name   string
		r      req
		status int
		typ    string
		fields []string // the fields of the errors, in order; nil: no errors member
	}{
		{"validation of child and case at once", req{method: "POST", path: "/api/v1/children", body: bad}, 422, "invalid",
			[]string{"child.aliases[0].name", "child.aliases[0].script", "child.sex", "child.birth_date", "case.category", "case.handling"}},
		{"unknown field", req{method: "POST", path: "/api/v1/children", body: `{"child":{"given_names":"A","nickname":"Zebulon"},"case":{}}`},
			400, "malformed", []string{"child.nickname"}},
		{"a key that is data is not repeated", req{method: "POST", path: "/api/v1/children", body: `{"child":{"Zebulon Quixote":1},"case":{}}`},
			400, "malformed", []string{"child.(unknown field)"}},
		{"keys are spelt exactly", req{method: "POST", path: "/api/v1/children", body: `{"child":{"Given_Names":"Zebulon"},"case":{}}`},
			400, "malformed", []string{"child.Given_Names"}},
		{"a key twice", req{method: "POST", path: "/api/v1/children", body: `{"child":{"given_names":"A","given_names":"Zebulon"},"case":{}}`},
			400, "malformed", []string{"child.given_names"}},
		{"wrong types, every one", req{method: "POST", path: "/api/v1/children",
			body: `{"child":{"given_names":7,"aliases":{"name":"Zebulon"},"citizenships":["SE",3]},"case":{"consent":"yes","opened_at":"yesterday"}}`},
			400, "malformed", []string{"child.given_names", "child.aliases", "child.citizenships[1]", "case.consent", "case.opened_at"}},
		{"not JSON", req{method: "POST", path: "/api/v1/children", body: `{"child": Zebulon}`}, 400, "malformed", []string{""}},
		{"truncated JSON", req{method: "POST", path: "/api/v1/children", body: `{"child": {`}, 400, "malformed", []string{""}},
		{"empty body", req{method: "POST", path: "/api/v1/children", body: ""}, 400, "malformed", []string{""}},
		{"data after the document", req{method: "POST", path: "/api/v1/children", body: `{"child":{},"case":{}} {"child":{}}`},
			400, "malformed", []string{""}},
		{"not an object", req{method: "POST", path: "/api/v1/children", body: `["Zebulon"]`}, 400, "malformed", []string{""}},
		{"body too large", req{method: "POST", path: "/api/v1/children", body: big}, 413, "too_large", nil},
		{"not JSON by its type", req{method: "POST", path: "/api/v1/children", body: `{}`,
			header: map[string]string{"Content-Type": "text/plain"}}, 415, "unsupported_media_type", nil},
		{"no content type", req{method: "POST", path: "/api/v1/children", body: `{}`,
			header: map[string]string{"Content-Type": ""}}, 415, "unsupported_media_type", nil},
		{"a national reference already held", req{method: "POST", path: "/api/v1/children", body: registration("SE-1", "Anna", "Berg", "2011")},
			409, "conflict", []string{"child.national_ref"}},
		{"no such child", req{method: "GET", path: "/api/v1/children/999999"}, 404, "not_found", nil},
		{"not an id", req{method: "GET", path: "/api/v1/children/abc"}, 404, "not_found", nil},
		{"no such reference", req{method: "POST", path: "/api/v1/children:by-ref", body: map[string]string{"national_ref": "Zebulon"}}, 404, "not_found", nil},
		// Nothing identifying in a URL (issue 10 M1): names are POSTed.
		{"a name in the URL", req{method: "GET", path: "/api/v1/children?q=Zebulon"}, 422, "invalid", []string{"q"}},
		{"no reference", req{method: "POST", path: "/api/v1/children:by-ref", body: map[string]string{}}, 422, "invalid", []string{"national_ref"}},
		{"a search body with an unknown field", req{method: "POST", path: "/api/v1/children:search", body: map[string]any{"name": "Zebulon"}}, 400, "malformed", []string{"name"}},
		{"no such route", req{method: "GET", path: "/api/v1/nothing"}, 404, "not_found", nil},
		{"no such version of the API", req{method: "GET", path: "/api/v2/children"}, 404, "not_found", nil},
		{"method not allowed", req{method: "DELETE", path: "/api/v1/children/" + id}, 405, "method_not_allowed", nil},
		{"unknown search parameter", req{method: "GET", path: "/api/v1/children?name=Zebulon&page=0&per_page=1000&missing=maybe"},
			422, "invalid", []string{"missing", "name", "page", "per_page"}},
		{"search value the service refuses", req{method: "GET", path: "/api/v1/children?status=lost"}, 422, "invalid", []string{"status"}},
		{"search parameter twice", req{method: "GET", path: "/api/v1/children?q=a&q=b"}, 422, "invalid", []string{"q"}},
		{"an event the registry records itself", req{method: "POST", path: "/api/v1/cases/" + strconv.FormatInt(held.Case.ID, 10) + "/events",
			body: api.EventInput{Type: "closed", PlaceType: "moon", Notes: "Zebulon"}}, 422, "invalid", []string{"type", "place_type"}},
		{"a batch is posted", req{method: "GET", path: "/api/v1/registrations:batch?dry=1"}, 405, "method_not_allowed", nil},
		{"batch parameter", req{method: "POST", path: "/api/v1/registrations:batch?dry_run=yes&x=1", body: `{"registrations":[]}`},
			422, "invalid", []string{"dry_run", "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.r.token = tok
			r := e.do(tt.r)
			p := problem(t, r, tt.status, tt.typ)
			if got := fields(p); !slices.Equal(got, tt.fields) {
				t.Errorf("fields %q, want %q; problem %s", got, tt.fields, r.body)
			}
			for _, fp := range p.Errors {
				if fp.Detail == "" {
					t.Errorf("field %q has no detail", fp.Field)
				}
			}
			// The instance is a random UUID: it may contain a sent number by chance.
			body := strings.Replace(string(r.body), p.Instance, "", 1)
			for _, v := range []string{"Zebulon", "Quixote", "dragon", "pirate", "2031", "yesterday", "SE-1", "moon"} {
				if strings.Contains(body, v) {
					t.Errorf("the problem repeats %q: %s", v, r.body)
				}
			}
			if r.header.Get("Cache-Control") != "no-store" || r.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("headers %v", r.header)
			}
		})
	}

	// 405 lists the methods of the resource.
	if allow := e.do(req{method: "DELETE", path: "/api/v1/children/" + id, token: tok}).header.Get("Allow"); allow != "GET, HEAD, PUT" {
		t.Errorf("Allow = %q", allow)
	}
	// Problems name distinct occurrences.
	a := problem(t, e.do(req{method: "GET", path: "/api/v1/children/0", token: tok}), 404, "not_found")
	b := problem(t, e.do(req{method: "GET", path: "/api/v1/children/0", token: tok}), 404, "not_found")
	if a.Instance == b.Instance {
		t.Error("two problems share an instance")
	}
	// Nothing of the refused registrations was written.
	var res api.SearchResults
	e.do(req{method: "GET", path: "/api/v1/children", token: tok}).must(t, http.StatusOK).into(t, &res)
	if res.Total != 1 {
		t.Errorf("the registry holds %d children, want 1", res.Total)
	}
}
