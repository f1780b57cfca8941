package nete2e

import (
	"context"
	"encoding/base32"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/webtest"
)

// user creates an enrolled account on tn and signs it in.
func (tn *testNode) user(t *testing.T, username string, role auth.Role) *webtest.Client {
	t.Helper()
	ctx := context.Background()
	u, password, err := tn.Auth.CreateUser(ctx, auth.SystemActor, auth.NewUser{Username: username, DisplayName: username, Role: role, Country: auth.Country(tn.cfg.Country)})
	if err != nil {
		t.Fatal(err)
	}
	secret := auth.NewTOTPSecret()
	if err := tn.Auth.SeedSecondFactor(ctx, auth.SystemActor, u.ID, secret); err != nil {
		t.Fatal(err)
	}
	c := webtest.New(tn.url)
	t.Cleanup(c.Close)
	if _, err := c.SignIn(username, password, base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret), time.Now()); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSharingAndDecisionsThroughThePages: a supervisor shares a case based
// on suspicion only from its page, the hub then finds the child in another
// country, and an officer rejects the match from the queue.
func TestSharingAndDecisionsThroughThePages(t *testing.T) {
	n := newNet(t)
	se := n.startNode(t, "SE", nil)
	fi := n.startNode(t, "FI", nil)
	shareSecret(t, se, fi)
	officerFI := fi.user(t, "aino", auth.RoleOfficer)
	supervisorFI := fi.user(t, "eero", auth.RoleSupervisor)

	_, k, err := fi.Cases.Register(context.Background(), officer("FI"), cases.ChildInput{NationalRef: "FI-9", GivenNames: "Muhammad",
		FamilyName: "Al-Hassan", BirthDate: "2011-01-01", BirthPrecision: cases.PrecisionEstimated, Sex: cases.SexMale, Citizenships: []string{"SY"}},
		cases.CaseInput{Category: cases.CatFalseFamily, Evidence: cases.EvidenceSuspicion, Handling: cases.H2})
	if err != nil {
		t.Fatal(err)
	}
	se.register(t, cases.ChildInput{NationalRef: "SE-9", GivenNames: "Mohammed", FamilyName: "Alhassan",
		BirthDate: "2011-03-14", Sex: cases.SexMale, Citizenships: []string{"SY"}})
	time.Sleep(2 * time.Second)
	if q := fi.queue(t); len(q) != 0 {
		t.Fatalf("a case based on suspicion only was matched before a supervisor shared it: %d hits", len(q))
	}

	// The officer sees no sharing decision; the supervisor takes it.
	casePath := fmt.Sprintf("/cases/%d", k.ID)
	if p, err := officerFI.Get(casePath); err != nil || strings.Contains(p.Body, `id="share-yes"`) {
		t.Fatalf("the officer is offered the sharing decision (%v)", err)
	}
	p, err := supervisorFI.Get(casePath)
	if err != nil || !strings.Contains(p.Body, `id="share-yes"`) {
		t.Fatalf("the supervisor is not offered the sharing decision (%v)", err)
	}
	if r, err := officerFI.Submit(p, casePath+"/sharing", url.Values{"share": {"yes"}}); err != nil || r.Status != http.StatusForbidden {
		t.Fatalf("an officer shared a case: status %d, %v", r.Status, err)
	}
	if r, err := supervisorFI.Submit(p, casePath+"/sharing", url.Values{"share": {"yes"}}); err != nil || r.Status != http.StatusOK || !strings.Contains(r.Body, "will be shared") {
		t.Fatalf("share: status %d, %v", r.Status, err)
	}
	waitFor(t, 30*time.Second, "the hit on FI", func() bool { return len(fi.queue(t)) == 1 })

	// The officer rejects it from the queue; it leaves the queue.
	q, err := officerFI.Get("/hits")
	if err != nil || !strings.Contains(q.Body, `data-country="SE"`) {
		t.Fatalf("queue: %v\n%s", err, q.Body)
	}
	hit := fi.queue(t)[0]
	r, err := officerFI.Submit(q, fmt.Sprintf("/hits/%d", hit.ID), url.Values{"decision": {"reject"}})
	if err != nil || r.Status != http.StatusOK || r.Path != "/hits" || strings.Contains(r.Body, `class="hit"`) || !strings.Contains(r.Body, "will not be shown again") {
		t.Fatalf("reject: status %d at %s, %v", r.Status, r.Path, err)
	}
	if d, err := officerFI.Get("/hits?show=decided"); err != nil || !strings.Contains(d.Body, "Not the same child") {
		t.Fatalf("decided list: %v", err)
	}
	if d, err := officerFI.Get("/"); err != nil || !strings.Contains(d.Body, `id="queue-matches_abroad"`) {
		t.Fatalf("dashboard lacks the hits figure: %v", err)
	}
}
