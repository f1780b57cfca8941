package web

import (
	"bytes"
	"cmp"
	"html/template"
	"net/http"
	"slices"
	"strconv"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/stats"
	"github.com/cbss-egcc/childcentre/internal/web/i18n"
)

// RegionalFigures is the hub's regional publication as the public pages
// need it; *stats.Publisher implements it. Nil on a node.
type RegionalFigures interface {
	Current() *stats.Published
}

// breakdowns are the tables of the regional page beside the charts: the
// status of the children against each other dimension.
var breakdowns = []stats.Dim{stats.DimSex, stats.DimAgeGroup, stats.DimExploitation, stats.DimCitizenship}

// figure is one published figure as shown: the count or "c", and its
// range.
type figure struct {
	Count, Range string
	Suppressed   bool
}

func figureOf(c stats.Cell) figure {
	if c.Suppressed {
		return figure{Count: "c", Range: "c", Suppressed: true}
	}
	f := figure{Count: strconv.Itoa(c.Count), Range: strconv.Itoa(c.Low)}
	if c.High != c.Low {
		f.Range += "–" + strconv.Itoa(c.High)
	}
	return f
}

// labelled is a row of a one-way table: a label and its figure.
type labelled struct {
	Label string
	figure
}

// crossTable is a two-way table as shown.
type crossTable struct {
	Caption string
	Cols    []string
	Rows    []crossRow
}

type crossRow struct {
	Label string
	Cells []figure
	Total figure
}

// flowRow is a movement as shown.
type flowRow struct {
	From, To string
	figure
	Median string
}

// regionalData is the data of the public statistics page.
type regionalData struct {
	Years       []option
	Categories  []option
	Year        string
	Category    string
	ByYear      []labelled
	ByYearSVG   template.HTML
	ByYearTitle string
	ByCat       []labelled
	ByCatSVG    template.HTML
	ByCatTitle  string
	Breakdowns  []crossTable
	Countries   crossTable
	Flows       []flowRow
	FlowsSVG    template.HTML
	FlowsTitle  string
	K           int
	Mapping     string
	Published   string
}

// regionalPage is the public statistics page of the hub.
func (s *Server) regionalPage(w http.ResponseWriter, r *http.Request) {
	pub := s.regional(w, r)
	if pub == nil {
		return
	}
	tr := state(r).tr
	lang := state(r).lang
	p := &page{TitleKey: "regional.title", Values: map[string]string{}}
	d := regionalData{K: pub.K, Mapping: pub.Mapping, Published: pub.At.Format("2006-01-02")}
	for _, y := range pub.Periods {
		d.Years = append(d.Years, option{y, y})
	}
	d.Categories = []option{{"", tr.T("regional.all_categories")}}
	for _, v := range stats.Values(stats.DimStatus) {
		d.Categories = append(d.Categories, option{v, statsLabel(tr, stats.DimStatus, v)})
	}
	q := r.URL.Query()
	d.Year, d.Category = q.Get("year"), q.Get("category")
	if len(pub.Periods) > 0 && d.Year == "" {
		d.Year = pub.Periods[len(pub.Periods)-1]
	}
	if d.Year != "" && !slices.Contains(pub.Periods, d.Year) {
		p.addError("year", tr.T("stats.year_invalid"))
		d.Year = ""
		if len(pub.Periods) > 0 {
			d.Year = pub.Periods[len(pub.Periods)-1]
		}
	}
	if d.Category != "" && !slices.Contains(stats.Values(stats.DimStatus), d.Category) {
		p.addError("category", tr.T("regional.category_invalid"))
		d.Category = ""
	}
	if len(pub.Periods) > 0 {
		if err := s.regionalFigures(&d, pub, tr, lang); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "stats_regional", p)
}

