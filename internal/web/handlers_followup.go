package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/followup"
)

// Follow-up requests (issue 11): the list of requests by deadline, a new
// request from a hit of the queue, and the thread of one request with the
// supervisor's approval and the receiving side's decision. This file
// registers its pages, routes and navigation entry itself.

func init() {
	pageNames = append(pageNames, "followups", "followup_new", "followup")
	navigation = append(navigation, navItem{Href: "/followup", LabelKey: "nav.followup", Name: "followups", perm: auth.PermCasesRead})
}

// followupRoutes are the routes of this file.
func (s *Server) followupRoutes() []Route {
	h := func(f http.HandlerFunc) http.Handler { return f }
	return []Route{
		{Method: "GET", Pattern: "/followup", Name: "followups", Permission: auth.PermCasesRead, handler: h(s.followupList)},
		{Method: "GET", Pattern: "/followup/new", Name: "followup_new", Permission: auth.PermCasesWrite, handler: h(s.followupNew)},
		{Method: "POST", Pattern: "/followup/new", Name: "followup_create", Permission: auth.PermCasesWrite, handler: h(s.followupCreate)},
		{Method: "GET", Pattern: "/followup/{id}", Name: "followup", Permission: auth.PermCasesRead, handler: h(s.followupThread)},
		{Method: "POST", Pattern: "/followup/{id}/approve", Name: "followup_approve", Permission: auth.PermCasesApprove, handler: h(s.followupApprove)},
		{Method: "POST", Pattern: "/followup/{id}/decide", Name: "followup_decide", Permission: auth.PermCasesWrite, handler: h(s.followupDecide)},
		{Method: "POST", Pattern: "/followup/{id}/attachments", Name: "followup_attach", Permission: auth.PermCasesWrite,
			Upload: s.attachmentLimit, TooLarge: s.attachTooLarge, handler: h(s.followupAttach)},
		{Method: "GET", Pattern: "/followup/{id}/attachments/{aid}", Name: "followup_attachment", Permission: auth.PermCasesRead, handler: h(s.followupDownload)},
	}
}

// followupLabels name each code the follow-up pages show ("state.sent"):
// templates look them up with index, so that every key is declared here.
var followupLabels = map[string]string{
	"dir.out":                   "followup.dir_out",
	"dir.in":                    "followup.dir_in",
	"urgency.routine":           "followup.urgency_routine",
	"urgency.urgent":            "followup.urgency_urgent",
	"urgency.danger":            "followup.urgency_danger",
	"state.approval":            "followup.state_approval",
	"state.sent":                "followup.state_sent",
	"state.pending":             "followup.state_pending",
	"state.granted":             "followup.state_granted",
	"state.partial":             "followup.state_partial",
	"state.refused":             "followup.state_refused",
	"state.more":                "followup.state_more",
	"handling.H0":               "followup.handling_H0",
	"handling.H1":               "followup.handling_H1",
	"handling.H2":               "followup.handling_H2",
	"handling.H3":               "followup.handling_H3",
	"field.given_names":         "followup.field_given_names",
	"field.family_name":         "followup.field_family_name",
	"field.birth_date":          "followup.field_birth_date",
	"field.birth_place":         "followup.field_birth_place",
	"field.citizenships":        "followup.field_citizenships",
	"field.languages":           "followup.field_languages",
	"event.created":             "followup.event_created",
	"event.approved":            "followup.event_approved",
	"event.sent":                "followup.event_sent",
	"event.received":            "followup.event_received",
	"event.decided":             "followup.event_decided",
	"event.answered":            "followup.event_answered",
	"event.attached":            "followup.event_attached",
	"event.attachment_received": "followup.event_attachment_received",
	"outcome.grant":             "followup.outcome_grant",
	"outcome.partial":           "followup.outcome_partial",
	"outcome.refuse":            "followup.outcome_refuse",
	"outcome.more":              "followup.outcome_more",
	"reason.not_same_child":     "followup.reason_not_same_child",
	"reason.no_legal_basis":     "followup.reason_no_legal_basis",
	"reason.child_at_risk":      "followup.reason_child_at_risk",
	"reason.investigation":      "followup.reason_investigation",
	"reason.national_law":       "followup.reason_national_law",
	"reason.no_longer_held":     "followup.reason_no_longer_held",
	"reason.purpose_unclear":    "followup.reason_purpose_unclear",
}

