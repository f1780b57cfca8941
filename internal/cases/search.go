package cases

import (
	"bytes"
	"context"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Query is a search of the registry.
type Query struct {
	Text     string // names in any spelling or script; empty lists everything
	Status   Status
	Category Category
	Evidence Evidence
	Missing  *bool
	From, To time.Time // cases opened in [From, To); zero: no bound
	Page     int       // from 1
	PerPage  int       // default 25, at most 100
	// Brief asks for what a list of results shows and no more: each hit's
	// child holds only its ID, Ref, Country, Sex, BirthPrecision,
	// BirthYear, GivenNames, FamilyName and Version, and its cases only
	// their ID, ChildID, Country, Category, Status, Missing and OpenedAt.
	// Nothing else is read or opened: a page of results does not decrypt
	// notes, places, references or aliases it does not show.
	Brief bool
}

// FiltersCases reports whether q restricts the children by their cases.
func (q Query) FiltersCases() bool {
	return q.Status != "" || q.Category != "" || q.Evidence != "" || q.Missing != nil || !q.From.IsZero() || !q.To.IsZero()
}

// Hit is one search result.
type Hit struct {
	Child *Child
	Cases []*Case // newest first
	Score float64 // higher is better; exact name tokens outrank phonetic ones; 0 when listing
}

// Results is a page of search results.
type Results struct {
	Hits    []Hit
	Total   int
	Page    int
	PerPage int
}

// Paging defaults.
const (
	DefaultPerPage = 25
	MaxPerPage     = 100
	// MaxPage bounds Query.Page so that the offset, (Page-1)*PerPage,
	// cannot overflow: 100 million results is past any registry.
	MaxPage = 1_000_000
)

// Search finds children by name in any spelling, through the blind
// indexes, with filters on their cases; an empty text lists the children
// newest first. Each token of the text (normalize.SortedTokens) matches a
// child exactly (same canonical token) or phonetically (same phonetic
// key). Children who match more of the query's tokens rank first; among
// them, those matching more tokens exactly; then the newest. A child must
// match at least one token of a one- or two-token query and half the
// tokens of a longer one. The search is audited as child.search with the
// number of results and the ids shown, never the terms.
func (s *Service) Search(ctx context.Context, a auth.Actor, q Query) (*Results, error) {
	country, err := s.allow(a, auth.PermCasesRead)
	if err != nil {
		return nil, err
	}
	if err := validQuery(&q); err != nil {
		return nil, err
	}
	res := &Results{Page: q.Page, PerPage: q.PerPage}
	offset := (q.Page - 1) * q.PerPage
	err = s.store.View(ctx, func(tx Tx) error {
		var ids []int64
		scores := map[int64]float64{}
		if strings.TrimSpace(q.Text) == "" {
			var err error
			ids, res.Total, err = tx.ListChildren(ctx, country, q, q.PerPage, offset)
			if err != nil {
				return err
			}
		} else {
			ranked, err := s.rank(ctx, tx, country, q)
			if err != nil {
				return err
			}
			res.Total = len(ranked)
			for _, r := range ranked[min(offset, len(ranked)):min(offset+q.PerPage, len(ranked))] {
				ids = append(ids, r.id)
				scores[r.id] = r.score
			}
		}
		load := s.loadHits
		if q.Brief {
			load = s.loadBriefHits
		}
		hits, err := load(ctx, tx, country, ids)
		if err != nil {
			return err
		}
		for i := range hits {
			hits[i].Score = scores[hits[i].Child.ID]
		}
		res.Hits = hits
		return nil
	})
	if err != nil {
		return nil, err
	}
	shown := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		shown[i] = strconv.FormatInt(h.Child.ID, 10)
	}
	detail := "total=" + strconv.Itoa(res.Total) + " shown=" + strings.Join(shown, ",")
	err = s.store.Update(ctx, func(tx Tx) error {
		return tx.AppendAudit(ctx, s.record(a, country, audit.ActChildSearch, "", detail))
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func validQuery(q *Query) error {
	var c checker
	if q.Status != "" && !q.Status.Valid() {
		c.add("status", "choose one of the statuses")
	}
	if q.Category != "" && !q.Category.Valid() {
		c.add("category", "choose one of the case categories")
	}
	if q.Evidence != "" && !q.Evidence.Valid() {
		c.add("evidence", "choose one of the evidence levels")
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		c.add("to", "must be after the start of the period")
	}
	if len([]rune(q.Text)) > 2*maxName {
		c.add("text", "is longer than %d characters", 2*maxName)
	}
	if q.Page < 1 {
		q.Page = 1
	}
	if q.Page > MaxPage {
		c.add("page", "must be at most %d", MaxPage)
	}
	if q.PerPage <= 0 {
		q.PerPage = DefaultPerPage
	}
	q.PerPage = min(q.PerPage, MaxPerPage)
	return c.err()
}

type ranked struct {
	id    int64
	score float64
}

// rank scores the children matching q's text and returns them best first.
func (s *Service) rank(ctx context.Context, tx Tx, country auth.Country, q Query) ([]ranked, error) {
	qs := s.queryTokens(q.Text)
	if len(qs) == 0 {
		return nil, nil // only placeholders or punctuation: nothing to find
	}
	// Each distinct blind index once, with the query positions it
	// matches exactly and those it matches phonetically.
	hs := hashes(qs)
	exact, phon := make([][]int, len(hs)), make([][]int, len(hs))
	for j, h := range hs {
		for i, t := range qs {
			if bytes.Equal(t.exact, h) {
				exact[j] = append(exact[j], i)
			}
			if t.phonetic != nil && bytes.Equal(t.phonetic, h) {
				phon[j] = append(phon[j], i)
			}
		}
	}
	// Per child and query token: 2 matched exactly, 1 phonetically. The
	// children's rows of n marks share one slice: a common name matches
	// hundreds of children, and a slice each was an allocation each.
	n := len(qs)
	at := map[int64]int{}
	var marks []uint8
	for start := 0; start < len(hs); start += MaxMatchTokens {
		chunk := hs[start:min(start+MaxMatchTokens, len(hs))]
		matches, err := tx.MatchTokens(ctx, country, chunk, q)
		if err != nil {
			return nil, err
		}
		for _, m := range matches {
			j, ok := at[m.ChildID]
			if !ok {
				j = len(marks)
				at[m.ChildID] = j
				marks = append(marks, make([]uint8, n)...)
			}
			g := marks[j : j+n]
			for set := m.Tokens; set != 0; set &= set - 1 {
				b := bits.TrailingZeros64(set)
				if b >= len(chunk) {
					return nil, errs.E(errs.Internal, "cases: the store matched a token not asked for")
				}
				k := start + b
				for _, i := range exact[k] {
					g[i] = 2
				}
				for _, i := range phon[k] {
					g[i] = max(g[i], 1)
				}
			}
		}
	}
	need := 1
	if n > 2 {
		need = (n + 1) / 2
	}
	out := make([]ranked, 0, len(at))
	for id, j := range at {
		g := marks[j : j+n]
		matched, exactN := 0, 0
		for _, v := range g {
			if v > 0 {
				matched++
			}
			if v == 2 {
				exactN++
			}
		}
		if matched < need {
			continue
		}
		out = append(out, ranked{id, score(n, matched, exactN)})
	}
	slices.SortFunc(out, func(x, y ranked) int {
		switch {
		case x.score > y.score:
			return -1
		case x.score < y.score:
			return 1
		case x.id > y.id:
			return -1
		case x.id < y.id:
			return 1
		}
		return 0
	})
	return out, nil
}

// score is m/n less a penalty for each token matched only phonetically,
// (m-e)/(2n²), which is below 1/(2n): a child matching more tokens
// always outranks one matching fewer, however exactly. All tokens matched
// exactly scores 1.
func score(n, matched, exact int) float64 {
	fn := float64(n)
	return float64(matched)/fn - float64(matched-exact)/(2*fn*fn)
}

// loadHits reads and opens the children with the given ids, in that order,
// with their cases.
func (s *Service) loadHits(ctx context.Context, tx Tx, country auth.Country, ids []int64) ([]Hit, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	recs, err := tx.Children(ctx, country, ids)
	if err != nil {
		return nil, err
	}
	caseRecs, err := tx.CasesOf(ctx, country, ids)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Hit{}
	for _, r := range recs {
		c, err := s.openChild(r)
		if err != nil {
			return nil, err
		}
		byID[r.ID] = &Hit{Child: c}
	}
	for _, r := range caseRecs {
		h := byID[r.ChildID]
		if h == nil {
			continue
		}
		k, err := s.openCase(r)
		if err != nil {
			return nil, err
		}
		h.Cases = append(h.Cases, k)
	}
	out := make([]Hit, 0, len(ids))
	for _, id := range ids {
		if h := byID[id]; h != nil {
			out = append(out, *h)
		}
	}
	return out, nil
}

// loadBriefHits reads and opens what a list of results shows of the
// children with the given ids, in that order (Query.Brief).
func (s *Service) loadBriefHits(ctx context.Context, tx Tx, country auth.Country, ids []int64) ([]Hit, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	recs, caseRecs, err := tx.Summaries(ctx, country, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*Hit, len(recs))
	for _, r := range recs {
		x := &sealing{s: s.sealer}
		c := &Child{ID: r.ID, Ref: r.Ref, Country: r.Country, Sex: r.Sex, BirthPrecision: r.BirthPrecision,
			BirthYear: r.BirthYear, Version: r.Version}
		c.GivenNames = x.open(r.GivenNames, childVal(r.Ref, "given_names", r.ID))
		c.FamilyName = x.open(r.FamilyName, childVal(r.Ref, "family_name", r.ID))
		if x.err != nil {
			return nil, x.err
		}
		byID[r.ID] = &Hit{Child: c}
	}
	for _, r := range caseRecs {
		if h := byID[r.ChildID]; h != nil {
			k := r.Case
			h.Cases = append(h.Cases, &k)
		}
	}
	out := make([]Hit, 0, len(ids))
	for _, id := range ids {
		if h := byID[id]; h != nil {
			out = append(out, *h)
		}
	}
	return out, nil
}
