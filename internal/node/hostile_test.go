package node

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
	"github.com/cbss-egcc/childcentre/internal/webtest"
)

// hostileValues are query parameter and path values that have broken web
// applications: integer edges and overflows, invalid UTF-8, NUL, control
// and bidirectional characters, very long strings, impossible dates.
var hostileValues = []string{
	// 368934881474191034: (page-1)*25 passes 2^63, so the offset of a
	// search page overflowed to a negative number.
	"", "0", "-1", "368934881474191034", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
	"99999999999999999999999", "1e308", "NaN", "\xff\xfe\xfd", "\x00", "a\x00b",
	"\u202eevil", strings.Repeat("Muhammad ", 400), "<script>alert(1)</script>", "' OR 1=1 --",
	"2026-02-30", "0000-01-01", "9999-12-31", "%zz", "true", "csv",
}

// queryParams are the names every route is tried with: those the web
// pages and the API read, and a few they do not.
var queryParams = []string{
	"q", "page", "per_page", "status", "category", "evidence", "missing", "from", "to",
	"format", "done", "role", "country", "dry_run", "action", "actor", "sort",
}

// hostileFixture is a node with a child, users of the roles that see the
// most pages, and an API token with every scope.
type hostileFixture struct {
	node    *Node
	base    string
	clients []*webtest.Client
	token   string
	ids     map[string]string // path parameter -> a real value
}

func newHostileFixture(t testing.TB) *hostileFixture {
	t.Helper()
	n, base := startNode(t, storetest.SQLiteURL(t))
	ctx := context.Background()
	f := &hostileFixture{node: n, base: base, ids: map[string]string{"file": "style.css"}}
	for _, role := range []auth.Role{auth.RoleSupervisor, auth.RoleCountryAdmin, auth.RoleAuditor} {
		u := seedUser(t, n, "h_"+string(role), role)
		c := webtest.New(base)
		if _, err := c.SignIn(u.name, u.password, u.secret, time.Now()); err != nil {
			t.Fatalf("%s: %v", role, err)
		}
		t.Cleanup(c.Close)
		f.clients = append(f.clients, c)
	}
	officer := auth.Actor{UserID: 1, Role: auth.RoleSupervisor, Country: "SE"}
	ch, k, err := n.Cases.Register(ctx, officer,
		cases.ChildInput{GivenNames: "Muhammad", FamilyName: "Karimi", BirthDate: "2012-04", Sex: cases.SexMale, Citizenships: []string{"AF"}},
		cases.CaseInput{Category: cases.CatSeparated, Evidence: cases.EvidencePresumed})
	if err != nil {
		t.Fatal(err)
	}
	f.ids["child"] = strconv.FormatInt(ch.ID, 10)
	f.ids["case"] = strconv.FormatInt(k.ID, 10)
	f.ids["ref"] = ch.Ref
	_, f.token, err = tokens.NewService(store.NewTokenStore(n.DB), n.Now).Create(ctx, auth.SystemActor, "hostile", "SE", tokens.Scopes)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// seedUser creates a user of role in Sweden with an enrolled second factor.
func seedUser(tb testing.TB, n *Node, name string, role auth.Role) loadUser {
	tb.Helper()
	ctx := context.Background()
	u, pw, err := n.Auth.CreateUser(ctx, auth.SystemActor, auth.NewUser{Username: name, DisplayName: name, Role: role, Country: "SE"})
	if err != nil {
		tb.Fatal(err)
	}
	secret := make([]byte, 20)
	rand.Read(secret)
	if err := n.Auth.SeedSecondFactor(ctx, auth.SystemActor, u.ID, secret); err != nil {
		tb.Fatal(err)
	}
	return loadUser{name, pw, base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret)}
}

