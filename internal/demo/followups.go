package demo

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/node"
	"github.com/cbss-egcc/childcentre/internal/nodesync"
)

// The demo's follow-up requests, between the first node (home) and the
// others, one in each state a newcomer should see on home's page
// /followup: waiting for a supervisor's approval, sent and waiting for the
// other side, answered with a sealed disclosure, refused, overdue, and one
// asked of home and waiting for its decision. Each is made from a hit of
// the nodes' queues by the demo officer, through followup.Service, and
// travels sealed through the hub; the other side decides through its own
// service when its node has received the request.

// overdueAge is how long ago the overdue request was sent: past a routine
// request's fourteen days, so that it is overdue on both nodes at start.
// It is written with a clock set back by this much, as a node running
// then would have written it (its thread and audit entries carry that
// time); the other node receives it now, late, and counts from the
// deadline it carries.
const overdueAge = 20 * 24 * time.Hour

// scenario is one request the demo seeds.
type scenario struct {
	name     string // the state it shows, for the log
	prefer   string // the other country, if it has a hit left; any other otherwise
	incoming bool   // the other country asks home
	in       followup.Input
	backdate time.Duration
	decide   *followup.DecisionInput // the other side's decision; nil: none yet
}

var scenarios = []scenario{
	{name: "granted", prefer: "FI", in: followup.Input{Urgency: followup.Routine, LegalBasis: "brussels-2019-1111", Handling: "H2", Evaluation: "B2",
		Asked:   []string{"given_names", "family_name", "birth_date"},
		Purpose: "Plan the child's care: establish whether the child placed here is the child registered in your country."},
		decide: &followup.DecisionInput{Outcome: followup.Grant, Fields: []string{"given_names", "birth_date"}, Handling: "H2", Evaluation: "B2",
			Note: "The family name is under review here and is not disclosed yet."}},
	{name: "refused", prefer: "DE", in: followup.Input{Urgency: followup.Urgent, LegalBasis: "prum-2024-982", Handling: "H1", Evaluation: "C3",
		Asked:   []string{"given_names", "family_name", "citizenships"},
		Purpose: "A possible match abroad: confirm or exclude that the records concern the same child."},
		decide: &followup.DecisionInput{Outcome: followup.Refuse, Reason: "not_same_child", Handling: "H1", Evaluation: "B2",
			Note: "Checked against the file: the dates of arrival exclude the same child."}},
	{name: "overdue", prefer: "PL", backdate: overdueAge, in: followup.Input{Urgency: followup.Routine, LegalBasis: "hague-1996", Handling: "H2", Evaluation: "B3",
		Asked:   []string{"birth_date", "languages"},
		Purpose: "Prepare an interview with an interpreter: the child's languages and date of birth as recorded there."}},
	{name: "sent", prefer: "DE", in: followup.Input{Urgency: followup.Urgent, LegalBasis: "coe-cets-197", Handling: "H2", Evaluation: "B2",
		Asked:   []string{"given_names", "family_name", "birth_place"},
		Purpose: "Indicators of trafficking: identify the child to coordinate protection with the authority there."}},
	{name: "approval", prefer: "FI", in: followup.Input{Urgency: followup.Danger, LegalBasis: "sis-2018-1862", Handling: "H3", Evaluation: "B2",
		Asked:    []string{"given_names", "family_name", "birth_date", "citizenships"},
		Purpose:  "The child left the reception centre with an adult not known to staff; locate the child.",
		Question: "Has the child been seen with an adult since the registration there?"}},
	{name: "pending", prefer: "FI", incoming: true, in: followup.Input{Urgency: followup.Routine, LegalBasis: "dir-2023-977", Handling: "H2", Evaluation: "B2",
		Asked:   []string{"given_names", "birth_date", "languages"},
		Purpose: "Reunite the child with a relative: confirm the identity recorded at the first registration."}},
}

// actors are a node's demo officer and supervisor.
type actors struct{ officer, supervisor auth.Actor }

// seeding is the state of one seeding run.
type seeding struct {
	home  *node.Node
	nodes map[string]*node.Node
	who   map[string]actors
	now   func() time.Time
	log   *slog.Logger
	used  map[string]bool // hub hit ids and refs used: each request is about other children
}

// seedFollowUps seeds the scenarios and an alert on an empty follow-up
// register of home; it does nothing on one seeded before (a kept --dir) or
// in a region of one node. It returns how many requests and alerts it made.
func seedFollowUps(ctx context.Context, nodes []*node.Node, now func() time.Time, log *slog.Logger) (int, error) {
	if len(nodes) < 2 {
		return 0, nil
	}
	s := &seeding{home: nodes[0], nodes: map[string]*node.Node{}, who: map[string]actors{}, now: now, log: log, used: map[string]bool{}}
	for _, n := range nodes {
		c := n.Config.Country
		o, sv, err := demoActors(ctx, n.Auth, auth.Country(c))
		if err != nil {
			return 0, err
		}
		s.nodes[c], s.who[c] = n, actors{o, sv}
	}
	homeC := s.home.Config.Country
	if had, err := s.home.Exchange.FollowUp.List(ctx, s.who[homeC].officer, 1); err != nil || len(had) > 0 {
		if err == nil {
			log.Info("demo: follow-up requests seeded before; left as they are")
		}
		return 0, err
	}
	// Hits reach the nodes through their inboxes shortly after matching.
	want := min(3, len(nodes)-1)
	if err := pollWithin(ctx, hitsWithin, "hits with the other countries", func() (bool, error) {
		q, err := s.home.Exchange.Hits.Queue(ctx, s.who[homeC].officer, false)
		return len(q) >= len(scenarios)+1 && len(countriesOf(q)) >= want, err
	}); err != nil {
		return 0, err
	}
	n := 0
	var sent []made
	for _, sc := range scenarios {
		m, err := s.request(ctx, sc)
		if err != nil {
			return n, err
		}
		n++
		sent = append(sent, m)
	}
	for _, m := range sent {
		if err := s.answer(ctx, m); err != nil {
			return n, err
		}
	}
	// The alert last: the officer's dashboard lists it first among
	// their recent acts, above the requests.
	if err := s.alert(ctx); err != nil {
		return n, err
	}
	return n + 1, nil
}