// followupRow is a request as the list shows it.
type followupRow struct {
	*followup.Request
	Overdue bool
}

type followupsData struct {
	Labels    map[string]string
	Connected bool
	Requests  []followupRow
}

func (s *Server) followupList(w http.ResponseWriter, r *http.Request) {
	d := followupsData{Labels: followupLabels, Connected: s.deps.FollowUp != nil}
	if d.Connected {
		list, err := s.deps.FollowUp.List(r.Context(), state(r).actor(), 200)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		now := s.now()
		var overdue, rest []followupRow
		for _, q := range list {
			row := followupRow{Request: q, Overdue: q.Overdue(now)}
			if row.Overdue {
				overdue = append(overdue, row)
			} else {
				rest = append(rest, row)
			}
		}
		d.Requests = append(overdue, rest...) // overdue first, then by deadline
	}
	s.render(w, r, http.StatusOK, "followups", &page{TitleKey: "followup.list_title", NoticeKey: followupNotices[r.URL.Query().Get("done")], Data: d})
}

var followupNotices = map[string]string{
	"created":  "followup.notice_created",
	"approval": "followup.notice_approval",
	"approved": "followup.notice_approved",
	"decided":  "followup.notice_decided",
	"attached": "followup.notice_attached",
}

// followupForm is the data of the new-request form.
type followupForm struct {
	Labels      map[string]string
	HitID       int64
	LegalBases  []followup.LegalBasis
	Fields      []string
	Handlings   []string
	Evaluations []string
	Urgencies   []followup.Urgency
}

func newFollowupForm(hit int64) followupForm {
	f := followupForm{Labels: followupLabels, HitID: hit, LegalBases: followup.LegalBases, Fields: followup.Fields, Handlings: followup.Handlings,
		Urgencies: []followup.Urgency{followup.Routine, followup.Urgent, followup.Danger}}
	for _, a := range followup.Reliabilities {
		for _, b := range followup.Accuracies {
			f.Evaluations = append(f.Evaluations, a+b)
		}
	}
	return f
}

func (s *Server) followupNew(w http.ResponseWriter, r *http.Request) {
	hit, err := strconv.ParseInt(r.URL.Query().Get("hit"), 10, 64)
	if err != nil || s.deps.FollowUp == nil {
		s.renderStatus(w, r, http.StatusNotFound)
		return
	}
	s.render(w, r, http.StatusOK, "followup_new", &page{TitleKey: "followup.new_title", Data: newFollowupForm(hit),
		Values: map[string]string{"handling": "H2", "evaluation": "B2", "urgency": "routine"}})
}

func (s *Server) followupCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	hit, err := strconv.ParseInt(f.Get("hit"), 10, 64)
	if err != nil || s.deps.FollowUp == nil {
		s.renderStatus(w, r, http.StatusNotFound)
		return
	}
	st := state(r)
	in := followup.Input{Purpose: f.Get("purpose"), LegalBasis: f.Get("legal_basis"), LegalText: f.Get("legal_text"),
		Urgency: followup.Urgency(f.Get("urgency")), Handling: f.Get("handling"), Evaluation: f.Get("evaluation"),
		Asked: f["asked"], Question: f.Get("question"), Officer: st.principal.User.DisplayName}
	q, err := s.deps.FollowUp.Create(r.Context(), st.actor(), hit, in)
	if errs.CodeOf(err) == errs.Invalid {
		vals := map[string]string{}
		for _, k := range []string{"purpose", "legal_basis", "legal_text", "urgency", "handling", "evaluation", "question"} {
			vals[k] = f.Get(k)
		}
		s.render(w, r, http.StatusUnprocessableEntity, "followup_new", &page{TitleKey: "followup.new_title", Data: newFollowupForm(hit),
			Values: vals, Errors: []fieldError{{Message: errs.MessageOf(err)}}})
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	done := "created"
	if q.State == followup.StateApproval {
		done = "approval"
	}
	http.Redirect(w, r, "/followup/"+strconv.FormatInt(q.ID, 10)+"?done="+done, http.StatusSeeOther)
}

