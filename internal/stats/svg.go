package stats

import (
	"fmt"
	"html"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
)

// Bar is one bar of a chart: a label and a published cell.
type Bar struct {
	Label string
	Cell  Cell
}

// Chart is a bar chart. Title and Desc become the SVG's title and desc,
// which screen readers announce; the page shows the same figures in a
// table beside it.
type Chart struct {
	ID, Title, Desc string
	Bars            []Bar
	Suppressed      string // the label of a suppressed bar, e.g. "c (confidential)"
}

// BarChart writes c as an SVG bar chart. A suppressed bar is drawn as an
// empty outline labelled "c": its height would reveal its count.
func BarChart(w io.Writer, c Chart) error {
	const width, height, top, bottom, left = 640.0, 300.0, 24.0, 64.0, 48.0
	maxV := 0
	for _, b := range c.Bars {
		if !b.Cell.Suppressed {
			maxV = max(maxV, b.Cell.Count)
		}
	}
	scale := niceMax(maxV)
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %g %g" role="img" aria-labelledby="%[3]s-title %[3]s-desc">`, width, height, esc(c.ID))
	fmt.Fprintf(&sb, `<title id="%s-title">%s</title><desc id="%[1]s-desc">%[3]s</desc>`, esc(c.ID), esc(c.Title), esc(c.Desc))
	plotH := height - top - bottom
	for i := 0; i <= 4; i++ { // gridlines with their values
		y := top + plotH - plotH*float64(i)/4
		fmt.Fprintf(&sb, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" class="grid" stroke="#cbd5e0"/><text x="%g" y="%.1f" class="axis" text-anchor="end" `+textAttrs+`>%d</text>`,
			left, y, width-8, y, left-6, y+4, scale*i/4)
	}
	n := max(len(c.Bars), 1)
	slot := (width - left - 8) / float64(n)
	bw := math.Min(slot*0.7, 60)
	for i, b := range c.Bars {
		x := left + slot*float64(i) + (slot-bw)/2
		label := wrapLabel(x+bw/2, height-bottom+16, slot, b.Label)
		if b.Cell.Suppressed {
			fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="bar suppressed" fill="none" stroke="#4a5568" stroke-dasharray="4 3"><title>%s: %s</title></rect><text x="%.1f" y="%.1f" class="value" text-anchor="middle" `+textAttrs+`>c</text>%s`,
				x, top+plotH-14, bw, 14.0, esc(b.Label), esc(c.Suppressed), x+bw/2, top+plotH-18, label)
			continue
		}
		h := 0.0
		if scale > 0 {
			h = plotH * float64(b.Cell.Count) / float64(scale)
		}
		fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="bar" fill="#2b6cb0"><title>%s: %d</title></rect><text x="%.1f" y="%.1f" class="value" text-anchor="middle" `+textAttrs+`>%d</text>%s`,
			x, top+plotH-h, bw, h, esc(b.Label), b.Cell.Count, x+bw/2, top+plotH-h-4, b.Cell.Count, label)
	}
	sb.WriteString(`</svg>`)
	_, err := io.WriteString(w, sb.String())
	return err
}

