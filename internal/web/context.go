package web

import (
	"context"
	"net/http"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/web/i18n"
)

// reqState is what the middleware learns about a request, shared with the
// handlers through the request context. One request, one goroutine: no lock.
type reqState struct {
	route    *Route
	addr     string // pseudonym of the client address; never the address
	loopback bool   // direct loopback peer, not through a proxy

	token     string          // session token from the cookie (or the new one after a step of sign-in)
	principal *auth.Principal // nil when anonymous
	expired   bool            // a session cookie was sent but no longer names a live session
	pre       string          // pre-session CSRF cookie value, when valid

	lang string
	tr   *i18n.Translator
}

type stateKey struct{}

func withState(r *http.Request, st *reqState) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
}

// state returns the request's state; the observe middleware always sets it.
func state(r *http.Request) *reqState {
	st, _ := r.Context().Value(stateKey{}).(*reqState)
	if st == nil {
		st = &reqState{}
	}
	return st
}

// fullSession returns the principal if the request carries a session that
// has completed sign-in.
func (st *reqState) fullSession() *auth.Principal {
	if st.principal != nil && st.principal.Session.Stage == auth.StageFull {
		return st.principal
	}
	return nil
}

// actor returns the signed-in user as the services' actor.
func (st *reqState) actor() auth.Actor {
	return st.principal.Actor(st.addr)
}
