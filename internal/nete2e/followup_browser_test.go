package nete2e

import (
	"context"
	"encoding/base32"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/webtest"
)

// browserUser creates a user with a second factor on a node.
func browserUser(t *testing.T, tn *testNode, name string, role auth.Role) (user, password string, secret []byte) {
	t.Helper()
	u, pw, err := tn.Auth.CreateUser(context.Background(), auth.SystemActor, auth.NewUser{Username: name, DisplayName: name,
		Role: role, Country: auth.Country(tn.cfg.Country)})
	if err != nil {
		t.Fatal(err)
	}
	secret = auth.NewTOTPSecret()
	if err := tn.Auth.SeedSecondFactor(context.Background(), auth.SystemActor, u.ID, secret); err != nil {
		t.Fatal(err)
	}
	return u.Username, pw, secret
}

func signIn(t *testing.T, base, user, password string, secret []byte) []chromedp.Action[chromedp.Void] {
	t.Helper()
	code, err := auth.GenerateCode(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/signin"),
		chromedp.SendKeys(chromedp.ID("username"), user),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS("form[action='/signin'] button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("code")),
		chromedp.SendKeys(chromedp.ID("code"), code),
		chromedp.Click(chromedp.CSS("form[action='/signin/code'] button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#queue-matches_abroad")),
	}
}

// TestBrowserFollowUpAcrossNodes: an officer in SE asks from a hit; a
// supervisor in FI grants two fields; the officer in SE reads them; the
// hub's files hold none of them.
func TestBrowserFollowUpAcrossNodes(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests need Chromium at %s (CI=true): %v", chromiumPath, err)
		}
		t.Skipf("browser test skipped: no Chromium at %s", chromiumPath)
	}
	n := newNet(t)
	se := n.startNode(t, "SE", nil)
	fi := n.startNode(t, "FI", nil)
	shareSecret(t, se, fi)
	se.register(t, cases.ChildInput{NationalRef: "SE-2026-8", GivenNames: "Mohammed", FamilyName: "Alhassan",
		BirthDate: "2011-03-14", Sex: cases.SexMale, Citizenships: []string{"SY"}})
	fi.register(t, cases.ChildInput{NationalRef: "FI-2026-12", GivenNames: "Muhammad", FamilyName: "Al-Hassan",
		BirthDate: "2011-01-01", BirthPrecision: cases.PrecisionEstimated, Sex: cases.SexMale, Citizenships: []string{"SY"}})
	waitFor(t, 30*time.Second, "the hit on SE", func() bool { return len(se.queue(t)) == 1 })
	seUser, sePW, seSecret := browserUser(t, se, "sara.officer", auth.RoleOfficer)
	fiUser, fiPW, fiSecret := browserUser(t, fi, "aino.supervisor", auth.RoleSupervisor)
	// Cookies do not tell ports apart: FI is reached as localhost.
	fiURL := strings.Replace(fi.url, "127.0.0.1", "localhost", 1)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	bctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()

	// SE: from the hit queue to a sealed request.
	err := chromedp.Do(bctx, append(signIn(t, se.url, seUser, sePW, seSecret),
		chromedp.Navigate(se.url+"/hits"),
		chromedp.Click(chromedp.CSS("a.followup-new")),
		chromedp.WaitVisible(chromedp.ID("followup-new")),
		chromedp.SendKeys(chromedp.ID("purpose"), "Establish whether this is the child missing from the Kallbacka home."),
		chromedp.SetValue(chromedp.ID("legal_basis"), "dir-2023-977"),
		chromedp.Click(chromedp.ID("urgency-urgent")),
		chromedp.Click(chromedp.ID("asked-given_names")),
		chromedp.Click(chromedp.ID("asked-birth_date")),
		chromedp.Click(chromedp.CSS("#followup-new button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("followup-state")),
	)...)
	if err != nil {
		t.Fatalf("SE asks: %v", err)
	}
	state, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("followup-state")))
	if err != nil || !strings.Contains(state, "Sent") {
		t.Fatalf("SE's request state %q %v", state, err)
	}
	var in *followup.Request
	waitFor(t, 15*time.Second, "the request on FI", func() bool {
		l, _ := fi.Exchange.FollowUp.List(context.Background(), officer("FI"), 10)
		if len(l) == 1 {
			in = l[0]
		}
		return in != nil
	})

	// FI: a supervisor grants two fields.
	err = chromedp.Do(bctx, append(signIn(t, fiURL, fiUser, fiPW, fiSecret),
		chromedp.Navigate(fiURL+"/followup"),
		chromedp.Click(chromedp.CSS("table#followups tbody a")),
		chromedp.WaitVisible(chromedp.ID("followup-decide")),
		chromedp.SetValue(chromedp.ID("outcome"), "grant"),
		chromedp.Click(chromedp.ID("field-given_names")),
		chromedp.Click(chromedp.ID("field-birth_date")),
		chromedp.SetValue(chromedp.CSS("#followup-decide #handling"), "H2"),
		chromedp.SetValue(chromedp.CSS("#followup-decide #evaluation"), "A1"),
		chromedp.Click(chromedp.CSS("#followup-decide button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("li.event[data-kind=decided]")),
	)...)
	if err != nil {
		t.Fatalf("FI decides: %v", err)
	}

	// SE: the officer reads the two fields.
	var out *followup.Request
	waitFor(t, 15*time.Second, "the answer on SE", func() bool {
		l, _ := se.Exchange.FollowUp.List(context.Background(), officer("SE"), 10)
		if len(l) == 1 && l[0].State == followup.StateGranted {
			out = l[0]
		}
		return out != nil
	})
	err = chromedp.Do(bctx, chromedp.Navigate(se.url+"/followup/"+strconv.FormatInt(out.ID, 10)),
		chromedp.WaitVisible(chromedp.CSS("table.disclosure")))
	if err != nil {
		t.Fatalf("SE reads: %v", err)
	}
	table, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("table.disclosure")))
	if err != nil {
		t.Fatalf("SE reads: %v", err)
	}
	if !strings.Contains(table, "Muhammad") || !strings.Contains(table, "2011-01-01") || strings.Contains(table, "Al-Hassan") {
		t.Fatalf("SE reads %q; want the given names and date of birth only", table)
	}

	// SE: the officer attaches a photo from the thread page; the page with
	// its list of files meets WCAG 2.2 AA like the others.
	photo := filepath.Join(t.TempDir(), "photo-of-mohammed.png")
	if err := os.WriteFile(photo, testPNG(t, "Photo of Mohammed"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(bctx, chromedp.SetUploadFiles(chromedp.ID("file"), []string{photo}),
		chromedp.SetValue(chromedp.ID("att-handling"), "H2"),
		chromedp.Click(chromedp.CSS("#followup-attach button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#followup-attachments a[download]")))
	if err != nil {
		t.Fatalf("SE attaches a photo: %v", err)
	}
	webtest.RequireAccessible(t, bctx, "/followup/N (attachments)")
	waitFor(t, 15*time.Second, "the photo on FI", func() bool {
		th, err := fi.Exchange.FollowUp.Read(context.Background(), supervisor("FI"), in.ID)
		return err == nil && len(th.Attachments) == 1 && th.Attachments[0].Name == "photo-of-mohammed.png"
	})

	n.stopHub()
	for _, f := range []string{"hub.db", "hub.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(n.dir, "hub-SE", f))
		for _, s := range []string{"Muhammad", "2011-01-01", "Kallbacka", "dir-2023-977"} {
			if strings.Contains(string(b), s) {
				t.Errorf("the hub's %s contains %q", f, s)
			}
		}
	}
}
