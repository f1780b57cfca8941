package nodesync_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/linkage"
	"github.com/cbss-egcc/childcentre/internal/metrics"
	"github.com/cbss-egcc/childcentre/internal/nodesync"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

var (
	officer    = auth.Actor{UserID: 1, Role: auth.RoleOfficer, Country: "SE"}
	supervisor = auth.Actor{UserID: 2, Role: auth.RoleSupervisor, Country: "SE"}
	auditor    = auth.Actor{UserID: 3, Role: auth.RoleAuditor, Country: "SE"}
)

// fakeHub is the hub as the node sees it through Transport: it applies
// each message ID once, answers duplicates, refuses what refuse says, and
// serves an inbox. It is no substitute for the real hub (the end-to-end
// tests use that); it checks the node's side of the contract.
type fakeHub struct {
	mu       sync.Mutex
	seen     map[string]bool
	records  map[string]exchange.Upsert // by ref
	applied  []exchange.Envelope        // every message applied, once each
	refuse   func(e exchange.Envelope) string
	down     bool // Send and Inbox fail
	loseAck  bool // apply, then fail as if the answer was lost
	notices  []exchange.Notice
	batches  int
	lastSeen int64 // the highest cursor asked with
}

func newFakeHub() *fakeHub {
	return &fakeHub{seen: map[string]bool{}, records: map[string]exchange.Upsert{}}
}

var errDown = errors.New("hub unreachable")

func (h *fakeHub) Send(ctx context.Context, b exchange.Batch) (exchange.BatchResult, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.down {
		return exchange.BatchResult{}, errDown
	}
	h.batches++
	var res exchange.BatchResult
	for _, e := range b.Messages {
		r := exchange.Result{ID: e.ID, Status: exchange.StatusAccepted}
		switch {
		case h.seen[e.ID]:
			r.Status = exchange.StatusDuplicate
		case h.refuse != nil && h.refuse(e) != "":
			r.Status, r.Code = exchange.StatusRefused, h.refuse(e)
		default:
			h.seen[e.ID] = true
			h.applied = append(h.applied, e)
			switch e.Type {
			case exchange.TypeUpsert:
				h.records[e.Upsert.Ref] = *e.Upsert
			case exchange.TypeWithdraw:
				delete(h.records, e.Withdraw.Ref)
			}
		}
		res.Results = append(res.Results, r)
	}
	if h.loseAck {
		h.loseAck = false
		return exchange.BatchResult{}, errors.New("connection reset")
	}
	return res, nil
}

func (h *fakeHub) Inbox(ctx context.Context, after int64) (exchange.Inbox, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.down {
		return exchange.Inbox{}, errDown
	}
	h.lastSeen = after
	var out exchange.Inbox
	for _, n := range h.notices {
		if n.Seq > after {
			if len(out.Notices) == 2 {
				out.More = true
				break
			}
			out.Notices = append(out.Notices, n)
		}
	}
	return out, nil
}

func (h *fakeHub) notify(n exchange.Notice) {
	h.mu.Lock()
	defer h.mu.Unlock()
	n.Seq = int64(len(h.notices) + 1)
	h.notices = append(h.notices, n)
}

func (h *fakeHub) count(typ string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, e := range h.applied {
		if e.Type == typ {
			n++
		}
	}
	return n
}

