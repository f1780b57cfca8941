package node

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
	"github.com/cbss-egcc/childcentre/internal/webtest"
)

// TestOversizedBodyAnsweredFirst: a request whose Content-Length is over
// the route's limit is answered 413 from its headers alone, over a raw
// connection that never sends the body, with and without
// "Expect: 100-continue" (and never with 100 Continue).
func TestOversizedBodyAnsweredFirst(t *testing.T) {
	n, base := startNode(t, storetest.SQLiteURL(t))
	u := seedUser(t, n, "big", auth.RoleOfficer)
	c := webtest.New(base)
	defer c.Close()
	if _, err := c.SignIn(u.name, u.password, u.secret, time.Now()); err != nil {
		t.Fatal(err)
	}
	var cookies []string
	for _, ck := range c.HTTP.Jar.Cookies(nil) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	_, token, err := tokens.NewService(store.NewTokenStore(n.DB), n.Now).Create(context.Background(), auth.SystemActor, "big", "SE", tokens.Scopes)
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(base, "http://")
	for _, tt := range []struct {
		name, head string
	}{
		{"web form", "POST /children HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nCookie: " + strings.Join(cookies, "; ") + "\r\n"},
		{"api record", "POST /api/v1/children HTTP/1.1\r\nContent-Type: application/json\r\nAuthorization: Bearer " + token + "\r\n"},
		{"api batch", "POST /api/v1/registrations:batch HTTP/1.1\r\nContent-Type: application/json\r\nAuthorization: Bearer " + token + "\r\n"},
	} {
		for _, expect := range []string{"", "Expect: 100-continue\r\n"} {
			t.Run(tt.name+map[bool]string{true: " expect", false: ""}[expect != ""], func(t *testing.T) {
				conn, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(10 * time.Second))
				head := tt.head + "Host: " + addr + "\r\nContent-Length: 1073741824\r\n" + expect + "\r\n"
				if _, err := conn.Write([]byte(head)); err != nil {
					t.Fatal(err)
				}
				res, err := http.ReadResponse(bufio.NewReader(conn), nil)
				if err != nil {
					t.Fatalf("no answer before the body: %v", err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusRequestEntityTooLarge {
					t.Errorf("status %d, want 413", res.StatusCode)
				}
			})
		}
	}
}
