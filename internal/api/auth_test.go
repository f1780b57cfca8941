package api_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/api"
	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
)

// TestTokenScoping: a token sees only its country's records, does only
// what its scopes allow, and stops working when revoked; every refusal of
// a known token and every act of an admitted one is audited under its name.
func TestTokenScoping(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		rw, rwID := e.token("SE", tokens.ScopeRead, tokens.ScopeWrite)
		ro, roID := e.token("SE", tokens.ScopeRead)
		dk, dkID := e.token("DK", tokens.ScopeRead, tokens.ScopeWrite, tokens.ScopeExport)
		revoked, revokedID := e.token("SE", tokens.ScopeRead, tokens.ScopeWrite)
		if err := e.tokens.Revoke(e.ctx, auth.SystemActor, revokedID); err != nil {
			t.Fatal(err)
		}

		se := e.register(rw, registration("SE-1", "Mohammed", "Alhassan", "2010-03-04"))
		// A Danish record in the same database, as a Danish node would hold it.
		dkChild, dkCase, err := e.service("DK").Register(e.ctx, auth.Actor{UserID: 9, Role: auth.RoleOfficer, Country: "DK"},
			cases.ChildInput{NationalRef: "DK-1", GivenNames: "Mohammed", FamilyName: "Alhassan", BirthDate: "2010"},
			cases.CaseInput{Category: cases.CatUnaccompanied, Evidence: cases.EvidencePresumed})
		if err != nil {
			t.Fatal(err)
		}

		id := strconv.FormatInt(se.Child.ID, 10)
		dkID_ := strconv.FormatInt(dkChild.ID, 10)
		tests := []struct {
			name      string
			r         req
			status    int
			challenge string // WWW-Authenticate, "" for none
		}{
			{"read own child", req{method: "GET", path: "/api/v1/children/" + id, token: ro}, 200, ""},
			{"read own child by ref", req{method: "POST", path: "/api/v1/children:by-ref", body: map[string]string{"national_ref": "SE-1"}, token: ro}, 200, ""},
			{"another country's child is not found", req{method: "GET", path: "/api/v1/children/" + dkID_, token: rw}, 404, ""},
			{"another country's child by ref", req{method: "POST", path: "/api/v1/children:by-ref", body: map[string]string{"national_ref": "DK-1"}, token: rw}, 404, ""},
			{"another country's case", req{method: "GET", path: "/api/v1/cases/" + strconv.FormatInt(dkCase.ID, 10), token: rw}, 404, ""},
			{"another country's case events", req{method: "GET", path: "/api/v1/cases/" + strconv.FormatInt(dkCase.ID, 10) + "/events", token: rw}, 404, ""},
			{"update another country's child", req{method: "PUT", path: "/api/v1/children/" + dkID_, token: rw,
				body: api.ChildUpdate{ChildInput: registration("", "X", "Y", "2010").Child}, header: map[string]string{"If-Match": `"v1"`}}, 404, ""},
			{"read-only token cannot register", req{method: "POST", path: "/api/v1/children", token: ro,
				body: registration("SE-2", "Anna", "Berg", "2011")}, 403, `error="insufficient_scope", scope="write"`},
			{"read-only token cannot batch", req{method: "POST", path: "/api/v1/registrations:batch", token: ro,
				body: api.Batch{Registrations: []api.Registration{registration("SE-3", "Anna", "Berg", "2011")}}}, 403, `scope="write"`},
			{"read-write token cannot export", req{method: "GET", path: "/api/v1/export", token: rw}, 403, `scope="export"`},
			{"a token of another country is refused", req{method: "GET", path: "/api/v1/children", token: dk}, 403, ""},
			{"revoked token", req{method: "GET", path: "/api/v1/children/" + id, token: revoked}, 401, `Bearer realm="childcentre", error="invalid_token"`},
			{"unknown token", req{method: "GET", path: "/api/v1/children/" + id, token: "cct_" + strings.Repeat("a", 58)}, 401, `error="invalid_token"`},
			{"garbage token", req{method: "GET", path: "/api/v1/children/" + id, token: "hunter2"}, 401, `error="invalid_token"`},
			{"no token", req{method: "GET", path: "/api/v1/children/" + id}, 401, `Bearer realm="childcentre"`},
			{"another scheme", req{method: "GET", path: "/api/v1/children/" + id, header: map[string]string{"Authorization": "Basic " + ro}}, 401, `error="invalid_token"`},
			{"the description is public", req{method: "GET", path: "/api/v1/openapi.yaml"}, 200, ""},
		}
		for _, tt := range tests {
			r := e.do(tt.r)
			if r.code != tt.status {
				t.Errorf("%s: status %d, want %d: %s", tt.name, r.code, tt.status, r.body)
				continue
			}
			if got := r.header.Get("WWW-Authenticate"); !strings.Contains(got, tt.challenge) || (tt.challenge == "" && got != "") {
				t.Errorf("%s: WWW-Authenticate %q, want %q", tt.name, got, tt.challenge)
			}
			if tt.status >= 400 {
				p := problem(t, r, tt.status, map[int]string{401: "unauthorized", 403: "forbidden", 404: "not_found"}[tt.status])
				if strings.Contains(string(r.body), "Mohammed") || strings.Contains(string(r.body), "DK-1") {
					t.Errorf("%s: the problem repeats data: %+v", tt.name, p)
				}
			}
		}
		if strings.Contains(string(e.do(req{method: "GET", path: "/api/v1/children/" + dkID_, token: rw}).body), "Alhassan") {
			t.Error("a Danish child's name reached a Swedish token")
		}

		// Search and export never list the Danish child.
		var res api.SearchResults
		e.do(req{method: "POST", path: "/api/v1/children:search", body: map[string]string{"q": "Mohammed Alhassan"}, token: ro}).must(t, 200).into(t, &res)
		if res.Total != 1 || len(res.Items) != 1 || res.Items[0].ID != se.Child.ID || res.Items[0].Country != "SE" {
			t.Errorf("search = %+v, want the Swedish child only", res)
		}
		ex, _ := e.token("SE", tokens.ScopeExport)
		body := string(e.do(req{method: "GET", path: "/api/v1/export?format=csv", token: ex}).must(t, 200).body)
		if strings.Count(body, "\n") != 2 || strings.Contains(body, "DK-1") {
			t.Errorf("export holds other than the Swedish record:\n%s", body)
		}

		// Nothing was written by the refused requests.
		if r, _ := e.service("SE").Search(e.ctx, auth.SystemActor, cases.Query{}); r.Total != 1 {
			t.Errorf("the registry holds %d Swedish children, want 1", r.Total)
		}

		// Refusals of known tokens are audited under their names; the
		// unknown token, the garbage and the absent one cannot be named.
		var denied []string
		for _, en := range e.entries(audit.ActAccessDenied) {
			denied = append(denied, en.Actor+" "+en.Target+" "+en.Detail)
			if en.Outcome != "denied" || en.Addr == "" {
				t.Errorf("denial entry %+v", en.Record)
			}
		}
		ref := func(id int64) string { return "token:" + strconv.FormatInt(id, 10) }
		want := []string{
			ref(roID) + " api:child_register scope=write",
			ref(roID) + " api:registrations_batch scope=write",
			ref(rwID) + " api:export scope=export",
			ref(dkID) + " api:child_search country",
			ref(revokedID) + " api:child revoked",
		}
		if strings.Join(denied, "|") != strings.Join(want, "|") {
			t.Errorf("auth.denied entries:\n%s\nwant\n%s", strings.Join(denied, "\n"), strings.Join(want, "\n"))
		}

		// Acts of admitted tokens are audited under the token, with its scopes.
		for _, en := range e.audit() {
			if strings.HasPrefix(en.Actor, "user:0") {
				t.Errorf("entry %d (%s) names no one: %s", en.Seq, en.Action, en.Actor)
			}
		}
		creates := e.entries(audit.ActChildCreate)
		if len(creates) != 2 || creates[0].Actor != ref(rwID) || creates[0].Role != "api:read,write" || creates[0].Country != "SE" {
			t.Errorf("child.create entries = %+v", creates)
		}
		reads := 0
		for _, en := range e.entries(audit.ActChildRead) {
			if en.Actor == ref(roID) && en.Role == "api:read" && en.Target == "child:"+id {
				reads++
			}
		}
		if reads != 2 {
			t.Errorf("child.read by the read-only token = %d, want 2 (by id, by reference)", reads)
		}
	})
}

// TestTokenLastUsed: a token's last use is written at most once a minute.
func TestTokenLastUsed(t *testing.T) {
	e := sqlite(t)
	secret, id := e.token("SE", tokens.ScopeRead)
	lastUsed := func() time.Time {
		list, err := e.tokens.List(e.ctx, auth.SystemActor, "SE")
		if err != nil || len(list) != 1 || list[0].ID != id {
			t.Fatalf("List = %v, %v", list, err)
		}
		return list[0].LastUsedAt
	}
	if !lastUsed().IsZero() {
		t.Fatal("a new token has a last use")
	}
	get := func() { e.do(req{method: "GET", path: "/api/v1/children", token: secret}).must(t, 200) }
	get()
	first := e.clock.Now()
	if got := lastUsed(); !got.Equal(first) {
		t.Fatalf("last used %v, want %v", got, first)
	}
	e.clock.Advance(59 * time.Second)
	get()
	if got := lastUsed(); !got.Equal(first) {
		t.Errorf("last used rewritten within the minute: %v", got)
	}
	e.clock.Advance(time.Second)
	get()
	if got := lastUsed(); !got.Equal(e.clock.Now()) {
		t.Errorf("last used %v after a minute, want %v", got, e.clock.Now())
	}
}
