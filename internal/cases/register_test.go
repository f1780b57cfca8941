package cases_test

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

func TestRegisterAndRead(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		in := cases.ChildInput{
			NationalRef: "SE-2025-0001", GivenNames: "Muhammad", FamilyName: "Al-Hassan",
			Aliases: []cases.Alias{
				{Name: "محمد الحسن", Source: "self-declared"},
				{Name: "Mohamed Alhasan", Script: "Latn", Source: "police"},
			},
			Sex: cases.SexMale, BirthDate: "2009", BirthPrecision: cases.PrecisionEstimated,
			Assessments: []cases.AgeAssessment{{Date: "2025-05-20", Method: cases.MethodMedical,
				Outcome: "15-17, most likely 16", AssessedBy: "Rättsmedicinalverket"}},
			Citizenships: []string{"sy", "SY", "IQ"}, Languages: []string{"AR", "ckb"},
			BirthPlace: "Aleppo", Notes: "Arrived alone at Malmö central station.\nSpeaks some English.",
		}
		c, k, err := e.svc.Register(e.ctx, officerSE, in, kase())
		if err != nil {
			t.Fatal(err)
		}
		if c.ID == 0 || c.Version != 1 || len(c.Ref) != 32 || c.Country != "SE" || k.ID == 0 || k.ChildID != c.ID {
			t.Fatalf("Register returned child %+v case %+v", c, k)
		}
		if k.Status != cases.StatusOpen || !k.OpenedAt.Equal(t0) || k.Handling != cases.H2 {
			t.Errorf("case = %+v", k)
		}
		got, err := e.svc.Child(e.ctx, officerSE, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := *c
		want.Aliases[0].Script = "Arab" // detected
		if !reflect.DeepEqual(got, &want) {
			t.Errorf("Child =\n%+v\nwant\n%+v", got, &want)
		}
		if got.BirthYear != 2009 || got.BirthDate != "2009" || !reflect.DeepEqual(got.Citizenships, []string{"SY", "IQ"}) ||
			!reflect.DeepEqual(got.Languages, []string{"ar", "ckb"}) {
			t.Errorf("normalised fields: %+v", got)
		}
		byRef, err := e.svc.ChildByNationalRef(e.ctx, officerSE, "SE-2025-0001")
		if err != nil || byRef.ID != c.ID {
			t.Errorf("ChildByNationalRef = %v, %v", byRef, err)
		}

		// A national reference is held once per country.
		_, _, err = e.svc.Register(e.ctx, officerSE, cases.ChildInput{NationalRef: "SE-2025-0001", GivenNames: "Other"}, kase())
		wantCode(t, err, errs.Conflict)
		if errs.FieldOf(err) != "national_ref" {
			t.Errorf("duplicate national ref: field %q", errs.FieldOf(err))
		}
		if _, _, err := e.svc.Register(e.ctx, officerLT, cases.ChildInput{NationalRef: "SE-2025-0001", GivenNames: "Other"}, kase()); err != nil {
			t.Errorf("the same national reference in another country: %v", err)
		}

		// The registration is one transaction: child, case, event, history, audit.
		tl, err := e.svc.Timeline(e.ctx, officerSE, k.ID)
		if err != nil || len(tl) != 1 || tl[0].Type != cases.EvRegistered || !tl[0].At.Equal(t0) || tl[0].By != officerSE.UserID {
			t.Errorf("Timeline = %+v, %v", tl, err)
		}
		for _, w := range []struct{ action, target string }{
			{audit.ActChildCreate, "child:"}, {audit.ActCaseCreate, "case:"},
			{audit.ActChildRead, "child:"}, {"case.read", "case:"},
		} {
			if e.countAudit(t, w.action, w.target+itoa(pick(w.target == "child:", c.ID, k.ID))) == 0 {
				t.Errorf("no audit entry %s %s", w.action, w.target)
			}
		}
		h, err := e.svc.History(e.ctx, officerSE, "child", c.ID)
		if err != nil || len(h) != 1 || h[0].Action != "create" || h[0].By != officerSE.UserID {
			t.Errorf("History = %+v, %v", h, err)
		}
	})
}

