package api_test

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/api"
	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// exportDoc is the JSON export.
type exportDoc struct {
	Country    string      `json:"country"`
	ExportedAt string      `json:"exported_at"`
	Children   []api.Child `json:"children"`
}

// TestExport: the country's own records, as CSV (one row per case) and
// JSON (children with their cases), each export recorded as data.export.
func TestExport(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		rw, _ := e.token("SE", tokens.ScopeRead, tokens.ScopeWrite)
		ex, exID := e.token("SE", tokens.ScopeExport)
		a := e.register(rw, registration("SE-1", "Amina", "Abdi", "2012-04-05"))
		e.do(req{method: "POST", path: "/api/v1/children/" + itoa(a.Child.ID) + "/cases", token: rw,
			body: api.CaseInput{Category: "missing_from_care", Evidence: "presumed"}}).must(t, http.StatusCreated)
		b := registration("SE-2", "Hodan", "=HYPERLINK(\"http://x\")", "2013")
		b.Child.Notes = "line one\nline two, with \"quotes\""
		e.register(rw, b)
		if _, _, err := e.service("DK").Register(e.ctx, auth.Actor{UserID: 9, Role: auth.RoleOfficer, Country: "DK"},
			cases.ChildInput{NationalRef: "DK-1", GivenNames: "Mette", FamilyName: "Jensen"},
			cases.CaseInput{Category: cases.CatOther, Evidence: cases.EvidencePresumed}); err != nil {
			t.Fatal(err)
		}

		r := e.do(req{method: "GET", path: "/api/v1/export?format=csv", token: ex}).must(t, http.StatusOK)
		if r.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
			r.header.Get("Content-Disposition") != `attachment; filename="childcentre-SE-20250602.csv"` ||
			r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("CSV headers %v", r.header)
		}
		rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rows[0], api.CSVColumns) || len(rows) != 4 {
			t.Fatalf("CSV has %d rows, header %v", len(rows), rows[0])
		}
		col := func(row []string, name string) string { return row[slices.Index(api.CSVColumns, name)] }
		var refs []string
		for _, row := range rows[1:] {
			refs = append(refs, col(row, "national_ref")+"/"+col(row, "category"))
		}
		slices.Sort(refs)
		if want := []string{"SE-1/missing_from_care", "SE-1/unaccompanied", "SE-2/unaccompanied"}; !slices.Equal(refs, want) {
			t.Errorf("CSV rows %v, want %v", refs, want)
		}
		for _, row := range rows[1:] {
			if col(row, "national_ref") != "SE-2" {
				continue
			}
			if col(row, "family_name") != `'=HYPERLINK("http://x")` || col(row, "notes") != b.Child.Notes ||
				col(row, "birth_date") != "2013" || col(row, "citizenships") != "SY" || col(row, "exploitation") != "forced_labour" ||
				col(row, "missing") != "false" || col(row, "opened_at") != "2025-06-02T10:30:00Z" || col(row, "closed_at") != "" {
				t.Errorf("CSV row of SE-2 = %q", row)
			}
		}

		r = e.do(req{method: "GET", path: "/api/v1/export?format=json", token: ex}).must(t, http.StatusOK)
		var doc exportDoc
		r.into(t, &doc)
		if doc.Country != "SE" || doc.ExportedAt != "2025-06-02T10:30:00Z" || len(doc.Children) != 2 ||
			r.header.Get("Content-Type") != "application/json" {
			t.Fatalf("JSON export: %+v", doc)
		}
		for _, c := range doc.Children {
			if c.Country != "SE" || (c.NationalRef == "SE-1") != (len(c.Cases) == 2) {
				t.Errorf("exported child %s with %d cases", c.NationalRef, len(c.Cases))
			}
		}

		exports := e.entries(audit.ActDataExport)
		if len(exports) != 2 {
			t.Fatalf("data.export entries = %d, want 2", len(exports))
		}
		for i, format := range []string{"csv", "json"} {
			en := exports[i]
			if en.Actor != "token:"+itoa(exID) || en.Role != "api:export" || en.Country != "SE" || en.Outcome != "ok" ||
				en.Detail != "format="+format+" total=2" {
				t.Errorf("data.export entry = %+v", en.Record)
			}
		}
		problem(t, e.do(req{method: "GET", path: "/api/v1/export?format=xml", token: ex}), http.StatusUnprocessableEntity, "invalid")
		problem(t, e.do(req{method: "GET", path: "/api/v1/export?format=csv&format=json", token: ex}), http.StatusUnprocessableEntity, "invalid")
	})
}

