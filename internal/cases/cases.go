// Package cases is a national node's case registry: the children a
// National Contact Point handles, their cases and the events of each case.
//
// Identities (names, aliases, dates and places of birth, notes) are sealed
// with an AEAD bound to record and field before they reach the store; the
// database holds them only as ciphertext and keyed blind indexes. Every read
// of a child's record and every change is audited in the transaction that
// does it. Services check the actor's permission and country on every call.
package cases

import (
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
)

// Sex of a child as registered.
type Sex string

// Sexes.
const (
	SexFemale  Sex = "female"
	SexMale    Sex = "male"
	SexOther   Sex = "other"
	SexUnknown Sex = "unknown"
)

// Precision says how much of a date of birth is known.
type Precision string

// Precisions. Estimated dates follow the age-assessment convention:
// 1 January of the assessed year.
const (
	PrecisionExact     Precision = "exact"
	PrecisionMonth     Precision = "month"
	PrecisionYear      Precision = "year"
	PrecisionEstimated Precision = "estimated"
	PrecisionUnknown   Precision = "unknown"
)

// AssessmentMethod is how an age was assessed.
type AssessmentMethod string

// Age assessment methods.
const (
	MethodDocuments    AssessmentMethod = "documents"
	MethodMedical      AssessmentMethod = "medical"
	MethodPsychosocial AssessmentMethod = "psychosocial"
	MethodInterview    AssessmentMethod = "interview"
)

// AgeAssessment is one assessment behind an estimated date of birth.
type AgeAssessment struct {
	Date       string // YYYY-MM-DD the assessment was made
	Method     AssessmentMethod
	Outcome    string // e.g. "15–17, most likely 16" (sealed)
	AssessedBy string // organisation or function, not a person's name (sealed)
}

// Alias is another name the child is known by.
type Alias struct {
	Name   string // sealed
	Script string // ISO 15924: Latn, Cyrl, Arab, ...
	Source string // where it comes from: passport, police, self-declared...
}

// Identity is the part of a child's record sealed at rest.
type Identity struct {
	GivenNames string
	FamilyName string
	Aliases    []Alias
	BirthDate  string // YYYY-MM-DD, YYYY-MM or YYYY, as precise as known
	BirthPlace string
	Notes      string
}

