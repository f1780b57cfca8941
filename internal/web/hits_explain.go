package web

import (
	"html/template"
	"math"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/cbss-egcc/childcentre/internal/exchange"
)

// The review screen's explanation (issue 9): for a "possible" hit of a
// segmented schema the hub sends how its model scored the pair, feature by
// feature. The /hits page shows it in a <details> element of the hit's
// row, the feature and level names translated; a name this version does
// not know (a later hub, a custom schema) is shown as received, as text.

// explainFeatureKeys name the features of the built-in child-fields schema.
var explainFeatureKeys = map[string]string{
	"name":        "explain.feature.name",
	"dob":         "explain.feature.dob",
	"sex":         "explain.feature.sex",
	"citizenship": "explain.feature.citizenship",
}

// explainLevelKeys name the levels of dates and exact features
// (linkage's levelNames), and the shared "missing" and "differ".
var explainLevelKeys = map[string]string{
	"missing":               "explain.level.missing",
	"differ":                "explain.level.differ",
	"agree":                 "explain.level.agree",
	"exact":                 "explain.level.exact",
	"day-month swapped":     "explain.level.swapped",
	"day digits transposed": "explain.level.digits",
	"1-2 days apart":        "explain.level.near",
	"same year":             "explain.level.same_year",
	"year ±1":               "explain.level.year1",
	"year ±2":               "explain.level.year2",
	"estimated: same year":  "explain.level.est_same_year",
	"estimated: year ±1":    "explain.level.est_year1",
	"estimated: year ±2":    "explain.level.est_year2",
	"estimated: differ":     "explain.level.est_differ",
}

// explainNameKeys name how one name (given, family, or the whole name in
// one field) agrees: the parts of the name feature's 64 levels, "given G,
// family F" and "one name field, whole name F".
var explainNameKeys = map[string]string{
	"missing":   "explain.name.missing",
	"same":      "explain.name.same",
	"close":     "explain.name.close",
	"similar":   "explain.name.similar",
	"contained": "explain.name.contained",
	"weak":      "explain.name.weak",
	"faint":     "explain.name.faint",
	"differ":    "explain.name.differ",
}

// explainView is one hit's explanation as the page shows it.
type explainView struct {
	Rows        []explainRow
	Prior       float64
	Weight      float64
	Probability float64
}

// explainRow is one feature's line.
type explainRow struct {
	FeatureKey string // catalogue key; "" for a feature this version does not know
	Feature    string // as received, shown when FeatureKey is ""
	Level      levelView
	Weight, TF float64
}

// levelView is an agreement level: a whole level's key, a name level's
// two parts, or the level as received.
type levelView struct {
	Key       string
	GivenKey  string // "given G, family F": G's key, FamilyKey F's
	FamilyKey string
	OneField  bool   // "one name field, whole name F": FamilyKey is F's key
	Text      string // a level this version does not know
}

// newExplainView returns the view of e, nil for none.
func newExplainView(e *exchange.Explanation) *explainView {
	if e == nil {
		return nil
	}
	v := &explainView{Prior: e.Prior, Weight: e.Weight, Probability: e.Probability}
	for _, t := range e.Terms {
		v.Rows = append(v.Rows, explainRow{FeatureKey: explainFeatureKeys[t.Feature], Feature: t.Feature,
			Level: levelOf(t.Level), Weight: t.Weight, TF: t.TF})
	}
	return v
}

// levelOf finds the catalogue keys of a level name.
func levelOf(l string) levelView {
	if k, ok := explainLevelKeys[l]; ok {
		return levelView{Key: k}
	}
	if f, ok := strings.CutPrefix(l, "one name field, whole name "); ok && explainNameKeys[f] != "" {
		return levelView{OneField: true, FamilyKey: explainNameKeys[f]}
	}
	if rest, ok := strings.CutPrefix(l, "given "); ok {
		g, f, ok := strings.Cut(rest, ", family ")
		if ok && explainNameKeys[g] != "" && explainNameKeys[f] != "" {
			return levelView{GivenKey: explainNameKeys[g], FamilyKey: explainNameKeys[f]}
		}
	}
	return levelView{Text: l}
}

// numberFuncs format the explanation's numbers in lang's convention:
// weights in bits with their sign (the sign, not a colour, says for or
// against), a probability with two decimals.
func numberFuncs(lang string) template.FuncMap {
	p := message.NewPrinter(language.Make(lang))
	return template.FuncMap{
		"bits": func(x float64) string {
			if math.Abs(x) < 0.05 {
				return p.Sprintf("%.1f", 0.0) // neither for nor against: no sign
			}
			return p.Sprintf("%+.1f", x)
		},
		"prob": func(x float64) string { return p.Sprintf("%.2f", x) },
	}
}
