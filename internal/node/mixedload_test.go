package node

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
	"github.com/cbss-egcc/childcentre/internal/synth"
	"github.com/cbss-egcc/childcentre/internal/webtest"
)

// Settings of BenchmarkMixedLoad, from the environment.
const (
	EnvLoadChildren = "CHILDCENTRE_LOAD_CHILDREN"   // children in the registry before the load (20000)
	EnvLoadRate     = "CHILDCENTRE_LOAD_RATE"       // open-loop offered rate, requests/s (300; 0: no open loop)
	EnvLoadSeconds  = "CHILDCENTRE_LOAD_SECONDS"    // duration of each phase (10)
	EnvLoadSearch   = "CHILDCENTRE_LOAD_SEARCH"     // "GET /children" or e.g. "POST /children/search"
	EnvLoadProfile  = "CHILDCENTRE_LOAD_CPUPROFILE" // file for a CPU profile of the saturation phase
)

func envInt(tb testing.TB, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		tb.Fatalf("%s=%q: want a number", name, v)
	}
	return n
}

// BenchmarkMixedLoad is the node's load test: 50 signed-in officers,
// 70% searches by name and 30% registrations through the web pages, on a
// registry of 20,000 children, first closed-loop (each session sends its
// next request when the last is answered: the saturation throughput),
// then open-loop at a fixed offered rate (latency from the moment each
// request was due, so a stalled server is not flattered):
//
//	go test -run '^$' -bench MixedLoad -benchtime 1x -timeout 30m ./internal/node/
//	CHILDCENTRE_TEST_POSTGRES=postgres://... (adds the postgres run)
//	CHILDCENTRE_LOAD_RATE=300 CHILDCENTRE_LOAD_SECONDS=10 CHILDCENTRE_LOAD_CHILDREN=20000
//	CHILDCENTRE_LOAD_SEARCH="POST /children/search" (a search sent as a form)
//	CHILDCENTRE_LOAD_CPUPROFILE=cpu.pprof (profile of the saturation phase)
//
// It prints requests/s and p50/p95/p99 of both phases and reports them as
// benchmark metrics.
func BenchmarkMixedLoad(b *testing.B) {
	for _, be := range []string{"sqlite", "postgres"} {
		b.Run(be, func(b *testing.B) {
			url := storetest.SQLiteURL(b)
			if be == "postgres" {
				url = storetest.PostgresURL(b)
			}
			mixedLoad(b, url)
		})
	}
}

// loadRun is one mixed-load setup: a node, its registry, signed-in users.
type loadRun struct {
	base     string
	names    []string // full names in the registry, for searches
	born     []born   // birth years and sexes of the registry, for registrations
	sessions []*loadSession
	search   [2]string // method, path
}

type loadSession struct {
	http *http.Client // the signed-in browser, not following redirects
	csrf string
}

