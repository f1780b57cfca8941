package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// caseNotices are the confirmations of a case's page, named by ?done=.
var caseNotices = map[string]string{
	"attached":        "case.notice_attached",
	"updated":         "case.notice_updated",
	"event":           "case.notice_event",
	"missing":         "case.notice_missing",
	"found":           "case.notice_found",
	"close_requested": "case.notice_close_requested",
	"closed":          "case.notice_closed",
	"close_rejected":  "case.notice_close_rejected",
}

// caseData is the data of a case's page and of its print view.
type caseData struct {
	Case       *cases.Case
	Child      *cases.Child
	Events     []*cases.Event
	Changes    []*cases.Change
	CanWrite   bool
	CanApprove bool
	Requester  bool     // the signed-in user requested the pending closure
	EventTypes []choice // the events an officer records by hand
	Places     []choice
	names      authors // of the timeline, the history and the closure's steps
}

func (d *caseData) authorNames() authors { return d.names }

// loadCase reads a case, its child and its timeline (the service audits
// each read) and, for the case page, its history; then the names of their
// authors, all at once.
func (s *Server) loadCase(r *http.Request, id int64, history bool) (*caseData, error) {
	svc := s.deps.Cases
	st := state(r)
	a := st.actor()
	k, c, err := svc.Case(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	d := &caseData{Case: k, Child: c, EventTypes: eventChoices, Places: placeChoices}
	if d.Events, err = svc.Timeline(r.Context(), a, id); err != nil {
		return nil, err
	}
	if history {
		if d.Changes, err = svc.History(r.Context(), a, "case", id); err != nil {
			return nil, err
		}
	}
	role := st.principal.User.Role
	d.CanWrite = role.Can(auth.PermCasesWrite) && k.Status != cases.StatusClosed
	d.CanApprove = role.Can(auth.PermCasesApprove)
	d.Requester = k.CloseRequest != nil && k.CloseRequest.By == st.principal.User.ID
	var ids authorIDs
	for _, ev := range d.Events {
		ids.add(ev.By, ev.ByToken)
	}
	ids.addChanges(d.Changes)
	for _, cr := range []*cases.CloseRequest{k.CloseRequest, k.Rejection} {
		if cr != nil {
			ids.add(cr.By, 0)
		}
	}
	if d.names, err = s.authors(r.Context(), ids); err != nil {
		return nil, err
	}
	return d, nil
}

// casePage shows a case: its details, the child, the timeline, the forms
// of the workflow and the history.
func (s *Server) casePage(w http.ResponseWriter, r *http.Request) {
	s.renderCase(w, r, http.StatusOK, &page{NoticeKey: caseNotices[r.URL.Query().Get("done")]})
}

func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, status int, p *page) {
	if s.registry(w, r) == nil {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.renderStatus(w, r, http.StatusNotFound)
		return
	}
	d, err := s.loadCase(r, id, true)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if p.Values == nil {
		p.Values = map[string]string{}
	}
	p.TitleKey = "case.title"
	p.Data = d
	s.render(w, r, status, "case", p)
}

// casePrintPage is the case for paper: the child, the case and the
// timeline, without navigation or forms.
func (s *Server) casePrintPage(w http.ResponseWriter, r *http.Request) {
	if s.registry(w, r) == nil {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.renderStatus(w, r, http.StatusNotFound)
		return
	}
	d, err := s.loadCase(r, id, false)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "case_print", &page{TitleKey: "case.print_title", Print: true, Data: struct {
		*caseData
		PrintedAt string
	}{d, s.now().In(s.cfg.Location).Format(minuteLayout)}})
}

// refusalKeys explain the service's errs.Forbidden of a step whose route
// the user's role may take: only approval, where the service enforces four
// eyes (the requester may not approve their own request).
var refusalKeys = map[string]string{"closed": "case.err_four_eyes"}

