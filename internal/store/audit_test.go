package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

func rec(action, country string) audit.Record {
	return audit.Record{Actor: "user:1", Role: "ncp_officer", Country: country, Action: action,
		Target: "user:2", Outcome: "ok", Addr: "a1b2", Detail: "fields=role"}
}

// walk returns every entry, failing the test on error.
func walk(t *testing.T, db *store.DB) []audit.Entry {
	t.Helper()
	var all []audit.Entry
	if err := db.WalkAudit(context.Background(), func(e audit.Entry) error { all = append(all, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return all
}

// checkChain checks that entries are 1..n, each valid and linked to the
// previous one, and that the head is the last.
func checkChain(t *testing.T, db *store.DB, entries []audit.Entry, n int) {
	t.Helper()
	if len(entries) != n {
		t.Fatalf("%d entries, want %d", len(entries), n)
	}
	chain := storetest.Chain()
	prev := make([]byte, audit.HashSize)
	for i, e := range entries {
		if e.Seq != int64(i+1) {
			t.Fatalf("entry %d has seq %d", i+1, e.Seq)
		}
		if !chain.Valid(e) {
			t.Fatalf("entry %d does not verify", e.Seq)
		}
		if !bytes.Equal(e.Prev, prev) {
			t.Fatalf("entry %d: Prev is not the hash of entry %d", e.Seq, e.Seq-1)
		}
		prev = e.Hash
	}
	seq, hash, err := db.AuditHead(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if seq != int64(n) || (n > 0 && !bytes.Equal(hash, prev)) || (n == 0 && hash != nil) {
		t.Fatalf("AuditHead = %d, %x; want %d and the last hash", seq, hash, n)
	}
}

func TestAuditCommitsAndRollsBackWithTheAct(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		s := store.NewAuthStore(db)
		checkChain(t, db, walk(t, db), 0)

		// Committed with the act.
		u := newUser("alice", auth.RoleOfficer, "SE")
		update(t, s, func(tx auth.Tx) error {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			return tx.AppendAudit(ctx, rec("user.create", "SE"))
		})
		// Rolled back with it: neither the user nor the record remain, and
		// the head did not move.
		boom := errors.New("boom")
		err := s.Update(ctx, func(tx auth.Tx) error {
			if err := tx.CreateUser(ctx, newUser("bob", auth.RoleOfficer, "SE")); err != nil {
				return err
			}
			if err := tx.AppendAudit(ctx, rec("user.create", "SE")); err != nil {
				return err
			}
			return boom
		})
		if err != boom {
			t.Fatalf("Update = %v, want boom", err)
		}
		// An act that fails on a constraint takes its record with it.
		err = s.Update(ctx, func(tx auth.Tx) error {
			if err := tx.AppendAudit(ctx, rec("user.create", "SE")); err != nil {
				return err
			}
			return tx.CreateUser(ctx, newUser("alice", auth.RoleOfficer, "SE"))
		})
		if !errs.Is(err, errs.Conflict) {
			t.Fatalf("duplicate create = %v, want Conflict", err)
		}
		// A record of its own, then one after the rollbacks: no gap.
		if err := db.AppendAudit(ctx, rec("auth.signin_failed", "SE")); err != nil {
			t.Fatal(err)
		}
		entries := walk(t, db)
		checkChain(t, db, entries, 2)
		if entries[0].Action != "user.create" || entries[1].Action != "auth.signin_failed" {
			t.Errorf("entries are %s, %s", entries[0].Action, entries[1].Action)
		}
		err = s.View(ctx, func(tx auth.Tx) error {
			_, err := tx.UserByName(ctx, "bob")
			return err
		})
		if !errs.Is(err, errs.NotFound) {
			t.Errorf("rolled-back user: %v, want NotFound", err)
		}
	})
}

func TestAuditEntryRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		tests := []audit.Record{
			{Time: t0, Actor: "user:12", Role: "auditor", Country: "LT", Action: "audit.read", Target: "",
				Outcome: "ok", Addr: "ff00", Detail: "page=2"},
			{}, // all empty; time from the store's clock
			{Time: time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.UTC), Actor: "system", Action: "ünïcode.ç", Detail: "€ ' \" ? $1 %"},
		}
		for _, r := range tests {
			if err := db.AppendAudit(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		entries := walk(t, db)
		checkChain(t, db, entries, len(tests))
		for i, r := range tests {
			want := r
			if want.Time.IsZero() {
				want.Time = t0
			}
			want.Time = want.Time.UTC().Truncate(time.Microsecond)
			got := entries[i].Record
			if !got.Time.Equal(want.Time) || got.Time.Location() != time.UTC {
				t.Errorf("entry %d time %v, want %v", i+1, got.Time, want.Time)
			}
			got.Time, want.Time = time.Time{}, time.Time{}
			if got != want {
				t.Errorf("entry %d = %+v, want %+v", i+1, got, want)
			}
		}
		// Raw statements find the times by TimeArg: two entries at t0.
		var n int
		if err := db.SQL().QueryRow(db.Rebind(`SELECT count(*) FROM audit_log WHERE time = ?`), db.TimeArg(t0)).Scan(&n); err != nil || n != 2 {
			t.Errorf("entries at TimeArg(t0): %d, %v; want 2", n, err)
		}
	}, storetest.WithNow(fixedClock()))
}

