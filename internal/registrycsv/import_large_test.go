package registrycsv_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/registrycsv"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// EnvImportRows sets the number of rows of TestImportLarge.
const EnvImportRows = "CHILDCENTRE_IMPORT_ROWS"

// TestImportLarge writes a CSV of synthetic registrations, then reads and
// imports it in one transaction (as `childcentre import` does) on SQLite
// and, with CHILDCENTRE_TEST_POSTGRES, on PostgreSQL, and logs the time and
// the peak memory of each. It runs 1,000 rows by default; the figure of
// the registry issue (goal: 100,000 rows in under 60 seconds) is
//
//	CHILDCENTRE_IMPORT_ROWS=100000 go test -run ImportLarge -v -timeout 30m ./internal/registrycsv/
//
// Peak memory is the process's resident high-water mark (VmHWM, reset
// before each import through /proc/self/clear_refs) and the largest Go
// heap seen by sampling runtime/metrics every 10 ms.
func TestImportLarge(t *testing.T) {
	rows := 1000
	if testing.Short() {
		rows = 200
	}
	if v := os.Getenv(EnvImportRows); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number of rows", EnvImportRows, v)
		}
		rows = n
	}
	path := filepath.Join(t.TempDir(), "import.csv")
	size := writeSynthCSV(t, path, rows)
	t.Logf("%d rows, %.1f MiB of CSV", rows, float64(size)/(1<<20))

	backends := []struct {
		name string
		open func(testing.TB, ...storetest.Option) *store.DB
	}{{"sqlite", storetest.New}, {"postgres", storetest.Postgres}}
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			db := be.open(t)
			kr := crypto.NewKeyring(time.Now())
			svc := cases.NewService(store.NewCaseStore(db), kr.Sealer(crypto.PurposeIdentity), kr, cases.Config{Country: "SE"})
			ctx := context.Background()

			runtime.GC()
			resetErr := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
			stopSampling, peakHeap := sampleHeap()
			start := time.Now()
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			regs, _, probs, err := registrycsv.ReadAll(f)
			f.Close()
			if err != nil || len(probs) > 0 {
				t.Fatalf("read: %v; %d problems, first: %v", err, len(probs), probs)
			}
			parsed := time.Since(start)
			res, err := svc.Import(ctx, auth.SystemActor, regs, false)
			total := time.Since(start)
			stopSampling()
			if err != nil {
				if res != nil && len(res.Errors) > 0 {
					t.Fatalf("import: %v; first problem: %+v", err, res.Errors[0])
				}
				t.Fatal(err)
			}
			if res.Created != rows || res.Updated != 0 {
				t.Fatalf("import: %+v, want %d created", res, rows)
			}
			hwm := "unknown"
			if resetErr == nil {
				hwm = strconv.Itoa(vmHWM(t)>>10) + " MiB"
			}
			t.Logf("%s: %d rows in %.1f s (read %.1f s, import %.1f s), %.0f rows/s; peak RSS %s, peak Go heap %d MiB",
				be.name, rows, total.Seconds(), parsed.Seconds(), (total - parsed).Seconds(), float64(rows)/total.Seconds(),
				hwm, peakHeap()>>20)

			// The import is complete: a child is found by name.
			hit, err := svc.Search(ctx, auth.Actor{UserID: 1, Role: auth.RoleOfficer, Country: "SE"},
				cases.Query{Text: regs[rows/2].Child.GivenNames + " " + regs[rows/2].Child.FamilyName})
			if err != nil || hit.Total == 0 {
				t.Errorf("an imported child is not found: %v", err)
			}
		})
	}
}

// writeSynthCSV writes n synthetic registrations in the import format and
// returns the file's size.
func writeSynthCSV(t *testing.T, path string, n int) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := registrycsv.NewWriter(bw)
	i := 0
	err = synth.Stream(synth.Options{Records: n, Seed: 7}, func(r synth.Record) error {
		i++
		return w.Write(synthRegistration(r, i))
	})
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		t.Fatal(err)
	}
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	return fi.Size()
}

// synthRegistration turns a synthetic registration into an import row,
// with a case whose coded fields cycle through their values.
func synthRegistration(r synth.Record, i int) cases.Registration {
	c := cases.ChildInput{NationalRef: r.ID, GivenNames: r.GivenName, FamilyName: r.FamilyName, Sex: cases.SexUnknown}
	switch r.Sex {
	case "f":
		c.Sex = cases.SexFemale
	case "m":
		c.Sex = cases.SexMale
	}
	if c.GivenNames == "" && c.FamilyName == "" {
		c.GivenNames = "unknown"
	}
	// A date typo of the generator can put a birth in the future, which the
	// registry refuses: such a row would stop the whole import.
	if b, ok := r.BirthDate(); ok && !b.After(r.Registered) {
		c.BirthDate = r.DateOfBirth
		if r.DOBEstimated {
			c.BirthPrecision = cases.PrecisionEstimated
		}
	}
	if r.Citizenship != "" {
		c.Citizenships = []string{r.Citizenship}
	}
	if i%10 == 0 && c.GivenNames != "" {
		c.Aliases = []cases.Alias{{Name: strings.ToUpper(c.GivenNames), Source: "police"}}
	}
	k := cases.CaseInput{
		Category:  cases.Categories[i%len(cases.Categories)],
		Evidence:  cases.EvidenceLevels[i%len(cases.EvidenceLevels)],
		Placement: cases.Placements[i%len(cases.Placements)],
		OpenedAt:  r.Registered,
	}
	if k.Category == cases.CatPresumedTrafficking || k.Category == cases.CatIdentifiedTrafficked {
		k.Exploitation = []cases.Exploitation{cases.Exploitations[i%len(cases.Exploitations)]}
	}
	return cases.Registration{Child: c, Case: k}
}

// sampleHeap samples the Go heap every 10 ms until stop is called; peak
// returns the largest value seen.
func sampleHeap() (stop func(), peak func() uint64) {
	var mu sync.Mutex
	var max uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	wg.Go(func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			mu.Lock()
			max = maxU(max, sample[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }, func() uint64 { mu.Lock(); defer mu.Unlock(); return max }
}

func maxU(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

// vmHWM returns the process's peak resident set size in KiB.
func vmHWM(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(string(v)), " kB"))
			if err == nil {
				return n
			}
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}
