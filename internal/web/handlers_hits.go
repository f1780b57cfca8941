package web

import (
	"context"
	"net/http"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/nodesync"
)

// The work queue "Possible matches abroad" (issue 8): the hits the hub
// notified, for officers and supervisors to confirm, reject or mark as
// needing follow-up; and the supervisor's decision to share a case based
// on suspicion only. This file registers its page, partial, routes and
// navigation entry itself, so that the shared tables stay as they are.

// HitQueue is the work queue of possible matches abroad; nodesync.Hits
// implements it. Nil on a node without a hub: the page says so.
type HitQueue interface {
	Queue(ctx context.Context, a auth.Actor, decided bool) ([]*nodesync.Hit, error)
	Open(ctx context.Context, a auth.Actor) (int, error)
	Decide(ctx context.Context, a auth.Actor, id int64, decision string) error
}

func init() {
	pageNames = append(pageNames, "hits")
	partials = append(partials, "templates/network_partials.html")
	navigation = append(navigation, navItem{Href: "/hits", LabelKey: "nav.hits", Name: "hits", perm: auth.PermCasesRead})
	for done, key := range sharingNotices {
		caseNotices[done] = key
	}
}

// sharingNotices are the case page's confirmations of a sharing decision.
var sharingNotices = map[string]string{
	"shared":   "hits.notice_shared",
	"unshared": "hits.notice_unshared",
}

// hitStatusKeys name each hit status.
var hitStatusKeys = map[string]string{
	nodesync.HitOpen:      "hits.status_open",
	nodesync.HitFollowUp:  "hits.status_followup",
	nodesync.HitConfirmed: "hits.status_confirmed",
	nodesync.HitRejected:  "hits.status_rejected",
	nodesync.HitWithdrawn: "hits.status_withdrawn",
}

// networkRoutes are the routes of this file.
func (s *Server) networkRoutes() []Route {
	h := func(f http.HandlerFunc) http.Handler { return f }
	return []Route{
		{Method: "GET", Pattern: "/hits", Name: "hits", Permission: auth.PermCasesRead, handler: h(s.hitsPage)},
		{Method: "POST", Pattern: "/hits/{id}", Name: "hit_decide", Permission: auth.PermCasesWrite, handler: h(s.hitDecide)},
		{Method: "POST", Pattern: "/cases/{id}/sharing", Name: "case_sharing", Permission: auth.PermCasesApprove, handler: h(s.caseSharing)},
	}
}

// hitRow is one hit as the page shows it.
type hitRow struct {
	*nodesync.Hit
	Age       int    // the local child's age this year; 0 when the birth year is unknown
	StatusKey string // catalogue key of the status
	// Explain is how the hub's model scored a possible pair (nil: none).
	Explain *explainView
}

// hitsData is the data of the work queue.
type hitsData struct {
	Connected bool
	Decided   bool // the list of decided hits rather than the queue
	Hits      []hitRow
	CanDecide bool
}

var hitNotices = map[string]string{
	exchange.DecisionConfirm:  "hits.notice_confirm",
	exchange.DecisionReject:   "hits.notice_reject",
	exchange.DecisionFollowUp: "hits.notice_followup",
}

func (s *Server) hitsPage(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	d := hitsData{Connected: s.deps.Hits != nil, Decided: r.URL.Query().Get("show") == "decided",
		CanDecide: st.principal.User.Role.Can(auth.PermCasesWrite)}
	if d.Connected {
		list, err := s.deps.Hits.Queue(r.Context(), st.actor(), d.Decided)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		year := s.now().In(s.cfg.Location).Year()
		for _, h := range list {
			row := hitRow{Hit: h, StatusKey: hitStatusKeys[h.Status], Explain: newExplainView(h.Explanation)}
			if h.BirthYear > 0 {
				row.Age = year - h.BirthYear
			}
			d.Hits = append(d.Hits, row)
		}
	}
	s.render(w, r, http.StatusOK, "hits", &page{TitleKey: "hits.title", NoticeKey: hitNotices[r.URL.Query().Get("done")], Data: d})
}

func (s *Server) hitDecide(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok || s.deps.Hits == nil {
		s.renderStatus(w, r, http.StatusNotFound)
		return
	}
	decision := r.PostForm.Get("decision")
	err := s.deps.Hits.Decide(r.Context(), state(r).actor(), id, decision)
	switch {
	case err == nil:
		http.Redirect(w, r, "/hits?done="+decision, http.StatusSeeOther)
	case errs.CodeOf(err) == errs.Conflict || errs.CodeOf(err) == errs.Invalid:
		http.Redirect(w, r, "/hits", http.StatusSeeOther)
	default:
		s.renderError(w, r, err)
	}
}

// caseSharing records a supervisor's decision on sharing a case based on
// suspicion only (cases.Service.DecideSharing).
func (s *Server) caseSharing(w http.ResponseWriter, r *http.Request) {
	share := r.PostForm.Get("share") == "yes"
	done := "unshared"
	if share {
		done = "shared"
	}
	s.caseAct(w, r, &page{}, done, sameInput, func(id int64) error {
		return s.deps.Cases.DecideSharing(r.Context(), state(r).actor(), id, share)
	})
}

// HitsWorkQueue is the start page's line of possible matches abroad
// waiting for a decision (Deps.WorkQueues).
func HitsWorkQueue(q HitQueue) WorkQueue {
	return WorkQueue{Name: "matches_abroad", TitleKey: "hits.dash", Href: "/hits", Permission: auth.PermCasesRead, Count: q.Open}
}
