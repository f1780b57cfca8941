package api

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// The handlers translate JSON into the inputs of cases.Service and its
// results and errors back; the service checks permission and country on
// every call and audits every read and change.

// Registered is the answer to a registration: the child and its first case.
type Registered struct {
	Child Child `json:"child"`
	Case  Case  `json:"case"`
}

// register registers a child with a first case: 201, Location and ETag
// of the child.
func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	var in Registration
	if !s.decodeBody(w, r, &in) {
		return
	}
	c, k, err := s.cases.Register(r.Context(), state(r).actor(), in.Child.domain(), in.Case.domain())
	if err != nil {
		s.fail(w, r, err, registrationField(""))
		return
	}
	w.Header().Set("Location", childURL(c.ID))
	w.Header().Set("ETag", etag(c.Version))
	s.ok(w, http.StatusCreated, Registered{Child: childJSON(c, nil), Case: caseJSON(k)})
}

// searchParams are the query parameters of the search, with the names
// of the service's fields they fill (for field problems).
var searchParams = map[string]string{"q": "text", "status": "status", "category": "category",
	"evidence": "evidence", "missing": "missing", "page": "page", "per_page": "per_page"}

// search lists or searches the country's children, with their cases.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Has("q") {
		s.invalid(w, r, []FieldProblem{qInURL})
		return
	}
	s.runSearch(w, r, r.URL.Query())
}

// runSearch runs a search given as query parameters (GET) or as the
// parameters of a SearchRequest (POST).
func (s *Server) runSearch(w http.ResponseWriter, r *http.Request, params url.Values) {
	q, probs := searchQuery(params)
	if len(probs) > 0 {
		s.invalid(w, r, probs)
		return
	}
	res, err := s.cases.Search(r.Context(), state(r).actor(), q)
	if err != nil {
		s.fail(w, r, err, func(f string) string {
			for p, sf := range searchParams {
				if sf == f {
					return p
				}
			}
			return f
		})
		return
	}
	out := SearchResults{Items: []Hit{}, Total: res.Total, Page: res.Page, PerPage: res.PerPage}
	for _, h := range res.Hits {
		out.Items = append(out.Items, Hit{Child: childJSON(h.Child, h.Cases), Score: h.Score})
	}
	s.ok(w, http.StatusOK, out)
}

// strictQuery reads query parameters strictly: each of allowed at most
// once, nothing else. Problems are sorted by parameter.
func strictQuery(v url.Values, allowed ...string) (map[string]string, []FieldProblem) {
	out := map[string]string{}
	var probs []FieldProblem
	for name, vals := range v {
		switch {
		case !slices.Contains(allowed, name):
			probs = append(probs, FieldProblem{Field: displayKey(name), Detail: "is not a parameter of this operation"})
		case len(vals) > 1:
			probs = append(probs, FieldProblem{Field: name, Detail: "may be given once"})
		default:
			out[name] = vals[0]
		}
	}
	return out, sortProblems(probs)
}

// sortProblems orders problems of query parameters by parameter.
func sortProblems(probs []FieldProblem) []FieldProblem {
	slices.SortStableFunc(probs, func(a, b FieldProblem) int { return strings.Compare(a.Field, b.Field) })
	return probs
}

// searchQuery reads the search's query parameters.
func searchQuery(v url.Values) (cases.Query, []FieldProblem) {
	var q cases.Query
	params, probs := strictQuery(v, slices.Sorted(maps.Keys(searchParams))...)
	bad := func(field, detail string) { probs = append(probs, FieldProblem{Field: field, Detail: detail}) }
	for _, name := range slices.Sorted(maps.Keys(params)) {
		val := params[name]
		switch name {
		case "q":
			q.Text = val
		case "status":
			q.Status = cases.Status(val)
		case "category":
			q.Category = cases.Category(val)
		case "evidence":
			q.Evidence = cases.Evidence(val)
		case "missing":
			if val != "true" && val != "false" {
				bad(name, "must be true or false")
				continue
			}
			b := val == "true"
			q.Missing = &b
		case "page", "per_page":
			n, err := strconv.Atoi(val)
			switch {
			case err != nil || n < 1:
				bad(name, "must be a whole number from 1")
			case name == "per_page" && n > cases.MaxPerPage:
				bad(name, "must be at most "+strconv.Itoa(cases.MaxPerPage))
			case name == "page":
				q.Page = n
			default:
				q.PerPage = n
			}
		}
	}
	return q, sortProblems(probs)
}

// child returns a child with its cases; ETag is the child's version.
func (s *Server) child(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "child")
	if !ok {
		return
	}
	c, err := s.cases.Child(r.Context(), state(r).actor(), id)
	s.answerChild(w, r, c, err)
}

// childByRef returns the child held under a national reference.
func (s *Server) answerChild(w http.ResponseWriter, r *http.Request, c *cases.Child, err error) {
	var ks []*cases.Case
	if err == nil {
		ks, err = s.cases.CasesOf(r.Context(), state(r).actor(), c.ID)
	}
	if err != nil {
		s.fail(w, r, err, nil)
		return
	}
	w.Header().Set("ETag", etag(c.Version))
	s.ok(w, http.StatusOK, childJSON(c, ks))
}