type followupThreadData struct {
	Labels map[string]string
	*followup.Thread
	LegalTitle  string
	CanApprove  bool
	CanDecide   bool
	Fields      []string
	Reasons     []string
	Outcomes    []string
	Handlings   []string
	Evaluations []string
	CanAttach   bool
	MaxFileKiB  int64
}

func (s *Server) followupThread(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok || s.deps.FollowUp == nil {
		s.renderStatus(w, r, http.StatusNotFound)
		return
	}
	s.renderThread(w, r, id, http.StatusOK, nil)
}

// renderThread shows a request's thread, with errors of a form posted on it.
func (s *Server) renderThread(w http.ResponseWriter, r *http.Request, id int64, status int, errors []fieldError) {
	st := state(r)
	th, err := s.deps.FollowUp.Read(r.Context(), st.actor(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	form := newFollowupForm(0)
	d := followupThreadData{Labels: followupLabels, Thread: th, Fields: followup.Fields, Outcomes: []string{followup.Grant, followup.Partial, followup.Refuse, followup.More}, Reasons: followup.RefusalReasons, Handlings: followup.Handlings,
		Evaluations: form.Evaluations,
		CanApprove: th.Direction == followup.Out && th.State == followup.StateApproval &&
			st.principal.User.Role.Can(auth.PermCasesApprove) && th.CreatedBy != st.actor().Ref(),
		CanDecide:  th.Direction == followup.In && th.State == followup.StatePending && st.principal.User.Role.Can(auth.PermCasesWrite),
		CanAttach:  (th.Direction == followup.In || th.State != followup.StateApproval) && st.principal.User.Role.Can(auth.PermCasesWrite),
		MaxFileKiB: s.attachmentLimit() >> 10}
	for _, l := range followup.LegalBases {
		if l.Code == th.LegalBasis {
			d.LegalTitle = l.Title
		}
	}
	s.render(w, r, status, "followup", &page{TitleKey: "followup.thread_title", NoticeKey: followupNotices[r.URL.Query().Get("done")], Data: d,
		Errors: errors})
}

func (s *Server) followupApprove(w http.ResponseWriter, r *http.Request) {
	s.followupAct(w, r, "approved", func(id int64) error {
		return s.deps.FollowUp.Approve(r.Context(), state(r).actor(), id)
	})
}

func (s *Server) followupDecide(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	st := state(r)
	s.followupAct(w, r, "decided", func(id int64) error {
		return s.deps.FollowUp.Decide(r.Context(), st.actor(), id, followup.DecisionInput{Outcome: f.Get("outcome"),
			Fields: f["fields"], Reason: f.Get("reason"), Note: strings.TrimSpace(f.Get("note")), Handling: f.Get("handling"),
			Evaluation: f.Get("evaluation"), Officer: st.principal.User.DisplayName})
	})
}

func (s *Server) followupAct(w http.ResponseWriter, r *http.Request, done string, act func(int64) error) {
	id, ok := pathID(r)
	if !ok || s.deps.FollowUp == nil {
		s.renderStatus(w, r, http.StatusNotFound)
		return
	}
	err := act(id)
	switch {
	case err == nil:
	case errs.CodeOf(err) == errs.Invalid || errs.CodeOf(err) == errs.Conflict:
		done = ""
	default:
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/followup/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
}