func pick(b bool, x, y int64) int64 {
	if b {
		return x
	}
	return y
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// TestChildReadAuditedEveryTime is the registry's central privacy promise:
// every call that returns a child's identity leaves an audit entry.
func TestChildReadAuditedEveryTime(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c, k := e.register(t, officerSE, child("Anna", "Kowalska", "2010-04-03"))
		target := "child:" + itoa(c.ID)
		before := e.countAudit(t, audit.ActChildRead, target)
		for i := range 3 {
			if _, err := e.svc.Child(e.ctx, supervisorSE, c.ID); err != nil {
				t.Fatal(err)
			}
			if got := e.countAudit(t, audit.ActChildRead, target); got != before+i+1 {
				t.Fatalf("after %d reads, %d child.read entries (before: %d)", i+1, got, before)
			}
		}
		if _, _, err := e.svc.Case(e.ctx, officerSE, k.ID); err != nil {
			t.Fatal(err)
		}
		if got := e.countAudit(t, audit.ActChildRead, target); got != before+4 {
			t.Errorf("Case did not audit the child read: %d", got)
		}
		for _, en := range e.auditEntries(t) {
			if en.Action == audit.ActChildRead && en.Target == target && (en.Actor == "" || en.Country != "SE") {
				t.Errorf("entry %+v lacks actor or country", en)
			}
		}
	})
}

func TestValidation(t *testing.T) {
	e := newEnv(t, newSQLite(t))
	long := strings.Repeat("x", 201)
	tests := []struct {
		name  string
		ci    cases.ChildInput
		cs    cases.CaseInput
		field string
	}{
		{"no name", cases.ChildInput{}, kase(), "given_names"},
		{"long name", cases.ChildInput{GivenNames: long}, kase(), "given_names"},
		{"control", cases.ChildInput{GivenNames: "An\x00na"}, kase(), "given_names"},
		// Direction overrides and zero-width characters make a name display
		// as, or differ invisibly from, another (issue 10 L3).
		{"right-to-left override", cases.ChildInput{GivenNames: "Amir\u202eriA"}, kase(), "given_names"},
		{"isolate", cases.ChildInput{FamilyName: "\u2067Rahimi\u2069"}, kase(), "family_name"},
		{"zero-width space", cases.ChildInput{GivenNames: "Am\u200bir"}, kase(), "given_names"},
		{"zero-width joiner in Latin", cases.ChildInput{GivenNames: "Am\u200dir"}, kase(), "given_names"},
		{"alias with BOM", cases.ChildInput{GivenNames: "A", Aliases: []cases.Alias{{Name: "\ufeffB"}}}, kase(), "aliases[0].name"},
		{"sex", cases.ChildInput{GivenNames: "A", Sex: "boy"}, kase(), "sex"},
		{"date format", cases.ChildInput{GivenNames: "A", BirthDate: "14/14/14/14"}, kase(), "birth_date"},
		{"date calendar", cases.ChildInput{GivenNames: "A", BirthDate: "2010-02-30"}, kase(), "birth_date"},
		{"date future", cases.ChildInput{GivenNames: "A", BirthDate: "2030-01-01"}, kase(), "birth_date"},
		{"precision mismatch", cases.ChildInput{GivenNames: "A", BirthDate: "2010", BirthPrecision: cases.PrecisionExact}, kase(), "birth_precision"},
		{"precision unknown value", cases.ChildInput{GivenNames: "A", BirthDate: "2010", BirthPrecision: "roughly"}, kase(), "birth_precision"},
		{"estimated without date", cases.ChildInput{GivenNames: "A", BirthPrecision: cases.PrecisionEstimated}, kase(), "birth_precision"},
		{"citizenship", cases.ChildInput{GivenNames: "A", Citizenships: []string{"XX"}}, kase(), "citizenships"},
		{"citizenship name", cases.ChildInput{GivenNames: "A", Citizenships: []string{"Syria"}}, kase(), "citizenships"},
		{"language", cases.ChildInput{GivenNames: "A", Languages: []string{"qq"}}, kase(), "languages"},
		{"alias without name", cases.ChildInput{GivenNames: "A", Aliases: []cases.Alias{{Source: "police"}}}, kase(), "aliases[0].name"},
		{"alias script", cases.ChildInput{GivenNames: "A", Aliases: []cases.Alias{{Name: "B", Script: "latin"}}}, kase(), "aliases[0].script"},
		{"assessment method", cases.ChildInput{GivenNames: "A", Assessments: []cases.AgeAssessment{{Date: "2025-01-01", Method: "xray"}}}, kase(), "assessments[0].method"},
		{"assessment date", cases.ChildInput{GivenNames: "A", Assessments: []cases.AgeAssessment{{Date: "1.1.2025", Method: cases.MethodMedical}}}, kase(), "assessments[0].date"},
		{"category", cases.ChildInput{GivenNames: "A"}, cases.CaseInput{Category: "lost", Evidence: cases.EvidencePresumed}, "category"},
		{"evidence", cases.ChildInput{GivenNames: "A"}, cases.CaseInput{Category: cases.CatOther}, "evidence"},
		{"exploitation", cases.ChildInput{GivenNames: "A"}, cases.CaseInput{Category: cases.CatOther, Evidence: cases.EvidencePresumed, Exploitation: []cases.Exploitation{"fishing"}}, "exploitation"},
		{"handling", cases.ChildInput{GivenNames: "A"}, cases.CaseInput{Category: cases.CatOther, Evidence: cases.EvidencePresumed, Handling: "H9"}, "handling"},
		{"placement", cases.ChildInput{GivenNames: "A"}, cases.CaseInput{Category: cases.CatOther, Evidence: cases.EvidencePresumed, Placement: "hotel"}, "placement"},
		{"opened in future", cases.ChildInput{GivenNames: "A"}, cases.CaseInput{Category: cases.CatOther, Evidence: cases.EvidencePresumed, OpenedAt: t0.Add(time.Hour)}, "opened_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := e.svc.Register(e.ctx, officerSE, tt.ci, tt.cs)
			wantCode(t, err, errs.Invalid)
			var fields []string
			for _, fe := range cases.FieldErrors(err) {
				fields = append(fields, fe.Field)
				// Messages never repeat what was typed.
				for _, v := range []string{"Syria", "2010-02-30", "boy", "latin", "xray", "hotel", "fishing", "lost"} {
					if strings.Contains(fe.Message, v) {
						t.Errorf("message %q repeats the value", fe.Message)
					}
				}
			}
			if !contains(fields, tt.field) {
				t.Errorf("fields %v, want %s", fields, tt.field)
			}
		})
	}
	// Every problem is reported at once.
	_, _, err := e.svc.Register(e.ctx, officerSE, cases.ChildInput{Sex: "x", Languages: []string{"zz"}}, cases.CaseInput{})
	if n := len(cases.FieldErrors(err)); n < 5 {
		t.Errorf("%d field errors for five problems: %v", n, err)
	}
}

