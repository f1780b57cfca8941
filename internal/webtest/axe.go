package webtest

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// AxeVersion is the version of axe-core vendored in axe/ (see its README).
const AxeVersion = "4.14.1"

//go:embed axe/axe.min.js
var axeSource string

// AxeTags are the rule sets checked: WCAG 2.0, 2.1 and 2.2 at levels A
// and AA.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// Violation is one axe-core rule a page breaks, with the elements that
// break it.
type Violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"` // CSS selectors of the elements
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s at %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, ", "))
}

// Axe runs axe-core on the page open in the chromedp context ctx and
// returns the violations of AxeTags. It injects axe-core through the
// DevTools protocol, so the page's Content-Security-Policy, which allows no
// inline script, does not stand in the way and the page stays unchanged.
func Axe(ctx context.Context) ([]Violation, error) {
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSource+";typeof axe === 'object'"))
	if err != nil {
		return nil, fmt.Errorf("webtest: load axe-core: %w", err)
	}
	if !loaded {
		return nil, fmt.Errorf("webtest: axe-core did not load")
	}
	tags, _ := json.Marshal(AxeTags)
	script := `axe.run(document, {runOnly: {type: 'tag', values: ` + string(tags) + `}, resultTypes: ['violations']})
		.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
			nodes: v.nodes.map(n => n.target.join(' '))}))))`
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("webtest: run axe-core: %w", err)
	}
	var vs []Violation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		return nil, fmt.Errorf("webtest: axe-core results: %w", err)
	}
	return vs, nil
}

// RequireAccessible fails t, listing every violation, when the page open
// in ctx breaks a rule of AxeTags. page names it in the message.
func RequireAccessible(t testing.TB, ctx context.Context, page string) {
	t.Helper()
	vs, err := Axe(ctx)
	if err != nil {
		t.Fatalf("%s: %v", page, err)
	}
	for _, v := range vs {
		t.Errorf("%s: accessibility: %s", page, v)
	}
}
