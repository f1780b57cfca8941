package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
)

// The node's time zone over HTTP: the event form read in it, the pages
// shown in it, the filters' days in it; a nil Location keeps UTC.

// newZoneEnv is a node in zone ("" leaves Config.Location nil) whose clock
// reads at, set before anyone signs in.
func newZoneEnv(t *testing.T, zone string, at time.Time) *testEnv {
	t.Helper()
	var loc *time.Location
	if zone != "" {
		loc = mustZone(t, zone)
	}
	e := newTestEnv(t, func(c *Config) { c.Location = loc })
	e.clock.Add(at.Sub(e.clock.Now()))
	return e
}

// TestEventTimeInZone: the time an officer types is local time; the
// database keeps UTC; the timeline shows it back as typed, with the zone's
// abbreviation. A time the clocks skipped is refused on its field.
func TestEventTimeInZone(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, zone, date, time string
		stored                 string // UTC, RFC 3339; "" when refused
		shown                  string
	}{
		{name: "winter", zone: "Europe/Stockholm", date: "2026-01-15", time: "14:30", stored: "2026-01-15T13:30:00Z", shown: "2026-01-15 14:30 CET"},
		{name: "summer", zone: "Europe/Stockholm", date: "2026-07-15", time: "14:30", stored: "2026-07-15T12:30:00Z", shown: "2026-07-15 14:30 CEST"},
		{name: "no time is midnight", zone: "Europe/Warsaw", date: "2026-01-15", stored: "2026-01-14T23:00:00Z", shown: "2026-01-15 00:00 CET"},
		{name: "repeated hour: summer time", zone: "Europe/Stockholm", date: "2026-10-25", time: "02:30", stored: "2026-10-25T00:30:00Z", shown: "2026-10-25 02:30 CEST"},
		{name: "skipped hour", zone: "Europe/Stockholm", date: "2026-03-29", time: "02:30",
			shown: "This time did not exist in Europe/Stockholm: the clocks were put forward that night."},
		{name: "nil location is UTC", zone: "", date: "2026-01-15", time: "14:30", stored: "2026-01-15T14:30:00Z", shown: "2026-01-15 14:30 UTC"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newZoneEnv(t, tc.zone, now)
			h := e.srv.Handler()
			ru := newRegistryUsers(e)
			_, caseID := e.registerOne(ru.officerID, "Hanna", "Tesfay")
			rec := e.do(h, req{method: "POST", path: caseURL(caseID, "/events"), session: ru.officer, form: url.Values{
				"event_type": {"placed"}, "event_date": {tc.date}, "event_time": {tc.time}, "municipality": {"Malmö"}}})
			events, err := e.cases.Timeline(context.Background(), auth.SystemActor, caseID)
			if err != nil {
				t.Fatal(err)
			}
			if tc.stored == "" {
				body := rec.Body.String()
				if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, tc.shown) || !strings.Contains(body, `<a href="#event_time">`) ||
					!strings.Contains(body, `value="`+tc.date+`"`) || !strings.Contains(body, `value="`+tc.time+`"`) {
					t.Fatalf("refusal: %d\n%s", rec.Code, body)
				}
				if len(events) != 1 {
					t.Fatalf("%d events after a refusal, want the registration only", len(events))
				}
				return
			}
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("event: %d\n%s", rec.Code, rec.Body.String())
			}
			// The timeline is in time order: the event is before the
			// registration.
			if len(events) != 2 || events[0].Type != "placed" || events[0].At.UTC().Format(time.RFC3339) != tc.stored {
				t.Fatalf("stored %v %v, want placed at %s", events[0].Type, events[0].At, tc.stored)
			}
			body := e.do(h, req{method: "GET", path: caseURL(caseID, ""), session: ru.officer}).Body.String()
			if !strings.Contains(body, `<time datetime="`+tc.stored+`">`+tc.shown+`</time>`) {
				t.Fatalf("timeline lacks %q at %s:\n%s", tc.shown, tc.stored, body)
			}
		})
	}
}

// TestPagesInZone: the other times of the pages (a case opened, a child
// registered, the print view's time) are the node's, and so is the day
// of an instant; a date of birth is a calendar date and never shifts.
func TestPagesInZone(t *testing.T) {
	// 23:30 UTC on the 14th is already the 15th in Stockholm.
	now := time.Date(2026, 1, 14, 23, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		zone                string
		minute, second, day string
	}{
		{"Europe/Stockholm", "2026-01-15 00:30 CET", "2026-01-15 00:30:00 CET", "<td>2026-01-15</td>"},
		{"", "2026-01-14 23:30 UTC", "2026-01-14 23:30:00 UTC", "<td>2026-01-14</td>"},
	} {
		t.Run("zone="+tc.zone, func(t *testing.T) {
			e := newZoneEnv(t, tc.zone, now)
			h := e.srv.Handler()
			ru := newRegistryUsers(e)
			childID, caseID := e.registerOne(ru.officerID, "Hanna", "Tesfay")
			for _, p := range []struct {
				path string
				want []string
			}{
				{caseURL(caseID, ""), []string{"<dd>" + tc.minute + "</dd>", ">" + tc.minute + "</time>"}},
				{caseURL(caseID, "/print"), []string{"Printed on " + tc.minute}},
				{childURL(childID, ""), []string{"<dd>" + tc.second + "</dd>", tc.day, "2012-04"}},
			} {
				rec := e.do(h, req{method: "GET", path: p.path, session: ru.officer})
				if rec.Code != http.StatusOK {
					t.Fatalf("GET %s: %d", p.path, rec.Code)
				}
				for _, w := range p.want {
					if !strings.Contains(rec.Body.String(), w) {
						t.Errorf("GET %s lacks %q:\n%s", p.path, w, rec.Body.String())
					}
				}
			}
		})
	}
}