// updateChild replaces a child's record if it is still at the version
// named by If-Match or the body's version: 412 when it is not.
func (s *Server) updateChild(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "child")
	if !ok {
		return
	}
	var in ChildUpdate
	if !s.decodeBody(w, r, &in) {
		return
	}
	version, ok := s.version(w, r, in.Version)
	if !ok {
		return
	}
	c, err := s.cases.UpdateChild(r.Context(), state(r).actor(), id, version, in.ChildInput.domain())
	if err != nil {
		s.fail(w, r, err, nil)
		return
	}
	w.Header().Set("ETag", etag(c.Version))
	s.ok(w, http.StatusOK, childJSON(c, nil))
}

// openCase opens a new case for a child already held, keeping the child's
// record as it is.
func (s *Server) openCase(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "child")
	if !ok {
		return
	}
	var in CaseInput
	if !s.decodeBody(w, r, &in) {
		return
	}
	a := state(r).actor()
	// Attach records a new registration of a held child: given the child's
	// own record, it adds nothing to it and only opens the case.
	c, err := s.cases.Child(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err, nil)
		return
	}
	k, err := s.cases.Attach(r.Context(), a, id, childInputOf(c).domain(), in.domain())
	if err != nil {
		s.fail(w, r, err, func(f string) string {
			if caseFields[rootField(f)] {
				return f
			}
			return "child." + f // the held record no longer validates (changed meanwhile)
		})
		return
	}
	w.Header().Set("Location", caseURL(k.ID))
	w.Header().Set("ETag", etag(k.Version))
	s.ok(w, http.StatusCreated, caseJSON(k))
}

// registrationField maps a field of the service's validation errors onto
// its path in a Registration under prefix.
func registrationField(prefix string) func(string) string {
	return func(f string) string {
		if caseFields[rootField(f)] {
			return prefix + "case." + f
		}
		return prefix + "child." + f
	}
}

// rootField returns the first name of a field path: "aliases" of "aliases[0].name".
func rootField(f string) string {
	if i := strings.IndexAny(f, ".["); i >= 0 {
		return f[:i]
	}
	return f
}

func childURL(id int64) string { return "/api/v1/children/" + strconv.FormatInt(id, 10) }
func caseURL(id int64) string  { return "/api/v1/cases/" + strconv.FormatInt(id, 10) }

// etag is the entity tag of a record at a version.
func etag(version int) string { return `"v` + strconv.Itoa(version) + `"` }

// parseETag returns the version of an entity tag written by etag.
func parseETag(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, `"v`) || !strings.HasSuffix(s, `"`) || len(s) < 4 {
		return 0, false
	}
	n, err := strconv.Atoi(s[2 : len(s)-1])
	return n, err == nil && n > 0
}

// version returns the version an update names: If-Match, the body's
// version, or both when they agree. It answers the problem itself when
// none is given (428) or they disagree (422).
func (s *Server) version(w http.ResponseWriter, r *http.Request, body *int) (int, bool) {
	im := r.Header.Get("If-Match")
	switch {
	case im == "" && body == nil:
		s.writeProblem(w, r, newProblem(probPreconditionReq, http.StatusPreconditionRequired,
			"Name the version you read: send If-Match with its ETag, or version in the body."))
		return 0, false
	case im == "":
		return *body, true
	}
	v, ok := parseETag(im)
	if !ok {
		// "*" and lists of tags do not name one version; an unknown tag
		// cannot match the record's.
		s.writeProblem(w, r, newProblem(probStale, http.StatusPreconditionFailed,
			"If-Match does not name the record's current version: send the ETag you received."))
		return 0, false
	}
	if body != nil && *body != v {
		s.invalid(w, r, []FieldProblem{{Field: "version", Detail: "differs from the version in If-Match"}})
		return 0, false
	}
	return v, true
}

// pathID parses the {id} of the path; what is not an id is not found.
func (s *Server) pathID(w http.ResponseWriter, r *http.Request, what string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		s.fail(w, r, errs.E(errs.NotFound, "%s not found", what), nil)
		return 0, false
	}
	return id, true
}

// decodeBody reads and strictly decodes the body into v, answering the
// problem itself (and returning false) when it cannot.
func (s *Server) decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	body := s.readBody(w, r, maxBody)
	if body == nil {
		return false
	}
	if probs := decode(body, v); len(probs) > 0 {
		p := newProblem(probMalformed, http.StatusBadRequest, invalidDetail(len(probs), ""))
		p.Errors = probs
		s.writeProblem(w, r, p)
		return false
	}
	return true
}

// invalid answers field problems found by the API itself (422).
func (s *Server) invalid(w http.ResponseWriter, r *http.Request, probs []FieldProblem) {
	p := newProblem(string(errs.Invalid), http.StatusUnprocessableEntity, invalidDetail(len(probs), ""))
	p.Errors = probs
	s.writeProblem(w, r, p)
}