// wrapLabel writes a bar's label under it, broken into lines that fit
// the bar's slot (at most three; a longer label keeps its full text in
// the bar's title and the table).
func wrapLabel(x, y, slot float64, label string) string {
	perLine := max(int(slot/7), 4)
	var lines []string
	line := ""
	for _, w := range strings.Fields(label) {
		if line != "" && len(line)+1+len(w) > perLine {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	lines = append(lines, line)
	if len(lines) > 3 {
		lines = append(lines[:2], lines[2]+"…")
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<text x="%.1f" y="%g" class="label" text-anchor="middle" `+textAttrs+`>`, x, y)
	for i, l := range lines {
		dy := "0"
		if i > 0 {
			dy = "1.2em"
		}
		fmt.Fprintf(&sb, `<tspan x="%.1f" dy="%s">%s</tspan>`, x, dy, esc(l))
	}
	sb.WriteString(`</text>`)
	return sb.String()
}

// niceMax rounds v up to a round axis maximum (1, 2 or 5 times a power of
// ten, times four gridlines).
func niceMax(v int) int {
	if v <= 0 {
		return 4
	}
	step := 1
	for step*4 < v {
		switch s := fmt.Sprint(step); s[0] {
		case '1':
			step *= 2
		case '2':
			step = step / 2 * 5
		default:
			step *= 2
		}
	}
	return step * 4
}

// textAttrs style the charts' texts by presentation attributes: the
// pages' Content-Security-Policy forbids inline style.
const textAttrs = `fill="#1a202c" font-family="sans-serif" font-size="12"`

func esc(s string) string { return html.EscapeString(s) }

// capitals are schematic positions (longitude, latitude of the capital)
// of the region's countries. Iceland is drawn at the map's western edge,
// not at Reykjavík, to keep the map readable.
var capitals = map[string][2]float64{
	"DK": {12.57, 55.68}, "EE": {24.75, 59.44}, "FI": {24.94, 60.17}, "DE": {13.40, 52.52},
	"IS": {3.5, 63.5}, "LV": {24.11, 56.95}, "LT": {25.28, 54.69}, "NO": {10.75, 59.91},
	"PL": {21.01, 52.23}, "SE": {18.07, 59.33}, "UA": {30.52, 50.45}, "MD": {28.86, 47.01},
}

// baltic is a much simplified outline of the Baltic Sea (longitude,
// latitude), a landmark only.
var baltic = [][2]float64{{12.6, 56.1}, {12.4, 54.9}, {14.2, 54.2}, {18.6, 54.6}, {21.1, 55.3}, {21.0, 56.9},
	{22.3, 57.7}, {24.4, 57.3}, {23.6, 59.0}, {28.0, 59.6}, {30.2, 59.9}, {25.2, 60.3}, {22.5, 60.0},
	{21.4, 61.2}, {21.6, 63.3}, {25.4, 65.3}, {22.4, 65.8}, {17.9, 62.6}, {18.9, 60.2}, {16.7, 57.3},
	{16.3, 56.3}, {14.3, 55.5}, {12.9, 55.4}}

// project maps longitude and latitude onto the map (equirectangular,
// scaled by the cosine of 57°N so that the region is not stretched).
func project(p [2]float64) (x, y float64) {
	const west, north, scale = 1.0, 67.0, 30.0
	return (p[0] - west) * scale * math.Cos(57*math.Pi/180), (north - p[1]) * scale
}

// FlowMap writes the flows as a schematic SVG map of the region: a point
// per country, an arrow per published flow, its width by count. Suppressed
// flows are not drawn. names gives each country's name (its code when
// absent).
func FlowMap(w io.Writer, id, title, desc string, flows []*Flow, names map[string]string) error {
	const width, height = 520.0, 620.0
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" class="chart flowmap" viewBox="0 0 %g %g" role="img" aria-labelledby="%[3]s-title %[3]s-desc">`, width, height, esc(id))
	fmt.Fprintf(&sb, `<title id="%s-title">%s</title><desc id="%[1]s-desc">%[3]s</desc>`, esc(id), esc(title), esc(desc))
	fmt.Fprintf(&sb, `<defs><marker id="%s-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto"><path d="M0 0L10 5L0 10z" class="arrowhead" fill="#9c4221"/></marker></defs>`, esc(id))
	sb.WriteString(`<polygon class="sea" fill="#dbeafe" stroke="#90cdf4" points="`)
	for _, p := range baltic {
		x, y := project(p)
		fmt.Fprintf(&sb, "%.1f,%.1f ", x, y)
	}
	sb.WriteString(`"/>`)
	maxC := 1
	for _, f := range flows {
		if !f.Count.Suppressed {
			maxC = max(maxC, f.Count.Count)
		}
	}
	for _, f := range flows {
		a, okA := capitals[f.From]
		b, okB := capitals[f.To]
		if f.Count.Suppressed || !okA || !okB {
			continue
		}
		x1, y1 := project(a)
		x2, y2 := project(b)
		// a curve bending to the right of the direction of travel, so
		// that A→B and B→A do not overlap; ends short of the points
		dx, dy := x2-x1, y2-y1
		d := math.Hypot(dx, dy)
		if d == 0 {
			continue
		}
		ux, uy := dx/d, dy/d
		x1, y1, x2, y2 = x1+ux*8, y1+uy*8, x2-ux*10, y2-uy*10
		cx, cy := (x1+x2)/2-uy*d*0.12, (y1+y2)/2+ux*d*0.12
		sw := 1 + 4*float64(f.Count.Count)/float64(maxC)
		fmt.Fprintf(&sb, `<path d="M%.1f %.1fQ%.1f %.1f %.1f %.1f" class="flow" fill="none" stroke="#9c4221" stroke-opacity="0.75" stroke-width="%.1f" marker-end="url(#%s-arrow)"><title>%s → %s: %d</title></path>`,
			x1, y1, cx, cy, x2, y2, sw, esc(id), esc(name(names, f.From)), esc(name(names, f.To)), f.Count.Count)
	}
	for _, code := range sortedKeys(capitals) {
		x, y := project(capitals[code])
		fmt.Fprintf(&sb, `<circle cx="%.1f" cy="%.1f" r="4" class="capital" fill="#1a202c"/><text x="%.1f" y="%.1f" class="label" `+textAttrs+`>%s</text>`,
			x, y, x+6, y-6, esc(name(names, code)))
	}
	sb.WriteString(`</svg>`)
	_, err := io.WriteString(w, sb.String())
	return err
}

func name(names map[string]string, code string) string {
	if n, ok := names[code]; ok && n != "" {
		return n
	}
	return code
}

func sortedKeys(m map[string][2]float64) []string { return slices.Sorted(maps.Keys(m)) }
