package cases

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Every sealed value is bound, as the AEAD's associated data, to the record
// and the column it belongs to:
//
//	children.given_names          child:<ref>/given_names
//	child_aliases.name            child:<child ref>/alias:<seq>/name
//	child_assessments.outcome     child:<child ref>/assessment:<seq>/outcome
//	cases.close_reason            case:<ref>/close_reason
//	case_events.notes             event:<ref>/notes
//
// The reference is a random 128-bit value made by the service before the
// record is inserted (so that one INSERT writes the record, the database id
// being known only afterwards) and stored in clear beside it. A value copied
// to another record or another column therefore does not open.

// newRef returns a random 128-bit reference in hex.
func newRef() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b[:])
}

// Binding returns the associated data of the sealed value v: the string it
// was sealed with.
func Binding(v SealedValue) string {
	switch v.Table {
	case TableChildren:
		return "child:" + v.Ref + "/" + v.Column
	case TableAliases:
		return "child:" + v.Ref + "/alias:" + strconv.Itoa(v.Seq) + "/" + v.Column
	case TableAssessments:
		return "child:" + v.Ref + "/assessment:" + strconv.Itoa(v.Seq) + "/" + v.Column
	case TableCases:
		return "case:" + v.Ref + "/" + v.Column
	case TableEvents:
		return "event:" + v.Ref + "/" + v.Column
	}
	// A programming error: every table with sealed values is listed above.
	panic("cases: no binding for table " + v.Table)
}

// sealer binds values to one record while sealing or opening several of
// its fields; the first error is kept and later calls do nothing.
type sealing struct {
	s   Sealer
	err error
}

func (x *sealing) seal(plain string, v SealedValue) []byte {
	if x.err != nil {
		return nil
	}
	out, err := x.s.Seal([]byte(plain), Binding(v))
	if err != nil {
		x.err = errs.Wrap(err, "cases: seal "+v.Table+"."+v.Column)
	}
	return out
}

func (x *sealing) open(sealed []byte, v SealedValue) string {
	if x.err != nil || sealed == nil {
		return ""
	}
	out, err := x.s.Open(sealed, Binding(v))
	if err != nil {
		// The cause names neither the value nor the key; the record is
		// named by table and row only.
		x.err = errs.Wrap(err, "cases: open "+v.Table+"."+v.Column+" of row "+strconv.FormatInt(v.RowID, 10))
		return ""
	}
	return string(out)
}

func childVal(ref, col string, id int64) SealedValue {
	return SealedValue{Table: TableChildren, Column: col, Ref: ref, RowID: id}
}

