package registrycsv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/cases"
)

// secret is a value the tests put in cells: no problem message may quote it.
const secret = "Zyxwvq"

func readAll(t *testing.T, in string) ([]cases.Registration, []int, []Problem) {
	t.Helper()
	regs, rows, probs, err := ReadAll(strings.NewReader(in))
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	for _, p := range probs {
		if strings.Contains(p.String(), secret) {
			t.Errorf("problem quotes a value: %s", p)
		}
	}
	return regs, rows, probs
}

// keys returns "row:column" of each problem.
func keys(probs []Problem) []string {
	var out []string
	for _, p := range probs {
		out = append(out, fmt.Sprintf("%02d:%s", p.Row, p.Column))
	}
	return out
}

func TestReadValues(t *testing.T) {
	in := "\uFEFFNational_Ref,given_names,family_name,sex,birth_date,citizenships,languages,aliases,alias_sources," +
		"assessment_dates,assessment_methods,assessment_outcomes,category,exploitation,evidence,handling,consent,opened_at,notes\n" +
		`N-1,Amina,Farah,F,2011,SO| so ,so|ar,Aamina|Амина,passport|,2024-03-01|2024-05-02,Medical|interview,15-17|,Presumed_Trafficking,forced_labour| sexual,presumed,h1,Yes,2025-01-02,"two` + "\n" + `lines"` + "\n" +
		",,,,,,,,,,,,,,,,,,\n" + // a spreadsheet's empty trailing row
		`N-2,'=cmd,Omar,m,,,,,,,,,unaccompanied,,identified,,,2025-01-02T10:00:00+02:00,` + "\n"
	regs, rows, probs := readAll(t, in)
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	if !reflect.DeepEqual(rows, []int{2, 4}) {
		t.Errorf("rows = %v, want [2 4] (a quoted cell spanning two lines is one row; row 3 is blank)", rows)
	}
	want := cases.Registration{
		Child: cases.ChildInput{NationalRef: "N-1", GivenNames: "Amina", FamilyName: "Farah", Sex: cases.SexFemale,
			BirthDate: "2011", Citizenships: []string{"SO", "so"}, Languages: []string{"so", "ar"},
			Aliases:     []cases.Alias{{Name: "Aamina", Source: "passport"}, {Name: "Амина"}},
			Assessments: []cases.AgeAssessment{{Date: "2024-03-01", Method: cases.MethodMedical, Outcome: "15-17"}, {Date: "2024-05-02", Method: cases.MethodInterview}},
			Notes:       "two\nlines"},
		Case: cases.CaseInput{Category: cases.CatPresumedTrafficking, Exploitation: []cases.Exploitation{cases.ExpForcedLabour, cases.ExpSexual},
			Evidence: cases.EvidencePresumed, Handling: cases.H1, Consent: true, OpenedAt: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)},
	}
	if !reflect.DeepEqual(regs[0], want) {
		t.Errorf("row 2:\n got %+v\nwant %+v", regs[0], want)
	}
	if regs[1].Child.GivenNames != "=cmd" || regs[1].Child.Sex != cases.SexMale || !regs[1].Case.OpenedAt.Equal(time.Date(2025, 1, 2, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("row 5: %+v", regs[1])
	}
}

func TestReadDelimiters(t *testing.T) {
	for name, sep := range map[string]string{"semicolon": ";", "tab": "\t"} {
		t.Run(name, func(t *testing.T) {
			in := strings.Join([]string{"national_ref", "family_name", "category", "evidence", "citizenships"}, sep) + "\r\n" +
				strings.Join([]string{"N-1", "Kowalski, Jan", "other", "suspicion", "PL|UA"}, sep) + "\r\n"
			regs, _, probs := readAll(t, in)
			if len(probs) != 0 || len(regs) != 1 || regs[0].Child.FamilyName != "Kowalski, Jan" || len(regs[0].Child.Citizenships) != 2 {
				t.Fatalf("regs %+v, problems %v", regs, probs)
			}
		})
	}
}

func TestReadHeaderProblems(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // "row:column"
	}{
		{"empty", "", []string{"01:"}},
		{"no header", "N-1," + secret + ",Farah,other,presumed\n", []string{"01:"}},
		{"unknown and duplicate", "national_ref,family_name," + secret + ",category,evidence,Category\n", []string{"01:", "01:category"}},
		{"missing required", "family_name,evidence\n", []string{"01:national_ref", "01:category"}},
		{"no name column", "national_ref,category,evidence\n", []string{"01:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			regs, _, probs := readAll(t, tt.in)
			if len(regs) != 0 {
				t.Errorf("rows read after a bad header: %d", len(regs))
			}
			if got := keys(probs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems %v, want %v: %v", got, tt.want, probs)
			}
		})
	}
}

