package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
)

// countingNames counts the lookups of token names, to check that a page
// names all its authors in one.
type countingNames struct {
	next  TokenNames
	mu    sync.Mutex
	calls int
}

func (c *countingNames) TokenNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	c.mu.Lock()
	c.calls++
	c.mu.Unlock()
	return c.next.TokenNames(ctx, ids)
}

func (c *countingNames) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls
}

// tokenActor creates an API token of the node's country with the write
// scope and returns the actor the API acts with for it (internal/api).
func (e *testEnv) tokenActor(name string) auth.Actor {
	e.t.Helper()
	tok, _, err := e.tokens.Create(context.Background(), auth.SystemActor, name, "SE", []tokens.Scope{tokens.ScopeWrite})
	if err != nil {
		e.t.Fatal(err)
	}
	return auth.Actor{TokenID: tok.ID, Perms: tok.Permissions(), Country: tok.Country}
}

// TestAuthorNames: the history and the timeline name who wrote each entry:
// a user by username (never by id), an API token as "API: <its name>",
// the command line as "system", an author without a name as "#N"; the
// names of a page are read in one lookup.
func TestAuthorNames(t *testing.T) {
	e := newTestEnv(t)
	names := &countingNames{next: e.tokens}
	deps := e.srv.deps
	deps.TokenNames, deps.Metrics = names, nil
	srv, err := New(e.srv.cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	ctx := context.Background()
	ru := newRegistryUsers(e)
	childID, caseID := e.registerOne(ru.officerID, "Leyla", "Haidari")

	// The officer edits the child in the web interface.
	f := url.Values{"version": {"1"}, "given_names": {"Leyla"}, "family_name": {"Haidari-Rezaei"}, "birth_date": {"2012-04"},
		"sex": {"female"}, "citizenships": {"AF"}}
	if res := e.do(h, req{method: "POST", path: childURL(childID, "/edit"), session: ru.officer, form: f}).Result(); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	// Two national systems write through the API; the operator and an
	// account that does not exist (a restored backup, say) record events.
	migr, police := e.tokenActor("Migrationsverket case system"), e.tokenActor("Polisen <ärenden>")
	for _, a := range []auth.Actor{migr, police, auth.SystemActor, {UserID: 999, Role: auth.RoleOfficer, Country: "SE"}} {
		if _, err := e.cases.AddEvent(ctx, a, caseID, cases.EventInput{Type: cases.EvPlaced}); err != nil {
			t.Fatalf("event by %s: %v", a.Ref(), err)
		}
	}
	c, err := e.cases.Child(ctx, auth.SystemActor, childID)
	if err != nil {
		t.Fatal(err)
	}
	in := cases.ChildInput{GivenNames: "Leyla", FamilyName: "Haidari", BirthDate: "2012-04", Sex: cases.SexFemale, Citizenships: []string{"AF"}}
	if _, err := e.cases.UpdateChild(ctx, migr, childID, c.Version, in); err != nil {
		t.Fatal(err)
	}

	// The supervisor reads the child's history: the officer by username,
	// the token by name, and no author by id.
	body := e.do(h, req{method: "GET", path: childURL(childID, "/history"), session: ru.supervisor}).Body.String()
	officerID := strconv.FormatInt(ru.officerID, 10)
	if strings.Count(body, "<td><bdi>olga.officer</bdi></td>") != 2 || !strings.Contains(body, "<td>API: Migrationsverket case system</td>") ||
		strings.Contains(body, "user:"+officerID) || strings.Contains(body, "<td>"+officerID+"</td>") {
		t.Fatalf("history:\n%s", body)
	}

	// The case's timeline and history: every kind of author, the token's
	// name escaped like any text, all named in one lookup of tokens.
	before := names.count()
	body = e.do(h, req{method: "GET", path: caseURL(caseID, ""), session: ru.supervisor}).Body.String()
	for _, want := range []string{"<td><bdi>olga.officer</bdi></td>", "<td>API: Migrationsverket case system</td>",
		"<td>API: Polisen &lt;ärenden&gt;</td>", "<td>system</td>", "<td><bdi>#999</bdi></td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	if n := names.count() - before; n != 1 {
		t.Errorf("the case page looked token names up %d times, want 1", n)
	}
	if t.Failed() {
		t.Fatalf("case page:\n%s", body)
	}

	// The pending closure names its requester too.
	if err := e.cases.RequestClose(ctx, auth.Actor{UserID: ru.officerID, Role: auth.RoleOfficer, Country: "SE"}, caseID, "Reunited."); err != nil {
		t.Fatal(err)
	}
	body = e.do(h, req{method: "GET", path: caseURL(caseID, ""), session: ru.supervisor}).Body.String()
	if !strings.Contains(body, "by <bdi>olga.officer</bdi>: <q>Reunited.</q>") {
		t.Fatalf("closure request:\n%s", body)
	}
}
