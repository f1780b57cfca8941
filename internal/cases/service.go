package cases

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Sealer seals identity fields; *crypto.Sealer implements it.
type Sealer interface {
	Seal(plaintext []byte, aad string) ([]byte, error)
	Open(sealed []byte, aad string) ([]byte, error)
	// NeedsRotation reports whether a sealed value is under a data key
	// other than the primary (Reseal re-seals those).
	NeedsRotation(sealed []byte) bool
}

// Indexer makes keyed blind indexes and derives the node-local linkage
// key; *crypto.Keyring implements it.
type Indexer interface {
	BlindIndex(purpose, token string) []byte
	Derive(purpose string, n int) []byte
}

// Config tunes the service.
type Config struct {
	Now       func() time.Time
	Retention time.Duration // closed cases are purged this long after closing
	// Country is the node's country. When set, every act is on its
	// records and actors of other countries are refused; when empty (tests,
	// a hub), the actor's country is used and the System actor acts on
	// every country.
	Country auth.Country
}

// ChildInput is what a form, an import row or an API body gives for a child.
type ChildInput struct {
	NationalRef    string
	GivenNames     string
	FamilyName     string
	Aliases        []Alias
	Sex            Sex
	BirthDate      string // YYYY-MM-DD, YYYY-MM or YYYY (and the other formats of normalize.ParseDate)
	BirthPrecision Precision
	Assessments    []AgeAssessment
	Citizenships   []string
	Languages      []string
	BirthPlace     string
	Notes          string
}

// CaseInput is what a form, an import row or an API body gives for a case.
type CaseInput struct {
	Category       Category
	Exploitation   []Exploitation
	Evidence       Evidence
	ResponsibleOrg string
	Placement      Placement // empty: unknown
	LegalBasis     string
	Consent        bool
	Handling       Handling  // empty: DefaultHandling
	OpenedAt       time.Time // zero: now
}

// EventInput is a new timeline event.
type EventInput struct {
	Type         EventType
	At           time.Time // zero: now
	Municipality string
	PlaceType    string // one of PlaceTypes, or empty
	Notes        string
}

// Service is the case registry. It checks the actor's permission and
// country on every call: records of another country are errs.NotFound, as
// if they did not exist.
type Service struct {
	store  Store
	sealer Sealer
	index  Indexer
	cfg    Config

	sharing Sharing // nil: a node without a hub

	encOnce sync.Once
	enc     *encoders
	encErr  error
}

// NewService returns a Service.
func NewService(store Store, sealer Sealer, index Indexer, cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{store: store, sealer: sealer, index: index, cfg: cfg}
}

// now returns the service's clock in UTC to the microsecond, the
// precision the store keeps.
func (s *Service) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Microsecond) }

// allow checks that a has permission p and returns the country a acts on:
// the node's, the actor's own, or AnyCountry for the System actor of a
// node without a configured country.
func (s *Service) allow(a auth.Actor, p auth.Permission) (auth.Country, error) {
	if !a.Can(p) {
		return "", errs.E(errs.Forbidden, "your role does not allow this")
	}
	if s.cfg.Country != "" {
		if !a.InScope(s.cfg.Country) {
			return "", errs.E(errs.Forbidden, "you may act only on your own country's records")
		}
		return s.cfg.Country, nil
	}
	if a.Country != "" {
		return a.Country, nil
	}
	if a.System {
		return AnyCountry, nil
	}
	return "", errs.E(errs.Forbidden, "your account has no country")
}

// homeCountry is the country new records of a are registered in.
func (s *Service) homeCountry(a auth.Actor, p auth.Permission) (auth.Country, error) {
	c, err := s.allow(a, p)
	if err == nil && c == AnyCountry {
		return "", errs.Field("country", "the node's country is not configured")
	}
	return c, err
}

// record returns the audit record of an act by a.
func (s *Service) record(a auth.Actor, country auth.Country, action, target, detail string) audit.Record {
	return audit.Record{Time: s.now(), Actor: a.Ref(), Role: string(a.Role), Country: string(country),
		Action: action, Target: target, Outcome: "ok", Addr: a.Addr, Detail: detail}
}

