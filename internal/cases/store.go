package cases

import (
	"context"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
)

// Store is the persistence the case registry needs; internal/store
// implements it on SQLite and PostgreSQL (store.CaseStore). Every audit
// record appended through a Tx commits or rolls back with the change it
// records.
type Store interface {
	// Update runs fn in a read-write transaction, committed if fn returns nil.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
}

// Tx is one transaction. The store sees only sealed identities: it never
// holds a key. Methods that take a country act only on that country's
// records; AnyCountry lifts the restriction and is given only for the
// System actor on a node whose country is not configured. Lookups of absent
// records (or records of another country) return errs.NotFound; a write at
// a stale version returns errs.Conflict.
type Tx interface {
	audit.Appender

	// CreateChild inserts r with its aliases, assessments, blind-index
	// tokens and linkage encoding, and sets ID, Version (1), CreatedAt and
	// UpdatedAt (from r or now). A national reference already held in the
	// country is errs.Conflict on the field "national_ref".
	CreateChild(ctx context.Context, r *ChildRecord) error
	// UpdateChild writes every field of r, replacing its aliases,
	// assessments, tokens and encoding, if the stored version is still
	// r.Version; it then increments r.Version and sets UpdatedAt.
	UpdateChild(ctx context.Context, r *ChildRecord) error
	// Child reads a child with its aliases and assessments (not its tokens
	// or encoding, which are write-only).
	Child(ctx context.Context, country auth.Country, id int64) (*ChildRecord, error)
	// ChildByNationalRef reads a child by the reference of the national system.
	ChildByNationalRef(ctx context.Context, country auth.Country, nationalRef string) (*ChildRecord, error)
	// ChildrenByNationalRef reads the children held under any of refs, in
	// no particular order.
	ChildrenByNationalRef(ctx context.Context, country auth.Country, refs []string) ([]*ChildRecord, error)
	// CreateChildren inserts many children as CreateChild does, by bulk
	// statements (the import path).
	CreateChildren(ctx context.Context, recs []*ChildRecord) error
	// Children reads the children with the given ids, in no particular
	// order; absent ids are left out.
	Children(ctx context.Context, country auth.Country, ids []int64) ([]*ChildRecord, error)
	// Summaries reads what a list of results shows of the children with
	// the given ids: of each child its ID, Ref, Country, Sex,
	// BirthPrecision, BirthYear, GivenNames, FamilyName and Version; of
	// each of their cases its ID, ChildID, Country, Category, Status,
	// Missing and OpenedAt, newest first. Nothing else is read.
	Summaries(ctx context.Context, country auth.Country, ids []int64) ([]*ChildRecord, []*CaseRecord, error)

	// CreateCase inserts r and its forms of exploitation and sets ID,
	// Version (1), CreatedAt and UpdatedAt.
	CreateCase(ctx context.Context, r *CaseRecord) error
	// CreateCases inserts many cases as CreateCase does, by bulk statements.
	CreateCases(ctx context.Context, recs []*CaseRecord) error
	// UpdateCase writes every field of r but ChildID and Country if the
	// stored version is still r.Version; it then increments r.Version.
	UpdateCase(ctx context.Context, r *CaseRecord) error
	// Case reads a case.
	Case(ctx context.Context, country auth.Country, id int64) (*CaseRecord, error)
	// CasesOf reads the cases of the given children, newest first.
	CasesOf(ctx context.Context, country auth.Country, childIDs []int64) ([]*CaseRecord, error)

	// AddEvent inserts an event and sets its ID and CreatedAt.
	AddEvent(ctx context.Context, r *EventRecord) error
	// AddEvents inserts many events by bulk statements; it sets no IDs.
	AddEvents(ctx context.Context, recs []*EventRecord) error
	// Events reads a case's events in time order (then in the order they were recorded).
	Events(ctx context.Context, caseID int64) ([]*EventRecord, error)

	// AddChange records one entry of a record's visible history; sets ID.
	AddChange(ctx context.Context, country auth.Country, c *Change) error
	// AddChanges records many history entries by bulk statements; it sets no IDs.
	AddChanges(ctx context.Context, country auth.Country, cs []*Change) error
	// Changes reads an entity's history, newest first.
	Changes(ctx context.Context, country auth.Country, entity string, id int64) ([]*Change, error)

	// MatchTokens returns the children of the country holding one or
	// more of tokens (at most MaxMatchTokens) and (when f filters on
	// cases) having a case passing f's filters, with which of the tokens
	// each holds. A child may come more than once, each time with some
	// of its tokens: the caller ors them.
	MatchTokens(ctx context.Context, country auth.Country, tokens [][]byte, f Query) ([]TokenMatch, error)
	// ListChildren returns the ids of one page of the country's children
	// with a case passing f's filters, newest first, and how many there are
	// in all.
	ListChildren(ctx context.Context, country auth.Country, f Query, limit, offset int) (ids []int64, total int, err error)
	// Encodings returns the linkage encodings of the country's children who
	// share one of tokens or (when birthYear is not 0) were born within a
	// year of birthYear with the given sex; at most limit, newest first.
	Encodings(ctx context.Context, country auth.Country, tokens [][]byte, birthYear int, sex Sex, limit int) ([]Encoding, error)

	// Expired returns the cases closed before before, and the children
	// all of whose cases are among them.
	Expired(ctx context.Context, country auth.Country, before time.Time) (caseIDs, childIDs []int64, err error)
	// Erase deletes cases and children with everything that belongs to
	// them (events, forms of exploitation, aliases, assessments, tokens,
	// encodings) and their history entries.
	Erase(ctx context.Context, caseIDs, childIDs []int64) error

	// ShareStates reads the share states of the given children, by child;
	// children never looked at by the sharing rules are absent.
	ShareStates(ctx context.Context, childIDs []int64) (map[int64]*ShareState, error)
	// PutShareStates inserts or replaces share states.
	PutShareStates(ctx context.Context, states []*ShareState) error
	// ShareDecisions reads the supervisors' sharing decisions of the given
	// cases: true to share; cases without a decision are absent.
	ShareDecisions(ctx context.Context, caseIDs []int64) (map[int64]bool, error)
	// PutShareDecision records (or replaces) the sharing decision of a case.
	PutShareDecision(ctx context.Context, caseID int64, share bool, by string, at time.Time) error
	// Unshared returns up to limit children of the country with ids above
	// afterID, in id order, whose share state is absent or was brought up
	// to date under another secret than keyID.
	Unshared(ctx context.Context, country auth.Country, keyID string, afterID int64, limit int) ([]*ChildRecord, error)
	// Enqueue adds messages to the outbox, to be delivered in order. A
	// pending message about the same Ref is dropped: the newer one says
	// everything the hub must know about the record.
	Enqueue(ctx context.Context, msgs []*OutboxMessage) error

	// SealedValues returns the sealed values of up to limit rows of table
	// (one of SealedTables) with ids above afterID, in id order, and the id
	// of the last row read (0 when there are none).
	SealedValues(ctx context.Context, table string, afterID int64, limit int) (vals []SealedValue, lastID int64, err error)
	// SwapSealed replaces v.Value by value if the row still holds v.Value
	// (compare and swap), and reports whether it did. It changes no version
	// and no time: re-sealing is invisible to the record's users.
	SwapSealed(ctx context.Context, v SealedValue, value []byte) (bool, error)
}

