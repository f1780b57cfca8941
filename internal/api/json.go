package api

import (
	"time"

	"github.com/cbss-egcc/childcentre/internal/cases"
)

// The JSON forms of the registry's records. Field names are those of the
// services' validation errors (given_names, category…), so that a field
// problem names the body's own field. Inputs are separate types from
// outputs: what a client may send is exactly what the input types hold.

// ChildInput is the JSON input of a child.
type ChildInput struct {
	NationalRef    string           `json:"national_ref"`
	GivenNames     string           `json:"given_names"`
	FamilyName     string           `json:"family_name"`
	Aliases        []AliasJSON      `json:"aliases"`
	Sex            string           `json:"sex"`
	BirthDate      string           `json:"birth_date"`
	BirthPrecision string           `json:"birth_precision"`
	Assessments    []AssessmentJSON `json:"assessments"`
	Citizenships   []string         `json:"citizenships"`
	Languages      []string         `json:"languages"`
	BirthPlace     string           `json:"birth_place"`
	Notes          string           `json:"notes"`
}

// AliasJSON is another name a child is known by.
type AliasJSON struct {
	Name   string `json:"name"`
	Script string `json:"script"`
	Source string `json:"source"`
}

// AssessmentJSON is an age assessment.
type AssessmentJSON struct {
	Date       string `json:"date"`
	Method     string `json:"method"`
	Outcome    string `json:"outcome"`
	AssessedBy string `json:"assessed_by"`
}

// CaseInput is the JSON input of a case.
type CaseInput struct {
	Category       string     `json:"category"`
	Exploitation   []string   `json:"exploitation"`
	Evidence       string     `json:"evidence"`
	ResponsibleOrg string     `json:"responsible_org"`
	Placement      string     `json:"placement"`
	LegalBasis     string     `json:"legal_basis"`
	Consent        bool       `json:"consent"`
	Handling       string     `json:"handling"`
	OpenedAt       *time.Time `json:"opened_at"`
}

// caseFields are the JSON names of CaseInput: the validation errors of a
// registration name child and case fields alike, and these are the case's.
var caseFields = map[string]bool{"category": true, "exploitation": true, "evidence": true,
	"responsible_org": true, "placement": true, "legal_basis": true, "consent": true,
	"handling": true, "opened_at": true}

// EventInput is the JSON input of a timeline event.
type EventInput struct {
	Type         string     `json:"type"`
	At           *time.Time `json:"at"`
	Municipality string     `json:"municipality"`
	PlaceType    string     `json:"place_type"`
	Notes        string     `json:"notes"`
}

// Registration is a child with a case: the body of POST /children and
// one element of a batch.
type Registration struct {
	Child ChildInput `json:"child"`
	Case  CaseInput  `json:"case"`
}

// ChildUpdate is the body of PUT /children/{id}.
type ChildUpdate struct {
	ChildInput
	Version *int `json:"version"`
}

// CaseUpdate is the body of PUT /cases/{id}.
type CaseUpdate struct {
	CaseInput
	Version *int `json:"version"`
}

// Batch is the body of POST /registrations:batch.
type Batch struct {
	Registrations []Registration `json:"registrations"`
}

