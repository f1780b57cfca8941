package cases_test

import (
	"context"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// t0 is the tests' clock.
var t0 = time.Date(2025, 6, 2, 10, 30, 0, 0, time.UTC)

// Actors of the tests: Swedish officers and supervisor, a Lithuanian
// officer, and roles without access to cases.
var (
	officerSE    = auth.Actor{UserID: 1, Role: auth.RoleOfficer, Country: "SE", Addr: "a1"}
	officer2SE   = auth.Actor{UserID: 5, Role: auth.RoleOfficer, Country: "SE"}
	supervisorSE = auth.Actor{UserID: 2, Role: auth.RoleSupervisor, Country: "SE"}
	officerLT    = auth.Actor{UserID: 3, Role: auth.RoleOfficer, Country: "LT"}
	adminSE      = auth.Actor{UserID: 4, Role: auth.RoleCountryAdmin, Country: "SE"}
	auditorSE    = auth.Actor{UserID: 6, Role: auth.RoleAuditor, Country: "SE"}
	networkAdmin = auth.Actor{UserID: 7, Role: auth.RoleNetworkAdmin}
)

// env is a service on a fresh database.
type env struct {
	db   *store.DB
	keys *crypto.Keyring
	svc  *cases.Service
	ctx  context.Context
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	kr := crypto.NewKeyring(t0)
	return &env{db: db, keys: kr, ctx: context.Background(),
		svc: cases.NewService(store.NewCaseStore(db), kr.Sealer(crypto.PurposeIdentity), kr, cases.Config{Now: func() time.Time { return t0 }})}
}

func newSQLite(t *testing.T) *store.DB { return storetest.New(t) }

// each runs fn on SQLite and (when configured) PostgreSQL, in parallel.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		fn(t, newEnv(t, db))
	})
}

func child(given, family, dob string) cases.ChildInput {
	return cases.ChildInput{GivenNames: given, FamilyName: family, BirthDate: dob, Sex: cases.SexMale,
		Citizenships: []string{"SY"}, Languages: []string{"ar"}}
}

func kase() cases.CaseInput {
	return cases.CaseInput{Category: cases.CatUnaccompanied, Evidence: cases.EvidenceIdentified,
		Placement: cases.PlaceReception, ResponsibleOrg: "Migrationsverket", Handling: cases.H2}
}

func (e *env) register(t *testing.T, a auth.Actor, ci cases.ChildInput) (*cases.Child, *cases.Case) {
	t.Helper()
	c, k, err := e.svc.Register(e.ctx, a, ci, kase())
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	return c, k
}

// auditEntries returns the audit log.
func (e *env) auditEntries(t *testing.T) []audit.Entry {
	t.Helper()
	var out []audit.Entry
	if err := e.db.WalkAudit(e.ctx, func(en audit.Entry) error { out = append(out, en); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// countAudit counts entries with action and target.
func (e *env) countAudit(t *testing.T, action, target string) int {
	t.Helper()
	n := 0
	for _, en := range e.auditEntries(t) {
		if en.Action == action && (target == "" || en.Target == target) {
			n++
		}
	}
	return n
}

func wantCode(t *testing.T, err error, code errs.Code) {
	t.Helper()
	if errs.CodeOf(err) != code {
		t.Fatalf("error = %v, want code %s", err, code)
	}
}

func (e *env) svcStore() cases.Store { return store.NewCaseStore(e.db) }
