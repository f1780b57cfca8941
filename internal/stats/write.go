package stats

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
)

// Columns are the header of regional.csv and the keys of regional.json:
// a contract other tools read. Add columns at the end; never rename one.
var Columns = []string{"table", "period", "row_dim", "row", "col_dim", "col",
	"count", "count_low", "count_high", "median_days", "mapping"}

// Total is the row or column value of a margin.
const Total = "total"

// TableName is a table's name in the files: "status_by_sex".
func (t *Table) Name() string { return string(t.Row) + "_by_" + string(t.Col) }

// FlowsTable is the table name of the movements in the files.
const FlowsTable = "flows"

// Rows returns the publication as rows under Columns: every cell and
// margin of every table, then every flow. Suppressed figures are "c", as
// Eurostat writes them.
func (p *Publication) Rows() [][]string {
	var out [][]string
	emit := func(t *Table, row, col string, c *Cell) {
		out = append(out, []string{t.Name(), t.Period, string(t.Row), row, string(t.Col), col,
			c.String(), bound(c, c.Low), bound(c, c.High), "", p.Mapping})
	}
	for _, t := range p.Tables {
		for i, r := range t.Rows {
			for j, c := range t.Cols {
				emit(t, r, c, &t.Cells[i][j])
			}
			emit(t, r, Total, &t.RowTotal[i])
		}
		if t.ColTotal != nil {
			for j, c := range t.Cols {
				emit(t, Total, c, &t.ColTotal[j])
			}
			emit(t, Total, Total, &t.Total)
		}
	}
	for _, fs := range p.Flows {
		for _, f := range fs.Flows {
			med := "c"
			if !f.Count.Suppressed {
				med = strconv.Itoa(f.MedianDays)
			}
			out = append(out, []string{FlowsTable, fs.Period, "from", f.From, "to", f.To,
				f.Count.String(), bound(&f.Count, f.Count.Low), bound(&f.Count, f.Count.High), med, p.Mapping})
		}
	}
	return out
}

func bound(c *Cell, v int) string {
	if c.Suppressed {
		return "c"
	}
	return strconv.Itoa(v)
}

// WriteCSV writes the publication as CSV with a header row (Columns).
func (p *Publication) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	if err := cw.WriteAll(p.Rows()); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// jsonFile is the layout of regional.json: the columns, and one object per
// row keyed by them. Counts are numbers, or the string "c".
type jsonFile struct {
	Mapping string           `json:"mapping"`
	K       int              `json:"k"`
	At      string           `json:"published_at"`
	Periods []string         `json:"periods"`
	Columns []string         `json:"columns"`
	Rows    []map[string]any `json:"rows"`
}

// numeric are the columns written as numbers in JSON when not "c".
var numeric = map[string]bool{"count": true, "count_low": true, "count_high": true, "median_days": true}

// WriteJSON writes the publication as JSON (jsonFile).
func (p *Publication) WriteJSON(w io.Writer) error {
	f := jsonFile{Mapping: p.Mapping, K: p.K, At: p.At.Format("2006-01-02T15:04:05Z"), Periods: p.Periods, Columns: Columns}
	if f.Periods == nil {
		f.Periods = []string{}
	}
	f.Rows = []map[string]any{}
	for _, row := range p.Rows() {
		m := make(map[string]any, len(Columns))
		for i, col := range Columns {
			var v any = row[i]
			if n, err := strconv.Atoi(row[i]); err == nil && numeric[col] {
				v = n
			}
			m[col] = v
		}
		f.Rows = append(f.Rows, m)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(f)
}