func mixedLoad(b *testing.B, dbURL string) {
	// As `childcentre serve` runs (GOGC, when set, is kept).
	b.Cleanup(TuneGC(os.Getenv))
	n, base := startNode(b, dbURL)
	lr := &loadRun{base: base}
	method, path, ok := strings.Cut(os.Getenv(EnvLoadSearch), " ")
	if !ok {
		method, path = "GET", "/children"
	}
	lr.search = [2]string{method, path}
	k := envInt(b, EnvLoadChildren, 20000)
	start := time.Now()
	lr.names, lr.born = seedRegistry(b, n, k)
	b.Logf("seeded %d children in %.1f s", k, time.Since(start).Seconds())
	users := seedOfficers(b, n, "mixed", sessions)
	for _, u := range users {
		c := webtest.New(base)
		p, err := c.SignIn(u.name, u.password, u.secret, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		hc := *c.HTTP
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		lr.sessions = append(lr.sessions, &loadSession{http: &hc, csrf: p.CSRF()})
		b.Cleanup(c.Close)
	}
	secs := time.Duration(envInt(b, EnvLoadSeconds, 10)) * time.Second
	rate := envInt(b, EnvLoadRate, 300)

	b.ResetTimer()
	if f := os.Getenv(EnvLoadProfile); f != "" {
		out, err := os.Create(f)
		if err != nil {
			b.Fatal(err)
		}
		pprof.StartCPUProfile(out)
		defer func() { pprof.StopCPUProfile(); out.Close() }()
	}
	var db0 time.Duration
	if strings.HasPrefix(dbURL, "postgres") {
		db0 = dbServerCPU()
	}
	cpu0, allocs0 := cpuTime(), heapAllocs()
	sat := lr.closedLoop(b, secs)
	sat.cpu = (cpuTime() - cpu0) / time.Duration(max(1, len(sat.lat)))
	if db0 > 0 {
		sat.dbCPU = (dbServerCPU() - db0) / time.Duration(max(1, len(sat.lat)))
	}
	// Heap allocations per request: a figure a busy shared machine does
	// not disturb, unlike CPU time, to compare changes that cut garbage.
	allocsPerReq := float64(heapAllocs()-allocs0) / float64(max(1, len(sat.lat)))
	if f := os.Getenv(EnvLoadProfile); f != "" {
		pprof.StopCPUProfile()
	}
	var open loadResult
	if rate > 0 {
		open = lr.openLoop(b, secs, rate)
	}
	b.StopTimer()
	b.Logf("closed loop, %d sessions: %s; %.0f heap allocations per request", sessions, sat, allocsPerReq)
	if rate > 0 {
		b.Logf("open loop at %d/s offered: %s", rate, open)
	}
	b.ReportMetric(sat.rps, "sat-req/s")
	b.ReportMetric(sat.p(95), "sat-p95-ms")
	b.ReportMetric(float64(sat.cpu.Microseconds())/1000, "cpu-ms/req")
	if sat.dbCPU > 0 {
		b.ReportMetric(float64(sat.dbCPU.Microseconds())/1000, "db-cpu-ms/req")
	}
	b.ReportMetric(allocsPerReq, "allocs/req")
	b.ReportMetric(open.rps, "open-req/s")
	b.ReportMetric(open.p(50), "open-p50-ms")
	b.ReportMetric(open.p(95), "open-p95-ms")
	b.ReportMetric(open.p(99), "open-p99-ms")
}

// born is a registered child's birth year ("" when unknown) and sex.
type born struct{ year, sex string }

// seedRegistry imports k synthetic children and returns their full names,
// and their birth years and sexes.
func seedRegistry(tb testing.TB, n *Node, k int) ([]string, []born) {
	tb.Helper()
	regs := make([]cases.Registration, 0, k)
	var names []string
	var borns []born
	sexes := map[string]cases.Sex{"f": cases.SexFemale, "m": cases.SexMale, "": cases.SexUnknown}
	err := synth.Stream(synth.Options{Records: k, Seed: 11, Countries: []string{"SE"}}, func(r synth.Record) error {
		c := cases.ChildInput{NationalRef: r.ID, GivenNames: r.GivenName, FamilyName: r.FamilyName, Sex: sexes[r.Sex]}
		if c.GivenNames == "" && c.FamilyName == "" {
			c.GivenNames = "unknown"
		}
		if b, ok := r.BirthDate(); ok && !b.After(r.Registered) {
			c.BirthDate = r.DateOfBirth
		}
		i := len(regs)
		regs = append(regs, cases.Registration{Child: c, Case: cases.CaseInput{
			Category: cases.Categories[i%len(cases.Categories)], Evidence: cases.EvidenceLevels[i%len(cases.EvidenceLevels)],
			OpenedAt: r.Registered}})
		if name := strings.TrimSpace(c.GivenNames + " " + c.FamilyName); name != "unknown" {
			names = append(names, name)
		}
		year, _, _ := strings.Cut(c.BirthDate, "-")
		borns = append(borns, born{year, string(c.Sex)})
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := n.Cases.Import(context.Background(), auth.SystemActor, regs, false); err != nil {
		tb.Fatal(err)
	}
	return names, borns
}

// one sends one request of the mix as session s: a search (70%) or a
// registration (30%), and reports whether it was answered as expected.
func (lr *loadRun) one(s *loadSession, rng *rand.Rand) (kind int, err error) {
	var req *http.Request
	want := http.StatusOK
	if rng.IntN(10) < 7 {
		kind = kindSearch
		q := lr.names[rng.IntN(len(lr.names))]
		if lr.search[0] == "GET" {
			req, _ = http.NewRequest("GET", lr.base+lr.search[1]+"?"+url.Values{"q": {q}}.Encode(), nil)
		} else {
			req, _ = http.NewRequest(lr.search[0], lr.base+lr.search[1], strings.NewReader(url.Values{"q": {q}, "csrf": {s.csrf}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		// Born and of a sex as the registry's children are: the duplicate
		// check reads the children born within a year with the same sex,
		// and registrations all alike would pile into one block.
		b := lr.born[rng.IntN(len(lr.born))]
		f := url.Values{
			"given_names": {loadName(rng)}, "family_name": {loadName(rng)}, "birth_date": {b.year}, "sex": {b.sex},
			"citizenships": {"AF"}, "category": {"unaccompanied"}, "evidence": {"presumed"}, "step": {"check"},
			"csrf": {s.csrf},
		}
		req, _ = http.NewRequest("POST", lr.base+"/children", strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		want = http.StatusSeeOther
		kind = kindRegister
	}
	res, err := s.http.Do(req)
	if err != nil {
		return kind, err
	}
	// Read to the end, as a browser does: a body closed unread closes the
	// connection, and every request would open a new one.
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil {
		return kind, err
	}
	if res.StatusCode != want && res.StatusCode != http.StatusOK {
		return kind, fmt.Errorf("%s %s: status %d", req.Method, req.URL.Path, res.StatusCode)
	}
	return kind, nil
}

// The kinds of request of the mix, for latencies by kind.
const (
	kindSearch = iota
	kindRegister
	kinds
)

var kindNames = [kinds]string{"search", "registration"}

// loadName is a made-up name that matches nobody, so that a registration
// is not held up by possible duplicates.
func loadName(rng *rand.Rand) string {
	b := []byte{byte('A' + rng.IntN(26))}
	for range 6 + rng.IntN(4) {
		b = append(b, byte('a'+rng.IntN(26)))
	}
	return string(b)
}

// loadResult is a phase's throughput and latencies.
type loadResult struct {
	cpu    time.Duration // CPU time of this process (server and load) per request
	dbCPU  time.Duration // CPU time of a PostgreSQL server on this machine per request
	rps    float64
	lat    latencies
	byKind [kinds]latencies
	failed int64
}

// latencies are sorted latencies.
type latencies []time.Duration

func (l latencies) p(q int) float64 {
	if len(l) == 0 {
		return 0
	}
	return float64(l[min(len(l)-1, len(l)*q/100)].Microseconds()) / 1000
}

func (r loadResult) p(q int) float64 { return r.lat.p(q) }

func (r loadResult) String() string {
	s := fmt.Sprintf("%.0f requests/s, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms (%d requests, %d failed)",
		r.rps, r.p(50), r.p(95), r.p(99), len(r.lat), r.failed)
	if r.cpu > 0 {
		s += fmt.Sprintf("; %.2f ms of CPU per request (server and load generator)", float64(r.cpu.Microseconds())/1000)
	}
	if r.dbCPU > 0 {
		s += fmt.Sprintf(" and %.2f ms in PostgreSQL's processes", float64(r.dbCPU.Microseconds())/1000)
	}
	for k, b := range r.byKind {
		if len(b) > 0 {
			s += fmt.Sprintf("; %s p50 %.1f ms, p95 %.1f ms, p99 %.1f ms", kindNames[k], b.p(50), b.p(95), b.p(99))
		}
	}
	return s
}

// cpuTime is the CPU time (user and system) this process has used: a
// figure that other processes on a shared machine change less than
// throughput.
// heapAllocs is the number of heap objects the process has allocated.
func heapAllocs() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// dbServerCPU is the CPU time (user and system) of every PostgreSQL
// process on this machine, 0 where there is none or no /proc: the
// database's share of a request, which the node's own CPU time leaves
// out although both share the machine's cores. A backend that exits
// takes its time with it; the node's pool keeps its connections.
func dbServerCPU() time.Duration {
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var ticks int64
	for _, d := range dirs {
		if d.Name()[0] < '0' || d.Name()[0] > '9' {
			continue
		}
		stat, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ... utime stime: fields 14 and 15; comm
		// may hold spaces, so fields are counted after its ')'.
		open, end := strings.IndexByte(string(stat), '('), strings.LastIndexByte(string(stat), ')')
		if open < 0 || end < open || string(stat[open+1:end]) != "postgres" {
			continue
		}
		f := strings.Fields(string(stat[end+1:]))
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + s
	}
	const clockTicks = 100 // USER_HZ, 100 on every Linux architecture Go runs on
	return time.Duration(ticks) * time.Second / clockTicks
}

// newResult gathers the latencies of every session, by session and kind.
func newResult(lat [][kinds][]time.Duration, elapsed time.Duration, failed int64) loadResult {
	var r loadResult
	for k := range kinds {
		var of [][]time.Duration
		for _, l := range lat {
			of = append(of, l[k])
		}
		r.byKind[k] = slices.Sorted(slices.Values(slices.Concat(of...)))
		r.lat = append(r.lat, r.byKind[k]...)
	}
	slices.Sort(r.lat)
	r.rps, r.failed = float64(len(r.lat))/elapsed.Seconds(), failed
	return r
}

// closedLoop runs every session flat out for d.
func (lr *loadRun) closedLoop(tb testing.TB, d time.Duration) loadResult {
	lat := make([][kinds][]time.Duration, len(lr.sessions))
	var failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(d)
	for i, s := range lr.sessions {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 1))
			for time.Now().Before(end) {
				t0 := time.Now()
				k, err := lr.one(s, rng)
				if err != nil {
					if failed.Add(1) == 1 {
						tb.Log(err)
					}
					continue
				}
				lat[i][k] = append(lat[i][k], time.Since(t0))
			}
		})
	}
	wg.Wait()
	return newResult(lat, time.Since(start), failed.Load())
}

// openLoop sends rate requests per second for d, each taken by a free
// session; latency counts from when the request was due.
func (lr *loadRun) openLoop(tb testing.TB, d time.Duration, rate int) loadResult {
	due := make(chan time.Time, rate*int(d/time.Second+1))
	lat := make([][kinds][]time.Duration, len(lr.sessions))
	var failed atomic.Int64
	var wg sync.WaitGroup
	for i, s := range lr.sessions {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 2))
			for t := range due {
				k, err := lr.one(s, rng)
				if err != nil {
					if failed.Add(1) == 1 {
						tb.Log(err)
					}
					continue
				}
				lat[i][k] = append(lat[i][k], time.Since(t))
			}
		})
	}
	start := time.Now()
	interval := time.Second / time.Duration(rate)
	total := int(d / interval)
	for k := range total {
		t := start.Add(time.Duration(k) * interval)
		time.Sleep(time.Until(t))
		due <- t
	}
	close(due)
	wg.Wait()
	return newResult(lat, time.Since(start), failed.Load())
}
