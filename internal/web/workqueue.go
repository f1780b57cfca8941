package web

import (
	"context"
	"net/http"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
)

// WorkQueue is one line of the officer's start page: how many records
// wait for someone, and the page that lists them. The registry's queues
// are built in (closures to review, retention due); other parts of the
// node add theirs through Deps.WorkQueues (possible matches abroad,
// follow-ups due), with their own catalogue keys.
type WorkQueue struct {
	Name       string          // stable, for tests and the page's ids: "closures", "matches_abroad"
	TitleKey   string          // catalogue key of the line's text; it receives {n}
	Href       string          // the page that lists the records; "" none
	Permission auth.Permission // who sees the queue
	// Count counts the records waiting in the actor's country. An error
	// leaves the line out (and is logged); the page still renders.
	Count func(ctx context.Context, a auth.Actor) (int, error)
}

// queueLine is a work queue as the page shows it.
type queueLine struct {
	Name, TitleKey, Href string
	N                    int
}

// dashboardData is the data of the start page.
type dashboardData struct {
	Capabilities []capability
	Queues       []queueLine
	Statuses     []statusCount      // nil: the user reads no cases
	Recent       []audit.Entry      // the user's own latest acts
	FollowUp     *followupDashboard // nil: no hub, or the user reads no cases
}

type statusCount struct {
	Status cases.Status
	N      int
}

// workQueues returns the built-in queues and those of Deps.
func (s *Server) workQueues() []WorkQueue {
	var qs []WorkQueue
	if svc := s.deps.Cases; svc != nil {
		qs = append(qs, WorkQueue{
			Name: "closures", TitleKey: "dash.queue_closures", Href: "/children?status=closure_requested",
			Permission: auth.PermCasesApprove,
			Count: func(ctx context.Context, a auth.Actor) (int, error) {
				o, err := svc.Overview(ctx, a)
				if err != nil {
					return 0, err
				}
				return o.ByStatus[cases.StatusClosureRequested], nil
			},
		}, WorkQueue{
			Name: "retention", TitleKey: "dash.queue_retention", Permission: auth.PermCasesRead,
			Count: func(ctx context.Context, a auth.Actor) (int, error) {
				o, err := svc.Overview(ctx, a)
				if err != nil || o.RetentionDue < 0 {
					return -1, err
				}
				return o.RetentionDue, nil
			},
		})
	}
	return append(qs, s.deps.WorkQueues...)
}

// dashboardData gathers the start page: queues, counts by status and the
// user's recent activity. A part that fails is left out and logged.
func (s *Server) dashboardData(r *http.Request, caps []capability) dashboardData {
	ctx := r.Context()
	st := state(r)
	a := st.actor()
	role := st.principal.User.Role
	d := dashboardData{Capabilities: caps}
	for _, q := range s.workQueues() {
		if !role.Can(q.Permission) || q.Count == nil {
			continue
		}
		n, err := q.Count(ctx, a)
		if err != nil {
			s.log.Warn("work queue failed", "queue", q.Name, "err", err)
			continue
		}
		if n < 0 {
			continue // not applicable here (no retention period)
		}
		d.Queues = append(d.Queues, queueLine{q.Name, q.TitleKey, q.Href, n})
	}
	if svc := s.deps.Cases; svc != nil && role.Can(auth.PermCasesRead) {
		if o, err := svc.Overview(ctx, a); err != nil {
			s.log.Warn("case overview failed", "err", err)
		} else {
			for _, k := range cases.Statuses {
				d.Statuses = append(d.Statuses, statusCount{k, o.ByStatus[k]})
			}
		}
	}
	d.FollowUp = s.followupDashboardOf(ctx, a, role)
	if s.deps.Audit != nil {
		f := audit.Filter{Actor: a.Ref(), Limit: 8}
		if a.Country != "" {
			f.Country = string(a.Country)
		}
		if es, _, err := s.deps.Audit.ListAudit(ctx, f); err != nil {
			s.log.Warn("recent activity failed", "err", err)
		} else {
			d.Recent = es
		}
	}
	return d
}