// TestFilterDaysInZone: a day of the audit log's and the search's filters
// runs from local midnight to the next local midnight, 23 or 25 hours when
// the clocks change.
func TestFilterDaysInZone(t *testing.T) {
	utc := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Instants around the local days' boundaries in Stockholm.
	instants := []string{
		"2026-01-14T22:59:59Z", "2026-01-14T23:00:00Z", "2026-01-15T22:59:59Z", "2026-01-15T23:00:00Z",
		"2026-03-28T22:59:59Z", "2026-03-28T23:00:00Z", "2026-03-29T21:59:59Z", "2026-03-29T22:00:00Z",
		"2026-10-24T21:59:59Z", "2026-10-24T22:00:00Z", "2026-10-25T22:59:59Z", "2026-10-25T23:00:00Z",
	}
	for _, tc := range []struct {
		zone, from, to string
		want           []int // indexes into instants
	}{
		{zone: "Europe/Stockholm", from: "2026-01-15", to: "2026-01-15", want: []int{1, 2}},
		{zone: "Europe/Stockholm", from: "2026-03-29", to: "2026-03-29", want: []int{5, 6}},
		{zone: "Europe/Stockholm", from: "2026-10-25", to: "2026-10-25", want: []int{9, 10}},
		{zone: "Europe/Stockholm", from: "2026-01-15", want: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		{zone: "Europe/Stockholm", to: "2026-01-14", want: []int{0}},
		{zone: "", from: "2026-01-15", to: "2026-01-15", want: []int{2, 3}},
		{zone: "", from: "2026-03-29", to: "2026-03-29", want: []int{6, 7}},
	} {
		t.Run(fmt.Sprintf("zone=%s from=%s to=%s", tc.zone, tc.from, tc.to), func(t *testing.T) {
			e := newZoneEnv(t, tc.zone, utc("2026-12-01T09:00:00Z"))
			h := e.srv.Handler()
			aud, pw := e.user("aud.se", auth.RoleAuditor, "SE")
			tok := e.enrol(aud.Username, pw)
			for i, s := range instants {
				if err := e.db.AppendAudit(context.Background(), audit.Record{Time: utc(s), Actor: "user:900", Role: "ncp_officer", Country: "SE",
					Action: audit.ActChildRead, Target: fmt.Sprintf("child:%d", i), Outcome: "ok", Addr: "abc"}); err != nil {
					t.Fatal(err)
				}
			}
			q := url.Values{"action": {audit.ActChildRead}, "from": {tc.from}, "to": {tc.to}}
			body := e.do(h, req{method: "GET", path: "/audit?" + q.Encode(), session: tok}).Body.String()
			var got []int
			for i := range instants {
				if strings.Contains(body, fmt.Sprintf("<td>child:%d</td>", i)) {
					got = append(got, i)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("entries %v, want %v", got, tc.want)
			}
		})
	}

	// The search's "case opened" days: a case opened at 23:30 UTC on the
	// 14th was opened on the 15th in Stockholm.
	for _, tc := range []struct {
		zone, day string
		found     bool
	}{
		{"Europe/Stockholm", "2026-01-15", true},
		{"Europe/Stockholm", "2026-01-14", false},
		{"", "2026-01-14", true},
		{"", "2026-01-15", false},
	} {
		t.Run(fmt.Sprintf("search zone=%s day=%s", tc.zone, tc.day), func(t *testing.T) {
			e := newZoneEnv(t, tc.zone, utc("2026-01-14T23:30:00Z"))
			h := e.srv.Handler()
			ru := newRegistryUsers(e)
			childID, _ := e.registerOne(ru.officerID, "Hanna", "Tesfay")
			body := e.do(h, req{method: "GET", path: "/children?from=" + tc.day + "&to=" + tc.day, session: ru.officer}).Body.String()
			if found := strings.Contains(body, fmt.Sprintf(`href="/children/%d"`, childID)); found != tc.found {
				t.Fatalf("found %v, want %v:\n%s", found, tc.found, body)
			}
		})
	}
}

// TestAuditTimesInZone: the audit log shows its entries' times in the zone,
// to the second, with the abbreviation.
func TestAuditTimesInZone(t *testing.T) {
	e := newZoneEnv(t, "Europe/Stockholm", time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC))
	h := e.srv.Handler()
	aud, pw := e.user("aud.se", auth.RoleAuditor, "SE")
	tok := e.enrol(aud.Username, pw)
	body := e.do(h, req{method: "GET", path: "/audit", session: tok}).Body.String()
	// The auditor's own sign-in, at the clock's time.
	if !strings.Contains(body, `<time datetime="2026-07-01T09:00:00Z">2026-07-01 11:00:00 CEST</time>`) {
		t.Fatalf("audit times:\n%s", body)
	}
}
