package cases

import (
	"context"
	"encoding/binary"
	"slices"
	"strings"
	"sync"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/linkage"
	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
)

// Duplicate detection compares the linkage encodings (CLKs, Bloom filters
// of the built-in "child-clk" schema: name q-grams and phonetic keys, date of
// birth with year windows, sex, citizenship) of a new registration and of
// the children already held, by Sørensen–Dice similarity. The encodings
// are made under a node-local key derived from the keyring, never the
// network's linkage secret: they serve this node only and are never sent.
const (
	// LinkagePurpose derives the node-local linkage key from the keyring.
	LinkagePurpose = "linkage-local"
	// DuplicateThreshold is the Dice score from which a child held is shown
	// as a possible duplicate. On the child schema the same child written
	// with variant names and an estimated instead of an exact date scores
	// about 0.85, with the date missing about 0.77; different children
	// with the same date of birth score about 0.6.
	DuplicateThreshold = 0.75
	// maxDuplicates is how many candidates Duplicates returns at most.
	maxDuplicates = 10
	// maxCandidates bounds the encodings compared for one registration.
	maxCandidates = 50000
	// maxYearGap is the largest difference of birth years (both known) of
	// a possible duplicate: assessed ages are often a year or two off, but a
	// child ten years older with the same name is another child, however
	// alike the encodings (identical names alone score about 0.76).
	maxYearGap = 3
)

// encoders is a pool of linkage encoders (an Encoder is not safe for
// concurrent use) for the child schema under the node-local key.
type encoders struct {
	words int
	pool  sync.Pool
}

func (s *Service) encoders() (*encoders, error) {
	s.encOnce.Do(func() {
		schema, ok := linkage.BuiltinSchema("child-clk")
		if !ok {
			s.encErr = errs.E(errs.Internal, "cases: the built-in child schema is missing")
			return
		}
		enc, err := linkage.NewEncoder(schema, s.index.Derive(LinkagePurpose, 32))
		if err != nil {
			s.encErr = errs.Wrap(err, "cases: linkage encoder")
			return
		}
		e := &encoders{words: enc.Words()}
		e.pool.New = func() any { return enc.Clone() }
		e.pool.Put(enc)
		s.enc = e
	})
	return s.enc, s.encErr
}

// encode returns the CLK of a child as bytes (little-endian words).
func (s *Service) encode(c *Child) ([]byte, error) {
	f, err := s.encodeWords(c)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, 8*len(f))
	for _, w := range f {
		out = binary.LittleEndian.AppendUint64(out, w)
	}
	return out, nil
}

func (s *Service) encodeWords(c *Child) ([]uint64, error) {
	e, err := s.encoders()
	if err != nil {
		return nil, err
	}
	row := LinkageRow(c)
	enc := e.pool.Get().(*linkage.Encoder)
	defer e.pool.Put(enc)
	f := make([]uint64, e.words)
	if err := enc.Encode(row, f); err != nil {
		// Validated input always encodes; the error names a column only.
		return nil, errs.Wrap(err, "cases: linkage encode")
	}
	return f, nil
}

// LinkageRow returns a child as a row of the built-in child schema: the
// same row encodes the child for duplicates here (node-local key) and for
// the network (internal/nodesync, the network's linkage secret).
func LinkageRow(c *Child) []string {
	est := "0"
	if c.BirthPrecision == PrecisionEstimated {
		est = "1"
	}
	cit := ""
	if len(c.Citizenships) > 0 {
		cit = c.Citizenships[0]
	}
	// The columns of the child schema: id, given_name, family_name,
	// date_of_birth, dob_estimated, sex, citizenship.
	return []string{"", c.GivenNames, c.FamilyName, c.BirthDate, est, string(c.Sex), cit}
}