func childTarget(id int64) string { return "child:" + strconv.FormatInt(id, 10) }
func caseTarget(id int64) string  { return "case:" + strconv.FormatInt(id, 10) }

// Register registers a child and opens their first case: the child, the
// case, its "registered" event and both history entries are written in one
// transaction with the audit records child.create and case.create.
func (s *Service) Register(ctx context.Context, a auth.Actor, ci ChildInput, cs CaseInput) (*Child, *Case, error) {
	country, err := s.homeCountry(a, auth.PermCasesWrite)
	if err != nil {
		return nil, nil, err
	}
	ch, err1 := s.validChild(ci)
	k, err2 := s.validCase(cs)
	if err := joinInvalid(err1, err2); err != nil {
		return nil, nil, err
	}
	now := s.now()
	ch.Ref, ch.Country, ch.CreatedAt, ch.UpdatedAt = newRef(), country, now, now
	rec, err := s.childRecord(ch)
	if err != nil {
		return nil, nil, err
	}
	var out *Case
	err = s.store.Update(ctx, func(tx Tx) error {
		if err := tx.CreateChild(ctx, rec); err != nil {
			return err
		}
		ch.ID, ch.Version, ch.CreatedAt, ch.UpdatedAt = rec.ID, rec.Version, rec.CreatedAt, rec.UpdatedAt
		if err := s.addChange(ctx, tx, a, country, "child", ch.ID, "create", nil); err != nil {
			return err
		}
		if err := tx.AppendAudit(ctx, s.record(a, country, audit.ActChildCreate, childTarget(ch.ID), "")); err != nil {
			return err
		}
		if out, err = s.openCaseTx(ctx, tx, a, ch.ID, country, k); err != nil {
			return err
		}
		return s.share(ctx, tx, country, shareItem{id: ch.ID, child: ch, cases: []*Case{out}})
	})
	if err != nil {
		return nil, nil, err
	}
	return ch, out, nil
}

// joinInvalid joins validation errors of several inputs.
func joinInvalid(errList ...error) error {
	var c checker
	for _, err := range errList {
		if err != nil {
			c.errs = append(c.errs, err)
		}
	}
	return c.err()
}

// childRecord seals ch and computes its blind-index tokens and linkage encoding.
func (s *Service) childRecord(ch *Child) (*ChildRecord, error) {
	rec, err := s.sealChild(ch)
	if err != nil {
		return nil, err
	}
	rec.Tokens = s.indexTokens(ch)
	if rec.Linkage, err = s.encode(ch); err != nil {
		return nil, err
	}
	return rec, nil
}

// openCaseTx opens a new case for child childID with its "registered"
// event, history entry and audit record, inside tx.
func (s *Service) openCaseTx(ctx context.Context, tx Tx, a auth.Actor, childID int64, country auth.Country, k *Case) (*Case, error) {
	now := s.now()
	k.ChildID, k.Country, k.CreatedAt, k.UpdatedAt = childID, country, now, now
	rec, err := s.sealCase(k, newRef())
	if err != nil {
		return nil, err
	}
	if err := tx.CreateCase(ctx, rec); err != nil {
		return nil, err
	}
	k.ID, k.Version, k.CreatedAt, k.UpdatedAt = rec.ID, rec.Version, rec.CreatedAt, rec.UpdatedAt
	ev, err := s.sealEvent(&Event{CaseID: k.ID, Type: EvRegistered, At: k.OpenedAt, By: a.UserID, ByToken: a.TokenID}, country)
	if err != nil {
		return nil, err
	}
	if err := tx.AddEvent(ctx, ev); err != nil {
		return nil, err
	}
	if err := s.addChange(ctx, tx, a, country, "case", k.ID, "create", nil); err != nil {
		return nil, err
	}
	return k, tx.AppendAudit(ctx, s.record(a, country, audit.ActCaseCreate, caseTarget(k.ID), "child:"+strconv.FormatInt(childID, 10)))
}