// Child is a child as registered by this node.
type Child struct {
	ID          int64
	Ref         string       // random 128-bit reference (hex), fixed at registration: binds sealed fields, names the record pseudonymously
	Country     auth.Country // the node's country; every query is scoped to it
	NationalRef string       // reference in the national system: key of re-imports, pseudonymous
	Identity
	Sex            Sex
	BirthPrecision Precision
	BirthYear      int // in clear, for filters and statistics; 0 when unknown
	Assessments    []AgeAssessment
	Citizenships   []string // ISO 3166-1 alpha-2
	Languages      []string // ISO 639-1 (or 639-3 when no 639-1 code exists)
	Version        int      // optimistic concurrency: an update names the version it read
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Category of a case.
type Category string

// Case categories.
const (
	CatUnaccompanied        Category = "unaccompanied"
	CatSeparated            Category = "separated"
	CatPresumedTrafficking  Category = "presumed_trafficking"
	CatIdentifiedTrafficked Category = "identified_trafficking"
	CatMissingFromCare      Category = "missing_from_care"
	CatCriminalExploitation Category = "criminal_exploitation"
	CatFalseFamily          Category = "false_family"
	CatOther                Category = "other"
)

// Exploitation is a form of exploitation, as in Directive 2011/36/EU as
// amended by Directive (EU) 2024/1712.
type Exploitation string

// Forms of exploitation.
const (
	ExpSexual           Exploitation = "sexual"
	ExpForcedLabour     Exploitation = "forced_labour" // including begging
	ExpSlavery          Exploitation = "slavery"
	ExpCriminalActivity Exploitation = "criminal_activities"
	ExpOrganRemoval     Exploitation = "organ_removal"
	ExpForcedMarriage   Exploitation = "forced_marriage"
	ExpIllegalAdoption  Exploitation = "illegal_adoption"
	ExpSurrogacy        Exploitation = "surrogacy"
)

// Evidence is how firmly a case's category is established. Suspicion-only
// cases are never shared across borders without an explicit decision.
type Evidence string

// Evidence levels.
const (
	EvidenceIdentified Evidence = "identified"
	EvidencePresumed   Evidence = "presumed"
	EvidenceSuspicion  Evidence = "suspicion"
)

// Status of a case.
type Status string

// Case statuses. Closing needs a supervisor's approval.
const (
	StatusOpen             Status = "open"
	StatusClosureRequested Status = "closure_requested"
	StatusClosed           Status = "closed"
)

// Placement is where the child lives.
type Placement string

// Placements.
const (
	PlaceReception   Placement = "reception_centre" // reception or asylum centre
	PlaceFoster      Placement = "foster_family"
	PlaceInstitution Placement = "institution"
	PlaceRelatives   Placement = "relatives"
	PlaceUnknown     Placement = "unknown"
)

// Handling is a handling code as in Europol's SIENA: H0 no restriction,
// H1 not for use in court, H2 not to be disseminated without the
// originator's permission, H3 other restrictions stated.
type Handling string

// Handling codes.
const (
	H0 Handling = "H0"
	H1 Handling = "H1"
	H2 Handling = "H2"
	H3 Handling = "H3"
)

// Case is a case of one child.
type Case struct {
	ID             int64
	ChildID        int64
	Country        auth.Country
	Category       Category
	Exploitation   []Exploitation
	Evidence       Evidence
	Status         Status
	Missing        bool // the child is currently missing (went_missing without a later located)
	ResponsibleOrg string
	Placement      Placement
	LegalBasis     string // legal basis recorded for sharing
	Consent        bool   // consent recorded for sharing
	Handling       Handling
	OpenedAt       time.Time
	ClosedAt       time.Time     // zero while open
	CloseRequest   *CloseRequest // the closure request: pending while closure_requested, kept once closed; nil otherwise
	Rejection      *CloseRequest // the last refused closure request: who refused, when and why; nil when none
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// CloseRequest is an officer's request to close a case, awaiting a supervisor.
type CloseRequest struct {
	By     int64 // user id
	At     time.Time
	Reason string // sealed
}

// EventType is what happened in a case.
type EventType string

// Event types.
const (
	EvRegistered  EventType = "registered"
	EvPlaced      EventType = "placed"
	EvAgeAssessed EventType = "age_assessed"
	EvWentMissing EventType = "went_missing"
	EvLocated     EventType = "located"
	EvReferred    EventType = "referred"
	EvReturned    EventType = "returned"
	EvTransferred EventType = "transferred"
	EvClosed      EventType = "closed"
)

// Event is one entry on a case's timeline.
type Event struct {
	ID           int64
	CaseID       int64
	Type         EventType
	At           time.Time // when it happened (date and time)
	Municipality string
	PlaceType    string // reception_centre, street, border, police, hospital, ... (see PlaceTypes)
	Notes        string // sealed
	By           int64  // user id of who recorded it (0: a token or the system)
	ByToken      int64  // id of the API token that recorded it (0: a person or the system)
	CreatedAt    time.Time
}

// Change is one entry of a record's visible history: who changed which
// fields when. Values are not repeated here: the audit log and the record
// itself hold what is needed, and a history of old names would multiply the
// personal data held.
type Change struct {
	ID       int64
	Entity   string // "child", "case"
	EntityID int64
	Action   string // "create", "update", "missing", "located", "close_requested", "closed"...
	Fields   []string
	By       int64 // user id of who made it (0: a token or the system)
	ByToken  int64 // id of the API token that made it (0: a person or the system)
	At       time.Time
}