func TestReadRowProblems(t *testing.T) {
	h := "national_ref,given_names,family_name,category,evidence,consent,opened_at,aliases,alias_scripts,assessment_dates,assessment_by\n"
	in := h +
		"N-1," + secret + ",x,other,presumed,perhaps" + secret + ",,,,,\n" + // 2: consent
		"N-2,a,b,other,presumed,,yesterday" + secret + ",,,,\n" + // 3: opened_at
		"N-3,a,b,other,presumed,,," + secret + ",Latn|Cyrl,,\n" + // 4: alias_scripts longer than aliases
		"N-4,a,b,other,presumed,,,,,,Migrationsverket\n" + // 5: assessment_by without a date
		",a,b,other,presumed,,,,,,\n" + // 6: no national_ref
		"N-6,a\xff" + secret + ",b,other,presumed,,,,,,\n" + // 7: not UTF-8
		"N-7,a,b,other,presumed,,,,,,,," + secret + "\n" + // 8: cell beyond the header
		"N-8,a " + secret + `"quoted",b,other,presumed,,,,,,` + "\n" + // 9: bare quote
		"N-9,a,b,other,presumed,,,,,,\n" + // 10: fine
		" N-1 ,c,d,other,presumed,,,,,,\n" // 11: the reference of row 2 again
	regs, rows, probs := readAll(t, in)
	want := []string{"02:consent", "03:opened_at", "04:alias_scripts", "05:assessment_by", "06:national_ref", "07:given_names", "08:", "09:", "11:national_ref"}
	if got := keys(probs); !reflect.DeepEqual(got, want) {
		t.Errorf("problems %v\nwant %v\n%v", got, want, probs)
	}
	// Every row but the broken one is returned for the registry's own checks.
	if !strings.Contains(probs[len(probs)-1].Message, "row 2 ") {
		t.Errorf("the duplicate reference does not name its first row: %s", probs[len(probs)-1])
	}
	if !reflect.DeepEqual(rows, []int{2, 3, 4, 5, 6, 7, 8, 10, 11}) {
		t.Errorf("rows %v", rows)
	}
	if len(regs) != len(rows) {
		t.Errorf("%d registrations for %d rows", len(regs), len(rows))
	}
}

func TestReadRowTooLong(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("national_ref,family_name,category,evidence,notes\nN-1,a,other,presumed,fine\n")
	b.WriteString(`N-2,b,other,presumed,"never closed `)
	for b.Len() < 4*MaxRowBytes {
		b.WriteString(secret + " and on\n")
	}
	rd, err := NewReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	var rows []*Row
	for {
		r, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	if len(rows) != 2 || rows[0].Broken || !rows[1].Broken || rows[1].Num != 3 || !strings.Contains(rows[1].Problems[0].Message, "KiB") {
		for _, r := range rows {
			t.Logf("%+v", *r)
		}
		t.Fatal("want row 2 and a broken row 3")
	}
	if b.Len() < MaxRowBytes {
		t.Errorf("the reader consumed %d bytes of a broken row", 4*MaxRowBytes-b.Len())
	}
}

func TestColumnOf(t *testing.T) {
	tests := []struct{ field, col, entry string }{
		{"birth_date", "birth_date", ""},
		{"aliases[0].name", ColAliases, "entry 1: "},
		{"aliases[2].script", ColAliasScripts, "entry 3: "},
		{"aliases[1].source", ColAliasSources, "entry 2: "},
		{"assessments[0].date", ColAssessDates, "entry 1: "},
		{"assessments[0].method", ColAssessMethods, "entry 1: "},
		{"assessments[3].outcome", ColAssessOutcomes, "entry 4: "},
		{"assessments[0].assessed_by", ColAssessBy, "entry 1: "},
		{"assessments", ColAssessDates, ""},
		{"aliases", ColAliases, ""},
	}
	for _, tt := range tests {
		col, entry := ColumnOf(tt.field)
		if col != tt.col || entry != tt.entry {
			t.Errorf("ColumnOf(%q) = %q, %q; want %q, %q", tt.field, col, entry, tt.col, tt.entry)
		}
		if _, ok := columnIndex[col]; !ok {
			t.Errorf("ColumnOf(%q) = %q is not a column", tt.field, col)
		}
	}
}
