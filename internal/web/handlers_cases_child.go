package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// childNotices are the confirmations of a child's page, named by ?done=.
var childNotices = map[string]string{
	"registered": "child.notice_registered",
	"updated":    "child.notice_updated",
	// A missing-child alert refused (handlers_followup_alerts.go).
	"alert_refused": "child.notice_alert_refused",
}

// childData is the data of a child's page.
type childData struct {
	Child    *cases.Child
	Cases    []*cases.Case
	CanWrite bool
	Alert    *childAlert // nil: no missing-child alert to show
}

// childPage shows a child's record and cases. The service audits the
// reading of the record (child.read) and of the cases (case.read).
func (s *Server) childPage(w http.ResponseWriter, r *http.Request) {
	svc, id, ok := s.registryRecord(w, r)
	if !ok {
		return
	}
	st := state(r)
	a := st.actor()
	c, err := svc.Child(r.Context(), a, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ks, err := svc.CasesOf(r.Context(), a, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "child", &page{
		TitleKey:  "child.title",
		NoticeKey: childNotices[r.URL.Query().Get("done")],
		Data: childData{Child: c, Cases: ks, CanWrite: st.principal.User.Role.Can(auth.PermCasesWrite),
			Alert: s.childAlertOf(r.Context(), a, st.principal.User.Role, id, ks)},
	})
}

// childEditData is the data of the child edit form.
type childEditData struct {
	formOptions
	ID         int64
	Ref        string
	Version    int
	AliasRows  []int
	AssessRows []int
	Stale      bool // the record was changed by someone else: link to it
}

func (s *Server) childEditPage(w http.ResponseWriter, r *http.Request) {
	svc, id, ok := s.registryRecord(w, r)
	if !ok {
		return
	}
	c, err := svc.Child(r.Context(), state(r).actor(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderChildEdit(w, r, http.StatusOK, &page{Values: childValues(c)}, childEditData{ID: c.ID, Ref: c.Ref, Version: c.Version})
}

func (s *Server) renderChildEdit(w http.ResponseWriter, r *http.Request, status int, p *page, d childEditData) {
	d.formOptions = registryOptions
	d.AliasRows = rows(p.Values, aliasInputs, aliasRowsMin, maxAliasRows)
	d.AssessRows = rows(p.Values, assessInputs, assessRowsMin, maxAssessRows)
	p.TitleKey = "child.edit_title"
	p.Data = d
	s.render(w, r, status, "child_edit", p)
}

// childEditSubmit saves the child's record if nobody changed it since the
// form was opened (the version it carries); otherwise it says so and keeps
// what was typed, with the version read, so that a second submit does not
// overwrite the other change unseen.
func (s *Server) childEditSubmit(w http.ResponseWriter, r *http.Request) {
	svc, id, ok := s.registryRecord(w, r)
	if !ok {
		return
	}
	st := state(r)
	tr := st.tr
	p := &page{Values: map[string]string{}}
	cf := readChildForm(r.PostForm, p)
	d := childEditData{ID: id, Ref: r.PostForm.Get("ref")}
	var err error
	if d.Version, err = strconv.Atoi(r.PostForm.Get("version")); err != nil || d.Version < 1 {
		s.renderStatus(w, r, http.StatusBadRequest)
		return
	}
	checkChoices(p, tr, &cf.in, nil)
	if len(p.Errors) > 0 {
		s.renderChildEdit(w, r, http.StatusUnprocessableEntity, p, d)
		return
	}
	_, err = svc.UpdateChild(r.Context(), st.actor(), id, d.Version, cf.in)
	switch {
	case err == nil:
		http.Redirect(w, r, childURL(id, "?done=updated"), http.StatusSeeOther)
		return
	case isInvalid(err):
		addFieldErrors(p, tr, err, cf.input)
	case errors.Is(err, cases.ErrStale):
		d.Stale = true
		p.addError("", tr.T("child.err_stale"))
	case errs.CodeOf(err) == errs.Conflict && errs.FieldOf(err) == "national_ref":
		p.addError("national_ref", tr.T("register.err_national_ref_taken"))
	default:
		s.renderError(w, r, err)
		return
	}
	s.renderChildEdit(w, r, errs.HTTPStatus(err), p, d)
}

// historyData is the data of a record's change history.
type historyData struct {
	ID      int64
	Changes []*cases.Change
	names   authors
}

func (d historyData) authorNames() authors { return d.names }

// childHistoryPage lists who changed the child's record, what and when:
// field names, authors (by username or token name) and times, never values.
func (s *Server) childHistoryPage(w http.ResponseWriter, r *http.Request) {
	svc, id, ok := s.registryRecord(w, r)
	if !ok {
		return
	}
	changes, err := svc.History(r.Context(), state(r).actor(), "child", id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var ids authorIDs
	ids.addChanges(changes)
	names, err := s.authors(r.Context(), ids)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "child_history", &page{TitleKey: "child.history_title",
		Data: historyData{ID: id, Changes: changes, names: names}})
}
