package node

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
	"github.com/cbss-egcc/childcentre/internal/webtest"
)

// outage is one way of losing the database: break makes it refuse, repair
// brings it back (without restarting the node).
type outage struct {
	name string
	// setup returns the database URL the node uses, and break and repair.
	setup func(t *testing.T) (dbURL string, brk, repair func(n *Node))
}

// TestDatabaseOutage: while the database cannot take requests, the node
// answers 503 with Retry-After (pages and API) and /readyz is not ready;
// once the database is back it recovers by itself, without a restart.
func TestDatabaseOutage(t *testing.T) {
	for _, o := range []outage{
		{"sqlite_unwritable", func(t *testing.T) (string, func(*Node), func(*Node)) {
			// query_only makes the write connection refuse every write with
			// SQLITE_READONLY, as a file turned read-only does.
			pragma := func(v string) func(n *Node) {
				return func(n *Node) {
					if _, err := n.DB.SQL().Exec("PRAGMA query_only = " + v); err != nil {
						t.Fatal(err)
					}
				}
			}
			return storetest.SQLiteURL(t), pragma("1"), pragma("0")
		}},
		{"postgres_stopped", func(t *testing.T) (string, func(*Node), func(*Node)) {
			u := storetest.PostgresURL(t)
			p := newProxy(t, u)
			return p.url, func(*Node) { p.stop() }, func(*Node) { p.start(t) }
		}},
		{"postgres_read_only", func(t *testing.T) (string, func(*Node), func(*Node)) {
			u, role := readOnlyRole(t)
			return u, func(*Node) {
					pgAdmin(t, "ALTER ROLE "+role+" SET default_transaction_read_only = on")
					// New sessions are read-only; end the old ones, as a
					// failover to a standby does.
					pgAdmin(t, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"+role+"'")
				}, func(*Node) {
					// Sessions opened meanwhile stay read-only: the pool must
					// drop them by itself.
					pgAdmin(t, "ALTER ROLE "+role+" RESET default_transaction_read_only")
				}
		}},
	} {
		t.Run(o.name, func(t *testing.T) {
			dbURL, brk, repair := o.setup(t)
			n, base := startNode(t, dbURL)
			u := seedUser(t, n, "outage", auth.RoleOfficer)
			c := webtest.New(base)
			defer c.Close()
			if _, err := c.SignIn(u.name, u.password, u.secret, time.Now()); err != nil {
				t.Fatal(err)
			}
			_, token, err := tokens.NewService(store.NewTokenStore(n.DB), n.Now).Create(context.Background(), auth.SystemActor, "outage", "SE", tokens.Scopes)
			if err != nil {
				t.Fatal(err)
			}
			api := func() *http.Response {
				req, _ := http.NewRequest("GET", base+"/api/v1/children", nil)
				req.Header.Set("Authorization", "Bearer "+token)
				return do(t, http.DefaultClient, req)
			}
			web := func() *http.Response {
				req, _ := http.NewRequest("GET", base+"/children", nil)
				return do(t, c.HTTP, req)
			}
			ready := func() *http.Response {
				req, _ := http.NewRequest("GET", base+"/readyz", nil)
				return do(t, http.DefaultClient, req)
			}
			for name, f := range map[string]func() *http.Response{"web": web, "api": api, "readyz": ready} {
				if res := f(); res.StatusCode != 200 {
					t.Fatalf("before: %s %d", name, res.StatusCode)
				}
			}

			brk(n)
			for _, name := range []string{"web", "api", "readyz"} {
				f := map[string]func() *http.Response{"web": web, "api": api, "readyz": ready}[name]
				res := f()
				if res.StatusCode != http.StatusServiceUnavailable {
					t.Errorf("database down: %s answered %d, want 503", name, res.StatusCode)
				}
				if ra, err := strconv.Atoi(res.Header.Get("Retry-After")); name != "readyz" && (err != nil || ra < 1) {
					t.Errorf("database down: %s has Retry-After %q", name, res.Header.Get("Retry-After"))
				}
			}

			repair(n)
			deadline := time.Now().Add(15 * time.Second)
			for ready().StatusCode != 200 {
				if time.Now().After(deadline) {
					t.Fatal("/readyz did not recover within 15 s of the database coming back")
				}
				time.Sleep(100 * time.Millisecond)
			}
			// Every pooled connection works again, not only the probe's.
			for i := range 20 {
				if res := web(); res.StatusCode != 200 {
					t.Fatalf("after recovery, request %d: web %d", i, res.StatusCode)
				}
				if res := api(); res.StatusCode != 200 {
					t.Fatalf("after recovery, request %d: api %d", i, res.StatusCode)
				}
			}
		})
	}
}

func do(t *testing.T, c *http.Client, req *http.Request) *http.Response {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// pgAdmin runs one statement on the test server as its administrator.
func pgAdmin(t *testing.T, stmt string) {
	t.Helper()
	db, err := store.Open(context.Background(), store.Options{URL: os.Getenv(storetest.EnvPostgres), MaxReadConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.SQL().Exec(stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

// readOnlyRole returns the URL of a migrated test schema reached through
// a login role of its own (so that making it read-only touches no other
// test), and the role's name.
func readOnlyRole(t *testing.T) (string, string) {
	t.Helper()
	u := storetest.PostgresURL(t)
	pu, _ := url.Parse(u)
	schema := pu.Query().Get("search_path")
	role := "r" + schema
	pgAdmin(t, "CREATE ROLE "+role+" LOGIN")
	t.Cleanup(func() {
		pgAdmin(t, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"+role+"'")
		pgAdmin(t, "DROP OWNED BY "+role)
		pgAdmin(t, "DROP ROLE "+role)
	})
	// Migrate as the administrator, then let the role use the schema.
	db, err := store.Open(context.Background(), store.Options{URL: u})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, g := range []string{"ALL ON SCHEMA %s", "ALL ON ALL TABLES IN SCHEMA %s", "ALL ON ALL SEQUENCES IN SCHEMA %s"} {
		pgAdmin(t, "GRANT "+strings.ReplaceAll(g, "%s", schema)+" TO "+role)
	}
	pu.User = url.User(role)
	return pu.String(), role
}

// proxy forwards TCP to the PostgreSQL server and can be stopped (every
// connection cut, new ones refused) and started again on the same port:
// a database server going away and coming back.
type proxy struct {
	url, addr, target string
	mu                sync.Mutex
	ln                net.Listener
	conns             []net.Conn
}

func newProxy(t *testing.T, dbURL string) *proxy {
	t.Helper()
	u, _ := url.Parse(dbURL)
	p := &proxy{target: u.Host}
	if !strings.Contains(p.target, ":") {
		p.target += ":5432"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	u.Host = p.addr
	p.url = u.String()
	p.serve(ln)
	t.Cleanup(p.stop)
	return p
}

func (p *proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

func (p *proxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *proxy) start(t *testing.T) {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatalf("proxy: listen again on %s: %v", p.addr, err)
	}
	p.serve(ln)
}
