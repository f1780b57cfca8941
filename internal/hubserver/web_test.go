package hubserver_test

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/pki"
	"github.com/cbss-egcc/childcentre/internal/webtest"
)

// TestNetworkPages: the network administrator signs in to the hub with
// password and second factor and sees the nodes and matching health;
// another role does not.
func TestNetworkPages(t *testing.T) {
	n := newNet(t, "")
	ctx := context.Background()
	_, _, ua, _, _ := pairOf(t)
	c := n.node(t, "SE", pki.IssueOptions{})
	if _, err := c.Send(ctx, exchange.Batch{Messages: []exchange.Envelope{ua}, Pending: 42}); err != nil {
		t.Fatal(err)
	}
	signIn := func(username string, role auth.Role, country auth.Country) *webtest.Client {
		u, pw, err := n.hub.Auth.CreateUser(ctx, auth.SystemActor, auth.NewUser{Username: username, DisplayName: username, Role: role, Country: country})
		if err != nil {
			t.Fatal(err)
		}
		secret := make([]byte, 20)
		rand.Read(secret)
		if err := n.hub.Auth.SeedSecondFactor(ctx, auth.SystemActor, u.ID, secret); err != nil {
			t.Fatal(err)
		}
		wc := webtest.New(n.webURL)
		t.Cleanup(wc.Close)
		if _, err := wc.SignIn(username, pw, base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret), time.Now()); err != nil {
			t.Fatal(err)
		}
		return wc
	}
	admin := signIn("net.admin", auth.RoleNetworkAdmin, "")
	p, err := admin.Get("/network/nodes")
	if err != nil || p.Status != 200 {
		t.Fatalf("nodes page: %d %v", p.Status, err)
	}
	for _, want := range []string{">SE<", ">42<", n.hub.Service.Schema()} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("nodes page lacks %q", want)
		}
	}
	p, err = admin.Get("/network/matching")
	if err != nil || p.Status != 200 || !strings.Contains(p.Body, "Encodings") {
		t.Fatalf("matching page: %d %v", p.Status, err)
	}
	auditor := signIn("an.auditor", auth.RoleAuditor, "SE")
	if p, _ := auditor.Get("/network/nodes"); p.Status != 403 {
		t.Errorf("an auditor reached the nodes page: %d", p.Status)
	}
}