// caseAct runs one step of a case's workflow and returns to the case's
// page with a notice, or shows the page again with what was refused.
// errors maps the service's refusals onto messages: field errors through
// inputs, a conflict (closed, wrong state) and a refusal of four eyes as
// errors of the whole page.
func (s *Server) caseAct(w http.ResponseWriter, r *http.Request, p *page, done string,
	inputs func(string) (string, string, int), act func(id int64) error) {
	_, id, ok := s.registryRecord(w, r)
	if !ok {
		return
	}
	tr := state(r).tr
	if len(p.Errors) > 0 {
		s.renderCase(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	err := act(id)
	switch {
	case err == nil:
		http.Redirect(w, r, caseURL(id, "?done="+done), http.StatusSeeOther)
		return
	case isInvalid(err):
		addFieldErrors(p, tr, err, inputs)
	case errs.CodeOf(err) == errs.Conflict:
		p.addError("", tr.T("case.err_state"))
	case errs.CodeOf(err) == errs.Forbidden && refusalKeys[done] != "":
		p.addError("", tr.T(refusalKeys[done]))
	default:
		s.renderError(w, r, err)
		return
	}
	s.renderCase(w, r, errs.HTTPStatus(err), p)
}

func (s *Server) caseEvent(w http.ResponseWriter, r *http.Request) {
	p := &page{Values: map[string]string{}}
	ev := readEventForm(r.PostForm, p, state(r).tr, s.cfg.Location)
	s.caseAct(w, r, p, "event", eventInput, func(id int64) error {
		_, err := s.deps.Cases.AddEvent(r.Context(), state(r).actor(), id, ev)
		return err
	})
}

func (s *Server) caseMissing(w http.ResponseWriter, r *http.Request) {
	s.caseAct(w, r, &page{}, "missing", eventInput, func(id int64) error {
		_, err := s.deps.Cases.AddEvent(r.Context(), state(r).actor(), id, cases.EventInput{Type: cases.EvWentMissing})
		return err
	})
}

func (s *Server) caseFound(w http.ResponseWriter, r *http.Request) {
	s.caseAct(w, r, &page{}, "found", eventInput, func(id int64) error {
		_, err := s.deps.Cases.AddEvent(r.Context(), state(r).actor(), id, cases.EventInput{Type: cases.EvLocated})
		return err
	})
}

func (s *Server) caseCloseRequest(w http.ResponseWriter, r *http.Request) {
	reason := r.PostForm.Get("reason")
	p := &page{Values: map[string]string{"reason": reason}}
	s.caseAct(w, r, p, "close_requested", sameInput, func(id int64) error {
		return s.deps.Cases.RequestClose(r.Context(), state(r).actor(), id, reason)
	})
}

func (s *Server) caseCloseApprove(w http.ResponseWriter, r *http.Request) {
	s.caseAct(w, r, &page{}, "closed", sameInput, func(id int64) error {
		return s.deps.Cases.ApproveClose(r.Context(), state(r).actor(), id)
	})
}

func (s *Server) caseCloseReject(w http.ResponseWriter, r *http.Request) {
	reason := r.PostForm.Get("reject_reason")
	p := &page{Values: map[string]string{"reject_reason": reason}}
	s.caseAct(w, r, p, "close_rejected", func(string) (string, string, int) {
		return "reject_reason", "reason", 0
	}, func(id int64) error {
		return s.deps.Cases.RejectClose(r.Context(), state(r).actor(), id, reason)
	})
}

// caseEditData is the data of the case edit form.
type caseEditData struct {
	formOptions
	ID      int64
	Version int
	Stale   bool
}

func (s *Server) caseEditPage(w http.ResponseWriter, r *http.Request) {
	svc, id, ok := s.registryRecord(w, r)
	if !ok {
		return
	}
	k, _, err := svc.Case(r.Context(), state(r).actor(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderCaseEdit(w, r, http.StatusOK, &page{Values: caseValues(k)}, caseEditData{ID: id, Version: k.Version})
}

func (s *Server) renderCaseEdit(w http.ResponseWriter, r *http.Request, status int, p *page, d caseEditData) {
	d.formOptions = registryOptions
	p.TitleKey = "case.edit_title"
	p.Data = d
	s.render(w, r, status, "case_edit", p)
}

// caseEditSubmit saves the case if nobody changed it since the form was
// opened; a closed case cannot be changed.
func (s *Server) caseEditSubmit(w http.ResponseWriter, r *http.Request) {
	svc, id, ok := s.registryRecord(w, r)
	if !ok {
		return
	}
	st := state(r)
	tr := st.tr
	p := &page{Values: map[string]string{}}
	cs := readCaseForm(r.PostForm, p)
	d := caseEditData{ID: id}
	var err error
	if d.Version, err = strconv.Atoi(r.PostForm.Get("version")); err != nil || d.Version < 1 {
		s.renderStatus(w, r, http.StatusBadRequest)
		return
	}
	checkChoices(p, tr, nil, &cs)
	if len(p.Errors) > 0 {
		s.renderCaseEdit(w, r, http.StatusUnprocessableEntity, p, d)
		return
	}
	_, err = svc.UpdateCase(r.Context(), st.actor(), id, d.Version, cs)
	switch {
	case err == nil:
		http.Redirect(w, r, caseURL(id, "?done=updated"), http.StatusSeeOther)
		return
	case isInvalid(err):
		addFieldErrors(p, tr, err, sameInput)
	case errors.Is(err, cases.ErrStale):
		d.Stale = true
		p.addError("", tr.T("case.err_stale"))
	case errs.CodeOf(err) == errs.Conflict:
		p.addError("", tr.T("case.err_state"))
	default:
		s.renderError(w, r, err)
		return
	}
	s.renderCaseEdit(w, r, errs.HTTPStatus(err), p, d)
}
