package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
)

// TestAuditPage: the auditor sees their country's entries, filtered and
// paginated, and every view is itself recorded as audit.read.
func TestAuditPage(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ctx := context.Background()
	aud, pw := e.user("aud.se", auth.RoleAuditor, "SE")
	tok := e.enrol(aud.Username, pw)
	for i := 0; i < 90; i++ {
		country := "SE"
		if i%3 == 0 {
			country = "LT"
		}
		if err := e.db.AppendAudit(ctx, audit.Record{Actor: "user:900", Role: "ncp_officer", Country: country,
			Action: audit.ActChildRead, Target: fmt.Sprintf("child:%d", i), Outcome: "ok", Addr: "abc"}); err != nil {
			t.Fatal(err)
		}
	}
	reads := func() int {
		_, n, err := e.db.ListAudit(ctx, audit.Filter{Action: audit.ActAuditRead})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	body := e.do(h, req{method: "GET", path: "/audit?action=child.read", session: tok}).Body.String()
	if !strings.Contains(body, "60 entries") || !strings.Contains(body, "page 1 of 2") || !strings.Contains(body, "<td>child:89</td>") {
		t.Fatalf("own country's child.read entries:\n%s", body)
	}
	if strings.Contains(body, "child:0<") || strings.Contains(body, ">LT<") {
		t.Fatal("another country's entries are shown")
	}
	if reads() != 1 {
		t.Fatalf("audit.read entries: %d, want 1", reads())
	}
	entries, _, _ := e.db.ListAudit(ctx, audit.Filter{Action: audit.ActAuditRead})
	if r := entries[0]; r.Actor != fmt.Sprintf("user:%d", aud.ID) || r.Country != "SE" || r.Detail != "action=child.read" || r.Addr == "" || !r.Time.Equal(e.clock.Now()) {
		t.Fatalf("audit.read entry %+v", r.Record)
	}

	// Pagination: 50 a page, newest first, filters kept.
	if n := strings.Count(body, "<td>child:"); n != 50 {
		t.Fatalf("%d rows on page 1, want 50", n)
	}
	if !strings.Contains(body, `href="/audit?action=child.read&amp;page=2" rel="next"`) {
		t.Fatalf("no link to page 2:\n%s", body)
	}
	body = e.do(h, req{method: "GET", path: "/audit?action=child.read&page=2", session: tok}).Body.String()
	if n := strings.Count(body, "<td>child:"); n != 10 || !strings.Contains(body, "page 2 of 2") || !strings.Contains(body, `rel="prev"`) || !strings.Contains(body, "<td>child:1</td>") {
		t.Fatalf("page 2: %d rows", n)
	}

	// Date range (the "to" day is included) and validation.
	day := e.clock.Now().Format(time.DateOnly)
	if body := e.do(h, req{method: "GET", path: "/audit?action=child.read&from=" + day + "&to=" + day, session: tok}).Body.String(); !strings.Contains(body, "60 entries") {
		t.Fatal("a range of today misses today's entries")
	}
	if body := e.do(h, req{method: "GET", path: "/audit?action=child.read&to=2020-01-01", session: tok}).Body.String(); !strings.Contains(body, "0 entries") {
		t.Fatal("a range before the entries finds them")
	}
	before := reads()
	for _, q := range []string{"from=yesterday", "from=2025-03-10&to=2025-03-01", "action=no.such.action", "actor=" + strings.Repeat("x", 65)} {
		rec := e.do(h, req{method: "GET", path: "/audit?" + q, session: tok})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `class="error-summary"`) {
			t.Errorf("%s: %d", q, rec.Code)
		}
	}
	if reads() != before {
		t.Error("a refused filter must not read (or record reading) the log")
	}
	// Actor and target filters.
	if body := e.do(h, req{method: "GET", path: "/audit?target=child:59", session: tok}).Body.String(); !strings.Contains(body, "1 entry") {
		t.Fatal("target filter")
	}

	// The network administrator sees every country and may choose one.
	na, npw := e.user("net.admin", auth.RoleNetworkAdmin, "")
	ntok := e.enrol(na.Username, npw)
	if body := e.do(h, req{method: "GET", path: "/audit?action=child.read", session: ntok}).Body.String(); !strings.Contains(body, "90 entries") {
		t.Fatal("the network administrator does not see every country")
	}
	if body := e.do(h, req{method: "GET", path: "/audit?action=child.read&country=lt", session: ntok}).Body.String(); !strings.Contains(body, "30 entries") {
		t.Fatal("country filter")
	}
	// An auditor cannot widen their scope with the country parameter.
	if body := e.do(h, req{method: "GET", path: "/audit?action=child.read&country=LT", session: tok}).Body.String(); !strings.Contains(body, "60 entries") {
		t.Fatal("an auditor's country parameter must be ignored")
	}
}