// Child is the JSON form of a child.
type Child struct {
	ID      int64  `json:"id"`
	Country string `json:"country"`
	ChildInput
	BirthYear int       `json:"birth_year"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Cases     []Case    `json:"cases,omitempty"`
}

// Case is the JSON form of a case. Closure reasons are not part of it:
// they are narratives, kept for the people who decide.
type Case struct {
	ID      int64  `json:"id"`
	ChildID int64  `json:"child_id"`
	Country string `json:"country"`
	CaseInput
	Status    string     `json:"status"`
	Missing   bool       `json:"missing"`
	ClosedAt  *time.Time `json:"closed_at"`
	Version   int        `json:"version"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// Event is the JSON form of a timeline event.
type Event struct {
	ID     int64 `json:"id"`
	CaseID int64 `json:"case_id"`
	EventInput
	CreatedAt time.Time `json:"created_at"`
}

// Hit is one search result: a child with its cases, and its score.
type Hit struct {
	Child
	Score float64 `json:"score"`
}

// SearchResults is a page of search results.
type SearchResults struct {
	Items   []Hit `json:"items"`
	Total   int   `json:"total"`
	Page    int   `json:"page"`
	PerPage int   `json:"per_page"`
}

// BatchResult says what a batch did, or would do (dry run).
type BatchResult struct {
	DryRun  bool `json:"dry_run"`
	Created int  `json:"created"`
	Updated int  `json:"updated"`
}

func (in ChildInput) domain() cases.ChildInput {
	out := cases.ChildInput{
		NationalRef: in.NationalRef, GivenNames: in.GivenNames, FamilyName: in.FamilyName,
		Sex: cases.Sex(in.Sex), BirthDate: in.BirthDate, BirthPrecision: cases.Precision(in.BirthPrecision),
		Citizenships: in.Citizenships, Languages: in.Languages, BirthPlace: in.BirthPlace, Notes: in.Notes,
	}
	for _, a := range in.Aliases {
		out.Aliases = append(out.Aliases, cases.Alias{Name: a.Name, Script: a.Script, Source: a.Source})
	}
	for _, a := range in.Assessments {
		out.Assessments = append(out.Assessments, cases.AgeAssessment{Date: a.Date,
			Method: cases.AssessmentMethod(a.Method), Outcome: a.Outcome, AssessedBy: a.AssessedBy})
	}
	return out
}

func (in CaseInput) domain() cases.CaseInput {
	out := cases.CaseInput{Category: cases.Category(in.Category), Evidence: cases.Evidence(in.Evidence),
		ResponsibleOrg: in.ResponsibleOrg, Placement: cases.Placement(in.Placement), LegalBasis: in.LegalBasis,
		Consent: in.Consent, Handling: cases.Handling(in.Handling)}
	for _, e := range in.Exploitation {
		out.Exploitation = append(out.Exploitation, cases.Exploitation(e))
	}
	if in.OpenedAt != nil {
		out.OpenedAt = *in.OpenedAt
	}
	return out
}

func (in EventInput) domain() cases.EventInput {
	out := cases.EventInput{Type: cases.EventType(in.Type), Municipality: in.Municipality,
		PlaceType: in.PlaceType, Notes: in.Notes}
	if in.At != nil {
		out.At = *in.At
	}
	return out
}

// childInputOf returns the input that would register c as it is.
func childInputOf(c *cases.Child) ChildInput {
	in := ChildInput{
		NationalRef: c.NationalRef, GivenNames: c.GivenNames, FamilyName: c.FamilyName,
		Aliases: []AliasJSON{}, Sex: string(c.Sex), BirthDate: c.BirthDate, BirthPrecision: string(c.BirthPrecision),
		Assessments: []AssessmentJSON{}, Citizenships: orEmpty(c.Citizenships), Languages: orEmpty(c.Languages),
		BirthPlace: c.BirthPlace, Notes: c.Notes,
	}
	for _, a := range c.Aliases {
		in.Aliases = append(in.Aliases, AliasJSON{Name: a.Name, Script: a.Script, Source: a.Source})
	}
	for _, a := range c.Assessments {
		in.Assessments = append(in.Assessments, AssessmentJSON{Date: a.Date, Method: string(a.Method),
			Outcome: a.Outcome, AssessedBy: a.AssessedBy})
	}
	return in
}

func childJSON(c *cases.Child, ks []*cases.Case) Child {
	out := Child{ID: c.ID, Country: string(c.Country), ChildInput: childInputOf(c), BirthYear: c.BirthYear,
		Version: c.Version, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	for _, k := range ks {
		out.Cases = append(out.Cases, caseJSON(k))
	}
	return out
}

func caseJSON(k *cases.Case) Case {
	opened := k.OpenedAt
	out := Case{ID: k.ID, ChildID: k.ChildID, Country: string(k.Country),
		CaseInput: CaseInput{Category: string(k.Category), Exploitation: []string{}, Evidence: string(k.Evidence),
			ResponsibleOrg: k.ResponsibleOrg, Placement: string(k.Placement), LegalBasis: k.LegalBasis,
			Consent: k.Consent, Handling: string(k.Handling), OpenedAt: &opened},
		Status: string(k.Status), Missing: k.Missing, Version: k.Version, CreatedAt: k.CreatedAt, UpdatedAt: k.UpdatedAt}
	for _, e := range k.Exploitation {
		out.Exploitation = append(out.Exploitation, string(e))
	}
	if !k.ClosedAt.IsZero() {
		closed := k.ClosedAt
		out.ClosedAt = &closed
	}
	return out
}

func eventJSON(e *cases.Event) Event {
	at := e.At
	return Event{ID: e.ID, CaseID: e.CaseID, EventInput: EventInput{Type: string(e.Type), At: &at,
		Municipality: e.Municipality, PlaceType: e.PlaceType, Notes: e.Notes}, CreatedAt: e.CreatedAt}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
