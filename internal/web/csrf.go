package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"mime"
	"net/http"
)

// maxFormBytes bounds the body of a form post. The largest form is a
// child's registration: at the case service's limits (names, 20 aliases,
// 10 age assessments, 4000 characters of notes, the case's texts) it holds
// about 26,000 characters, some 320 KB form-encoded if every character
// takes four bytes of UTF-8. A realistic one is a few kilobytes.
const maxFormBytes = 512 << 10

// csrfField is the name of the hidden form field with the token.
const csrfField = "csrf"

// Synchroniser tokens. The token of a signed-in (or part-way signed-in)
// request is HMAC-SHA256(csrfKey, "session" || SHA-256(session token)); it
// changes whenever the session token does (at each step of sign-in), and
// the server keeps nothing extra. Before sign-in, the sign-in form is bound
// to a random pre-session cookie instead: HMAC(csrfKey, "pre" || value), so
// that a login CSRF (making a victim sign in to the attacker's account) is
// refused too. The key is derived from the node's keyring and never leaves
// the process.
func (s *Server) tokenFor(st *reqState) string {
	switch {
	case st.token != "":
		h := sha256.Sum256([]byte(st.token))
		return s.mac("session", h[:])
	case st.pre != "":
		return s.mac("pre", []byte(st.pre))
	}
	return ""
}

func (s *Server) mac(kind string, b []byte) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write(b)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfTokenForm returns the token for a form being rendered, creating the
// pre-session cookie first for an anonymous visitor who has none.
func (s *Server) csrfTokenForm(w http.ResponseWriter, st *reqState) string {
	if st.token == "" && st.pre == "" {
		var b [32]byte
		rand.Read(b[:])
		st.pre = base64.RawURLEncoding.EncodeToString(b[:])
		http.SetCookie(w, newCookie(preCookie, st.pre))
	}
	return s.tokenFor(st)
}

// validPreValue accepts only values this server could have made.
func validPreValue(v string) bool {
	b, err := base64.RawURLEncoding.DecodeString(v)
	return err == nil && len(b) == 32
}

func stateChanging(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// csrf checks every state-changing request twice: the browser's own fetch
// metadata (Sec-Fetch-Site, else Origin against Host) through
// http.CrossOriginProtection, then the synchroniser token in the form,
// compared in constant time. It also bounds and parses the form, so that
// handlers read r.PostForm.
func (s *Server) csrf(rt *Route, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !stateChanging(r.Method) {
			next.ServeHTTP(w, r)
			return
		}
		st := state(r)
		if err := s.cop.Check(r); err != nil {
			s.csrfDenied(w, r, "cross-origin request")
			return
		}
		limit, upload := int64(maxFormBytes), rt.Upload != nil && isMultipart(r)
		if upload {
			limit += rt.Upload()
		}
		tooLarge := func() {
			if upload && rt.TooLarge != nil {
				rt.TooLarge(r)
			}
			s.renderStatus(w, r, http.StatusRequestEntityTooLarge)
		}
		if r.ContentLength > limit {
			// Answered before reading: no 100 Continue, no body.
			tooLarge()
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		parse := r.ParseForm
		if upload {
			// maxMemory above the body's limit: no part goes to a
			// temporary file, where personal data would rest in clear.
			parse = func() error { return r.ParseMultipartForm(limit + 1) }
			defer func() {
				if r.MultipartForm != nil {
					_ = r.MultipartForm.RemoveAll()
				}
			}()
		}
		if err := parse(); err != nil {
			var maxBytes *http.MaxBytesError
			if errors.As(err, &maxBytes) {
				tooLarge()
				return
			}
			s.renderStatus(w, r, http.StatusBadRequest)
			return
		}
		want := s.tokenFor(st)
		got := r.PostForm.Get(csrfField)
		if want == "" || got == "" || !hmac.Equal([]byte(got), []byte(want)) {
			reason := "wrong token"
			switch {
			case want == "":
				reason = "no session or pre-session cookie"
			case got == "":
				reason = "missing token"
			}
			s.csrfDenied(w, r, reason)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// isMultipart reports whether r's body is multipart/form-data.
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// csrfDenied logs a refused request (route and client pseudonym only) and
// answers with the 403 page.
func (s *Server) csrfDenied(w http.ResponseWriter, r *http.Request, reason string) {
	st := state(r)
	route := ""
	if st.route != nil {
		route = st.route.Method + " " + st.route.Pattern
	}
	s.log.Warn("csrf check failed", "route", route, "reason", reason, "addr", st.addr)
	s.met.csrfRejected()
	s.renderStatus(w, r, http.StatusForbidden)
}
