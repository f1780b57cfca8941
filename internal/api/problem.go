package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Errors are answered as RFC 9457 problem details
// (application/problem+json). The type of a problem is ProblemTypeBase
// followed by its name: the errs code for errors of the services
// (invalid, not_found, conflict, unauthorized, forbidden, too_many,
// unavailable, internal), and the names below for what only HTTP knows.
// Type URIs are stable identifiers for clients to compare, not pages to
// fetch. The detail is errs.MessageOf: safe to show, never personal data,
// never an internal error's text. The instance is a URN naming this
// occurrence; the server's log line of the request carries it too.

// ProblemTypeBase begins the type URI of every problem.
const ProblemTypeBase = "https://childcentre.example/problems/"

// ProblemType returns the type URI of the problem named name.
func ProblemType(name string) string { return ProblemTypeBase + name }

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail,omitempty"`
	Instance string         `json:"instance,omitempty"`
	Errors   []FieldProblem `json:"errors,omitempty"` // extension: every problem of the input
}

// FieldProblem is one problem of the input: the field (a path in the
// request body or a query parameter) and what is wrong with it.
type FieldProblem struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
	Row    *int   `json:"row,omitempty"` // batch: the index of the registration, from 0
}

// Names of the problems only HTTP knows.
const (
	probMalformed       = "malformed"              // 400: not JSON, or JSON of the wrong shape
	probMethod          = "method_not_allowed"     // 405
	probStale           = "stale"                  // 412: If-Match or version names an old version
	probTooLarge        = "too_large"              // 413
	probMediaType       = "unsupported_media_type" // 415
	probPreconditionReq = "precondition_required"  // 428: an update names no version
)

// titles are the short, fixed summaries of each problem type.
var titles = map[string]string{
	string(errs.Invalid):      "The input is not valid",
	string(errs.NotFound):     "Not found",
	string(errs.Conflict):     "Conflict with the current state",
	string(errs.Unauthorized): "A valid API token is required",
	string(errs.Forbidden):    "Not allowed",
	string(errs.TooMany):      "Too many requests",
	string(errs.Unavailable):  "Temporarily unavailable",
	string(errs.Internal):     "Internal error",
	probMalformed:             "The request is malformed",
	probMethod:                "Method not allowed",
	probStale:                 "The record has changed",
	probTooLarge:              "The request body is too large",
	probMediaType:             "Unsupported media type",
	probPreconditionReq:       "A version is required",
}

// newProblem returns the problem named name with the given status and detail.
func newProblem(name string, status int, detail string) *Problem {
	return &Problem{Type: ProblemType(name), Title: titles[name], Status: status, Detail: detail}
}

// problemOf turns a service error into a problem. field maps the field
// names of the services' validation errors onto paths in the request
// (nil: as they are).
func problemOf(err error, field func(string) string) *Problem {
	code := errs.CodeOf(err)
	if code == errs.Conflict && errors.Is(err, cases.ErrStale) {
		return newProblem(probStale, http.StatusPreconditionFailed, errs.MessageOf(err))
	}
	p := newProblem(string(code), errs.HTTPStatus(err), errs.MessageOf(err))
	if p.Title == "" { // a code added to errs later
		p.Type, p.Title = ProblemType(string(errs.Internal)), titles[string(errs.Internal)]
	}
	if code != errs.Invalid {
		if f := errs.FieldOf(err); f != "" && code == errs.Conflict {
			p.Errors = []FieldProblem{{Field: mapField(field, f), Detail: errs.MessageOf(err)}}
		}
		return p
	}
	for _, fe := range cases.FieldErrors(err) {
		p.Errors = append(p.Errors, FieldProblem{Field: mapField(field, fe.Field), Detail: fe.Message})
	}
	p.Detail = invalidDetail(len(p.Errors), p.Detail)
	return p
}

func mapField(field func(string) string, f string) string {
	if field == nil || f == "" {
		return f
	}
	return field(f)
}

// invalidDetail summarises n field problems; one problem without a field
// keeps its own message.
func invalidDetail(n int, msg string) string {
	switch n {
	case 0:
		return msg
	case 1:
		return "The input has 1 problem: see errors."
	}
	return "The input has " + strconv.Itoa(n) + " problems: see errors."
}

// writeProblem writes p as the response, with the request's instance URN.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	st := state(r)
	p.Instance = st.instance()
	st.problem = p.Type
	h := w.Header()
	h.Del("ETag")
	h.Del("Location")
	switch p.Status {
	case http.StatusUnauthorized:
		v := `Bearer realm="childcentre"`
		if st.tokenGiven {
			v += `, error="invalid_token"`
		}
		h.Set("WWW-Authenticate", v)
	case http.StatusForbidden:
		if st.missingScope != "" {
			h.Set("WWW-Authenticate", `Bearer realm="childcentre", error="insufficient_scope", scope="`+string(st.missingScope)+`"`)
		}
	}
	s.writeJSON(w, p.Status, "application/problem+json", p)
}

// fail answers err as a problem; internal errors are logged with their
// cause (which carries no personal data) and the instance.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error, field func(string) string) {
	if errs.CodeOf(err) == errs.Internal {
		st := state(r)
		s.log.Error("api: internal error", "route", st.routeName(), "instance", st.instance(), "err", err)
	}
	s.writeProblem(w, r, problemOf(err, field))
}
