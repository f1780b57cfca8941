package cases

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"sync"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Registration is one child with a case, as a row of an import from a
// national system.
type Registration struct {
	Child ChildInput
	Case  CaseInput
}

// RowError is one problem of one registration of an import.
type RowError struct {
	Row     int    // index in the registrations given, from 0
	Field   string // the input field ("given_names", "category", ...)
	Message string // safe to show: names the rule, never the value
}

// ImportResult says what an import did, or would do (dry run).
type ImportResult struct {
	Created int        // children registered, each with a new case
	Updated int        // children already held under their national reference, updated
	Errors  []RowError // every problem found; nothing is written when there is one
}

// importChunk is how many registrations are sealed and written at a time
// (inside the one transaction), bounding the memory of the sealed forms.
const importChunk = 1000

// Import registers the children of a national system's export in one
// transaction: all or nothing. A registration whose national reference
// is already held updates that child instead of registering it again:
// its identity is replaced by the row's (the national system is the
// source of its own records), and its newest case by the row's case while
// that case is open; a child without an open case gets a new one. New
// children are written by bulk statements, which is what makes an import
// of 100,000 rows take seconds.
//
// Every registration is validated first; if any fails, Import returns
// errs.Invalid and the result lists every problem (row, field, message).
// With dryRun, nothing is written: the result says what would be created
// and updated. The import is audited as one data.import record with the
// counts (the records themselves carry their creation in their history).
func (s *Service) Import(ctx context.Context, a auth.Actor, regs []Registration, dryRun bool) (*ImportResult, error) {
	country, err := s.homeCountry(a, auth.PermCasesWrite)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{}
	children := make([]*Child, len(regs))
	kases := make([]*Case, len(regs))
	seen := map[string]int{}
	for i, r := range regs {
		c, err1 := s.validChild(r.Child)
		k, err2 := s.validCase(r.Case)
		for _, fe := range FieldErrors(joinInvalid(err1, err2)) {
			res.Errors = append(res.Errors, RowError{Row: i, Field: fe.Field, Message: fe.Message})
		}
		if c != nil && c.NationalRef != "" {
			if j, dup := seen[c.NationalRef]; dup {
				res.Errors = append(res.Errors, RowError{Row: i, Field: "national_ref",
					Message: "the same national reference is on row " + strconv.Itoa(j) + " too"})
			}
			seen[c.NationalRef] = i
		}
		children[i], kases[i] = c, k
	}
	if len(res.Errors) > 0 {
		return res, errs.E(errs.Invalid, "%d problems in the registrations: nothing was imported", len(res.Errors))
	}
	run := s.store.Update
	if dryRun {
		run = s.store.View
	}
	err = run(ctx, func(tx Tx) error {
		res.Created, res.Updated = 0, 0
		// Every reference is looked up before the first insert: a lookup
		// after inserts in the same transaction finds no statistics for the
		// new rows, and PostgreSQL then scans the country's children for
		// each chunk, which grows with the square of the file.
		held, err := s.heldRefs(ctx, tx, country, children)
		if err != nil {
			return err
		}
		for start := 0; start < len(regs); start += importChunk {
			end := min(start+importChunk, len(regs))
			if err := s.importChunk(ctx, tx, a, country, held, children[start:end], kases[start:end], dryRun, res); err != nil {
				return err
			}
		}
		if dryRun {
			return nil
		}
		return tx.AppendAudit(ctx, s.record(a, country, audit.ActDataImport, "",
			"created="+strconv.Itoa(res.Created)+" updated="+strconv.Itoa(res.Updated)))
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// heldRefs returns the children already held under the national references
// of children, looked up importChunk references at a time.
func (s *Service) heldRefs(ctx context.Context, tx Tx, country auth.Country, children []*Child) (map[string]*ChildRecord, error) {
	var refs []string
	for _, c := range children {
		if c.NationalRef != "" {
			refs = append(refs, c.NationalRef)
		}
	}
	held := map[string]*ChildRecord{}
	for start := 0; start < len(refs); start += importChunk {
		recs, err := tx.ChildrenByNationalRef(ctx, country, refs[start:min(start+importChunk, len(refs))])
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			held[r.NationalRef] = r
		}
	}
	return held, nil
}

// importChunk writes one chunk of validated registrations; held are the
// children the file's references named before the import began.
func (s *Service) importChunk(ctx context.Context, tx Tx, a auth.Actor, country auth.Country, held map[string]*ChildRecord, children []*Child, kases []*Case, dryRun bool, res *ImportResult) error {
	var newChildren []*Child
	var newCases []*Case
	for i, c := range children {
		r := held[c.NationalRef]
		if r == nil {
			newChildren, newCases = append(newChildren, c), append(newCases, kases[i])
			continue
		}
		res.Updated++
		if !dryRun {
			if err := s.importUpdate(ctx, tx, a, r, c, kases[i]); err != nil {
				return err
			}
		}
	}
	res.Created += len(newChildren)
	if dryRun || len(newChildren) == 0 {
		return nil
	}
	if err := s.bulkRegister(ctx, tx, a, country, newChildren, newCases); err != nil {
		return err
	}
	items := make([]shareItem, len(newChildren))
	for i, c := range newChildren {
		items[i] = shareItem{id: c.ID, child: c, cases: []*Case{newCases[i]}}
	}
	return s.share(ctx, tx, country, items...)
}

// importUpdate replaces a held child's identity and its open case by an
// imported row's.
func (s *Service) importUpdate(ctx context.Context, tx Tx, a auth.Actor, r *ChildRecord, in *Child, k *Case) error {
	if err := s.importUpdateRecords(ctx, tx, a, r, in, k); err != nil {
		return err
	}
	return s.share(ctx, tx, r.Country, shareItem{id: r.ID})
}

func (s *Service) importUpdateRecords(ctx context.Context, tx Tx, a auth.Actor, r *ChildRecord, in *Child, k *Case) error {
	old, err := s.openChild(r)
	if err != nil {
		return err
	}
	if fields := childChanges(old, in); len(fields) > 0 {
		in.ID, in.Ref, in.Country, in.CreatedAt = old.ID, old.Ref, old.Country, old.CreatedAt
		if err := s.saveChild(ctx, tx, a, in, r.Version, fields); err != nil {
			return err
		}
	}
	recs, err := tx.CasesOf(ctx, r.Country, []int64{r.ID})
	if err != nil {
		return err
	}
	if len(recs) == 0 || recs[0].Status != StatusOpen {
		_, err := s.openCaseTx(ctx, tx, a, r.ID, r.Country, k)
		return err
	}
	cur, err := s.openCase(recs[0])
	if err != nil {
		return err
	}
	fields := caseChanges(cur, k)
	if len(fields) == 0 {
		return nil
	}
	cur.Category, cur.Exploitation, cur.Evidence = k.Category, k.Exploitation, k.Evidence
	cur.ResponsibleOrg, cur.Placement, cur.LegalBasis = k.ResponsibleOrg, k.Placement, k.LegalBasis
	cur.Consent, cur.Handling, cur.OpenedAt = k.Consent, k.Handling, k.OpenedAt
	return s.saveCase(ctx, tx, a, recs[0].Ref, cur, "update", audit.ActCaseUpdate, fields)
}

// bulkRegister writes new children with their first case, "registered"
// event and history entries by bulk statements. Sealing, blind indexes and
// encodings are computed on every core.
func (s *Service) bulkRegister(ctx context.Context, tx Tx, a auth.Actor, country auth.Country, children []*Child, kases []*Case) error {
	recs := make([]*ChildRecord, len(children))
	errList := make([]error, len(children))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	now := s.now()
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(children); i += workers {
				c := children[i]
				c.Ref, c.Country, c.CreatedAt, c.UpdatedAt = newRef(), country, now, now
				recs[i], errList[i] = s.childRecord(c)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errList...); err != nil {
		return err
	}
	if err := tx.CreateChildren(ctx, recs); err != nil {
		return err
	}
	caseRecs := make([]*CaseRecord, len(kases))
	for i, k := range kases {
		c := children[i]
		c.ID, c.Version, c.CreatedAt, c.UpdatedAt = recs[i].ID, recs[i].Version, recs[i].CreatedAt, recs[i].UpdatedAt
		k.ChildID, k.Country, k.CreatedAt, k.UpdatedAt = c.ID, country, now, now
		var err error
		if caseRecs[i], err = s.sealCase(k, newRef()); err != nil {
			return err
		}
	}
	if err := tx.CreateCases(ctx, caseRecs); err != nil {
		return err
	}
	events := make([]*EventRecord, len(kases))
	changes := make([]*Change, 0, 2*len(kases))
	for i, k := range kases {
		k.ID, k.Version, k.CreatedAt, k.UpdatedAt = caseRecs[i].ID, caseRecs[i].Version, caseRecs[i].CreatedAt, caseRecs[i].UpdatedAt
		var err error
		ev := &Event{CaseID: k.ID, Type: EvRegistered, At: k.OpenedAt, By: a.UserID, ByToken: a.TokenID}
		if events[i], err = s.sealEvent(ev, country); err != nil {
			return err
		}
		changes = append(changes,
			&Change{Entity: "child", EntityID: k.ChildID, Action: "create", By: a.UserID, ByToken: a.TokenID, At: now},
			&Change{Entity: "case", EntityID: k.ID, Action: "create", By: a.UserID, ByToken: a.TokenID, At: now})
	}
	if err := tx.AddEvents(ctx, events); err != nil {
		return err
	}
	return tx.AddChanges(ctx, country, changes)
}
