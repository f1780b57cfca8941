package web

import (
	"net/http"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// maxUsernameLen bounds what the sign-in form passes on; real names are short.
const maxUsernameLen = 64

// signinNotices are the confirmations the sign-in page shows after a
// redirect; the query names one, never carrying text of its own.
var signinNotices = map[string]string{
	"ended": "signin.notice_ended",
	"out":   "signin.notice_out",
	"all":   "signin.notice_all",
}

func (s *Server) signinPage(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	if st.fullSession() != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	p := &page{TitleKey: "signin.title", CSRF: s.csrfTokenForm(w, st)}
	for q, key := range signinNotices {
		if r.URL.Query().Has(q) {
			p.NoticeKey = key
		}
	}
	s.render(w, r, http.StatusOK, "signin", p)
}

// signinSubmit checks the password and moves on to the second factor, or
// to its enrolment on a first sign-in. Unknown users and wrong passwords
// get the same answer; the service also rate-limits by account and address.
func (s *Server) signinSubmit(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	if st.fullSession() != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	tr := st.tr
	username := strings.TrimSpace(r.PostForm.Get("username"))
	password := r.PostForm.Get("password")
	p := &page{TitleKey: "signin.title", Values: map[string]string{"username": username}}
	if username == "" {
		p.addError("username", tr.T("signin.username_required"))
	} else if len(username) > maxUsernameLen {
		p.addError("username", tr.T("signin.username_long", "n", maxUsernameLen))
	}
	if password == "" {
		p.addError("password", tr.T("signin.password_required"))
	}
	if len(p.Errors) > 0 {
		p.CSRF = s.csrfTokenForm(w, st)
		s.render(w, r, http.StatusUnprocessableEntity, "signin", p)
		return
	}
	token, sess, err := s.deps.Auth.SignIn(r.Context(), username, password, st.addr)
	if err != nil {
		switch errs.CodeOf(err) {
		case errs.Unauthorized, errs.Invalid:
			s.met.signinFailed("password")
			p.addError("", tr.T("signin.failed"))
		case errs.TooMany:
			s.met.signinFailed("rate_limited")
			p.addError("", tr.T("signin.too_many"))
		default:
			s.renderError(w, r, err)
			return
		}
		p.CSRF = s.csrfTokenForm(w, st)
		s.render(w, r, errs.HTTPStatus(err), "signin", p)
		return
	}
	// A session part-way through an earlier sign-in is ended, not left
	// behind; the new one gets a fresh token.
	if st.principal != nil {
		if err := s.deps.Auth.SignOut(r.Context(), st.principal, st.addr); err != nil {
			s.log.Warn("ending the previous partial session failed", "code", string(errs.CodeOf(err)))
		}
	}
	setSessionCookie(w, token)
	http.Redirect(w, r, stagePage(sess.Stage), http.StatusSeeOther)
}

func (s *Server) codePage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "code", &page{TitleKey: "code.title"})
}

// codeSubmit checks a TOTP or recovery code. Success replaces the session
// token (a new id at each privilege change).
func (s *Server) codeSubmit(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	tr := st.tr
	code := normaliseCode(r.PostForm.Get("code"))
	p := &page{TitleKey: "code.title"}
	if code == "" {
		p.addError("code", tr.T("code.required"))
		s.render(w, r, http.StatusUnprocessableEntity, "code", p)
		return
	}
	token, err := s.deps.Auth.VerifySecondFactor(r.Context(), st.principal, code, st.addr)
	if err != nil {
		if !s.codeError(w, r, p, err, "code.failed") {
			return
		}
		s.render(w, r, errs.HTTPStatus(err), "code", p)
		return
	}
	setSessionCookie(w, token)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// codeError turns a refused second-factor code into a form error and
// counts it; it renders the error page itself and returns false for any
// other failure.
func (s *Server) codeError(w http.ResponseWriter, r *http.Request, p *page, err error, key string) bool {
	tr := state(r).tr
	switch errs.CodeOf(err) {
	case errs.Unauthorized, errs.Invalid:
		s.met.signinFailed("code")
		p.addError("code", tr.T(key))
	case errs.TooMany:
		s.met.signinFailed("rate_limited")
		p.addError("code", tr.T("signin.too_many"))
	default:
		s.renderError(w, r, err)
		return false
	}
	return true
}

// normaliseCode removes the spaces people type into codes ("123 456").
func normaliseCode(c string) string {
	c = strings.Join(strings.Fields(c), "")
	if len(c) > 64 {
		c = c[:64]
	}
	return c
}

// enrolment is the data of the enrolment page.
type enrolment struct {
	QR            any // template.HTML of the inline SVG
	SecretGrouped string
}

func (s *Server) enrolPage(w http.ResponseWriter, r *http.Request) {
	s.renderEnrol(w, r, http.StatusOK, &page{})
}

func (s *Server) renderEnrol(w http.ResponseWriter, r *http.Request, status int, p *page) {
	st := state(r)
	e, err := s.deps.Auth.BeginEnrolment(r.Context(), st.principal)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	svg, err := qrSVG(e.URI, st.tr.T("enrol.qr_label"))
	if err != nil {
		s.renderError(w, r, errs.Wrap(err, "web: draw QR code"))
		return
	}
	p.TitleKey = "enrol.title"
	p.Data = enrolment{QR: svg, SecretGrouped: groupSecret(e.Secret)}
	s.render(w, r, status, "enrol", p)
}

// enrolSubmit confirms the first code and shows the recovery codes, once:
// they are rendered into this response and never again.
func (s *Server) enrolSubmit(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	tr := st.tr
	code := normaliseCode(r.PostForm.Get("code"))
	p := &page{}
	if code == "" {
		p.addError("code", tr.T("code.required"))
		s.renderEnrol(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	token, codes, err := s.deps.Auth.ConfirmEnrolment(r.Context(), st.principal, code, st.addr)
	if err != nil {
		if !s.codeError(w, r, p, err, "enrol.failed") {
			return
		}
		s.renderEnrol(w, r, errs.HTTPStatus(err), p)
		return
	}
	setSessionCookie(w, token)
	if err := s.adoptSession(r, token); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "recovery", &page{
		TitleKey: "recovery.title",
		Data:     recoveryPage{Codes: codes, Next: "/"},
	})
}

// recoveryPage is the data of the page that shows recovery codes once.
type recoveryPage struct {
	Codes []string
	Next  string
}

// adoptSession makes a token issued during this request the request's
// session, so that the page rendered in the same response (header, CSRF
// tokens) belongs to it.
func (s *Server) adoptSession(r *http.Request, token string) error {
	st := state(r)
	p, err := s.deps.Auth.Authenticate(r.Context(), token)
	if err != nil {
		return err
	}
	st.principal, st.token = p, token
	return nil
}

// signout ends the session (at any stage of sign-in) and forgets the cookie.
func (s *Server) signout(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	if err := s.deps.Auth.SignOut(r.Context(), st.principal, st.addr); err != nil && !errs.Is(err, errs.NotFound) {
		s.renderError(w, r, err)
		return
	}
	clearCookie(w, sessionCookie)
	http.Redirect(w, r, "/signin?out=1", http.StatusSeeOther)
}

// groupSecret writes a base32 secret in groups of four for reading aloud
// or typing; authenticator apps ignore the spaces.
func groupSecret(secret string) string {
	var b strings.Builder
	for i, r := range secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
