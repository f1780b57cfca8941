package web

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/auth"
)

// TestDashboardWorkQueues: the start page shows each user the work
// queues their role may act on (built-in and added through
// Deps.WorkQueues), the children by case status and their own recent acts.
func TestDashboardWorkQueues(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ru := newRegistryUsers(e)
	_, caseID := e.registerOne(ru.officerID, "Zahra", "Ahmadi")
	e.registerOne(ru.officerID, "Amir", "Rahimi")
	officer := auth.Actor{UserID: ru.officerID, Role: auth.RoleOfficer, Country: "SE"}
	if err := e.cases.RequestClose(context.Background(), officer, caseID, "Returned to her family."); err != nil {
		t.Fatal(err)
	}
	// Another part of the node adds a queue, as the hub link will.
	e.srv.deps.WorkQueues = append(e.srv.deps.WorkQueues, WorkQueue{
		Name: "matches_abroad", TitleKey: "dash.queue_closures", Href: "/children", Permission: auth.PermCasesRead,
		Count: func(ctx context.Context, a auth.Actor) (int, error) { return 3, nil },
	})
	admin, pw := e.user("ada.admin", auth.RoleCountryAdmin, "SE")
	adminSession := e.enrol(admin.Username, pw)

	page := func(session string) string {
		t.Helper()
		rec := e.do(h, req{method: "GET", path: "/", session: session})
		if rec.Code != 200 {
			t.Fatalf("dashboard: %d", rec.Code)
		}
		return rec.Body.String()
	}
	sup := page(ru.supervisor)
	for _, want := range []string{
		`<li id="queue-closures"><a href="/children?status=closure_requested">1 case closure to review</a>`,
		`<li id="queue-matches_abroad"><a href="/children">3 case closures to review</a>`,
	} {
		if !strings.Contains(sup, want) {
			t.Errorf("supervisor's dashboard lacks %s", want)
		}
	}
	counts := regexp.MustCompile(`(?s)<th scope="row"><a href="/children\?status=(\w+)">[^<]+</a></th><td class="num">(\d+)</td>`).FindAllStringSubmatch(sup, -1)
	got := map[string]string{}
	for _, m := range counts {
		got[m[1]] = m[2]
	}
	if got["open"] != "1" || got["closure_requested"] != "1" || got["closed"] != "0" {
		t.Errorf("counts by status: %v, want open 1, closure_requested 1, closed 0", got)
	}
	if !strings.Contains(sup, `id="dash-recent"`) {
		t.Error("the supervisor's recent activity (their sign-in) is missing")
	}

	off := page(ru.officer)
	if strings.Contains(off, `id="queue-closures"`) {
		t.Error("an officer, who cannot approve, sees the closures to review")
	}
	if !strings.Contains(off, `id="queue-matches_abroad"`) {
		t.Error("an officer does not see a queue of their permission")
	}

	adm := page(adminSession)
	if strings.Contains(adm, `id="queue-`) || strings.Contains(adm, `id="dash-status"`) {
		t.Error("an administrator, who reads no cases, sees work queues or case counts")
	}
}