// words reads b (little-endian words) into f, which has room for them.
func words(f []uint64, b []byte) []uint64 {
	f = f[:len(b)/8]
	for i := range f {
		f[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return f
}

// Candidate is a possible duplicate of a registration already held.
type Candidate struct {
	Child *Child
	Score float64 // Sørensen–Dice of the linkage encodings, 0..1
}

// Duplicates lists children already held who may be the child of ci, best
// first: those sharing a name token (exact or phonetic) or born within a
// year of ci's birth year with the same sex, whose encodings score at least
// DuplicateThreshold and whose birth year (when both are known) is at most
// maxYearGap years from ci's. Each child returned is audited as child.read.
func (s *Service) Duplicates(ctx context.Context, a auth.Actor, ci ChildInput) ([]Candidate, error) {
	country, err := s.homeCountry(a, auth.PermCasesRead)
	if err != nil {
		return nil, err
	}
	ch, err := s.validChild(ci)
	if err != nil {
		return nil, err
	}
	q, err := s.encodeWords(ch)
	if err != nil {
		return nil, err
	}
	var toks [][]byte
	for _, t := range s.indexTokens(ch) {
		toks = append(toks, t.Hash)
	}
	var encs []Encoding
	err = s.store.View(ctx, func(tx Tx) error {
		encs, err = tx.Encodings(ctx, country, toks, ch.BirthYear, ch.Sex, maxCandidates)
		return err
	})
	if err != nil {
		return nil, err
	}
	type scored struct {
		id    int64
		score float64
	}
	var best []scored
	f := make([]uint64, len(q)) // one buffer for every candidate: a block holds thousands
	for _, e := range encs {
		if len(e.CLK) != 8*len(q) {
			continue // made under another schema; re-encoded when the child is next saved
		}
		if ch.BirthYear != 0 && e.BirthYear != 0 && max(ch.BirthYear-e.BirthYear, e.BirthYear-ch.BirthYear) > maxYearGap {
			continue
		}
		if d := dice.Dice(q, words(f, e.CLK)); d >= DuplicateThreshold {
			best = append(best, scored{e.ChildID, d})
		}
	}
	slices.SortFunc(best, func(x, y scored) int {
		if x.score != y.score {
			if x.score > y.score {
				return -1
			}
			return 1
		}
		return int(y.id - x.id)
	})
	if len(best) > maxDuplicates {
		best = best[:maxDuplicates]
	}
	if len(best) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(best))
	for i, b := range best {
		ids[i] = b.id
	}
	var out []Candidate
	err = s.store.Update(ctx, func(tx Tx) error {
		recs, err := tx.Children(ctx, country, ids)
		if err != nil {
			return err
		}
		byID := map[int64]*ChildRecord{}
		for _, r := range recs {
			byID[r.ID] = r
		}
		for _, b := range best {
			r := byID[b.id]
			if r == nil {
				continue // deleted since
			}
			c, err := s.openChild(r)
			if err != nil {
				return err
			}
			if err := tx.AppendAudit(ctx, s.record(a, r.Country, audit.ActChildRead, childTarget(r.ID), "possible duplicate")); err != nil {
				return err
			}
			out = append(out, Candidate{Child: c, Score: b.score})
		}
		return nil
	})
	return out, err
}

// Attach records a new registration of a child already held: the names of
// ci that the child is not yet known by are added as aliases (its given and
// family names as one alias, source "registration"), new citizenships and
// languages are added, and a new case is opened for the child. The child's
// other fields are kept: a second registration does not overwrite the
// first one's identity. ci is validated as for Register.
func (s *Service) Attach(ctx context.Context, a auth.Actor, childID int64, ci ChildInput, cs CaseInput) (*Case, error) {
	country, err := s.homeCountry(a, auth.PermCasesWrite)
	if err != nil {
		return nil, err
	}
	in, err1 := s.validChild(ci)
	k, err2 := s.validCase(cs)
	if err := joinInvalid(err1, err2); err != nil {
		return nil, err
	}
	var out *Case
	err = s.store.Update(ctx, func(tx Tx) error {
		r, err := tx.Child(ctx, country, childID)
		if err != nil {
			return err
		}
		c, err := s.openChild(r)
		if err != nil {
			return err
		}
		fields := mergeRegistration(c, in)
		if len(fields) > 0 {
			if len(c.Aliases) > maxAliases {
				return errs.Field("aliases", "the child would have more than %d aliases", maxAliases)
			}
			if err := s.saveChild(ctx, tx, a, c, r.Version, fields); err != nil {
				return err
			}
		}
		if out, err = s.openCaseTx(ctx, tx, a, c.ID, country, k); err != nil {
			return err
		}
		return s.share(ctx, tx, country, shareItem{id: c.ID, child: c})
	})
	return out, err
}

// mergeRegistration adds to c what the registration in adds (spellings
// of the name not yet recorded, citizenships, languages), and returns the
// names of the fields it changed.
func mergeRegistration(c, in *Child) []string {
	known := map[string]bool{key(c.GivenNames + " " + c.FamilyName): true}
	for _, al := range c.Aliases {
		known[key(al.Name)] = true
	}
	var fields []string
	addAlias := func(al Alias) {
		k := key(al.Name)
		if k == "" || known[k] {
			return
		}
		known[k] = true
		c.Aliases = append(c.Aliases, al)
		if !slices.Contains(fields, "aliases") {
			fields = append(fields, "aliases")
		}
	}
	full := in.GivenNames + " " + in.FamilyName
	addAlias(Alias{Name: normalizeSpace(full), Script: ScriptOf(full), Source: "registration"})
	for _, al := range in.Aliases {
		addAlias(al)
	}
	for _, cc := range in.Citizenships {
		if !slices.Contains(c.Citizenships, cc) {
			c.Citizenships = append(c.Citizenships, cc)
			if !slices.Contains(fields, "citizenships") {
				fields = append(fields, "citizenships")
			}
		}
	}
	for _, l := range in.Languages {
		if !slices.Contains(c.Languages, l) {
			c.Languages = append(c.Languages, l)
			if !slices.Contains(fields, "languages") {
				fields = append(fields, "languages")
			}
		}
	}
	return fields
}

// key identifies a spelling of a name: every distinct spelling is worth
// keeping (it is how documents and other systems write the child), so
// only case and spacing are ignored.
func key(name string) string { return strings.ToLower(normalizeSpace(name)) }

func normalizeSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
