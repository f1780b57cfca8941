package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// wantMigrations are the migrations this binary ships, in order.
var wantMigrations = []string{"0001_auth", "0002_audit", "0003_cases", "0004_api_tokens", "0005_authorship", "0006_token_expiry", "0007_account_approval", "0008_national_ref_at_rest", "0010_health", "0020_hub", "0030_exchange_node", "0040_site", "0050_stats", "0051_hub_stats", "0055_followup", "0056_alerts", "0058_followup_attachments", "0059_hub_witness", "0060_duplicate_block", "0061_child_blocks", "0062_hot_rows", "0063_hit_explanation"}

func TestMigrateIdempotentAndRecorded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		// storetest has migrated once already: nothing is pending or applied.
		pending, err := db.Pending(ctx)
		if err != nil || len(pending) != 0 {
			t.Fatalf("Pending after migrate = %v, %v; want none", pending, err)
		}
		for range 2 {
			applied, err := db.Migrate(ctx)
			if err != nil || len(applied) != 0 {
				t.Fatalf("second Migrate = %v, %v; want nothing applied", applied, err)
			}
		}
		rows, err := db.SQL().Query(`SELECT name, applied_at FROM schema_migrations ORDER BY name`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var names []string
		for rows.Next() {
			var name string
			var at any
			if err := rows.Scan(&name, &at); err != nil {
				t.Fatal(err)
			}
			if at == nil {
				t.Errorf("migration %s has no applied time", name)
			}
			names = append(names, name)
		}
		if !slices.Equal(names, wantMigrations) {
			t.Errorf("schema_migrations = %v, want %v", names, wantMigrations)
		}
	})
}

func TestMigrateFresh(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{URL: filepath.Join(t.TempDir(), "fresh.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pending, err := db.Pending(ctx)
	if err != nil || !slices.Equal(pending, wantMigrations) {
		t.Fatalf("Pending on an empty database = %v, %v; want %v", pending, err, wantMigrations)
	}
	applied, err := db.Migrate(ctx)
	if err != nil || !slices.Equal(applied, wantMigrations) {
		t.Fatalf("Migrate = %v, %v; want %v", applied, err, wantMigrations)
	}
	if applied, err := db.Migrate(ctx); err != nil || len(applied) != 0 {
		t.Fatalf("Migrate again = %v, %v; want nothing", applied, err)
	}
}

func TestMigrateRefusesUnknownMigration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		_, err := db.SQL().Exec(db.Rebind(`INSERT INTO schema_migrations (name, applied_at) VALUES (?, (SELECT applied_at FROM schema_migrations WHERE name = ?))`),
			"9999_from_the_future", "0001_auth")
		if err != nil {
			t.Fatal(err)
		}
		for name, call := range map[string]func() error{
			"Migrate": func() error { _, err := db.Migrate(ctx); return err },
			"Pending": func() error { _, err := db.Pending(ctx); return err },
		} {
			err := call()
			if !errors.Is(err, store.ErrNewerSchema) || errs.CodeOf(err) != errs.Conflict {
				t.Errorf("%s with an unknown migration: %v; want Conflict caused by ErrNewerSchema", name, err)
			}
			if msg := errs.MessageOf(err); !strings.Contains(msg, "9999_from_the_future") {
				t.Errorf("%s message %q does not name the unknown migration", name, msg)
			}
		}
	})
}

// TestMigrateConcurrently starts several processes' worth of handles on one
// empty database at once: each migration is applied exactly once.
func TestMigrateConcurrently(t *testing.T) {
	for _, tt := range []struct {
		name string
		url  func(testing.TB) string
	}{{store.DialectSQLite, storetest.SQLiteURL}, {store.DialectPostgres, storetest.PostgresURL}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			url := tt.url(t)
			var dbs []*store.DB
			for range 3 {
				db, err := store.Open(ctx, store.Options{URL: url, MaxReadConns: 2})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				dbs = append(dbs, db)
			}
			var mu sync.Mutex
			var all []string
			var wg sync.WaitGroup
			for _, db := range dbs {
				wg.Go(func() {
					applied, err := db.Migrate(ctx)
					if err != nil {
						t.Error(err)
					}
					mu.Lock()
					all = append(all, applied...)
					mu.Unlock()
				})
			}
			wg.Wait()
			slices.Sort(all)
			if !slices.Equal(all, wantMigrations) {
				t.Errorf("applied %v in all, want each of %v once", all, wantMigrations)
			}
		})
	}
}
