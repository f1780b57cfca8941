package web

import (
	"bytes"
	"encoding/csv"
	"html/template"
	"net/http"
	"slices"
	"strconv"

	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/stats"
	"github.com/cbss-egcc/childcentre/internal/web/i18n"
)

// statsDimKeys name each dimension of the national figures.
var statsDimKeys = map[string]string{
	"status": "stats.dim.status", "exploitation": "stats.dim.exploitation", "sex": "stats.dim.sex",
	"age_group": "stats.dim.age_group", "age_basis": "stats.dim.age_basis", "citizenship": "stats.dim.citizenship",
	"evidence": "stats.dim.evidence", "year": "stats.dim.year", "quarter": "stats.dim.quarter", "country": "stats.dim.country",
}

// statsValueKeys name each value of the closed dimensions ("dim/value");
// the open ones (year, quarter) show their values.
var statsValueKeys = map[string]string{
	"status/identified_victim": "stats.v.identified_victim", "status/presumed_victim": "stats.v.presumed_victim",
	"status/missing": "stats.v.missing", "status/unaccompanied": "stats.v.unaccompanied", "status/other_at_risk": "stats.v.other_at_risk",
	"exploitation/sexual": "stats.v.sexual", "exploitation/labour": "stats.v.labour",
	"exploitation/criminal_activities": "stats.v.criminal_activities", "exploitation/begging": "stats.v.begging",
	"exploitation/forced_marriage": "stats.v.forced_marriage", "exploitation/other": "stats.v.other_form", "exploitation/none": "stats.v.no_form",
	"sex/F": "stats.v.female", "sex/M": "stats.v.male", "sex/X": "stats.v.other_sex", "sex/UNK": "stats.v.unknown",
	"age_group/Y0-11": "stats.v.age_0_11", "age_group/Y12-14": "stats.v.age_12_14", "age_group/Y15-17": "stats.v.age_15_17",
	"age_group/Y_GE18": "stats.v.age_18", "age_group/UNK": "stats.v.unknown",
	"age_basis/documented": "stats.v.documented", "age_basis/assessed": "stats.v.assessed", "age_basis/unknown": "stats.v.unknown",
	"citizenship/national": "stats.v.national", "citizenship/eu": "stats.v.eu", "citizenship/non_eu_europe": "stats.v.non_eu_europe",
	"citizenship/africa": "stats.v.africa", "citizenship/asia": "stats.v.asia", "citizenship/americas": "stats.v.americas",
	"citizenship/oceania": "stats.v.oceania", "citizenship/unknown": "stats.v.unknown",
	"evidence/identified": "stats.v.ev_identified", "evidence/presumed": "stats.v.ev_presumed", "evidence/suspicion": "stats.v.ev_suspicion",
}

// nationalDims are the dimensions a national table may be broken down
// by: all but the country (a node holds one).
var nationalDims = []stats.Dim{stats.DimStatus, stats.DimExploitation, stats.DimSex, stats.DimAgeGroup,
	stats.DimAgeBasis, stats.DimCitizenship, stats.DimEvidence, stats.DimYear, stats.DimQuarter}

// option is one choice of a select.
type option struct{ Value, Label string }

// statsRow is one row of the national table as shown.
type statsRow struct {
	Label  string
	Counts []int
	Total  int
}

// statsData is the data of the national figures page.
type statsData struct {
	Dims      []option
	Years     []option
	Row, Col  string
	Year      string
	Caption   string
	ColLabels []string
	Rows      []statsRow
	ColTotals []int
	Total     int
	Chart     template.HTML
	CSVURL    string
	Mapping   string
}

// statsQuery reads and checks the page's choices: two different
// dimensions and a year held in the data (or none: all years).
func statsQuery(r *http.Request, years []string, tr *i18n.Translator, p *page) (row, col stats.Dim, year string) {
	q := r.URL.Query()
	pick := func(field, def string) stats.Dim {
		v := q.Get(field)
		if v == "" {
			v = def
		}
		p.Values[field] = v
		d, err := stats.ParseDim(v)
		if err != nil || !slices.Contains(nationalDims, d) {
			p.addError(field, tr.T("stats.dim_invalid"))
			return stats.Dim(def)
		}
		return d
	}
	row, col = pick("row", "status"), pick("col", "sex")
	if row == col {
		p.addError("col", tr.T("stats.same_dim"))
		col = stats.DimSex
		if row == col {
			col = stats.DimStatus
		}
	}
	year = q.Get("year")
	p.Values["year"] = year
	if year != "" && !slices.Contains(years, year) {
		p.addError("year", tr.T("stats.year_invalid"))
		year = ""
	}
	return row, col, year
}

