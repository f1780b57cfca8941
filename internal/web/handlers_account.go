package web

import (
	"net/http"
	"unicode/utf8"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/web/i18n"
)

// capability is a dashboard card: what a permission lets the user do.
type capability struct {
	TitleKey string
	TextKey  string
	Href     string // "" while the feature has no page of its own
	perm     auth.Permission
}

var capabilities = []capability{
	{TitleKey: "dash.users", TextKey: "dash.users_text", Href: "/admin/users", perm: auth.PermUsersManage},
	{TitleKey: "dash.audit", TextKey: "dash.audit_text", Href: "/audit", perm: auth.PermAuditRead},
	{TitleKey: "dash.cases_read", TextKey: "dash.cases_read_text", Href: "/children", perm: auth.PermCasesRead},
	{TitleKey: "dash.cases_write", TextKey: "dash.cases_write_text", Href: "/children/new", perm: auth.PermCasesWrite},
	{TitleKey: "dash.cases_approve", TextKey: "dash.cases_approve_text", Href: "/children?status=closure_requested", perm: auth.PermCasesApprove},
	{TitleKey: "dash.cases_export", TextKey: "dash.cases_export_text", perm: auth.PermCasesExport},
	{TitleKey: "dash.network", TextKey: "dash.network_text", Href: "/network/nodes", perm: auth.PermNetworkMonitor},
	{TitleKey: "dash.monitor", TextKey: "dash.monitor_text", Href: "/metrics", perm: auth.PermSystemMonitor},
	{TitleKey: "dash.account", TextKey: "dash.account_text", Href: "/account", perm: auth.PermAccount},
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	role := state(r).principal.User.Role
	var caps []capability
	for _, c := range capabilities {
		if role.Can(c.perm) && (c.perm != auth.PermNetworkMonitor || s.deps.Network != nil) {
			caps = append(caps, c)
		}
	}
	s.render(w, r, http.StatusOK, "dashboard", &page{
		TitleKey: "dash.title",
		Data:     s.dashboardData(r, caps),
	})
}

// accountNotices are the confirmations of the account page, named by ?done=.
var accountNotices = map[string]string{
	"password": "account.notice_password",
	"language": "account.notice_language",
}

// accountData is the data of the account page.
type accountData struct {
	Languages      []string
	MinPasswordLen int
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, &page{NoticeKey: accountNotices[r.URL.Query().Get("done")]})
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.TitleKey = "account.title"
	p.Data = accountData{Languages: i18n.Languages, MinPasswordLen: auth.MinPasswordLen}
	s.render(w, r, status, "account", p)
}

// accountPassword changes the password. Length rules are checked here too,
// to say precisely (and in the user's language) what is wrong; the
// service applies the whole policy.
func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	tr := st.tr
	current := r.PostForm.Get("current_password")
	next := r.PostForm.Get("new_password")
	confirm := r.PostForm.Get("confirm_password")
	p := &page{}
	if current == "" {
		p.addError("current_password", tr.T("account.current_required"))
	}
	switch n := utf8.RuneCountInString(next); {
	case n < auth.MinPasswordLen:
		p.addError("new_password", tr.T("account.password_short", "n", auth.MinPasswordLen))
	case n > auth.MaxPasswordLen:
		p.addError("new_password", tr.T("account.password_long", "n", auth.MaxPasswordLen))
	case confirm != next:
		p.addError("confirm_password", tr.T("account.password_mismatch"))
	}
	if len(p.Errors) > 0 {
		s.renderAccount(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	err := s.deps.Auth.ChangePassword(r.Context(), st.principal, current, next, st.addr)
	switch errs.CodeOf(err) {
	case "":
		http.Redirect(w, r, "/account?done=password", http.StatusSeeOther)
		return
	case errs.Unauthorized:
		p.addError("current_password", tr.T("account.current_wrong"))
	case errs.Invalid:
		p.addError("new_password", tr.T("account.password_rejected"))
	case errs.TooMany:
		p.addError("current_password", tr.T("signin.too_many"))
	default:
		s.renderError(w, r, err)
		return
	}
	s.renderAccount(w, r, errs.HTTPStatus(err), p)
}

func (s *Server) accountLanguage(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	lang := r.PostForm.Get("language")
	if lang != "" && !i18n.Supported(lang) {
		p := &page{}
		p.addError("language", st.tr.T("account.language_invalid"))
		s.renderAccount(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if err := s.deps.Auth.SetLanguage(r.Context(), st.principal, lang); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?done=language", http.StatusSeeOther)
}

// accountSignOutEverywhere ends every session of the user, this one too.
func (s *Server) accountSignOutEverywhere(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	if _, err := s.deps.Auth.SignOutEverywhere(r.Context(), st.principal, st.addr); err != nil {
		s.renderError(w, r, err)
		return
	}
	clearCookie(w, sessionCookie)
	http.Redirect(w, r, "/signin?all=1", http.StatusSeeOther)
}

// accountRecoveryCodes replaces the recovery codes after a valid TOTP code
// and shows the new ones once.
func (s *Server) accountRecoveryCodes(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	tr := st.tr
	code := normaliseCode(r.PostForm.Get("recovery_code"))
	p := &page{}
	if code == "" {
		p.addError("recovery_code", tr.T("code.required"))
		s.renderAccount(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	codes, err := s.deps.Auth.RegenerateRecoveryCodes(r.Context(), st.principal, code, st.addr)
	switch errs.CodeOf(err) {
	case "":
		s.render(w, r, http.StatusOK, "recovery", &page{
			TitleKey: "recovery.title",
			Data:     recoveryPage{Codes: codes, Next: "/account"},
		})
		return
	case errs.Unauthorized, errs.Invalid:
		p.addError("recovery_code", tr.T("code.failed"))
	case errs.TooMany:
		p.addError("recovery_code", tr.T("signin.too_many"))
	default:
		s.renderError(w, r, err)
		return
	}
	s.renderAccount(w, r, errs.HTTPStatus(err), p)
}
