package cli

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/node"
	"github.com/cbss-egcc/childcentre/internal/store"
)

// TestKeysRotateIndex: after 'keys rotate-index' the key file holds a new
// index key, the children are found by search and by duplicate detection
// under it and no longer under the old one, and the audit log (whose chain
// key did not change) still verifies (issue 10 M3).
func TestKeysRotateIndex(t *testing.T) {
	vars, dbPath := adminNode(t)
	ctx := context.Background()
	officer := auth.Actor{UserID: 1, Role: auth.RoleOfficer, Country: "SE"}
	open := func() (*crypto.Keyring, *store.DB, *cases.Service) {
		t.Helper()
		kr, err := crypto.LoadKeyring(vars["CHILDCENTRE_KEY_FILE"])
		if err != nil {
			t.Fatal(err)
		}
		db, err := node.OpenDB(ctx, &config.Config{DatabaseURL: dbPath}, kr, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return kr, db, cases.NewService(store.NewCaseStore(db), kr.Sealer(crypto.PurposeIdentity), kr,
			cases.Config{Country: "SE", Now: func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }})
	}
	found := func(svc *cases.Service) (search, dups int) {
		t.Helper()
		res, err := svc.Search(ctx, officer, cases.Query{Text: "Mohammed Alhassan"})
		if err != nil {
			t.Fatal(err)
		}
		d, err := svc.Duplicates(ctx, officer, cases.ChildInput{GivenNames: "Muhammad", FamilyName: "Al-Hassan", BirthDate: "2011-04-02"})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total, len(d)
	}
	oldKeys, db, oldSvc := open()
	for _, n := range [][2]string{{"Muhammad", "Al-Hassan"}, {"Amina", "Yusuf"}, {"Олександр", "Шевченко"}} {
		_, _, err := oldSvc.Register(ctx, officer, cases.ChildInput{GivenNames: n[0], FamilyName: n[1], BirthDate: "2011-04-02", Sex: cases.SexMale},
			cases.CaseInput{Category: cases.CatUnaccompanied, Evidence: cases.EvidenceIdentified})
		if err != nil {
			t.Fatal(err)
		}
	}
	if s, d := found(oldSvc); s != 1 || d != 1 {
		t.Fatalf("before: search %d, duplicates %d", s, d)
	}
	db.Close()

	if code, stdout, stderr := runCLI(t, vars, "keys", "rotate-index"); code != 0 || !bytes.Contains([]byte(stdout), []byte("3 children re-indexed")) {
		t.Fatalf("rotate-index: %d %q %q", code, stdout, stderr)
	}
	if _, err := os.Stat(vars["CHILDCENTRE_KEY_FILE"] + ".next"); !os.IsNotExist(err) {
		t.Fatalf("the .next file is left behind: %v", err)
	}
	newKeys, _, newSvc := open()
	if bytes.Equal(newKeys.BlindIndex(crypto.BlindIndexName, "amina"), oldKeys.BlindIndex(crypto.BlindIndexName, "amina")) {
		t.Fatal("the index key did not change")
	}
	if !bytes.Equal(newKeys.Derive(crypto.PurposeAuditChain, 32), oldKeys.Derive(crypto.PurposeAuditChain, 32)) {
		t.Fatal("the chain key changed")
	}
	if s, d := found(newSvc); s != 1 || d != 1 {
		t.Fatalf("after, new key: search %d, duplicates %d", s, d)
	}
	_, _, staleSvc := func() (*crypto.Keyring, *store.DB, *cases.Service) {
		db2, err := node.OpenDB(ctx, &config.Config{DatabaseURL: dbPath}, oldKeys, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db2.Close() })
		return oldKeys, db2, cases.NewService(store.NewCaseStore(db2), oldKeys.Sealer(crypto.PurposeIdentity), oldKeys, cases.Config{Country: "SE"})
	}()
	if s, d := found(staleSvc); s != 0 || d != 0 {
		t.Fatalf("the old key still finds: search %d, duplicates %d", s, d)
	}
	if code, stdout, stderr := runCLI(t, vars, "audit", "verify"); code != 0 {
		t.Fatalf("audit verify after the rotation: %d %q %q", code, stdout, stderr)
	}
}
