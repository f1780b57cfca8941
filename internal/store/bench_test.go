package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// benchEach runs a benchmark on SQLite and, when configured, PostgreSQL.
func benchEach(b *testing.B, fn func(b *testing.B, db *store.DB)) {
	b.Run(store.DialectSQLite, func(b *testing.B) { fn(b, storetest.New(b)) })
	b.Run(store.DialectPostgres, func(b *testing.B) { fn(b, storetest.Postgres(b)) })
}

// BenchmarkAppendAudit measures audited write transactions from parallel
// goroutines: each is durable (SQLite synchronous=FULL) and serialised on
// the chain head.
func BenchmarkAppendAudit(b *testing.B) {
	benchEach(b, func(b *testing.B, db *store.DB) {
		ctx := context.Background()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := db.AppendAudit(ctx, rec("bench.append", "SE")); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
	})
}

// BenchmarkSessionLookup measures the read every authenticated request
// makes.
func BenchmarkSessionLookup(b *testing.B) {
	benchEach(b, func(b *testing.B, db *store.DB) {
		ctx := context.Background()
		s := store.NewAuthStore(db)
		const n = 1000
		err := s.Update(ctx, func(tx auth.Tx) error {
			u := newUser("bench", auth.RoleOfficer, "SE")
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			for i := range n {
				if err := tx.CreateSession(ctx, &auth.Session{TokenHash: fmt.Appendf(nil, "token-%d", i), UserID: u.ID, Stage: auth.StageFull}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				i++
				err := s.View(ctx, func(tx auth.Tx) error {
					_, err := tx.SessionByHash(ctx, fmt.Appendf(nil, "token-%d", i%n))
					return err
				})
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	})
}
