package web

import (
	"net/http"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/web/i18n"
)

// Cookie names. The __Host- prefix makes the browser refuse the cookie
// unless it is Secure, has Path=/ and no Domain: no sibling subdomain can
// plant or overwrite it.
const (
	sessionCookie = "__Host-cc_session"
	preCookie     = "__Host-cc_pre"
)

// newCookie returns a cookie with the attributes every Childcentre cookie
// has. Secure is always on: browsers accept Secure cookies from
// http://127.0.0.1 and http://localhost, so even the demo keeps it. No
// Max-Age: the cookie ends with the browser, the session with the server's
// idle and absolute timeouts.
func newCookie(name, value string) *http.Cookie {
	return &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		Secure:   true,
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
	}
}

func setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, newCookie(sessionCookie, token))
}

func clearCookie(w http.ResponseWriter, name string) {
	c := newCookie(name, "")
	c.MaxAge = -1
	http.SetCookie(w, c)
}

// session resolves the session cookie into a principal (Authenticate
// enforces the timeouts and refreshes the session), reads the pre-session
// CSRF cookie and picks the language: the user's setting, else the
// browser's Accept-Language, else the default.
func (s *Server) session(rt *Route, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			p, err := s.deps.Auth.Authenticate(r.Context(), c.Value)
			switch {
			case err == nil:
				st.principal, st.token = p, c.Value
			case errs.Is(err, errs.Unauthorized), errs.Is(err, errs.NotFound), errs.Is(err, errs.Invalid):
				// Expired, ended or never valid: forget the cookie.
				st.expired = true
				clearCookie(w, sessionCookie)
			default:
				st.tr = s.cat.Translator(i18n.Negotiate("", r.Header.Get("Accept-Language"), s.cfg.DefaultLanguage))
				s.renderError(w, r, err)
				return
			}
		}
		if c, err := r.Cookie(preCookie); err == nil && validPreValue(c.Value) {
			st.pre = c.Value
		}
		userLang := ""
		if st.principal != nil {
			userLang = st.principal.User.Language
		}
		st.lang = i18n.Negotiate(userLang, r.Header.Get("Accept-Language"), s.cfg.DefaultLanguage)
		st.tr = s.cat.Translator(st.lang)
		next.ServeHTTP(w, r)
	})
}

// authorise enforces the route's permission and stage. Public routes pass.
// Anonymous visitors are sent to the sign-in page; a session part-way
// through sign-in is sent on to its next step (and a signed-in one away
// from the sign-in steps); a signed-in user without the permission gets the
// 403 page.
func (s *Server) authorise(rt *Route, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		if rt.Permission == "" || (rt.Loopback && st.loopback) {
			next.ServeHTTP(w, r)
			return
		}
		p := st.principal
		if p == nil {
			target := "/signin"
			if st.expired {
				target = "/signin?ended=1"
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		if want := rt.stage(); want != StageAny && p.Session.Stage != want {
			http.Redirect(w, r, stagePage(p.Session.Stage), http.StatusSeeOther)
			return
		}
		if !p.User.Role.Can(rt.Permission) {
			s.denied(r, rt, p)
			s.renderStatus(w, r, http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// stagePage is where a session at stage continues.
func stagePage(stage auth.Stage) string {
	switch stage {
	case auth.StageSecondFactor:
		return "/signin/code"
	case auth.StageEnrol:
		return "/enrol"
	case auth.StageFull:
		return "/"
	}
	return "/signin"
}

// denied records a signed-in user's refused request in the log and, as
// auth.denied, in the audit log: a role probing beyond its permissions is
// what an auditor looks for. The route pattern is the target; no path, so
// no identifier of the record asked for.
func (s *Server) denied(r *http.Request, rt *Route, p *auth.Principal) {
	st := state(r)
	a := p.Actor(st.addr)
	route := rt.Method + " " + rt.Pattern
	s.log.Warn("permission denied", "route", route, "actor", a.Ref(), "permission", string(rt.Permission))
	err := s.deps.Audit.AppendAudit(r.Context(), audit.Record{
		Time:    s.now(),
		Actor:   a.Ref(),
		Role:    string(a.Role),
		Country: string(a.Country),
		Action:  audit.ActAccessDenied,
		Target:  "route:" + rt.Name,
		Outcome: "denied",
		Addr:    st.addr,
		Detail:  "permission=" + string(rt.Permission),
	})
	if err != nil {
		s.log.Error("audit of a denied request failed", "route", route, "err", err)
	}
}
