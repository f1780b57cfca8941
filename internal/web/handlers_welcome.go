package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// A new user opens their one-time enrolment link (/welcome/TOKEN) and
// chooses their own password; their administrator never knows it (issue 10
// H2). The token travels on in the form's body, and is spent on success.

// welcomeData is the data of the welcome page.
type welcomeData struct {
	Token   string
	Done    bool
	Pending bool // the account awaits a second administrator's approval
}

func (s *Server) welcomePage(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	p := &page{TitleKey: "welcome.title", CSRF: s.csrfTokenForm(w, st), Data: welcomeData{Token: r.PathValue("token")}}
	s.render(w, r, http.StatusOK, "welcome", p)
}

func (s *Server) welcomeSubmit(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	tr := st.tr
	token := r.PostForm.Get("token")
	next := r.PostForm.Get("new_password")
	confirm := r.PostForm.Get("confirm_password")
	p := &page{TitleKey: "welcome.title", CSRF: s.csrfTokenForm(w, st), Data: welcomeData{Token: token}}
	switch n := utf8.RuneCountInString(next); {
	case n < auth.MinPasswordLen:
		p.addError("new_password", tr.T("account.password_short", "n", auth.MinPasswordLen))
	case n > auth.MaxPasswordLen:
		p.addError("new_password", tr.T("account.password_long", "n", auth.MaxPasswordLen))
	case confirm != next:
		p.addError("confirm_password", tr.T("account.password_mismatch"))
	}
	if len(p.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "welcome", p)
		return
	}
	u, err := s.deps.Auth.SetPasswordByLink(r.Context(), strings.TrimSpace(token), next, st.addr)
	switch errs.CodeOf(err) {
	case "":
		p.Data = welcomeData{Done: true, Pending: u.Pending}
		s.render(w, r, http.StatusOK, "welcome", p)
		return
	case errs.NotFound:
		p.addError("", tr.T("welcome.invalid"))
	case errs.Invalid:
		p.addError("new_password", tr.T("account.password_rejected"))
	default:
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, errs.HTTPStatus(err), "welcome", p)
}

// enrolLink is the absolute enrolment link of token, as an administrator
// hands it to the new user.
func (s *Server) enrolLink(r *http.Request, token string) string {
	scheme := "http"
	if s.cfg.TLS || r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/welcome/" + token
}

// userApprove approves a pending account: a second administrator's act.
func (s *Server) userApprove(w http.ResponseWriter, r *http.Request) {
	s.userAct(w, r, "approved", func(a auth.Actor, id int64) error {
		return s.deps.Auth.ApproveUser(r.Context(), a, id)
	})
}
