package hubserver_test

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/site"
	"github.com/cbss-egcc/childcentre/internal/webtest"
)

// TestSiteOnTheHub: the hub serves the seeded public site to anyone,
// without a cookie, and its editors' pages to a secretariat editor signed
// in with password and second factor, whose edit is audited.
func TestSiteOnTheHub(t *testing.T) {
	n := newNet(t, "")
	ctx := context.Background()
	reader := webtest.New(n.webURL)
	t.Cleanup(reader.Close)
	p, err := reader.Get("/en/projects/robert")
	if err != nil || p.Status != 200 || !strings.Contains(p.Body, "Risktaking Online Behaviour") {
		t.Fatalf("public project page: %d %v", p.Status, err)
	}
	if p, _ := reader.Get("/de/search?q=Kindern"); p.Status != 200 || !strings.Contains(p.Body, "/de/pages/expert-group") {
		t.Errorf("German search on the hub: %d", p.Status)
	}
	if p, _ := reader.Get("/en/edit/"); p.Status != 200 || !strings.Contains(p.Body, `name="password"`) {
		t.Errorf("an anonymous editor is not sent to sign in: %d", p.Status)
	}

	u, pw, err := n.hub.Auth.CreateUser(ctx, auth.SystemActor, auth.NewUser{Username: "site.editor", DisplayName: "Site Editor", Role: auth.RoleSiteEditor, Country: "SE"})
	if err != nil {
		t.Fatal(err)
	}
	secret := make([]byte, 20)
	rand.Read(secret)
	if err := n.hub.Auth.SeedSecondFactor(ctx, auth.SystemActor, u.ID, secret); err != nil {
		t.Fatal(err)
	}
	ed := webtest.New(n.webURL)
	t.Cleanup(ed.Close)
	if _, err := ed.SignIn("site.editor", pw, base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret), time.Now()); err != nil {
		t.Fatal(err)
	}
	items, _, err := n.hub.Site.PublicList(ctx, site.Filter{Kind: site.KindProject})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	for _, it := range items {
		if it.Slug == "robert" {
			id = it.ID
		}
	}
	form, err := ed.Get("/en/edit/" + strconv.FormatInt(id, 10) + "/text/de")
	if err != nil || form.Status != 200 {
		t.Fatalf("translation form: %d %v", form.Status, err)
	}
	res, err := ed.Submit(form, "/en/edit/"+strconv.FormatInt(id, 10)+"/text/de", url.Values{"title": {"ROBERT – Risikoverhalten im Internet"}})
	if err != nil || res.Status != 200 {
		t.Fatalf("save translation: %d %v", res.Status, err)
	}
	if p, _ := reader.Get("/de/projects/robert"); !strings.Contains(p.Body, "Risikoverhalten im Internet") {
		t.Error("the German translation is not on the public page")
	}
	found := false
	err = n.hub.DB.WalkAudit(ctx, func(e audit.Entry) error {
		found = found || (e.Action == audit.ActSiteUpdate && e.Actor == "user:"+strconv.FormatInt(u.ID, 10) && e.Detail == "lang=de")
		return nil
	})
	if err != nil || !found {
		t.Error("the editor's translation is not in the audit log")
	}
}