// sealChild returns the stored form of c (c.Ref must be set).
func (s *Service) sealChild(c *Child) (*ChildRecord, error) {
	x := &sealing{s: s.sealer}
	r := &ChildRecord{
		ID: c.ID, Ref: c.Ref, Country: c.Country, NationalRef: c.NationalRef, Sex: c.Sex,
		BirthPrecision: c.BirthPrecision, BirthYear: c.BirthYear,
		Citizenships: c.Citizenships, Languages: c.Languages,
		GivenNames: x.seal(c.GivenNames, childVal(c.Ref, "given_names", c.ID)),
		FamilyName: x.seal(c.FamilyName, childVal(c.Ref, "family_name", c.ID)),
		BirthDate:  x.seal(c.BirthDate, childVal(c.Ref, "birth_date", c.ID)),
		BirthPlace: x.seal(c.BirthPlace, childVal(c.Ref, "birth_place", c.ID)),
		Notes:      x.seal(c.Notes, childVal(c.Ref, "notes", c.ID)),
		Version:    c.Version, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
	for i, a := range c.Aliases {
		seq := i + 1
		r.Aliases = append(r.Aliases, AliasRecord{
			Seq: seq, Script: a.Script, Source: a.Source,
			Name: x.seal(a.Name, SealedValue{Table: TableAliases, Column: "name", Ref: c.Ref, Seq: seq}),
		})
	}
	for i, a := range c.Assessments {
		seq := i + 1
		v := SealedValue{Table: TableAssessments, Ref: c.Ref, Seq: seq}
		r.Assessments = append(r.Assessments, AssessmentRecord{
			Seq: seq, Date: a.Date, Method: a.Method,
			Outcome:    x.seal(a.Outcome, withColumn(v, "outcome")),
			AssessedBy: x.seal(a.AssessedBy, withColumn(v, "assessed_by")),
		})
	}
	return r, x.err
}

func withColumn(v SealedValue, col string) SealedValue { v.Column = col; return v }

// openChild returns the child of a stored record.
func (s *Service) openChild(r *ChildRecord) (*Child, error) {
	x := &sealing{s: s.sealer}
	c := &Child{
		ID: r.ID, Ref: r.Ref, Country: r.Country, NationalRef: r.NationalRef, Sex: r.Sex,
		BirthPrecision: r.BirthPrecision, BirthYear: r.BirthYear,
		Citizenships: r.Citizenships, Languages: r.Languages,
		Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
	c.GivenNames = x.open(r.GivenNames, childVal(r.Ref, "given_names", r.ID))
	c.FamilyName = x.open(r.FamilyName, childVal(r.Ref, "family_name", r.ID))
	c.BirthDate = x.open(r.BirthDate, childVal(r.Ref, "birth_date", r.ID))
	c.BirthPlace = x.open(r.BirthPlace, childVal(r.Ref, "birth_place", r.ID))
	c.Notes = x.open(r.Notes, childVal(r.Ref, "notes", r.ID))
	for _, a := range r.Aliases {
		c.Aliases = append(c.Aliases, Alias{
			Name:   x.open(a.Name, SealedValue{Table: TableAliases, Column: "name", Ref: r.Ref, Seq: a.Seq, RowID: r.ID}),
			Script: a.Script, Source: a.Source,
		})
	}
	for _, a := range r.Assessments {
		v := SealedValue{Table: TableAssessments, Ref: r.Ref, Seq: a.Seq, RowID: r.ID}
		c.Assessments = append(c.Assessments, AgeAssessment{
			Date: a.Date, Method: a.Method,
			Outcome:    x.open(a.Outcome, withColumn(v, "outcome")),
			AssessedBy: x.open(a.AssessedBy, withColumn(v, "assessed_by")),
		})
	}
	if x.err != nil {
		return nil, x.err
	}
	return c, nil
}

// sealCase returns the stored form of c; ref must be set.
func (s *Service) sealCase(c *Case, ref string) (*CaseRecord, error) {
	x := &sealing{s: s.sealer}
	r := &CaseRecord{Case: *c, Ref: ref}
	// The record keeps copies of the requests without their reasons: only
	// the sealed forms reach the store.
	if c.CloseRequest != nil {
		r.CloseReason = x.seal(c.CloseRequest.Reason, SealedValue{Table: TableCases, Column: "close_reason", Ref: ref})
		r.CloseRequest = &CloseRequest{By: c.CloseRequest.By, At: c.CloseRequest.At}
	}
	if c.Rejection != nil {
		r.RejectReason = x.seal(c.Rejection.Reason, SealedValue{Table: TableCases, Column: "reject_reason", Ref: ref})
		r.Rejection = &CloseRequest{By: c.Rejection.By, At: c.Rejection.At}
	}
	return r, x.err
}

// openCase returns the case of a stored record.
func (s *Service) openCase(r *CaseRecord) (*Case, error) {
	x := &sealing{s: s.sealer}
	c := r.Case
	if r.CloseRequest != nil {
		cr := *r.CloseRequest
		cr.Reason = x.open(r.CloseReason, SealedValue{Table: TableCases, Column: "close_reason", Ref: r.Ref, RowID: r.ID})
		c.CloseRequest = &cr
	}
	if r.Rejection != nil {
		rj := *r.Rejection
		rj.Reason = x.open(r.RejectReason, SealedValue{Table: TableCases, Column: "reject_reason", Ref: r.Ref, RowID: r.ID})
		c.Rejection = &rj
	}
	c.Exploitation = append([]Exploitation(nil), r.Exploitation...)
	if x.err != nil {
		return nil, x.err
	}
	return &c, nil
}

// sealEvent returns the stored form of e.
func (s *Service) sealEvent(e *Event, country auth.Country) (*EventRecord, error) {
	x := &sealing{s: s.sealer}
	r := &EventRecord{Event: *e, Ref: newRef(), Country: country}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = s.now()
	}
	r.Notes = x.seal(e.Notes, SealedValue{Table: TableEvents, Column: "notes", Ref: r.Ref})
	r.Event.Notes = ""
	return r, x.err
}

// openEvent returns the event of a stored record.
func (s *Service) openEvent(r *EventRecord) (*Event, error) {
	x := &sealing{s: s.sealer}
	e := r.Event
	e.Notes = x.open(r.Notes, SealedValue{Table: TableEvents, Column: "notes", Ref: r.Ref, RowID: r.ID})
	if x.err != nil {
		return nil, x.err
	}
	return &e, nil
}
