package web

import (
	"net/http"

	"github.com/cbss-egcc/childcentre/internal/site"
)

// SiteSessions lets the public site's editors' pages (internal/site/sitehttp,
// mounted beside this server on the hub) use this server's sign-in: the same
// session cookie with its second factor and timeouts, the same audit trail,
// and the same CSRF tokens. It implements sitehttp.Sessions.
type SiteSessions struct{ s *Server }

// SiteSessions returns the site's view of this server's sessions.
func (s *Server) SiteSessions() SiteSessions { return SiteSessions{s: s} }

// Editor returns the fully signed-in user of r (both factors), as the
// site's editor. Authenticate enforces the idle and absolute timeouts.
func (ss SiteSessions) Editor(r *http.Request) (site.Editor, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return site.Editor{}, false
	}
	p, err := ss.s.deps.Auth.Authenticate(r.Context(), c.Value)
	if err != nil || !p.Full() {
		return site.Editor{}, false
	}
	ip, _ := ss.s.clientAddr(r)
	return site.Editor{Actor: p.Actor(ss.s.pseudonym(ip)), Name: p.User.DisplayName}, true
}

// CSRFToken returns the synchroniser token of r's session, as this
// server's own forms carry it; "" without a session.
func (ss SiteSessions) CSRFToken(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	return ss.s.tokenFor(&reqState{token: c.Value})
}