// AnyCountry, given as the country of a Tx method, does not restrict it to
// one country. The service gives it only for the System actor of a node
// whose country is not configured.
const AnyCountry auth.Country = ""

// ChildRecord is a child as stored: the fields of Child that are kept in
// clear, and the identity sealed (see seal.go for the binding of each).
type ChildRecord struct {
	ID             int64
	Ref            string
	Country        auth.Country
	NationalRef    string // "" when none
	Sex            Sex
	BirthPrecision Precision
	BirthYear      int
	Citizenships   []string
	Languages      []string

	GivenNames []byte // sealed
	FamilyName []byte // sealed
	BirthDate  []byte // sealed
	BirthPlace []byte // sealed
	Notes      []byte // sealed

	Aliases     []AliasRecord
	Assessments []AssessmentRecord

	// Tokens and Linkage are written by CreateChild and UpdateChild and
	// never read back: they serve search and duplicate detection only.
	Tokens  []Token
	Linkage []byte // the CLK under the node-local linkage key

	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AliasRecord is an alias as stored; Seq numbers the child's aliases from 1
// and is part of the binding of the sealed name.
type AliasRecord struct {
	Seq    int
	Name   []byte // sealed
	Script string
	Source string
}

// AssessmentRecord is an age assessment as stored; Seq numbers the
// child's assessments from 1.
type AssessmentRecord struct {
	Seq        int
	Date       string
	Method     AssessmentMethod
	Outcome    []byte // sealed
	AssessedBy []byte // sealed
}

// TokenKind says how a blind-index token was made.
type TokenKind string

// Token kinds.
const (
	TokenExact    TokenKind = "n" // BlindIndex("name", canonical token)
	TokenPhonetic TokenKind = "p" // BlindIndex("name-phonetic", phonetic key of the token)
)

// Token is one blind-index entry of a child.
type Token struct {
	Kind TokenKind
	Hash []byte
}

// TokenMatch is a child holding searched tokens: bit i of Tokens is
// set when it holds tokens[i] of the MatchTokens call.
type TokenMatch struct {
	ChildID int64
	Tokens  uint64
}

// MaxMatchTokens is how many tokens one MatchTokens call takes: a bit
// each in TokenMatch.Tokens, the sign bit left alone.
const MaxMatchTokens = 63

// Encoding is a child's linkage encoding, for duplicate detection.
type Encoding struct {
	ChildID   int64
	BirthYear int // 0 when unknown
	CLK       []byte
}

// CaseRecord is a case as stored: Case with its close request's and
// rejection's reasons sealed (the Reason fields of Case are not stored).
type CaseRecord struct {
	Case
	Ref          string
	CloseReason  []byte // sealed; nil when there is no close request
	RejectReason []byte // sealed; nil when there is no rejection
}

// EventRecord is an event as stored, its notes sealed (Event.Notes is not stored).
type EventRecord struct {
	Event
	Ref     string
	Country auth.Country
	Notes   []byte // sealed
}

// The tables holding sealed values, for SealedValues.
const (
	TableChildren    = "children"
	TableAliases     = "child_aliases"
	TableAssessments = "child_assessments"
	TableCases       = "cases"
	TableEvents      = "case_events"
)

// SealedTables lists every table with sealed values, for re-sealing.
var SealedTables = []string{TableChildren, TableAliases, TableAssessments, TableCases, TableEvents}

// SealedValue is one sealed value and where it lies: enough to rebuild its
// binding (Binding) and to replace it.
type SealedValue struct {
	Table  string
	Column string
	RowID  int64
	Ref    string // the owning record's reference: the child's for aliases and assessments
	Seq    int    // the alias's or assessment's number; 0 otherwise
	Value  []byte
}
