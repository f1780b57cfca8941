package cases_test

import (
	"math"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// TestSearchPageBounds: a huge page, with or without text, is refused as
// invalid input, never a panic (the offset (page-1)*per_page overflowed
// and sliced the ranked results out of range).
func TestSearchPageBounds(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		registry(t, e)
		for _, tt := range []struct {
			q    cases.Query
			code errs.Code // "" = accepted
		}{
			{cases.Query{Text: "Muhammad", Page: math.MaxInt}, errs.Invalid},
			{cases.Query{Text: "Muhammad", Page: math.MaxInt / 2, PerPage: 100}, errs.Invalid},
			{cases.Query{Text: "Muhammad", Page: 368934881474191034}, errs.Invalid}, // (page-1)*25 passes 2^63
			{cases.Query{Page: math.MaxInt, PerPage: 100}, errs.Invalid},
			{cases.Query{Text: "Muhammad", Page: cases.MaxPage + 1}, errs.Invalid},
			{cases.Query{Text: "Muhammad", Page: cases.MaxPage, PerPage: cases.MaxPerPage}, ""},
			{cases.Query{Page: cases.MaxPage, PerPage: cases.MaxPerPage}, ""},
			{cases.Query{Text: "Muhammad", Page: math.MinInt, PerPage: math.MinInt}, ""},
			{cases.Query{Text: "Muhammad", PerPage: math.MaxInt}, ""},
		} {
			res, err := e.svc.Search(e.ctx, officerSE, tt.q)
			if errs.CodeOf(err) != tt.code {
				t.Errorf("page %d per page %d: %v, want code %q", tt.q.Page, tt.q.PerPage, err, tt.code)
				continue
			}
			if err == nil && tt.q.Page >= cases.MaxPage && len(res.Hits) != 0 {
				t.Errorf("page %d: %d hits past the end", tt.q.Page, len(res.Hits))
			}
		}
	})
}
