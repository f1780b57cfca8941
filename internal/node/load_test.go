package node

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
	"github.com/cbss-egcc/childcentre/internal/webtest"
)

// startNode migrates the database at dbURL, starts a node on a free
// loopback port and returns it with its base URL.
func startNode(tb testing.TB, dbURL string) (*Node, string) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	n := openNode(tb, dbURL, nil, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- n.Serve(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Error(err)
		}
	})
	return n, "http://" + ln.Addr().String()
}

// openNode migrates the database at dbURL and opens a Swedish node on it
// with the clock now (time.Now if nil), after mod has adjusted the
// configuration; the node is closed when the test ends.
func openNode(tb testing.TB, dbURL string, now func() time.Time, mod func(*config.Config)) *Node {
	tb.Helper()
	keyFile := filepath.Join(tb.TempDir(), "keys.json")
	if err := crypto.GenerateKeyFile(keyFile); err != nil {
		tb.Fatal(err)
	}
	c := &config.Config{Role: "node", Country: "SE", Listen: "127.0.0.1:0", DatabaseURL: dbURL, KeyFile: keyFile,
		LogLevel: "error", LogFormat: "json", Language: "en",
		IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 12 * time.Hour, ShutdownTimeout: 5 * time.Second,
		NetworkSchema: "child-clk"} // serve's default, which Validate now requires
	if mod != nil {
		mod(c)
	}
	if err := c.Validate(); err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	logger := slog.New(slog.DiscardHandler)
	kr, err := Keyring(c)
	if err != nil {
		tb.Fatal(err)
	}
	db, err := OpenDB(ctx, c, kr, logger, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	db.Close()
	n, err := Open(ctx, c, logger, now)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { n.Close() })
	return n
}

type loadUser struct{ name, password, secret string }

// seedOfficers creates k officers with an enrolled second factor.
func seedOfficers(tb testing.TB, n *Node, prefix string, k int) []loadUser {
	tb.Helper()
	ctx := context.Background()
	users := make([]loadUser, k)
	for i := range users {
		name := fmt.Sprintf("%s%03d", prefix, i)
		u, pw, err := n.Auth.CreateUser(ctx, auth.SystemActor, auth.NewUser{Username: name, DisplayName: name, Role: auth.RoleOfficer, Country: "SE"})
		if err != nil {
			tb.Fatal(err)
		}
		secret := make([]byte, 20)
		rand.Read(secret)
		if err := n.Auth.SeedSecondFactor(ctx, auth.SystemActor, u.ID, secret); err != nil {
			tb.Fatal(err)
		}
		users[i] = loadUser{name, pw, base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret)}
	}
	return users
}

// sessions is the number of concurrent signed-in users of the load benchmark.
const sessions = 50

// BenchmarkLoad measures, on SQLite and (with CHILDCENTRE_TEST_POSTGRES) on
// PostgreSQL, the sign-in throughput of 50 users signing in at once
// (password with Argon2id, then TOTP) and the latency of an authenticated
// page under 50 concurrent sessions:
//
//	go test -run '^$' -bench Load -benchtime 2000x ./internal/node/
func BenchmarkLoad(b *testing.B) {
	backends := []struct{ name, url string }{{"sqlite", ""}, {"postgres", os.Getenv(storetest.EnvPostgres)}}
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			url := storetest.SQLiteURL(b)
			if be.name == "postgres" {
				if be.url == "" {
					b.Skip("set " + storetest.EnvPostgres + " to measure PostgreSQL")
				}
				url = storetest.PostgresURL(b)
			}
			n, base := startNode(b, url)
			users := seedOfficers(b, n, "load", sessions)
			clients := make([]*webtest.Client, sessions)

			start := time.Now()
			var wg sync.WaitGroup
			var failed atomic.Int32
			for i := range users {
				wg.Go(func() {
					clients[i] = webtest.New(base)
					if _, err := clients[i].SignIn(users[i].name, users[i].password, users[i].secret, time.Now()); err != nil {
						b.Log(err)
						failed.Add(1)
					}
				})
			}
			wg.Wait()
			if failed.Load() > 0 {
				b.Fatalf("%d sign-ins failed", failed.Load())
			}
			signins := float64(sessions) / time.Since(start).Seconds()

			lat := make([][]time.Duration, sessions)
			var next atomic.Int64
			b.ResetTimer()
			start = time.Now()
			for i := range clients {
				wg.Go(func() {
					for next.Add(1) <= int64(b.N) {
						t0 := time.Now()
						p, err := clients[i].Get("/account")
						if err != nil || p.Status != 200 {
							b.Errorf("GET /account: %v %d", err, p.Status)
							return
						}
						lat[i] = append(lat[i], time.Since(t0))
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			for _, c := range clients {
				c.Close()
			}
			// Reported after ResetTimer, which clears reported metrics.
			b.ReportMetric(signins, "signins/s")
			all := slices.Concat(lat...)
			slices.Sort(all)
			if len(all) > 0 {
				b.ReportMetric(float64(len(all))/elapsed.Seconds(), "pages/s")
				b.ReportMetric(float64(all[len(all)*95/100].Microseconds())/1000, "p95-ms")
				b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
			}
		})
	}
}