// nationalFigures reads the country's cases and counts them by the
// chosen dimensions; ok is false when the page has answered already.
func (s *Server) nationalFigures(w http.ResponseWriter, r *http.Request, p *page) (*stats.Table, stats.Records, bool) {
	if s.deps.Stats == nil {
		s.log.Error("statistics route without a source")
		s.renderStatus(w, r, http.StatusServiceUnavailable)
		return nil, nil, false
	}
	st := state(r)
	rs, err := stats.National(r.Context(), s.deps.Stats, string(st.actor().Country))
	if err != nil {
		if errs.CodeOf(err) != errs.Invalid {
			s.renderError(w, r, err)
			return nil, nil, false
		}
		// an unmapped code: a clear message naming it, not a count
		p.addError("", st.tr.T("stats.unmapped", "msg", errs.MessageOf(err)))
		return nil, nil, true
	}
	row, col, year := statsQuery(r, stats.Years(rs), st.tr, p)
	return stats.NationalTable(rs, row, col, year), rs, true
}

// statsPage shows the node's national figures: children by any two
// dimensions, with a chart of the row totals and a CSV download.
func (s *Server) statsPage(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	tr := st.tr
	p := &page{TitleKey: "stats.title", Values: map[string]string{}}
	t, rs, ok := s.nationalFigures(w, r, p)
	if !ok {
		return
	}
	d := statsData{Mapping: stats.MappingVersion}
	for _, dim := range nationalDims {
		d.Dims = append(d.Dims, option{string(dim), tr.T(statsDimKeys[string(dim)])})
	}
	d.Years = []option{{"", tr.T("stats.all_years")}}
	for _, y := range stats.Years(rs) {
		d.Years = append(d.Years, option{y, y})
	}
	if t != nil {
		d.Row, d.Col, d.Year = string(t.Row), string(t.Col), t.Period
		period := t.Period
		if period == "" {
			period = tr.T("stats.all_years")
		}
		rowName, colName := tr.T(statsDimKeys[d.Row]), tr.T(statsDimKeys[d.Col])
		d.Caption = tr.T("stats.caption", "row", rowName, "col", colName, "period", period)
		for _, c := range t.Cols {
			d.ColLabels = append(d.ColLabels, statsLabel(tr, t.Col, c))
		}
		var bars []stats.Bar
		for i, rv := range t.Rows {
			row := statsRow{Label: statsLabel(tr, t.Row, rv), Total: t.RowTotal[i].Count}
			for j := range t.Cols {
				row.Counts = append(row.Counts, t.Cells[i][j].Count)
			}
			d.Rows = append(d.Rows, row)
			bars = append(bars, stats.Bar{Label: row.Label, Cell: t.RowTotal[i]})
		}
		for j := range t.Cols {
			d.ColTotals = append(d.ColTotals, t.ColTotal[j].Count)
		}
		d.Total = t.Total.Count
		var svg bytes.Buffer
		err := stats.BarChart(&svg, stats.Chart{ID: "national-chart", Bars: bars, Suppressed: "c",
			Title: tr.T("stats.chart_title", "row", rowName, "period", period),
			Desc:  tr.T("stats.chart_desc", "row", rowName)})
		if err != nil {
			s.renderError(w, r, errs.Wrap(err, "web: draw the national chart"))
			return
		}
		d.Chart = template.HTML(svg.String()) // drawn by stats.BarChart, every text escaped
		d.CSVURL = "/statistics/national.csv?row=" + d.Row + "&col=" + d.Col + "&year=" + d.Year
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "stats_national", p)
}

// statsCSV downloads the table the page shows, under stats.Columns.
func (s *Server) statsCSV(w http.ResponseWriter, r *http.Request) {
	p := &page{TitleKey: "stats.title", Values: map[string]string{}}
	t, _, ok := s.nationalFigures(w, r, p)
	if !ok {
		return
	}
	if t == nil || len(p.Errors) > 0 {
		http.Redirect(w, r, "/statistics", http.StatusSeeOther)
		return
	}
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	_ = cw.Write(stats.Columns)
	_ = cw.WriteAll(t.Lines(stats.MappingVersion))
	if err := cw.Error(); err != nil {
		s.renderError(w, r, errs.Wrap(err, "web: write the national figures"))
		return
	}
	name := "national-" + string(state(r).actor().Country) + "-" + string(t.Row) + "-" + string(t.Col)
	if t.Period != "" {
		name += "-" + t.Period
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	_, _ = w.Write(b.Bytes())
}

// statsLabel translates a value of d.
func statsLabel(tr *i18n.Translator, d stats.Dim, v string) string {
	if k, ok := statsValueKeys[string(d)+"/"+v]; ok {
		return tr.T(k)
	}
	return v
}