// env is a node's registry and network parts on a fresh database.
type env struct {
	ctx     context.Context
	db      *store.DB
	cases   *cases.Service
	net     *store.NodeSyncStore
	sharer  *nodesync.Sharer
	secrets *nodesync.Secrets
	sender  *nodesync.Sender
	puller  *nodesync.Puller
	hits    *nodesync.Hits
	hub     *fakeHub
	reg     *metrics.Registry
	keys    *crypto.Keyring
	sealer  *crypto.Sealer
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	kr := crypto.NewKeyring(t0)
	now := func() time.Time { return t0 }
	schema, _ := linkage.BuiltinSchema("child-clk")
	e := &env{ctx: context.Background(), db: db, net: store.NewNodeSyncStore(db), sharer: nodesync.NewSharer(schema),
		hub: newFakeHub(), reg: metrics.NewRegistry()}
	e.keys, e.sealer = kr, kr.Sealer(crypto.PurposeIdentity)
	e.cases = cases.NewService(store.NewCaseStore(db), e.sealer, kr, cases.Config{Country: "SE", Now: now, Retention: 24 * time.Hour})
	e.cases.SetSharing(e.sharer)
	e.secrets = &nodesync.Secrets{Store: e.net, Sharer: e.sharer, AtRest: kr.Sealer(nodesync.SecretPurpose), Country: "SE", Now: now}
	e.sender = nodesync.NewSender(e.net, e.hub, e.reg, nil, now)
	e.puller = nodesync.NewPuller(e.net, e.hub, e.secrets, e.reg, nil, now)
	e.hits = &nodesync.Hits{Store: e.net, Country: "SE", Now: now}
	return e
}

func each(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		fn(t, newEnv(t, db))
	})
}

func (e *env) withSecret(t *testing.T) {
	t.Helper()
	if _, err := e.secrets.Init(e.ctx); err != nil {
		t.Fatal(err)
	}
}

func childInput(given, family, dob string) cases.ChildInput {
	return cases.ChildInput{NationalRef: "NR-" + given + "-" + dob, GivenNames: given, FamilyName: family, BirthDate: dob,
		Sex: cases.SexFemale, Citizenships: []string{"AF"}}
}

func caseInput(ev cases.Evidence) cases.CaseInput {
	return cases.CaseInput{Category: cases.CatUnaccompanied, Evidence: ev, Placement: cases.PlaceReception, Handling: cases.H2}
}

func (e *env) register(t *testing.T, ci cases.ChildInput, ev cases.Evidence) (*cases.Child, *cases.Case) {
	t.Helper()
	c, k, err := e.cases.Register(e.ctx, officer, ci, caseInput(ev))
	if err != nil {
		t.Fatal(err)
	}
	return c, k
}

// outbox returns the pending messages.
func (e *env) outbox(t *testing.T) []exchange.Envelope {
	t.Helper()
	var out []exchange.Envelope
	err := e.net.View(e.ctx, func(tx nodesync.Tx) error {
		due, err := tx.Due(e.ctx, 10000)
		for _, o := range due {
			var env exchange.Envelope
			if err := json.Unmarshal(o.Body, &env); err != nil {
				return err
			}
			out = append(out, env)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (e *env) counts(t *testing.T) (pending, refused int) {
	t.Helper()
	err := e.net.View(e.ctx, func(tx nodesync.Tx) error {
		var err error
		pending, refused, err = tx.OutboxCounts(e.ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return pending, refused
}

func (e *env) drain(t *testing.T) {
	t.Helper()
	for range 100 {
		n, err := e.sender.SendOnce(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("the outbox does not drain")
}

// pull reads the inbox to its end.
func (e *env) pull(t *testing.T) {
	t.Helper()
	for range 10 {
		more, err := e.puller.PullOnce(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !more {
			return
		}
	}
	t.Fatal("the inbox does not end")
}

func (e *env) countAudit(t *testing.T, action string) int {
	t.Helper()
	n := 0
	if err := e.db.WalkAudit(e.ctx, func(en audit.Entry) error {
		if en.Action == action {
			n++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// purgeLater returns a registry service on e's database whose clock is
// after later, sharing e's Sharer.
func (e *env) purgeLater(t *testing.T, later time.Duration) *cases.Service {
	t.Helper()
	svc := cases.NewService(store.NewCaseStore(e.db), e.sealer, e.keys, cases.Config{Country: "SE", Retention: 24 * time.Hour,
		Now: func() time.Time { return t0.Add(later) }})
	svc.SetSharing(e.sharer)
	return svc
}
