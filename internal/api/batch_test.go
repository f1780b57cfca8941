package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/api"
	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/audit"
)

// TestBatch: a batch reports every problem of every registration with its
// row and writes nothing; a valid one upserts by national reference, all
// at once, or only says what it would do in a dry run.
func TestBatch(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tok, id := e.token("SE", tokens.ScopeRead, tokens.ScopeWrite)
		e.register(tok, registration("SE-1", "Amir", "Rahimi", "2011"))
		total := func() int {
			var res api.SearchResults
			e.do(req{method: "GET", path: "/api/v1/children", token: tok}).must(t, http.StatusOK).into(t, &res)
			return res.Total
		}
		row := func(reg api.Registration) string {
			b, err := json.Marshal(reg)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		batch := func(rows ...string) string { return `{"registrations":[` + strings.Join(rows, ",") + `]}` }
		caseJSON := row(registration("", "", "", ""))[strings.Index(row(registration("", "", "", "")), `"case":`):]

		empty := registration("SE-12", "", "", "2010")
		empty.Case.Category = "pirate"
		bad := batch(
			row(registration("SE-10", "Amina", "Abdi", "2012")),
			`{"child":{"given_names":"Zebulon","sex":5,"nick":"Zebulon"},`+caseJSON,
			row(empty),
			row(registration("SE-10", "Hodan", "Abdi", "2012")),
			`"Zebulon"`,
		)
		wantFields := []string{
			"registrations[1].child.sex", "registrations[1].child.nick",
			"registrations[2].child.given_names", "registrations[2].case.category",
			"registrations[3].child.national_ref",
			"registrations[4]",
		}
		wantRows := []int{1, 1, 2, 2, 3, 4}
		for _, q := range []string{"", "?dry_run=true", "?dry_run=false"} {
			r := e.do(req{method: "POST", path: "/api/v1/registrations:batch" + q, token: tok, body: bad})
			p := problem(t, r, http.StatusUnprocessableEntity, "invalid")
			if got := fields(p); !slices.Equal(got, wantFields) {
				t.Errorf("batch%s fields:\n%q\nwant\n%q", q, got, wantFields)
			}
			for i, fp := range p.Errors {
				if fp.Row == nil || i >= len(wantRows) || *fp.Row != wantRows[i] {
					t.Errorf("error %d (%s) has row %v, want %d", i, fp.Field, fp.Row, wantRows[i])
				}
			}
			if strings.Contains(string(r.body), "Zebulon") || !strings.Contains(p.Detail, "nothing was imported") {
				t.Errorf("problem %s", r.body)
			}
			if n := total(); n != 1 {
				t.Fatalf("a refused batch%s wrote: %d children", q, n)
			}
		}

		upd := registration("SE-1", "Amir", "Rahimi-Ahmadzai", "2011")
		good := api.Batch{Registrations: []api.Registration{
			registration("SE-10", "Amina", "Abdi", "2012"), registration("SE-11", "Hodan", "Farah", "2013"), upd,
		}}
		var res api.BatchResult
		e.do(req{method: "POST", path: "/api/v1/registrations:batch?dry_run=true", token: tok, body: good}).must(t, http.StatusOK).into(t, &res)
		if res != (api.BatchResult{DryRun: true, Created: 2, Updated: 1}) || total() != 1 {
			t.Fatalf("dry run = %+v, children %d", res, total())
		}
		if dry := e.entries(audit.ActDataImport); len(dry) != 1 || dry[0].Detail != "dry_run created=2 updated=1" {
			t.Errorf("a dry run is audited as what it is: %+v", dry)
		}
		e.do(req{method: "POST", path: "/api/v1/registrations:batch", token: tok, body: good}).must(t, http.StatusOK).into(t, &res)
		if res != (api.BatchResult{Created: 2, Updated: 1}) || total() != 3 {
			t.Fatalf("batch = %+v, children %d", res, total())
		}
		var c api.Child
		e.do(req{method: "POST", path: "/api/v1/children:by-ref", body: map[string]string{"national_ref": "SE-1"}, token: tok}).must(t, http.StatusOK).into(t, &c)
		if c.FamilyName != "Rahimi-Ahmadzai" || c.Version != 2 || len(c.Cases) != 1 {
			t.Errorf("re-pushed child = %+v", c)
		}

		// Pushing the same registrations again updates and duplicates nothing.
		e.do(req{method: "POST", path: "/api/v1/registrations:batch", token: tok, body: good}).must(t, http.StatusOK).into(t, &res)
		if res != (api.BatchResult{Created: 0, Updated: 3}) || total() != 3 {
			t.Fatalf("second push = %+v, children %d", res, total())
		}
		imports := e.entries(audit.ActDataImport)[1:]
		if len(imports) != 2 || imports[0].Actor != "token:"+itoa(id) || imports[0].Detail != "created=2 updated=1" ||
			imports[1].Detail != "created=0 updated=3" {
			t.Errorf("data.import entries = %+v", imports)
		}

		for _, body := range []string{`{"registrations":[]}`, `{}`} {
			p := problem(t, e.do(req{method: "POST", path: "/api/v1/registrations:batch", token: tok, body: body}),
				http.StatusUnprocessableEntity, "invalid")
			if fields(p)[0] != "registrations" {
				t.Errorf("empty batch: %+v", p)
			}
		}
		problem(t, e.do(req{method: "POST", path: "/api/v1/registrations:batch", token: tok, body: `{"registrations":{}}`}),
			http.StatusBadRequest, "malformed")
	})
}