func TestAuditConcurrentAppenders(t *testing.T) {
	workers, each := 8, 50
	if testing.Short() {
		workers, each = 4, 10
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		s := store.NewAuthStore(db)
		var wg sync.WaitGroup
		errc := make(chan error, workers)
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					// Half append alone, half inside a transaction that writes.
					var err error
					if i%2 == 0 {
						err = db.AppendAudit(ctx, rec(fmt.Sprintf("test.w%d", w), "SE"))
					} else {
						err = s.Update(ctx, func(tx auth.Tx) error {
							if err := tx.CreateUser(ctx, newUser(fmt.Sprintf("u%d-%d", w, i), auth.RoleOfficer, "SE")); err != nil {
								return err
							}
							return tx.AppendAudit(ctx, rec(fmt.Sprintf("test.w%d", w), "SE"))
						})
					}
					if err != nil {
						errc <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Fatal(err)
		}
		checkChain(t, db, walk(t, db), workers*each)
	})
}

func TestWalkAudit(t *testing.T) {
	n := 1100 // three batches
	if testing.Short() {
		n = 600
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		err := db.Update(ctx, func(tx *store.Tx) error {
			for i := range n {
				if err := tx.AppendAudit(ctx, rec(fmt.Sprintf("a.%d", i), "SE")); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		entries := walk(t, db)
		checkChain(t, db, entries, n)
		for i, e := range entries {
			if e.Action != fmt.Sprintf("a.%d", i) {
				t.Fatalf("entry %d has action %s", e.Seq, e.Action)
			}
		}
		// fn's error stops the walk and is returned as is.
		stop := errors.New("stop")
		calls := 0
		err = db.WalkAudit(ctx, func(e audit.Entry) error {
			calls++
			if e.Seq == 7 {
				return stop
			}
			return nil
		})
		if err != stop || calls != 7 {
			t.Errorf("WalkAudit = %v after %d calls; want stop after 7", err, calls)
		}
	})
}

func TestListAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		base := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
		// 20 entries, one a minute: countries alternate, actions cycle.
		actions := []string{"auth.signin", "auth.signin_failed", "user.create", "authz.denied"}
		for i := range 20 {
			r := audit.Record{Time: base.Add(time.Duration(i) * time.Minute), Actor: fmt.Sprintf("user:%d", i%3),
				Country: []string{"SE", "LT"}[i%2], Action: actions[i%4], Target: fmt.Sprintf("user:%d", i%5), Outcome: "ok"}
			if err := db.AppendAudit(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		// want computes the expected seqs, newest first, by brute force.
		want := func(keep func(i int) bool) (seqs []int64) {
			for i := 19; i >= 0; i-- {
				if keep(i) {
					seqs = append(seqs, int64(i+1))
				}
			}
			return seqs
		}
		tests := []struct {
			name  string
			f     audit.Filter
			total []int64 // every match, newest first
			page  []int64 // the page returned
		}{
			{name: "all, default limit", f: audit.Filter{}, total: want(func(int) bool { return true })},
			{name: "country", f: audit.Filter{Country: "LT"}, total: want(func(i int) bool { return i%2 == 1 })},
			{name: "action prefix", f: audit.Filter{Action: "auth."}, total: want(func(i int) bool { return i%4 < 2 })},
			{name: "prefix is not a substring", f: audit.Filter{Action: "signin"}, total: nil},
			{name: "prefix is case-sensitive", f: audit.Filter{Action: "AUTH."}, total: nil},
			{name: "prefix with LIKE metacharacters", f: audit.Filter{Action: "auth%"}, total: nil},
			{name: "full action", f: audit.Filter{Action: "auth.signin_failed"}, total: want(func(i int) bool { return i%4 == 1 })},
			{name: "actor", f: audit.Filter{Actor: "user:2"}, total: want(func(i int) bool { return i%3 == 2 })},
			{name: "target", f: audit.Filter{Target: "user:4"}, total: want(func(i int) bool { return i%5 == 4 })},
			{name: "from inclusive", f: audit.Filter{From: base.Add(15 * time.Minute)}, total: want(func(i int) bool { return i >= 15 })},
			{name: "to exclusive", f: audit.Filter{To: base.Add(3 * time.Minute)}, total: want(func(i int) bool { return i < 3 })},
			{name: "range in another zone", f: audit.Filter{
				From: base.Add(5 * time.Minute).In(time.FixedZone("X", -7*3600)), To: base.Add(8*time.Minute + 30*time.Second)},
				total: want(func(i int) bool { return i >= 5 && i <= 8 })},
			{name: "combined", f: audit.Filter{Country: "SE", Action: "auth.", From: base.Add(4 * time.Minute)},
				total: want(func(i int) bool { return i%2 == 0 && i%4 < 2 && i >= 4 })},
			{name: "limit", f: audit.Filter{Limit: 3}, total: want(func(int) bool { return true }), page: []int64{20, 19, 18}},
			{name: "offset", f: audit.Filter{Limit: 3, Offset: 3}, total: want(func(int) bool { return true }), page: []int64{17, 16, 15}},
			{name: "last page", f: audit.Filter{Limit: 3, Offset: 18}, total: want(func(int) bool { return true }), page: []int64{2, 1}},
			{name: "past the end", f: audit.Filter{Limit: 3, Offset: 40}, total: want(func(int) bool { return true }), page: []int64{}},
			{name: "filtered page", f: audit.Filter{Country: "LT", Limit: 2, Offset: 1}, total: want(func(i int) bool { return i%2 == 1 }), page: []int64{18, 16}},
		}
		for _, tt := range tests {
			entries, total, err := db.ListAudit(ctx, tt.f)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			page := tt.page
			if page == nil {
				page = tt.total
			}
			var got []int64
			for _, e := range entries {
				got = append(got, e.Seq)
			}
			if total != len(tt.total) || fmt.Sprint(got) != fmt.Sprint(page) {
				t.Errorf("%s: seqs %v, total %d; want %v, total %d", tt.name, got, total, page, len(tt.total))
			}
		}
		entries, _, err := db.ListAudit(ctx, audit.Filter{Limit: 1})
		if err != nil || len(entries) != 1 || !storetest.Chain().Valid(entries[0]) {
			t.Errorf("ListAudit entries are not complete: %+v, %v", entries, err)
		}
	})
}

func TestAuditListLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		n := store.MaxAuditLimit + 5
		err := db.Update(ctx, func(tx *store.Tx) error {
			for range n {
				if err := tx.AppendAudit(ctx, rec("a.b", "SE")); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct{ limit, want int }{{0, store.DefaultAuditLimit}, {-1, store.DefaultAuditLimit}, {n, store.MaxAuditLimit}} {
			entries, total, err := db.ListAudit(ctx, audit.Filter{Limit: tt.limit})
			if err != nil || len(entries) != tt.want || total != n {
				t.Errorf("Limit %d: %d entries of %d, %v; want %d of %d", tt.limit, len(entries), total, err, tt.want, n)
			}
		}
	})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		for range 3 {
			if err := db.AppendAudit(ctx, rec("a.b", "SE")); err != nil {
				t.Fatal(err)
			}
		}
		for _, stmt := range []string{
			`UPDATE audit_log SET detail = 'x' WHERE seq = 2`,
			`DELETE FROM audit_log WHERE seq = 3`,
			`DELETE FROM audit_log`,
		} {
			if _, err := db.SQL().Exec(stmt); err == nil {
				t.Errorf("%s: the database accepted it", stmt)
			}
		}
		if db.Dialect() == store.DialectPostgres {
			if _, err := db.SQL().Exec(`TRUNCATE audit_log`); err == nil {
				t.Error("TRUNCATE audit_log: the database accepted it")
			}
		}
		checkChain(t, db, walk(t, db), 3)

		// Tamper lifts the guard for tests of verification.
		tamper := storetest.Tamper(t, db)
		tamper(`UPDATE audit_log SET detail = ? WHERE seq = ?`, "altered", 2)
		tamper(`DELETE FROM audit_log WHERE seq = ?`, 3)
		entries := walk(t, db)
		if len(entries) != 2 || entries[1].Detail != "altered" || storetest.Chain().Valid(entries[1]) {
			t.Errorf("after tampering: %d entries, second %+v", len(entries), entries[len(entries)-1])
		}
	})
}

func TestAuditNeedsChain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{URL: t.TempDir() + "/nochain.db"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.AppendAudit(ctx, rec("a.b", "SE")); errs.CodeOf(err) != errs.Internal {
		t.Errorf("AppendAudit without a chain = %v, want an internal error", err)
	}
}
