package api

import (
	"net/http"
)

// kase returns a case; ETag is the case's version.
func (s *Server) kase(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "case")
	if !ok {
		return
	}
	k, _, err := s.cases.Case(r.Context(), state(r).actor(), id)
	if err != nil {
		s.fail(w, r, err, nil)
		return
	}
	w.Header().Set("ETag", etag(k.Version))
	s.ok(w, http.StatusOK, caseJSON(k))
}

// updateCase changes a case if it is still at the version named by
// If-Match or the body's version: 412 when it is not. A closed case is
// read-only (409); the status changes only through the closing workflow of
// the web interface. An absent opened_at keeps the opening time.
func (s *Server) updateCase(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "case")
	if !ok {
		return
	}
	var in CaseUpdate
	if !s.decodeBody(w, r, &in) {
		return
	}
	version, ok := s.version(w, r, in.Version)
	if !ok {
		return
	}
	k, err := s.cases.UpdateCase(r.Context(), state(r).actor(), id, version, in.CaseInput.domain())
	if err != nil {
		s.fail(w, r, err, nil)
		return
	}
	w.Header().Set("ETag", etag(k.Version))
	s.ok(w, http.StatusOK, caseJSON(k))
}

// Events is a case's timeline.
type Events struct {
	Items []Event `json:"items"`
}

// events returns a case's timeline, in time order.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "case")
	if !ok {
		return
	}
	evs, err := s.cases.Timeline(r.Context(), state(r).actor(), id)
	if err != nil {
		s.fail(w, r, err, nil)
		return
	}
	out := Events{Items: []Event{}}
	for _, e := range evs {
		out.Items = append(out.Items, eventJSON(e))
	}
	s.ok(w, http.StatusOK, out)
}

// addEvent records an event on an open case (went_missing and located
// mark the child missing and found): 201 with the event. The event has no
// URL of its own; it is part of the timeline at the request's URL.
func (s *Server) addEvent(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "case")
	if !ok {
		return
	}
	var in EventInput
	if !s.decodeBody(w, r, &in) {
		return
	}
	e, err := s.cases.AddEvent(r.Context(), state(r).actor(), id, in.domain())
	if err != nil {
		s.fail(w, r, err, nil)
		return
	}
	s.ok(w, http.StatusCreated, eventJSON(e))
}
