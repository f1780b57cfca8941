package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/linkage"
	"github.com/cbss-egcc/childcentre/internal/nodesync"
	"github.com/cbss-egcc/childcentre/internal/web/i18n"
)

// fakeHits is a work queue of fixed hits.
type fakeHits struct{ hits []*nodesync.Hit }

func (f *fakeHits) Queue(ctx context.Context, a auth.Actor, decided bool) ([]*nodesync.Hit, error) {
	return f.hits, nil
}
func (f *fakeHits) Open(ctx context.Context, a auth.Actor) (int, error) { return len(f.hits), nil }
func (f *fakeHits) Decide(ctx context.Context, a auth.Actor, id int64, decision string) error {
	return nil
}

// explainedHits are a possible hit with an explanation, one whose
// explanation holds names this version does not know (a later hub), and a
// high hit without.
func explainedHits() []*nodesync.Hit {
	at := time.Date(2025, 3, 9, 10, 0, 0, 0, time.UTC)
	return []*nodesync.Hit{
		{ID: 1, HitID: "h1", ChildID: 11, OtherCountry: "FI", Band: "possible", Status: nodesync.HitOpen, ReceivedAt: at,
			Explanation: &exchange.Explanation{Prior: -10.25, Weight: -0.62, Probability: 0.394, Decision: "review", Terms: []exchange.ExplainTerm{
				{Feature: "name", Level: "given same, family close", Weight: 5.82, TF: 1.34},
				{Feature: "dob", Level: "estimated: year ±1", Weight: 0.45},
				{Feature: "sex", Level: "agree", Weight: 0.24},
				{Feature: "citizenship", Level: "missing"},
			}}},
		{ID: 2, HitID: "h2", ChildID: 12, OtherCountry: "DE", Band: "possible", Status: nodesync.HitOpen, ReceivedAt: at,
			Explanation: &exchange.Explanation{Prior: -10, Weight: -1, Probability: 0.3, Decision: "review", Terms: []exchange.ExplainTerm{
				{Feature: "place_of_birth", Level: `<b onclick="x()">near</b>`, Weight: 1},
				{Feature: "name", Level: "one name field, whole name similar", Weight: 2},
			}}},
		{ID: 3, HitID: "h3", ChildID: 13, OtherCountry: "PL", Band: "high", Status: nodesync.HitOpen, ReceivedAt: at},
	}
}

// TestHitsPageExplanation: a possible hit's row folds its explanation into
// a <details> element holding an accessible table (caption, header cells
// with scope) of feature, agreement and signed weights ("+" escaped by
// html/template as &#43;), with the probability; names are translated, and a name the catalogue does not
// know is shown as escaped text. A hit without an explanation has none.
func TestHitsPageExplanation(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ru := newRegistryUsers(e)
	e.srv.deps.Hits = &fakeHits{hits: explainedHits()}
	page := func(lang string) string {
		t.Helper()
		rec := e.do(h, req{method: "GET", path: "/hits", session: ru.officer, header: http.Header{"Accept-Language": {lang}}})
		if rec.Code != http.StatusOK {
			t.Fatalf("/hits in %s: %d", lang, rec.Code)
		}
		return rec.Body.String()
	}
	en := page("en")
	fi, de, pl := rowOf(t, en, "FI"), rowOf(t, en, "DE"), rowOf(t, en, "PL")
	for _, want := range []string{
		`<details class="explain">`, `<summary>How the records agree</summary>`,
		`<caption>How the hub weighed the two records (match probability 0.39)</caption>`,
		`<th scope="col">Agreement</th>`,
		`<th scope="row">Name</th>`, `<td>given name the same, family name close</td>`,
		`<td class="num">&#43;5.8</td>`, `<td class="num">&#43;1.3</td>`, `<td class="num">0.0</td>`,
		`<th scope="row">Date of birth</th>`, `<td>estimated: years one apart</td>`,
		`<th scope="row">Citizenship</th>`, `<td>missing in one record or both</td>`,
		`<th scope="row">Starting weight</th><td>–</td><td class="num">-10.2</td>`,
		`<td>Match probability 0.39</td><td class="num">-0.6</td>`,
	} {
		if !strings.Contains(fi, want) {
			t.Errorf("the possible hit's row lacks %s", want)
		}
	}
	for _, want := range []string{
		`<th scope="row">place_of_birth</th>`,
		`<span class="level-unknown">&lt;b onclick=&#34;x()&#34;&gt;near&lt;/b&gt;</span>`,
		`<td>a name in one field only, compared with the whole name: similar</td>`,
	} {
		if !strings.Contains(de, want) {
			t.Errorf("the row of unknown names lacks %s", want)
		}
	}
	if strings.Contains(en, `<b onclick`) {
		t.Error("a level name reached the page as markup")
	}
	if strings.Contains(pl, "<details") {
		t.Error("the high hit shows an explanation")
	}

	// Translated: German and Finnish name the features and levels.
	for lang, wants := range map[string][]string{
		"de": {`<th scope="row">Geburtsdatum</th>`, `<td>Vorname gleich, Familienname sehr ähnlich</td>`, `<td>geschätzt: ein Jahr auseinander</td>`, `<td class="num">&#43;5,8</td>`},
		"fi": {`<th scope="row">Syntymäaika</th>`, `<td>etunimi sama, sukunimi hyvin lähellä</td>`, `<td>arvioitu: vuoden ero</td>`},
	} {
		row := rowOf(t, page(lang), "FI")
		for _, want := range wants {
			if !strings.Contains(row, want) {
				t.Errorf("%s: the possible hit's row lacks %s", lang, want)
			}
		}
	}
}

// rowOf returns the hits table's row of the hit with the other country c.
func rowOf(t *testing.T, body, c string) string {
	t.Helper()
	start := strings.Index(body, `<tr class="hit" data-country="`+c+`">`)
	if start < 0 {
		t.Fatalf("no row of %s", c)
	}
	rest := body[start+1:]
	end := strings.Index(rest, `<tr class="hit"`)
	if end < 0 {
		end = strings.Index(rest, `</tbody>`)
	}
	return rest[:end]
}

// TestExplainLevelsTranslated: every feature of child-fields and every
// level name the linkage package can put in an explanation has its
// catalogue keys (and so, by TestCatalogues, a text in every language);
// nothing falls back to the English name.
func TestExplainLevelsTranslated(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range linkage.LevelNames() {
		v := levelOf(l)
		if v.Text != "" {
			t.Errorf("level %q has no catalogue key", l)
		}
		for _, k := range []string{v.Key, v.GivenKey, v.FamilyKey} {
			if k != "" && !cat.Has("en", k) {
				t.Errorf("level %q: key %s is not in the catalogue", l, k)
			}
		}
	}
	s, _ := linkage.BuiltinSchema("child-fields")
	for _, c := range s.Comparisons {
		if k := explainFeatureKeys[c.Name]; k == "" || !cat.Has("en", k) {
			t.Errorf("feature %s has no catalogue key", c.Name)
		}
	}
}
