package cases_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

func TestImport(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		held, _ := e.register(t, officerSE, cases.ChildInput{NationalRef: "N-1", GivenNames: "Amir", FamilyName: "Rahimi"})
		var regs []cases.Registration
		families := []string{"Abdi", "Bashir", "Dahir", "Farah", "Guled", "Hassan", "Ismail", "Jama", "Kahin", "Liban",
			"Mohamud", "Nur", "Omar", "Qasim", "Roble", "Samatar", "Tahlil", "Warsame", "Yasin", "Zubeir", "Egal",
			"Hersi", "Osman", "Duale", "Gedi"}
		for i := range 25 {
			ci := child("Amina", families[i], "2012")
			ci.NationalRef = fmt.Sprintf("N-%d", i+2)
			ci.Aliases = []cases.Alias{{Name: "أمينة", Source: "passport"}}
			cs := kase()
			cs.Exploitation = []cases.Exploitation{cases.ExpForcedLabour}
			regs = append(regs, cases.Registration{Child: ci, Case: cs})
		}
		upd := child("Amir", "Rahimi-Ahmadzai", "2011")
		upd.NationalRef = "N-1"
		regs = append(regs, cases.Registration{Child: upd, Case: kase()})

		// A dry run writes nothing and says what would happen.
		res, err := e.svc.Import(e.ctx, officerSE, regs, true)
		if err != nil || res.Created != 25 || res.Updated != 1 {
			t.Fatalf("dry run: %+v, %v", res, err)
		}
		if r, _ := e.svc.Search(e.ctx, officerSE, cases.Query{}); r.Total != 1 {
			t.Fatalf("the dry run wrote: %d children", r.Total)
		}
		if n := e.countAudit(t, audit.ActDataImport, ""); n != 1 {
			t.Errorf("the dry run is not audited: %d data.import entries", n)
		}

		// Every problem is reported, with its row, and nothing is written.
		bad := append([]cases.Registration(nil), regs...)
		bad[3].Child.Sex = "boy"
		bad[7].Case.Category = ""
		bad[9].Child.NationalRef = "N-2"
		res, err = e.svc.Import(e.ctx, officerSE, bad, false)
		wantCode(t, err, errs.Invalid)
		want := map[string]bool{"3:sex": true, "7:category": true, "9:national_ref": true}
		for _, re := range res.Errors {
			delete(want, fmt.Sprintf("%d:%s", re.Row, re.Field))
		}
		if len(want) != 0 {
			t.Errorf("problems not reported: %v (got %+v)", want, res.Errors)
		}

		res, err = e.svc.Import(e.ctx, officerSE, regs, false)
		if err != nil || res.Created != 25 || res.Updated != 1 {
			t.Fatalf("import: %+v, %v", res, err)
		}
		got, err := e.svc.Child(e.ctx, officerSE, held.ID)
		if err != nil || got.FamilyName != "Rahimi-Ahmadzai" || got.Version != 2 {
			t.Errorf("updated child: %+v, %v", got, err)
		}
		// Imported children are complete records: readable, searchable,
		// with a case, its event and history.
		r, err := e.svc.Search(e.ctx, officerSE, cases.Query{Text: "Amina Samatar"})
		if err != nil || r.Total == 0 || r.Hits[0].Child.FamilyName != "Samatar" || len(r.Hits[0].Cases) != 1 ||
			len(r.Hits[0].Child.Aliases) != 1 || len(r.Hits[0].Cases[0].Exploitation) != 1 {
			t.Fatalf("imported child: %+v, %v", r, err)
		}
		k := r.Hits[0].Cases[0]
		if tl, err := e.svc.Timeline(e.ctx, officerSE, k.ID); err != nil || len(tl) != 1 || tl[0].Type != cases.EvRegistered {
			t.Errorf("imported timeline: %v, %v", tl, err)
		}
		if h, err := e.svc.History(e.ctx, officerSE, "child", k.ChildID); err != nil || len(h) != 1 || h[0].Action != "create" {
			t.Errorf("imported history: %v, %v", h, err)
		}
		if d, err := e.svc.Duplicates(e.ctx, officerSE, child("Amina", "Samatar", "2012")); err != nil || len(d) == 0 {
			t.Errorf("imported children have no linkage encoding: %v, %v", d, err)
		}
		if n := e.countAudit(t, audit.ActDataImport, ""); n != 2 {
			t.Errorf("%d data.import entries, want the dry run's and the import's", n)
		}
		// Each imported child and case has its own creation entry, so the
		// audit cross-check finds the origin of every record.
		if n := e.countAudit(t, audit.ActChildCreate, "child:"+strconv.FormatInt(k.ChildID, 10)); n != 1 {
			t.Errorf("%d child.create entries for an imported child", n)
		}
		if un, err := audit.CheckCreations(e.ctx, e.db, e.db); err != nil || !un.OK() || un.Records != 52 {
			t.Errorf("cross-check after import: %v %v", un, err)
		}
		// Importing the same file again updates nothing and creates nothing new.
		res, err = e.svc.Import(e.ctx, officerSE, regs, false)
		if err != nil || res.Created != 0 || res.Updated != 26 {
			t.Errorf("re-import: %+v, %v", res, err)
		}
		if r, _ := e.svc.Search(e.ctx, officerSE, cases.Query{}); r.Total != 26 {
			t.Errorf("after re-import: %d children", r.Total)
		}
	})
}