// made is a request made, with where it went.
type made struct {
	sc       scenario
	from, to string
	req      *followup.Request
}

// pick returns a hit of country's queue about children no other scenario
// uses, preferably with prefer (with want, only with it); nil if none.
func (s *seeding) pick(ctx context.Context, country, prefer, want string) (*nodesync.Hit, error) {
	q, err := s.nodes[country].Exchange.Hits.Queue(ctx, s.who[country].officer, false)
	if err != nil {
		return nil, err
	}
	var pick *nodesync.Hit
	for _, h := range q {
		if s.used[h.HitID] || s.used[h.LocalRef] || s.used[h.OtherRef] || (want != "" && h.OtherCountry != want) {
			continue
		}
		if pick == nil || h.OtherCountry == prefer && pick.OtherCountry != prefer {
			pick = h
		}
	}
	if pick != nil {
		s.use(pick)
	}
	return pick, nil
}

// use marks a hit, and the children of both its records, as used.
func (s *seeding) use(h *nodesync.Hit) {
	s.used[h.HitID], s.used[h.LocalRef], s.used[h.OtherRef] = true, true, true
}

// request makes a scenario's request from a hit: the officer decides that
// the hit needs a follow-up, then asks.
func (s *seeding) request(ctx context.Context, sc scenario) (made, error) {
	from := s.home.Config.Country
	var h *nodesync.Hit
	var err error
	if sc.incoming {
		from = sc.prefer
		if s.nodes[from] == nil {
			from = otherThan(s.nodes, s.home.Config.Country)
		}
		// The other node learns of the hit about when home does.
		err = pollWithin(ctx, hitsWithin, "a hit on "+from, func() (bool, error) {
			var err error
			h, err = s.pick(ctx, from, s.home.Config.Country, s.home.Config.Country)
			return h != nil, err
		})
	} else if h, err = s.pick(ctx, from, sc.prefer, ""); err == nil && h == nil {
		err = errs.E(errs.Unavailable, "demo: no hit left in %s's queue", from)
	}
	if err != nil {
		return made{}, err
	}
	n, who := s.nodes[from], s.who[from]
	if err := n.Exchange.Hits.Decide(ctx, who.officer, h.ID, exchange.DecisionFollowUp); err != nil {
		return made{}, err
	}
	svc := n.Exchange.FollowUp
	if sc.backdate > 0 {
		late := *svc
		late.Now = func() time.Time { return s.now().Add(-sc.backdate) }
		svc = &late
	}
	in := sc.in
	in.Officer = "Demo Officer"
	r, err := svc.Create(ctx, who.officer, h.ID, in)
	if err != nil {
		return made{}, err
	}
	// A request about a record of suspicion only waits for a supervisor
	// too; only the scenario meant to wait is left waiting.
	if r.State == followup.StateApproval && sc.in.Urgency != followup.Danger {
		if err := svc.Approve(ctx, who.supervisor, r.ID); err != nil {
			return made{}, err
		}
	}
	s.log.Info("demo: follow-up request made", "scenario", sc.name, "from", from, "to", h.OtherCountry)
	return made{sc: sc, from: from, to: h.OtherCountry, req: r}, nil
}

// answer waits until a request that left has reached the other node, and
// lets that node's supervisor decide it when the scenario says so.
func (s *seeding) answer(ctx context.Context, m made) error {
	if m.sc.in.Urgency == followup.Danger {
		return nil // waits for approval: it never left
	}
	n, who := s.nodes[m.to], s.who[m.to]
	var got *followup.Request
	err := pollWithin(ctx, hitsWithin, "a follow-up request on "+m.to, func() (bool, error) {
		list, err := n.Exchange.FollowUp.List(ctx, who.officer, 200)
		i := slices.IndexFunc(list, func(r *followup.Request) bool { return r.Thread == m.req.Thread && r.Direction == followup.In })
		if i >= 0 {
			got = list[i]
		}
		return got != nil, err
	})
	if err != nil || m.sc.decide == nil {
		return err
	}
	d := *m.sc.decide
	d.Officer = "Demo Supervisor"
	if err := n.Exchange.FollowUp.Decide(ctx, who.supervisor, got.ID, d); err != nil {
		return err
	}
	s.log.Info("demo: follow-up request decided", "scenario", m.sc.name, "by", m.to, "outcome", d.Outcome)
	return nil
}

// countriesOf returns the other countries of hits.
func countriesOf(q []*nodesync.Hit) []string {
	var out []string
	for _, h := range q {
		if !slices.Contains(out, h.OtherCountry) {
			out = append(out, h.OtherCountry)
		}
	}
	return out
}

// otherThan returns a country of nodes other than c, the first in order.
func otherThan(nodes map[string]*node.Node, c string) string {
	var list []string
	for k := range nodes {
		if k != c {
			list = append(list, k)
		}
	}
	slices.Sort(list)
	return list[0]
}

// pollWithin is poll bounded by limit.
func pollWithin(ctx context.Context, limit time.Duration, what string, cond func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	return poll(ctx, what, cond)
}