// regionalFigures fills the charts and tables of d's year and category.
func (s *Server) regionalFigures(d *regionalData, pub *stats.Published, tr *i18n.Translator, lang string) error {
	tables := map[string]*stats.Table{}
	for _, t := range pub.Tables {
		tables[t.Period+"/"+t.Name()] = t
	}
	catName := tr.T("regional.all_categories")
	if d.Category != "" {
		catName = statsLabel(tr, stats.DimStatus, d.Category)
	}
	// the children of the category (or all) in a status table
	pick := func(t *stats.Table) stats.Cell {
		if d.Category == "" {
			return t.Total
		}
		return t.RowTotal[slices.Index(t.Rows, d.Category)]
	}
	var bars []stats.Bar
	for _, y := range pub.Periods {
		if t := tables[y+"/status_by_sex"]; t != nil {
			c := pick(t)
			d.ByYear = append(d.ByYear, labelled{y, figureOf(c)})
			bars = append(bars, stats.Bar{Label: y, Cell: c})
		}
	}
	d.ByYearTitle = tr.T("regional.by_year", "category", catName)
	var err error
	if d.ByYearSVG, err = chart("by-year", d.ByYearTitle, tr.T("regional.by_year_desc"), bars, tr); err != nil {
		return err
	}
	bars = nil
	if t := tables[d.Year+"/status_by_sex"]; t != nil {
		for i, v := range t.Rows {
			l := statsLabel(tr, stats.DimStatus, v)
			d.ByCat = append(d.ByCat, labelled{l, figureOf(t.RowTotal[i])})
			bars = append(bars, stats.Bar{Label: l, Cell: t.RowTotal[i]})
		}
	}
	d.ByCatTitle = tr.T("regional.by_category", "year", d.Year)
	if d.ByCatSVG, err = chart("by-category", d.ByCatTitle, tr.T("regional.by_category_desc"), bars, tr); err != nil {
		return err
	}
	for _, dim := range breakdowns {
		if t := tables[d.Year+"/status_by_"+string(dim)]; t != nil {
			d.Breakdowns = append(d.Breakdowns, crossOf(t, tr, tr.T("stats.caption", "row", tr.T("stats.dim.status"),
				"col", tr.T(statsDimKeys[string(dim)]), "period", d.Year), d.Category, nil))
		}
	}
	names := countryNames(lang)
	if t := tables[d.Year+"/country_by_status"]; t != nil {
		d.Countries = crossOf(t, tr, tr.T("regional.countries_title", "year", d.Year), "", names)
	}
	for _, fs := range pub.Flows {
		if fs.Period != d.Year {
			continue
		}
		for _, f := range fs.Flows {
			row := flowRow{From: cmp.Or(names[f.From], f.From), To: cmp.Or(names[f.To], f.To), figure: figureOf(f.Count), Median: "c"}
			if !f.Count.Suppressed {
				row.Median = strconv.Itoa(f.MedianDays)
			}
			d.Flows = append(d.Flows, row)
		}
		d.FlowsTitle = tr.T("regional.flows_title", "year", d.Year)
		var b bytes.Buffer
		if err := stats.FlowMap(&b, "flows", d.FlowsTitle, tr.T("regional.flows_desc"), fs.Flows, names); err != nil {
			return errs.Wrap(err, "web: draw the flow map")
		}
		d.FlowsSVG = template.HTML(b.String()) // drawn by stats.FlowMap, every text escaped
	}
	return nil
}

// chart draws a bar chart whose figures the page also gives in a table.
func chart(id, title, desc string, bars []stats.Bar, tr *i18n.Translator) (template.HTML, error) {
	var b bytes.Buffer
	if err := stats.BarChart(&b, stats.Chart{ID: id, Title: title, Desc: desc, Bars: bars, Suppressed: tr.T("regional.confidential")}); err != nil {
		return "", errs.Wrap(err, "web: draw a chart")
	}
	return template.HTML(b.String()), nil // drawn by stats.BarChart, every text escaped
}

// crossOf shows t; with only, just the row of that value; names label the
// rows (countries).
func crossOf(t *stats.Table, tr *i18n.Translator, caption, only string, names map[string]string) crossTable {
	ct := crossTable{Caption: caption}
	for _, c := range t.Cols {
		ct.Cols = append(ct.Cols, statsLabel(tr, t.Col, c))
	}
	for i, v := range t.Rows {
		if only != "" && v != only {
			continue
		}
		row := crossRow{Label: statsLabel(tr, t.Row, v), Total: figureOf(t.RowTotal[i])}
		if n, ok := names[v]; ok {
			row.Label = n
		}
		for j := range t.Cols {
			row.Cells = append(row.Cells, figureOf(t.Cells[i][j]))
		}
		ct.Rows = append(ct.Rows, row)
	}
	return ct
}

// countryNames names the region's countries in lang.
func countryNames(lang string) map[string]string {
	n := display.Regions(language.Make(lang))
	out := map[string]string{}
	for _, c := range []string{"DK", "EE", "FI", "DE", "IS", "LV", "LT", "NO", "PL", "SE", "UA", "MD"} {
		if name := n.Name(language.MustParseRegion(c)); name != "" {
			out[c] = name
		} else {
			out[c] = c
		}
	}
	return out
}

// regional returns the current publication, or answers 404 (a node: no
// regional figures) or 503 (the hub has not computed them yet).
func (s *Server) regional(w http.ResponseWriter, r *http.Request) *stats.Published {
	if s.deps.Regional == nil {
		s.renderStatus(w, r, http.StatusNotFound)
		return nil
	}
	pub := s.deps.Regional.Current()
	if pub == nil {
		s.renderStatus(w, r, http.StatusServiceUnavailable)
	}
	return pub
}

// regionalCSV and regionalJSON serve the published files.
func (s *Server) regionalCSV(w http.ResponseWriter, r *http.Request) {
	if pub := s.regional(w, r); pub != nil {
		serveFile(w, "text/csv; charset=utf-8", "regional.csv", pub.CSV)
	}
}

func (s *Server) regionalJSON(w http.ResponseWriter, r *http.Request) {
	if pub := s.regional(w, r); pub != nil {
		serveFile(w, "application/json", "regional.json", pub.JSON)
	}
}

func serveFile(w http.ResponseWriter, ctype, name string, body []byte) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// methodologyData is the data of the methodology page.
type methodologyData struct {
	K, KMinus1, Lag int
	Mapping         string
}

// methodologyPage explains how the regional figures are made.
func (s *Server) methodologyPage(w http.ResponseWriter, r *http.Request) {
	if s.deps.Regional == nil {
		s.renderStatus(w, r, http.StatusNotFound)
		return
	}
	d := methodologyData{K: stats.DefaultK, Mapping: stats.MappingVersion, Lag: int(stats.DefaultLag.Hours() / 24)}
	if pub := s.deps.Regional.Current(); pub != nil {
		d.K, d.Mapping = pub.K, pub.Mapping
	}
	d.KMinus1 = d.K - 1
	s.render(w, r, http.StatusOK, "stats_methodology", &page{TitleKey: "methodology.title", Data: d})
}
