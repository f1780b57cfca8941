package node

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/api"
	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// Environment of the node process the crash test starts (this test
// binary, re-executed).
const (
	envCrashDB   = "CHILDCENTRE_CRASH_DB"
	envCrashKeys = "CHILDCENTRE_CRASH_KEYS"
	envCrashAddr = "CHILDCENTRE_CRASH_ADDR" // file the node writes its address to
)

// crashWriter is what a write path writes with: the node's base URL and an
// API token with every scope.
type crashWriter struct {
	base, token string
	http        *http.Client
}

// post sends body as JSON and decodes the answer into out when it is want.
func (w *crashWriter) post(path string, body any, want int, out any) error {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", w.base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+w.token)
	res, err := w.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != want {
		msg, _ := io.ReadAll(res.Body)
		return fmt.Errorf("%s: %d %s", path, res.StatusCode, msg)
	}
	return json.NewDecoder(res.Body).Decode(out)
}

// writePath is one way the node writes what must survive a crash. write
// does one write and returns how many records the node acknowledged, and
// at most how many it may have written without saying so (an answer lost
// in the crash); stored counts the path's records in the database.
// Another path (the outbox) is another row of crashPaths.
type writePath struct {
	name   string
	write  func(w *crashWriter, seq int) (acked, maybe int, err error)
	stored func(db *store.DB) (int, error)
}

// crashRegistration is an API registration of a child with a made-up name
// and a case of category cat, which tells the paths' records apart.
func crashRegistration(seq int, cat, ref string) api.Registration {
	letters := "abcdefghijklmnopqrstuvwxyz"
	name := func(n int) string {
		b := []byte{byte('A' + n%26)}
		for i := 0; i < 7; i++ {
			b = append(b, letters[rand.IntN(26)])
		}
		return string(b)
	}
	return api.Registration{
		Child: api.ChildInput{NationalRef: ref, GivenNames: name(seq), FamilyName: name(seq / 26), BirthDate: "2011", Sex: "female",
			Citizenships: []string{"AF"}},
		Case: api.CaseInput{Category: cat, Evidence: "presumed", ResponsibleOrg: "Migrationsverket"},
	}
}

func countCases(cat string) func(db *store.DB) (int, error) {
	return func(db *store.DB) (n int, err error) {
		err = db.SQL().QueryRow(db.Rebind("SELECT count(*) FROM cases WHERE category = ?"), cat).Scan(&n)
		return n, err
	}
}

// crashPaths are the node's write paths under test.
var crashPaths = []writePath{
	{"registration", func(w *crashWriter, seq int) (int, int, error) {
		var out api.Registered
		if err := w.post("/api/v1/children", crashRegistration(seq, "unaccompanied", ""), http.StatusCreated, &out); err != nil {
			return 0, 1, err
		}
		return 1, 0, nil
	}, countCases("unaccompanied")},
	{"import", func(w *crashWriter, seq int) (int, int, error) {
		const rows = 5
		var batch struct {
			Registrations []api.Registration `json:"registrations"`
		}
		for i := range rows {
			ref := fmt.Sprintf("CRASH-%d-%d", seq, i)
			batch.Registrations = append(batch.Registrations, crashRegistration(seq*rows+i, "separated", ref))
		}
		var out api.BatchResult
		if err := w.post("/api/v1/registrations:batch", batch, http.StatusOK, &out); err != nil {
			return 0, rows, err
		}
		return out.Created, 0, nil
	}, countCases("separated")},
}

// TestCrashNodeProcess is the node the crash test kills: it runs only when
// the crash test starts this binary with the crash environment.
func TestCrashNodeProcess(t *testing.T) {
	if os.Getenv(envCrashDB) == "" {
		t.Skip("the node process of TestKillNineLosesNothing")
	}
	c := crashConfig(os.Getenv(envCrashDB), os.Getenv(envCrashKeys))
	n, err := Open(context.Background(), c, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(os.Getenv(envCrashAddr), []byte(ln.Addr().String()), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Fatal(n.Serve(context.Background(), ln)) // until killed
}

func crashConfig(dbURL, keyFile string) *config.Config {
	c := &config.Config{Role: "node", Country: "SE", Listen: "127.0.0.1:0", DatabaseURL: dbURL, KeyFile: keyFile, NetworkSchema: "child-clk",
		LogLevel: "error", LogFormat: "json", Language: "en",
		IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 12 * time.Hour, ShutdownTimeout: 5 * time.Second}
	return c
}

// TestKillNineLosesNothing runs the node as a process of its own, writes
// to it concurrently through every write path, kills it with SIGKILL in
// the middle, starts it again, writes more, kills it again, and then
// checks that every write the node acknowledged is in the database and
// that the audit log verifies. On SQLite and PostgreSQL.
func TestKillNineLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node processes")
	}
	for _, be := range []string{store.DialectSQLite, store.DialectPostgres} {
		t.Run(be, func(t *testing.T) {
			dbURL := storetest.SQLiteURL(t)
			if be == store.DialectPostgres {
				dbURL = storetest.PostgresURL(t)
			}
			killNine(t, dbURL)
		})
	}
}

