package registrycsv

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

func sample() []cases.Registration {
	return []cases.Registration{
		{
			Child: cases.ChildInput{NationalRef: "SE-2025-001", GivenNames: "Nguyễn Văn", FamilyName: "An", Sex: cases.SexMale,
				BirthDate: "2010-03-04", BirthPrecision: cases.PrecisionExact, Citizenships: []string{"VN"}, Languages: []string{"vi", "en"},
				BirthPlace: "Hải Phòng", Notes: "arrived with, \"cousin\"\nsecond line",
				Aliases:     []cases.Alias{{Name: "An Nguyen", Script: "Latn", Source: "police"}, {Name: "Ан", Script: "Cyrl"}},
				Assessments: []cases.AgeAssessment{{Date: "2025-01-10", Method: cases.MethodDocuments, Outcome: "16", AssessedBy: "Migrationsverket"}}},
			Case: cases.CaseInput{Category: cases.CatCriminalExploitation, Exploitation: []cases.Exploitation{cases.ExpCriminalActivity},
				Evidence: cases.EvidenceIdentified, ResponsibleOrg: "Socialtjänsten", Placement: cases.PlaceFoster,
				LegalBasis: "SoL 5 kap.", Consent: true, Handling: cases.H3, OpenedAt: time.Date(2025, 1, 9, 13, 45, 0, 0, time.UTC)},
		},
		{
			Child: cases.ChildInput{NationalRef: "SE-2025-002", GivenNames: "-Ali", FamilyName: "=SUM(A1)", Sex: cases.SexUnknown},
			Case:  cases.CaseInput{Category: cases.CatOther, Evidence: cases.EvidenceSuspicion},
		},
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, r := range sample() {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), ",=SUM") || strings.Contains(buf.String(), ",-Ali") {
		t.Errorf("a cell a spreadsheet would run as a formula is written as it is:\n%s", buf.String())
	}
	regs, rows, probs := readAll(t, buf.String())
	if len(probs) != 0 {
		t.Fatalf("problems reading what the writer wrote: %v", probs)
	}
	if len(rows) != 2 || rows[0] != 2 || rows[1] != 3 {
		t.Errorf("rows %v", rows)
	}
	if !reflect.DeepEqual(regs, sample()) {
		t.Errorf("round trip:\n got %+v\nwant %+v", regs, sample())
	}
}

func TestWriteRefusesSeparatorInList(t *testing.T) {
	r := sample()[0]
	r.Child.Aliases = []cases.Alias{{Name: "A|B"}}
	err := NewWriter(&bytes.Buffer{}).Write(r)
	if errs.FieldOf(err) != ColAliases {
		t.Fatalf("err = %v, want a problem of column aliases", err)
	}
}

func TestWriteEmptyFileHasHeader(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := NewReader(&buf); err != nil {
		t.Fatalf("the header the writer writes is not accepted: %v", err)
	}
}
