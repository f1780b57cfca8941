package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// maxBatch is the most registrations one batch may hold; larger sets are
// sent as several batches (each all or nothing) or as a CSV import.
const maxBatch = 10000

// batchEnvelope is the top level of a batch: the registrations are decoded
// one by one, so that a problem in one is reported with its row and the
// others are still validated.
type batchEnvelope struct {
	Registrations []json.RawMessage `json:"registrations"`
}

// batch upserts registrations by national reference, all or nothing,
// through cases.Service.Import: a child already held under its national
// reference is updated, any other registered. With ?dry_run=true nothing
// is written and the answer says what would be created and updated. Every
// problem of every registration is reported at once (422, with the row of
// each); then nothing is written.
func (s *Server) batch(w http.ResponseWriter, r *http.Request) {
	dryRun, ok := s.dryRun(w, r)
	if !ok {
		return
	}
	body := s.readBody(w, r, maxBatchBody)
	if body == nil {
		return
	}
	var env batchEnvelope
	if probs := decode(body, &env); len(probs) > 0 {
		p := newProblem(probMalformed, http.StatusBadRequest, invalidDetail(len(probs), ""))
		p.Errors = probs
		s.writeProblem(w, r, p)
		return
	}
	switch n := len(env.Registrations); {
	case n == 0:
		s.invalid(w, r, []FieldProblem{{Field: "registrations", Detail: "at least one registration is required"}})
		return
	case n > maxBatch:
		s.invalid(w, r, []FieldProblem{{Field: "registrations", Detail: "at most " + strconv.Itoa(maxBatch) + " registrations per batch"}})
		return
	}

	// A registration that does not decode is given to the import as an
	// empty one, so that rows keep their numbers; its validation problems
	// are dropped, its decoding problems reported instead.
	var probs []FieldProblem
	undecoded := map[int]bool{}
	regs := make([]cases.Registration, len(env.Registrations))
	for i, raw := range env.Registrations {
		var reg Registration
		rowProbs := decode(raw, &reg)
		for _, p := range rowProbs {
			p.Row, p.Field = row(i), rowPath(i, p.Field)
			probs = append(probs, p)
		}
		if len(rowProbs) > 0 {
			undecoded[i] = true
			continue
		}
		regs[i] = cases.Registration{Child: reg.Child.domain(), Case: reg.Case.domain()}
	}
	res, err := s.cases.Import(r.Context(), state(r).actor(), regs, dryRun || len(probs) > 0)
	if res != nil {
		field := func(i int) func(string) string { return registrationField("registrations[" + strconv.Itoa(i) + "].") }
		for _, e := range res.Errors {
			if !undecoded[e.Row] {
				probs = append(probs, FieldProblem{Row: row(e.Row), Field: field(e.Row)(e.Field), Detail: e.Message})
			}
		}
	}
	if len(probs) > 0 {
		slices.SortStableFunc(probs, func(a, b FieldProblem) int { return *a.Row - *b.Row })
		p := newProblem(string(errs.Invalid), http.StatusUnprocessableEntity,
			strconv.Itoa(len(probs))+" problems in the registrations: nothing was imported.")
		if len(probs) == 1 {
			p.Detail = "1 problem in the registrations: nothing was imported."
		}
		p.Errors = probs
		s.writeProblem(w, r, p)
		return
	}
	if err != nil {
		s.fail(w, r, err, nil)
		return
	}
	s.ok(w, http.StatusOK, BatchResult{DryRun: dryRun, Created: res.Created, Updated: res.Updated})
}

func row(i int) *int { return &i }

func rowPath(i int, field string) string {
	p := "registrations[" + strconv.Itoa(i) + "]"
	if field == "" {
		return p
	}
	return p + "." + field
}

// dryRun reads the batch's only query parameter, dry_run.
func (s *Server) dryRun(w http.ResponseWriter, r *http.Request) (bool, bool) {
	params, probs := strictQuery(r.URL.Query(), "dry_run")
	v, given := params["dry_run"]
	if given && v != "true" && v != "false" {
		probs = append(probs, FieldProblem{Field: "dry_run", Detail: "must be true or false"})
	}
	if len(probs) > 0 {
		s.invalid(w, r, sortProblems(probs))
		return false, false
	}
	return v == "true", true
}
