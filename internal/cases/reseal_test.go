package cases_test

import (
	"context"
	"sync"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// sealedKeys counts the sealed values by the data key that sealed them.
func sealedKeys(t *testing.T, e *env) map[crypto.KeyID]int {
	t.Helper()
	out := map[crypto.KeyID]int{}
	for _, q := range []string{
		`SELECT given_names FROM children`, `SELECT family_name FROM children`, `SELECT birth_date FROM children`,
		`SELECT birth_place FROM children`, `SELECT notes FROM children`, `SELECT name FROM child_aliases`,
		`SELECT outcome FROM child_assessments`, `SELECT assessed_by FROM child_assessments`,
		`SELECT close_reason FROM cases WHERE close_reason IS NOT NULL`,
		`SELECT reject_reason FROM cases WHERE reject_reason IS NOT NULL`, `SELECT notes FROM case_events`,
	} {
		rows, err := e.db.SQL().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v []byte
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			id, err := crypto.KeyIDOf(v)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			out[id]++
		}
		rows.Close()
	}
	return out
}

// hookStore runs hook once, before the first read-write transaction.
type hookStore struct {
	cases.Store
	once sync.Once
	hook func()
}

func (h *hookStore) Update(ctx context.Context, fn func(cases.Tx) error) error {
	h.once.Do(h.hook)
	return h.Store.Update(ctx, fn)
}

func TestResealAfterRotation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		fillSecrets(t, e)
		first, _ := e.register(t, officerSE, child("Amir", "Rahimi", "2011"))
		for range 3 {
			e.register(t, officerSE, child("Amina", "Yusuf", "2012"))
		}
		before := sealedKeys(t, e)
		total := before[1]
		if len(before) != 1 || total < 30 {
			t.Fatalf("before rotation: %v", before)
		}
		if _, err := e.keys.Rotate(); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.Reseal(e.ctx, officerSE, 0, nil)
		wantCode(t, err, errs.Forbidden)

		// A user edits a child between the re-sealer's read of the first
		// batch and its write: the edit must survive, and the value it wrote
		// need not be re-sealed again.
		read, err := e.svc.Child(e.ctx, officerSE, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		edited := child("Amir Reza", "Rahimi", "2011")
		hs := &hookStore{Store: e.svcStore(), hook: func() {
			if _, err := e.svc.UpdateChild(e.ctx, officerSE, first.ID, read.Version, edited); err != nil {
				t.Errorf("concurrent edit: %v", err)
			}
		}}
		resealer := cases.NewService(hs, e.keys.Sealer(crypto.PurposeIdentity), e.keys, cases.Config{})
		var progress []int
		n, err := resealer.Reseal(e.ctx, auth.SystemActor, 7, func(done int) { progress = append(progress, done) })
		if err != nil {
			t.Fatal(err)
		}
		after := sealedKeys(t, e)
		if after[1] != 0 || after[2] == 0 {
			t.Fatalf("after Reseal: %v", after)
		}
		// The edit re-sealed that child's five fields (its swaps missed and
		// the second pass found them under the new key); Reseal did the rest.
		if n != total-5 {
			t.Errorf("Reseal reports %d values, %d were sealed under the old key", n, total)
		}
		if len(progress) < 5 || progress[len(progress)-1] < total {
			t.Errorf("progress %v", progress)
		}
		// Nothing was lost: the edit is there, and a user who read a record
		// before the re-sealing can still save it (no false conflict).
		got, err := e.svc.Child(e.ctx, officerSE, first.ID)
		if err != nil || got.GivenNames != "Amir Reza" {
			t.Fatalf("edited child after Reseal: %+v, %v", got, err)
		}
		if _, err := e.svc.UpdateChild(e.ctx, officerSE, first.ID, got.Version, child("Amir", "Rahimi", "2011")); err != nil {
			t.Errorf("save after Reseal: %v", err)
		}
		// Once the old key is retired, everything still opens.
		if err := e.keys.Retire(1); err != nil {
			t.Fatal(err)
		}
		res, err := e.svc.Search(e.ctx, officerSE, cases.Query{PerPage: 100})
		if err != nil || res.Total != 5 {
			t.Fatalf("search after retiring the old key: %v", err)
		}
		for _, h := range res.Hits {
			for _, k := range h.Cases {
				if _, err := e.svc.Timeline(e.ctx, officerSE, k.ID); err != nil {
					t.Fatalf("timeline after retiring the old key: %v", err)
				}
			}
		}
		// A second run finds nothing to do.
		if n, err := e.svc.Reseal(e.ctx, auth.SystemActor, 0, nil); err != nil || n != 0 {
			t.Errorf("second Reseal: %d, %v", n, err)
		}
	})
}
