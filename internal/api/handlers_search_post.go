package api

import (
	"net/http"
	"net/url"
	"strconv"
)

// Names and national references are identifying: in a URL they would land
// in access logs, proxies and the national system's own request logs
// (issue 10 M1). The search by name and the lookup by national reference
// therefore take them in a POST body; GET /api/v1/children only lists and
// filters, and refuses q.

// SearchRequest is the body of POST /api/v1/children:search: the
// parameters of GET /api/v1/children, with the names.
type SearchRequest struct {
	Q        string `json:"q,omitempty"`
	Status   string `json:"status,omitempty"`
	Category string `json:"category,omitempty"`
	Evidence string `json:"evidence,omitempty"`
	Missing  *bool  `json:"missing,omitempty"`
	Page     int    `json:"page,omitempty"`
	PerPage  int    `json:"per_page,omitempty"`
}

// values gives the request as the query parameters searchQuery checks, so
// that both forms are validated alike.
func (in SearchRequest) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", in.Q)
	set("status", in.Status)
	set("category", in.Category)
	set("evidence", in.Evidence)
	if in.Missing != nil {
		v.Set("missing", strconv.FormatBool(*in.Missing))
	}
	if in.Page != 0 {
		v.Set("page", strconv.Itoa(in.Page))
	}
	if in.PerPage != 0 {
		v.Set("per_page", strconv.Itoa(in.PerPage))
	}
	return v
}

// ByRefRequest is the body of POST /api/v1/children:by-ref.
type ByRefRequest struct {
	NationalRef string `json:"national_ref"`
}

// qInURL is the problem of a name given in the URL.
var qInURL = FieldProblem{Field: "q", Detail: "is not taken in the URL, which logs keep: POST the search to /api/v1/children:search"}

// searchPost searches the country's children by name, the terms in the body.
func (s *Server) searchPost(w http.ResponseWriter, r *http.Request) {
	var in SearchRequest
	if !s.decodeBody(w, r, &in) {
		return
	}
	s.runSearch(w, r, in.values())
}

// childByRefPost reads the child held under a national reference given in
// the body.
func (s *Server) childByRefPost(w http.ResponseWriter, r *http.Request) {
	var in ByRefRequest
	if !s.decodeBody(w, r, &in) {
		return
	}
	if in.NationalRef == "" {
		s.invalid(w, r, []FieldProblem{{Field: "national_ref", Detail: "is required"}})
		return
	}
	c, err := s.cases.ChildByNationalRef(r.Context(), state(r).actor(), in.NationalRef)
	s.answerChild(w, r, c, err)
}