func killNine(t *testing.T, dbURL string) {
	ctx := context.Background()
	keyFile := filepath.Join(t.TempDir(), "keys.json")
	if err := crypto.GenerateKeyFile(keyFile); err != nil {
		t.Fatal(err)
	}
	c := crashConfig(dbURL, keyFile)
	kr, err := Keyring(c)
	if err != nil {
		t.Fatal(err)
	}
	db, err := OpenDB(ctx, c, kr, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	_, token, err := tokens.NewService(store.NewTokenStore(db), time.Now).Create(ctx, auth.SystemActor, "crash", "SE", tokens.Scopes)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	acked := make([]atomic.Int64, len(crashPaths))
	maybe := make([]atomic.Int64, len(crashPaths))
	var seq atomic.Int64
	for round := range 2 {
		base, kill := startCrashNode(t, dbURL, keyFile)
		w := &crashWriter{base: base, token: token, http: &http.Client{Timeout: 20 * time.Second}}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var errsSeen atomic.Int64
		for g := range 6 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					i := (g + int(seq.Load())) % len(crashPaths)
					a, m, err := crashPaths[i].write(w, int(seq.Add(1)))
					acked[i].Add(int64(a))
					maybe[i].Add(int64(m))
					if err != nil {
						errsSeen.Add(1)
						select {
						case <-stop:
						default:
							t.Errorf("%s before the kill: %v", crashPaths[i].name, err)
						}
						return
					}
				}
			})
		}
		time.Sleep(time.Second + time.Duration(rand.IntN(500))*time.Millisecond)
		close(stop)
		kill() // SIGKILL while the writers are in flight
		wg.Wait()
		t.Logf("round %d: %d writes in flight when killed", round, errsSeen.Load())
	}

	// Restart once more so that recovery (WAL replay) has happened, then
	// look at the database from here.
	_, kill := startCrashNode(t, dbURL, keyFile)
	kill()
	db, err = OpenDB(ctx, c, kr, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i, p := range crashPaths {
		n, err := p.stored(db)
		if err != nil {
			t.Fatal(err)
		}
		a, m := acked[i].Load(), maybe[i].Load()
		t.Logf("%s: %d acknowledged, %d stored, %d unanswered", p.name, a, n, m)
		if a == 0 {
			t.Errorf("%s: nothing was acknowledged; the test wrote nothing", p.name)
		}
		if int64(n) < a {
			t.Errorf("%s: %d records acknowledged, only %d stored: %d lost", p.name, a, n, a-int64(n))
		}
		if int64(n) > a+m {
			t.Errorf("%s: %d stored, more than the %d acknowledged and %d unanswered", p.name, n, a, m)
		}
	}
	rep, err := audit.Verify(ctx, db, ChainOf(kr))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Errorf("audit verify after the crashes: %s", rep)
	}
}

// startCrashNode starts the node process on dbURL and waits until it
// answers /readyz; kill sends it SIGKILL and waits for it to end.
func startCrashNode(t *testing.T, dbURL, keyFile string) (base string, kill func()) {
	t.Helper()
	addrFile := filepath.Join(t.TempDir(), "addr")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashNodeProcess$", "-test.timeout=0")
	cmd.Env = append(os.Environ(), envCrashDB+"="+dbURL, envCrashKeys+"="+keyFile, envCrashAddr+"="+addrFile)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	kill = func() {
		once.Do(func() {
			cmd.Process.Kill() // SIGKILL on Unix
			cmd.Wait()
		})
	}
	t.Cleanup(kill)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if b, err := os.ReadFile(addrFile); err == nil && len(b) > 0 {
			base = "http://" + strings.TrimSpace(string(b))
			if res, err := http.Get(base + "/readyz"); err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					return base, kill
				}
			}
		}
		if time.Now().After(deadline) || cmd.ProcessState != nil {
			kill()
			t.Fatalf("the node process did not start:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
