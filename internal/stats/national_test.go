package stats

import (
	"context"
	"errors"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

type factList []struct {
	caseRef, childRef string
	f                 Facts
}

func (l factList) EachCase(_ context.Context, country string, fn func(string, string, Facts) error) error {
	for _, c := range l {
		if c.f.Country == country {
			if err := fn(c.caseRef, c.childRef, c.f); err != nil {
				return err
			}
		}
	}
	return nil
}

func TestNational(t *testing.T) {
	src := factList{
		{"k1", "c1", facts(nil)},
		{"k2", "c1", facts(func(f *Facts) { f.Category = "presumed_trafficking" })}, // the same child, a later case
		{"k3", "c2", facts(func(f *Facts) { f.Sex = "male"; f.Registered = day(2025, 3, 1) })},
		{"k4", "c3", facts(func(f *Facts) { f.Country = "DE" })},
	}
	rs, err := National(context.Background(), src, "SE")
	if err != nil || len(rs) != 3 {
		t.Fatalf("got %d registrations, %v", len(rs), err)
	}
	all := NationalTable(rs, DimSex, DimYear, "")
	if all.Total.Count != 2 || all.Cols[0] != "2025" || all.Cols[1] != "2026" {
		t.Errorf("all years: total %d, years %v; want 2 children in 2025 and 2026", all.Total.Count, all.Cols)
	}
	y := NationalTable(rs, DimStatus, DimSex, "2026")
	if y.Total.Count != 1 || y.RowTotal[index(y.Rows, StatusUnaccompanied)].Count != 1 {
		t.Errorf("2026: %+v", y.RowTotal)
	}
	if got := Years(rs); len(got) != 2 {
		t.Errorf("years: %v", got)
	}
	src = append(src, struct {
		caseRef, childRef string
		f                 Facts
	}{"k5", "c4", facts(func(f *Facts) { f.Category = "asylum" })})
	_, err = National(context.Background(), src, "SE")
	var e *errs.Error
	if !errors.As(err, &e) || e.Field != "category" {
		t.Errorf("an unmapped category: got %v", err)
	}
}
