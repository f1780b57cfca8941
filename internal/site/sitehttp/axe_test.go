package sitehttp_test

// Accessibility: axe-core (vendored from npm at internal/webtest/axe, no
// network needed) runs in real Chromium on the site's pages and fails the
// test on any WCAG 2.x A/AA violation, the 2.2 rules included.

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cbss-egcc/childcentre/internal/site"
	"github.com/cbss-egcc/childcentre/internal/site/sitehttp"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

const chromiumPath = "/usr/bin/chromium"

// signedIn is a Sessions that has one editor signed in on every request.
type signedIn struct{ e site.Editor }

func (s signedIn) Editor(*http.Request) (site.Editor, bool) { return s.e, true }
func (s signedIn) CSRFToken(*http.Request) string           { return "token" }

type axeResult struct {
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target []string `json:"target"`
		} `json:"nodes"`
	} `json:"violations"`
}

func TestAccessibilityAxe(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the accessibility test needs Chromium at %s (CI=true): %v", chromiumPath, err)
		}
		t.Skipf("accessibility test skipped: no Chromium at %s", chromiumPath)
	}
	axeSrc, err := os.ReadFile("../../webtest/axe/axe.min.js")
	if err != nil {
		t.Fatalf("axe-core is vendored at internal/webtest/axe/axe.min.js: %v", err)
	}
	db := storetest.New(t)
	svc := site.New(store.NewSiteStore(db), nil)
	if _, err := svc.Seed(context.Background()); err != nil {
		t.Fatal(err)
	}
	h, err := sitehttp.New(sitehttp.Deps{Site: svc, Sessions: signedIn{editors["editor"]}, BaseURL: "http://127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	base := "http://" + ln.Addr().String()
	p, err := svc.PublicPage(context.Background(), site.KindProject, "robert", "en")
	if err != nil {
		t.Fatal(err)
	}
	editForm := "/edit/" + strconv.FormatInt(p.Item.ID, 10)

	dir := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.UserDataDir(dir), chromedp.WindowSize(1280, 900))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	tab, cancel := chromedp.NewContext(alloc)
	defer cancel()
	// Open the tab without a deadline: chromedp binds the tab's life to the
	// context of its first action. Each page then gets its own deadline,
	// generous because CI runs this beside every other package's tests.
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}

	pages := []string{"/", "/news/", "/events/keeping-the-door-open-2009", "/projects/robert", "/search?q=ROBERT", editForm, "/edit/", "/edit/new?kind=event"}
	run := func(url string) axeResult {
		t.Helper()
		ctx, cancel := context.WithTimeout(tab, 90*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.Evaluate[chromedp.Void](string(axeSrc))); err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}).then(r => JSON.stringify(r))`,
			chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		var res axeResult
		if err := json.Unmarshal([]byte(raw), &res); err != nil {
			t.Fatalf("%s: axe result: %v", url, err)
		}
		return res
	}
	// The check can fail: an image without a text alternative, added to a
	// page, is reported.
	ctx, cancelCheck := context.WithTimeout(tab, 90*time.Second)
	defer cancelCheck()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/en/"), chromedp.Evaluate[chromedp.Void](string(axeSrc)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("main").appendChild(document.createElement("img"))`)); err != nil {
		t.Fatal(err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document).then(r => JSON.stringify(r))`, chromedp.EvalAwaitPromise))
	if err != nil || !strings.Contains(raw, `"id":"image-alt"`) {
		t.Fatalf("axe did not report an image without alt: %v", err)
	}

	for _, lang := range []string{"en", "de", "ru"} {
		for _, pg := range pages {
			if lang == "ru" && pg != "/" && pg != "/search?q=ROBERT" {
				continue // Cyrillic text and its fallback notices, on two pages
			}
			res := run(base + "/" + lang + pg)
			for _, v := range res.Violations {
				var targets []string
				for _, n := range v.Nodes {
					targets = append(targets, strings.Join(n.Target, " "))
				}
				t.Errorf("%s: %s (%s): %s — %s", "/"+lang+pg, v.ID, v.Impact, v.Help, strings.Join(targets, "; "))
			}
		}
	}
}
