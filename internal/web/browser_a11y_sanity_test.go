package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cbss-egcc/childcentre/internal/webtest"
)

// TestBrowserAxeFindsViolations: the check is not blind: an image without
// a text alternative and an unlabelled input, added to the sign-in page,
// are reported.
func TestBrowserAxeFindsViolations(t *testing.T) {
	tb := newTab(t)
	// axe-core takes a moment: a deadline of its own, as in
	// TestBrowserAccessibility.
	ctx, cancel := context.WithTimeout(tb.tabCtx, 2*time.Minute)
	defer cancel()
	tb.ctx = ctx
	tb.open("/signin")
	if _, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`document.querySelector('main').append(
		document.createElement('img'), document.createElement('input')); true`)); err != nil {
		t.Fatal(err)
	}
	vs, err := webtest.Axe(tb.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range vs {
		ids = append(ids, v.ID)
	}
	got := strings.Join(ids, " ")
	if !strings.Contains(got, "image-alt") || !strings.Contains(got, "label") {
		t.Errorf("violations %q, want image-alt and label", got)
	}
}