// get fetches path as client c (nil: with the API token) and fails the
// test on a server error: no input may produce a 5xx.
func (f *hostileFixture) get(t testing.TB, c *webtest.Client, path string) {
	t.Helper()
	req, err := http.NewRequest("GET", f.base+path, nil)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	hc := http.DefaultClient
	if c != nil {
		hc = c.HTTP
	} else {
		req.Header.Set("Authorization", "Bearer "+f.token)
	}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatalf("GET %.200q: %v", path, err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode >= 500 {
		t.Errorf("GET %.200q: status %d", path, res.StatusCode)
	}
}

// fill replaces the path parameters of a ServeMux pattern with value, or
// with a real identifier when value is "".
func (f *hostileFixture) fill(pattern, value string) string {
	p := strings.TrimSuffix(pattern, "{$}")
	for {
		i := strings.Index(p, "{")
		if i < 0 {
			return p
		}
		j := strings.Index(p[i:], "}") + i
		name := strings.TrimSuffix(p[i+1:j], "...")
		v := value
		if v == "" {
			v = f.ids[name]
			if name == "id" && strings.Contains(p[:i], "case") {
				v = f.ids["case"]
			} else if name == "id" {
				v = f.ids["child"]
			}
		}
		p = p[:i] + url.PathEscape(v) + p[j+1:]
	}
}

// TestHostileQueryParameters tries every GET route of the node, web and
// API, with every query parameter set to each hostile value (alone, and
// beside a name search), and hostile values in the path: none may answer
// with a server error. The CSV and JSON body parsers have fuzz targets of
// their own (internal/registrycsv, internal/api).
func TestHostileQueryParameters(t *testing.T) {
	f := newHostileFixture(t)
	n := 0
	type route struct {
		pattern string
		api     bool
	}
	var routes []route
	for _, r := range f.node.Web.Routes() {
		if r.Method == "GET" {
			routes = append(routes, route{r.Pattern, false})
		}
	}
	for _, r := range f.node.API.Routes() {
		if r.Method == "GET" {
			routes = append(routes, route{r.Pattern, true})
		}
	}
	values := hostileValues
	if testing.Short() {
		values = values[:8]
	}
	for _, r := range routes {
		clients := f.clients
		if r.api {
			clients = []*webtest.Client{nil}
		}
		// Every role sees the route with all parameters hostile; the
		// first (the supervisor, who reads cases) also each parameter
		// alone beside a name search, which reaches the ranking, on the
		// listing routes.
		for i, c := range clients {
			path := f.fill(r.pattern, "")
			for _, v := range values {
				all := url.Values{}
				for _, p := range queryParams {
					all.Set(p, v)
				}
				f.get(t, c, path+"?"+all.Encode())
				n++
				if strings.Contains(r.pattern, "{") {
					f.get(t, c, f.fill(r.pattern, v))
					n++
				}
				if i > 0 || strings.Contains(r.pattern, "{") {
					continue // pages of one record read no search parameters
				}
				for _, p := range queryParams {
					f.get(t, c, path+"?"+url.Values{"q": {"Muhammad"}, p: {v}}.Encode())
				}
				n += len(queryParams)
			}
		}
	}
	t.Logf("%d requests on %d routes", n, len(routes))
}

// FuzzSearchQuery sends arbitrary query strings to the search of the
// web interface and of the API: no input may produce a server error.
//
//	go test -run '^$' -fuzz FuzzSearchQuery ./internal/node/
func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{"q=Muhammad&page=9223372036854775807", "page=-1&per_page=0", "q=%ff&status=open",
		"from=2026-02-30&to=0001-01-01", "missing=maybe&evidence=x", "q=" + strings.Repeat("a", 300)} {
		f.Add(s)
	}
	fx := newHostileFixture(f)
	f.Fuzz(func(t *testing.T, raw string) {
		if strings.ContainsAny(raw, "# \r\n\t") {
			return // not a query string a client can send
		}
		fx.get(t, fx.clients[0], "/children?"+raw)
		fx.get(t, nil, "/api/v1/children?"+raw)
	})
}
