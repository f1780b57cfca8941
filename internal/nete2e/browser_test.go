package nete2e

import (
	"context"
	"encoding/base32"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/webtest"
)

// chromiumPath is Debian's Chromium, as .ci/run installs it.
const chromiumPath = "/usr/bin/chromium"

// TestBrowserHitFromAnotherNode: an officer signs in on node FI in
// Chromium and finds, in the queue of possible matches abroad, the match
// created by the child node SE registered.
func TestBrowserHitFromAnotherNode(t *testing.T) {
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

	ctx := context.Background()
	u, password, err := fi.Auth.CreateUser(ctx, auth.SystemActor, auth.NewUser{Username: "aino.officer", DisplayName: "Aino Virtanen", Role: auth.RoleOfficer, Country: "FI"})
	if err != nil {
		t.Fatal(err)
	}
	secret := auth.NewTOTPSecret()
	if err := fi.Auth.SeedSecondFactor(ctx, auth.SystemActor, u.ID, secret); err != nil {
		t.Fatal(err)
	}
	fi.register(t, cases.ChildInput{NationalRef: "FI-2026-11", GivenNames: "Muhammad", FamilyName: "Al-Hassan",
		BirthDate: "2011-01-01", BirthPrecision: cases.PrecisionEstimated, Sex: cases.SexMale, Citizenships: []string{"SY"}})
	se.register(t, cases.ChildInput{NationalRef: "SE-2026-7", GivenNames: "Mohammed", FamilyName: "Alhassan",
		BirthDate: "2011-03-14", Sex: cases.SexMale, Citizenships: []string{"SY"}})
	waitFor(t, 30*time.Second, "the hit on FI", func() bool { return len(fi.queue(t)) == 1 })

	dir := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(dir), chromedp.WindowSize(1280, 900))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	bctx, cancel := context.WithTimeout(bctx, 60*time.Second)
	defer cancel()

	code, err := auth.GenerateCode(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(bctx,
		chromedp.Navigate(fi.url+"/signin"),
		chromedp.SendKeys(chromedp.ID("username"), u.Username),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS("form[action='/signin'] button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("code")),
		chromedp.SendKeys(chromedp.ID("code"), code),
		chromedp.Click(chromedp.CSS("form[action='/signin/code'] button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#queue-matches_abroad")),
		chromedp.Click(chromedp.CSS("#queue-matches_abroad a")),
		chromedp.WaitVisible(chromedp.CSS("table#hits")),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	heading, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil {
		t.Fatal(err)
	}
	table, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("table#hits tbody")))
	if err != nil {
		t.Fatal(err)
	}
	if heading != "Possible matches abroad" || !strings.Contains(table, "SE") || !strings.Contains(table, "High") && !strings.Contains(table, "Possible") {
		t.Fatalf("hit queue: heading %q, table %q", heading, table)
	}
	// The queue meets WCAG 2.2 AA as the node's other pages do (axe-core).
	webtest.RequireAccessible(t, bctx, "/hits")
}