func (s *Service) addChange(ctx context.Context, tx Tx, a auth.Actor, country auth.Country, entity string, id int64, action string, fields []string) error {
	return tx.AddChange(ctx, country, &Change{Entity: entity, EntityID: id, Action: action, Fields: fields,
		By: a.UserID, ByToken: a.TokenID, At: s.now()})
}

// Child returns a child's record; every call is audited as child.read, in
// the transaction that reads it.
func (s *Service) Child(ctx context.Context, a auth.Actor, id int64) (*Child, error) {
	return s.readChild(ctx, a, "", func(tx Tx, country auth.Country) (*ChildRecord, error) {
		return tx.Child(ctx, country, id)
	})
}

// ChildByNationalRef returns the child registered under a national
// system's reference (the key of re-imports); audited as child.read.
func (s *Service) ChildByNationalRef(ctx context.Context, a auth.Actor, nationalRef string) (*Child, error) {
	return s.readChild(ctx, a, "national_ref", func(tx Tx, country auth.Country) (*ChildRecord, error) {
		return tx.ChildByNationalRef(ctx, country, nationalRef)
	})
}

func (s *Service) readChild(ctx context.Context, a auth.Actor, detail string, get func(Tx, auth.Country) (*ChildRecord, error)) (*Child, error) {
	country, err := s.allow(a, auth.PermCasesRead)
	if err != nil {
		return nil, err
	}
	var c *Child
	err = s.store.Update(ctx, func(tx Tx) error {
		r, err := get(tx, country)
		if err != nil {
			return err
		}
		if !a.InScope(r.Country) {
			return errs.E(errs.NotFound, "child not found")
		}
		if c, err = s.openChild(r); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, s.record(a, r.Country, audit.ActChildRead, childTarget(r.ID), detail))
	})
	return c, err
}

// CasesOf returns a child's cases, newest first; audited as case.read of
// the child's cases.
func (s *Service) CasesOf(ctx context.Context, a auth.Actor, childID int64) ([]*Case, error) {
	country, err := s.allow(a, auth.PermCasesRead)
	if err != nil {
		return nil, err
	}
	var out []*Case
	err = s.store.Update(ctx, func(tx Tx) error {
		r, err := tx.Child(ctx, country, childID)
		if err != nil {
			return err
		}
		if !a.InScope(r.Country) {
			return errs.E(errs.NotFound, "child not found")
		}
		recs, err := tx.CasesOf(ctx, r.Country, []int64{childID})
		if err != nil {
			return err
		}
		if out, err = s.openCases(recs); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, s.record(a, r.Country, audit.ActCaseRead, childTarget(childID), "cases of child"))
	})
	return out, err
}

func (s *Service) openCases(recs []*CaseRecord) ([]*Case, error) {
	out := make([]*Case, 0, len(recs))
	for _, r := range recs {
		k, err := s.openCase(r)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}

// Case returns a case with its child; audited as case.read and child.read.
func (s *Service) Case(ctx context.Context, a auth.Actor, id int64) (*Case, *Child, error) {
	country, err := s.allow(a, auth.PermCasesRead)
	if err != nil {
		return nil, nil, err
	}
	var k *Case
	var c *Child
	err = s.store.Update(ctx, func(tx Tx) error {
		kr, err := tx.Case(ctx, country, id)
		if err != nil {
			return err
		}
		if !a.InScope(kr.Country) {
			return errs.E(errs.NotFound, "case not found")
		}
		cr, err := tx.Child(ctx, kr.Country, kr.ChildID)
		if err != nil {
			return err
		}
		if k, err = s.openCase(kr); err != nil {
			return err
		}
		if c, err = s.openChild(cr); err != nil {
			return err
		}
		if err := tx.AppendAudit(ctx, s.record(a, kr.Country, audit.ActCaseRead, caseTarget(id), "")); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, s.record(a, kr.Country, audit.ActChildRead, childTarget(cr.ID), caseTarget(id)))
	})
	if err != nil {
		return nil, nil, err
	}
	return k, c, nil
}
