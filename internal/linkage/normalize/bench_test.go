package normalize

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// benchNames is a mix of the names the region's registries hold: Latin
// with and without diacritics, Cyrillic, Arabic script, particles and
// compounds, in the proportions of a typical national export (mostly
// Latin script).
var benchNames = []string{
	"Muhammad Al-Hassan", "Oleksandr Shevchenko", "Nguyễn Văn An", "Łukasz Kowalski",
	"Fatima Ahmadi", "Abdul Rahman Mohammadi", "Yuliia Kovalchuk", "Tesfaye Habtom",
	"Ayesha Noor", "Ahmed Ali Hassan", "Kateryna Bondarenko", "Mohammed bin Salman",
	"Олександр Шевченко", "Maxamed Cabdi Faarax", "Sara Johansson", "محمد الحسن",
}

func BenchmarkFold(b *testing.B) {
	for _, c := range []struct{ name, s string }{
		{"ascii", "Muhammad Al-Hassan"},
		{"folded", "muhammad al hassan"},
		{"latin", "Łukasz Kazlauskaitė"},
		{"cyrillic", "Олександр Шевченко"},
		{"arabic", "محمد الحسن"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Fold(c.s)
			}
		})
	}
}

// BenchmarkNameTokens: one typical name ("Muhammad Al-Hassan"), and the
// mix above.
func BenchmarkNameTokens(b *testing.B) {
	b.Run("typical", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			NameTokens("Muhammad Al-Hassan")
		}
	})
	b.Run("mix", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			NameTokens(benchNames[i%len(benchNames)])
			i++
		}
	})
}

func BenchmarkVariant(b *testing.B) {
	for _, t := range []string{"mohammed", "shevchenko", "abdelrahman", "kazlauskaite"} {
		b.Run(t, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Variant(t)
			}
		})
	}
}

func BenchmarkKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Key("muhammad")
	}
}

func BenchmarkParseDate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDate("14.03.2009"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDateTokens(b *testing.B) {
	d := Date{Year: 2009, Month: 3, Day: 14, Precision: Day}
	buf := make([]string, 0, 8)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendDateTokens(buf[:0], d)
	}
}

// BenchmarkRecord normalises every identifying field of one child's
// registration (given name, family name, date of birth, sex, country)
// and reports records per second, against the encoder's budget of
// 100,000 records/s per core including normalisation.
func BenchmarkRecord(b *testing.B) {
	type rec struct{ given, family, dob, sex, country string }
	recs := []rec{
		{"Muhammad", "Al-Hassan", "2009-01-01", "M", "SY"},
		{"Олександр", "Шевченко", "14.03.2010", "ч", "UA"},
		{"Nguyễn Văn", "An", "2008-07-22", "male", "VN"},
		{"Ayesha", "Noor", "2011", "F", "AF"},
		{"Tesfay", "Habtom Gebre", "2007-05-30", "m", "ER"},
		{"Łukasz", "Kowalski", "20090314", "M", "PL"},
	}
	dates := make([]string, 0, 8)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := recs[i%len(recs)]
		i++
		NameTokens(r.given)
		NameTokens(r.family)
		d, err := ParseDate(r.dob)
		if err != nil {
			b.Fatal(err)
		}
		dates = AppendDateTokens(dates[:0], d)
		if _, err := Sex(r.sex); err != nil {
			b.Fatal(err)
		}
		if _, err := Country(r.country); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkNameTokensFEBRL runs NameTokens over the given names and
// surnames of the FEBRL benchmark (English-speaking population, Latin
// script: the fast path).
func BenchmarkNameTokensFEBRL(b *testing.B) {
	names := febrlNames(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		NameTokens(names[i%len(names)])
		i++
	}
}

func febrlNames(tb testing.TB) []string {
	tb.Helper()
	f, err := os.Open("../../../../shared/data/febrl/dataset4a.csv")
	if err != nil {
		tb.Skip("FEBRL data not found at ../../../../shared/data/febrl/: ", err)
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), ",")
		if len(cols) > 2 {
			names = append(names, strings.TrimSpace(cols[1]), strings.TrimSpace(cols[2]))
		}
	}
	if len(names) < 100 {
		tb.Skip("FEBRL data too short")
	}
	return names
}

// TestFEBRLNames checks the invariants of Name on the FEBRL names.
func TestFEBRLNames(t *testing.T) {
	names := febrlNames(t)
	if testing.Short() {
		names = names[:1000]
	}
	for _, s := range names {
		n := Name(s)
		checkFolded(t, s, n)
		if Name(n) != n {
			t.Fatalf("Name not idempotent on %q", s)
		}
	}
}
