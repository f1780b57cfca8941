package web

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/store"
)

// TestDashboardFollowUp: the start page of an officer on a node with a
// hub lists the open follow-up requests, overdue first and then by
// deadline, and the per-country figures with their medians; a decided
// request is no open one; an administrator sees none of it.
func TestDashboardFollowUp(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ru := newRegistryUsers(e)
	e.withFollowUp()
	ctx := context.Background()
	now := e.clock.Now()
	type row struct {
		country, dir, state string
		urgency             followup.Urgency
		ago, decidedAfter   time.Duration
	}
	rows := []row{
		{"FI", followup.Out, followup.StateSent, followup.Urgent, 30 * time.Hour, 0},                       // deadline in 42 h
		{"DK", followup.In, followup.StatePending, followup.Urgent, 80 * time.Hour, 0},                     // overdue by 8 h
		{"FI", followup.Out, followup.StateGranted, followup.Routine, 10 * 24 * time.Hour, 50 * time.Hour}, // decided: not open
		{"DK", followup.In, followup.StateRefused, followup.Routine, 4 * 24 * time.Hour, 90 * time.Minute},
	}
	var ids []int64
	err := store.NewFollowUpStore(e.db).Update(ctx, func(tx followup.Tx) error {
		for i, q := range rows {
			start := now.Add(-q.ago)
			r := &followup.Request{Thread: "t" + string(rune('a'+i)), Direction: q.dir, OtherCountry: q.country, LocalRef: "l", OtherRef: "o",
				Urgency: q.urgency, Handling: "H2", LegalBasis: "prum-2024-982", State: q.state, Deadline: start.Add(followup.Deadlines[q.urgency]),
				CreatedBy: "user:1", CreatedAt: start, UpdatedAt: now, Body: []byte("sealed")}
			if err := tx.PutRequest(ctx, r); err != nil {
				return err
			}
			ids = append(ids, r.ID)
			first, decided := followup.EvSent, followup.EvAnswered
			if q.dir == followup.In {
				first, decided = followup.EvReceived, followup.EvDecided
			}
			if err := tx.AddEvent(ctx, &followup.Event{RequestID: r.ID, Kind: first, Actor: "user:1", At: start}); err != nil {
				return err
			}
			if q.decidedAfter > 0 {
				if err := tx.AddEvent(ctx, &followup.Event{RequestID: r.ID, Kind: decided, Actor: "user:1", At: start.Add(q.decidedAfter)}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	body := e.do(h, req{method: "GET", path: "/", session: ru.officer}).Body.String()
	open := regexp.MustCompile(`<tr class="followup( overdue)?" data-id="(\d+)">`).FindAllStringSubmatch(body, -1)
	if len(open) != 2 || open[0][2] != strconv.FormatInt(ids[1], 10) || open[0][1] == "" || open[1][2] != strconv.FormatInt(ids[0], 10) || open[1][1] != "" {
		t.Errorf("open requests on the dashboard %q, want the overdue DK one (%d) first, then FI (%d)", open, ids[1], ids[0])
	}
	for _, want := range []string{
		// FI: two sent, one answered after 50 h; DK: two received, one decided in 90 min.
		`<tr data-country="FI">
    <th scope="row">FI</th>
    <td class="num">2</td>
    <td class="num">1</td>
    <td class="num">50 h</td>
    <td class="num">0</td>
    <td class="num">0</td>
    <td class="num">–</td>`,
		`<tr data-country="DK">
    <th scope="row">DK</th>
    <td class="num">0</td>
    <td class="num">0</td>
    <td class="num">–</td>
    <td class="num">2</td>
    <td class="num">1</td>
    <td class="num">2 h</td>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the dashboard lacks the figures\n%s", want)
		}
	}

	admin, pw := e.user("ada.admin", auth.RoleCountryAdmin, "SE")
	adm := e.do(h, req{method: "GET", path: "/", session: e.enrol(admin.Username, pw)}).Body.String()
	if strings.Contains(adm, `id="dash-followups"`) {
		t.Error("an administrator, who reads no cases, sees the follow-up requests")
	}
}

func TestSpanOf(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want span
	}{
		{0, span{}},
		{20 * time.Second, span{Key: "dash.minutes", N: "1"}},
		{45 * time.Minute, span{Key: "dash.minutes", N: "45"}},
		{90 * time.Minute, span{Key: "dash.hours", N: "2"}},
		{71 * time.Hour, span{Key: "dash.hours", N: "71"}},
		{80 * time.Hour, span{Key: "dash.days", N: "3"}},
	} {
		if got := spanOf(c.d); got != c.want {
			t.Errorf("spanOf(%v) = %+v, want %+v", c.d, got, c.want)
		}
	}
}