// TestExportPages: an export reads the registry page by page and writes
// every child once.
func TestExportPages(t *testing.T) {
	e := sqlite(t)
	rw, _ := e.token("SE", tokens.ScopeRead, tokens.ScopeWrite)
	ex, _ := e.token("SE", tokens.ScopeExport)
	const n = 2*cases.MaxPerPage + 17
	var regs []api.Registration
	for i := range n {
		regs = append(regs, registration(fmt.Sprintf("SE-%d", i), "Child", fmt.Sprintf("Number%d", i), "2012"))
	}
	e.do(req{method: "POST", path: "/api/v1/registrations:batch", token: rw, body: api.Batch{Registrations: regs}}).must(t, http.StatusOK)
	var doc exportDoc
	e.do(req{method: "GET", path: "/api/v1/export", token: ex}).must(t, http.StatusOK).into(t, &doc)
	seen := map[string]bool{}
	for _, c := range doc.Children {
		seen[c.NationalRef] = true
	}
	if len(doc.Children) != n || len(seen) != n {
		t.Errorf("export holds %d children (%d distinct), want %d", len(doc.Children), len(seen), n)
	}
	if got := len(e.entries(audit.ActChildSearch)); got != 3 {
		t.Errorf("pages read (child.search) = %d, want 3", got)
	}

	// Over a real connection, an export outlives the server's write
	// timeout: each page moves the deadline on, through the middleware.
	srv := httptest.NewUnstartedServer(e.h)
	srv.Config.WriteTimeout = 20 * time.Millisecond
	srv.Start()
	defer srv.Close()
	hr, _ := http.NewRequest("GET", srv.URL+"/api/v1/export?format=csv", nil)
	hr.Header.Set("Authorization", "Bearer "+ex)
	resp, err := srv.Client().Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK || strings.Count(string(body), "\n") != n+1 {
		t.Errorf("export over a connection with a 20 ms write timeout: %d, %d lines, %v", resp.StatusCode, strings.Count(string(body), "\n"), err)
	}
}

// failingWriter fails every write, as a client that went away.
type failingWriter struct{ h http.Header }

func (f *failingWriter) Header() http.Header       { return f.h }
func (f *failingWriter) WriteHeader(int)           {}
func (f *failingWriter) Write([]byte) (int, error) { return 0, errors.New("connection reset") }

// TestExporterForWeb: the exporter the web interface mounts checks the
// user's role, audits the user, and aborts a broken response after
// recording the failure.
func TestExporterForWeb(t *testing.T) {
	e := sqlite(t)
	rw, _ := e.token("SE", tokens.ScopeRead, tokens.ScopeWrite)
	e.register(rw, registration("SE-1", "Amina", "Abdi", "2012"))
	x := api.NewExporter(e.service("SE"), e.db, nil, e.clock.Now)
	supervisor := auth.Actor{UserID: 2, Role: auth.RoleSupervisor, Country: "SE", Addr: "p1"}
	officer := auth.Actor{UserID: 1, Role: auth.RoleOfficer, Country: "SE"}
	danish := auth.Actor{UserID: 3, Role: auth.RoleSupervisor, Country: "DK"}

	rec := httptest.NewRecorder()
	if err := x.Serve(rec, httptest.NewRequest("GET", "/export.csv", nil), supervisor, api.FormatCSV); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(rec.Body.String(), "\n"); rec.Code != 200 || lines != 2 {
		t.Errorf("supervisor's export: %d, %d lines", rec.Code, lines)
	}
	for _, a := range []auth.Actor{officer, danish} {
		rec := httptest.NewRecorder()
		err := x.Serve(rec, httptest.NewRequest("GET", "/export.csv", nil), a, api.FormatCSV)
		if !errs.Is(err, errs.Forbidden) || rec.Body.Len() != 0 || rec.Header().Get("Content-Disposition") != "" {
			t.Errorf("export by %s: %v, wrote %q", string(a.Role)+"/"+string(a.Country), err, rec.Body.String())
		}
	}

	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("broken response: recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		x.Serve(&failingWriter{h: http.Header{}}, httptest.NewRequest("GET", "/export.json", nil), supervisor, api.FormatJSON)
	}()

	var got []string
	for _, en := range e.entries(audit.ActDataExport) {
		got = append(got, en.Actor+" "+en.Outcome+" "+en.Detail)
	}
	want := []string{"user:2 ok format=csv total=1", "user:2 ok format=json total=1", "user:2 failed format=json written=1"}
	if !slices.Equal(got, want) {
		t.Errorf("data.export entries %q, want %q", got, want)
	}
}
