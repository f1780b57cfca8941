package api_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/api"
	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
)

// TestAuthorship: what a token registers, records or imports through the
// API is written by the token, in the history and on the timeline alike,
// and the audit log names it with its scopes as the role.
func TestAuthorship(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tok, tokID := e.token("SE", tokens.ScopeRead, tokens.ScopeWrite)
		out := e.register(tok, registration("SE-1", "Amina", "Abdi", "2012"))
		casePath := "/api/v1/cases/" + strconv.FormatInt(out.Case.ID, 10)
		e.do(req{method: "POST", path: casePath + "/events", token: tok, body: api.EventInput{Type: "placed"}}).
			must(t, http.StatusCreated)
		batch := api.Batch{Registrations: []api.Registration{registration("SE-2", "Anna", "Berg", "2011")}}
		e.do(req{method: "POST", path: "/api/v1/registrations:batch", token: tok, body: batch}).must(t, http.StatusOK)

		supervisor := auth.Actor{UserID: 2, Role: auth.RoleSupervisor, Country: "SE"}
		svc := e.service("SE")
		byToken := func(what string, by, byToken int64) {
			t.Helper()
			if by != 0 || byToken != tokID {
				t.Errorf("%s: by user %d, by token %d; want token %d", what, by, byToken, tokID)
			}
		}
		tl, err := svc.Timeline(e.ctx, supervisor, out.Case.ID)
		if err != nil || len(tl) != 2 {
			t.Fatalf("timeline %+v, %v", tl, err)
		}
		for _, ev := range tl {
			byToken("event "+string(ev.Type), ev.By, ev.ByToken)
		}
		if tl[1].Type != cases.EvPlaced {
			t.Errorf("timeline %+v, want registered then placed", tl)
		}
		imported, err := svc.ChildByNationalRef(e.ctx, supervisor, "SE-2")
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range []struct {
			entity string
			id     int64
		}{{"child", out.Child.ID}, {"case", out.Case.ID}, {"child", imported.ID}} {
			changes, err := svc.History(e.ctx, supervisor, h.entity, h.id)
			if err != nil || len(changes) == 0 {
				t.Fatalf("history of %s %d: %+v, %v", h.entity, h.id, changes, err)
			}
			for _, c := range changes {
				byToken(h.entity+" "+c.Action, c.By, c.ByToken)
			}
		}

		ref := "token:" + strconv.FormatInt(tokID, 10)
		for _, action := range []string{audit.ActChildCreate, audit.ActCaseUpdate, audit.ActDataImport} {
			ens := e.entries(action)
			if len(ens) == 0 {
				t.Errorf("no %s entry", action)
			}
			for _, en := range ens {
				if en.Actor != ref || en.Role != "api:read,write" {
					t.Errorf("%s entry by %s as %q, want %s as api:read,write", action, en.Actor, en.Role, ref)
				}
			}
		}
	})
}