// TestAuditPageUsable: actors by name and role, a username as the actor
// filter (recorded as its reference), no free text recorded, details cut
// short with the whole entry on its own page (issue 10).
func TestAuditPageUsable(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ctx := context.Background()
	aud, pw := e.user("aud.se", auth.RoleAuditor, "SE")
	tok := e.enrol(aud.Username, pw)
	off, _ := e.user("olga.officer", auth.RoleOfficer, "SE")
	long := strings.Repeat("fields=given_names,family_name,", 4)
	for _, c := range []string{"SE", "LT"} {
		if err := e.db.AppendAudit(ctx, audit.Record{Actor: fmt.Sprintf("user:%d", off.ID), Role: "ncp_officer", Country: c,
			Action: audit.ActChildUpdate, Target: "child:7", Outcome: "ok", Detail: long}); err != nil {
			t.Fatal(err)
		}
	}
	body := e.do(h, req{method: "GET", path: "/audit?actor=olga.officer", session: tok}).Body.String()
	if !strings.Contains(body, "1 entry") || !strings.Contains(body, "<bdi>olga.officer</bdi>") || !strings.Contains(body, "NCP officer") ||
		strings.Contains(body, long) || !strings.Contains(body, "whole entry") {
		t.Fatalf("list by username:\n%s", body)
	}
	entries, _, _ := e.db.ListAudit(ctx, audit.Filter{Action: audit.ActAuditRead})
	if want := fmt.Sprintf("actor=user:%d", off.ID); entries[0].Detail != want {
		t.Fatalf("the view is recorded as %q, want %q", entries[0].Detail, want)
	}
	// Free text is refused before anything is read or recorded.
	before := len(entries)
	for _, q := range []string{"actor=Zahra+Ahmadi", "target=Zahra", "actor=nobody.here"} {
		if rec := e.do(h, req{method: "GET", path: "/audit?" + q, session: tok}); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", q, rec.Code)
		}
	}
	all, _, _ := e.db.ListAudit(ctx, audit.Filter{})
	for _, en := range all {
		if strings.Contains(en.Detail, "Zahra") || strings.Contains(en.Detail, "nobody") {
			t.Fatalf("free text in the log: %q", en.Detail)
		}
	}
	if entries, _, _ = e.db.ListAudit(ctx, audit.Filter{Action: audit.ActAuditRead}); len(entries) != before {
		t.Error("a refused filter was recorded")
	}
	// The entry's own page shows it whole; another country's is not found.
	se, _, _ := e.db.ListAudit(ctx, audit.Filter{Country: "SE", Action: audit.ActChildUpdate})
	lt, _, _ := e.db.ListAudit(ctx, audit.Filter{Country: "LT", Action: audit.ActChildUpdate})
	rec := e.do(h, req{method: "GET", path: fmt.Sprintf("/audit/%d", se[0].Seq), session: tok})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), long) || !strings.Contains(rec.Body.String(), "<bdi>olga.officer</bdi>") {
		t.Fatalf("entry page: %d\n%s", rec.Code, rec.Body.String())
	}
	if rec := e.do(h, req{method: "GET", path: fmt.Sprintf("/audit/%d", lt[0].Seq), session: tok}); rec.Code != http.StatusNotFound {
		t.Fatalf("another country's entry: %d", rec.Code)
	}
}