// TestNamesNFC: names are stored in NFC, and a zero-width non-joiner
// between Arabic-script letters (Persian spelling) is kept.
func TestNamesNFC(t *testing.T) {
	e := newEnv(t, newSQLite(t))
	ch, _ := e.register(t, officerSE, cases.ChildInput{GivenNames: "Jose\u0301", FamilyName: "Nowak",
		Aliases: []cases.Alias{{Name: "\u0645\u06cc\u200c\u0631\u0632\u0627"}}})
	got, err := e.svc.Child(e.ctx, officerSE, ch.ID)
	if err != nil || got.GivenNames != "Jos\u00e9" || got.Aliases[0].Name != "\u0645\u06cc\u200c\u0631\u0632\u0627" {
		t.Fatalf("stored %q %+v %v", got.GivenNames, got.Aliases, err)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestBirthPrecisionDerived(t *testing.T) {
	e := newEnv(t, newSQLite(t))
	for _, tt := range []struct {
		in, date string
		p        cases.Precision
		year     int
	}{
		{"14.03.2009", "2009-03-14", cases.PrecisionExact, 2009},
		{"2009-03", "2009-03", cases.PrecisionMonth, 2009},
		{"2009", "2009", cases.PrecisionYear, 2009},
		{"~2009", "2009", cases.PrecisionEstimated, 2009},
		{"", "", cases.PrecisionUnknown, 0},
		{"unknown", "", cases.PrecisionUnknown, 0},
	} {
		c, _ := e.register(t, officerSE, child("A", "B", tt.in))
		if c.BirthDate != tt.date || c.BirthPrecision != tt.p || c.BirthYear != tt.year {
			t.Errorf("%q: date %q precision %s year %d; want %q %s %d", tt.in, c.BirthDate, c.BirthPrecision, c.BirthYear, tt.date, tt.p, tt.year)
		}
	}
}
