package api

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Format is the format of an export.
type Format string

// Export formats.
const (
	FormatCSV  Format = "csv"  // one row per case, the child's fields repeated; see CSVColumns
	FormatJSON Format = "json" // {"country", "exported_at", "children": [child with its cases…]}
)

// ParseFormat parses an export format; "" is JSON.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case "":
		return FormatJSON, nil
	case FormatCSV, FormatJSON:
		return f, nil
	}
	return "", errs.Field("format", "must be csv or json")
}

// CSVColumns are the columns of a CSV export, in order. Aliases and age
// assessments are lists of records and are in the JSON export only.
var CSVColumns = []string{
	"child_id", "national_ref", "given_names", "family_name", "sex", "birth_date", "birth_precision",
	"birth_year", "citizenships", "languages", "birth_place", "notes", "child_version",
	"case_id", "category", "exploitation", "evidence", "status", "missing", "responsible_org",
	"placement", "legal_basis", "consent", "handling", "opened_at", "closed_at", "case_version",
}

// exportPage is how many children are read at a time.
const exportPage = cases.MaxPerPage

// exportWriteTime is how long each page may take to reach the client: the
// deadline moves on with every page, so that a large export is not cut by
// the server's write timeout while a stalled client still is.
const exportWriteTime = 2 * time.Minute

// Exporter exports the records of the actor's country: every child with
// its cases, read through cases.Service (each page of children is audited
// as child.search with the ids shown) and recorded as one data.export.
type Exporter struct {
	cases  *cases.Service
	audit  audit.Appender
	logger *slog.Logger
	now    func() time.Time
}

// NewExporter returns an exporter reading through svc and auditing to log
// (*store.DB implements audit.Appender). logger (nil: discard) receives
// failures after a response has started; now is the clock (nil: time.Now).
func NewExporter(svc *cases.Service, log audit.Appender, logger *slog.Logger, now func() time.Time) *Exporter {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Exporter{cases: svc, audit: log, logger: logger, now: now}
}

// Serve answers r with the export of a's country in format f, as a
// download. It needs auth.PermCasesExport. Before it writes anything it
// reads the first page and records data.export (format and number of
// children); an error until then is returned for the caller to answer
// (nothing has been written). Once the response has started, a failure is
// recorded (data.export, outcome "failed", with how many children were
// written) and the connection is aborted (panic(http.ErrAbortHandler)), so
// that no client takes a truncated export for a whole one.
//
// The web interface mounts it for signed-in users, e.g.
//
//	if err := exporter.Serve(w, r, st.actor(), api.FormatCSV); err != nil { render the error page }
func (x *Exporter) Serve(w http.ResponseWriter, r *http.Request, a auth.Actor, f Format) error {
	ctx := r.Context()
	if !a.Can(auth.PermCasesExport) {
		return errs.E(errs.Forbidden, "your role does not allow exporting the records")
	}
	q := cases.Query{Page: 1, PerPage: exportPage}
	res, err := x.cases.Search(ctx, a, q)
	if err != nil {
		return err
	}
	country := a.Country
	if country == "" && len(res.Hits) > 0 { // the operator's System actor
		country = res.Hits[0].Child.Country
	}
	if err := x.record(ctx, a, country, "ok", "format="+string(f)+" total="+strconv.Itoa(res.Total)); err != nil {
		return err
	}
	now := x.now().UTC()
	ext, ctype := "json", "application/json"
	if f == FormatCSV {
		ext, ctype = "csv", "text/csv; charset=utf-8"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename="childcentre-`+string(country)+"-"+now.Format("20060102")+"."+ext+`"`)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)

	rc := http.NewResponseController(w)
	bw := bufio.NewWriterSize(w, 64<<10)
	var out pageWriter
	if f == FormatCSV {
		out = newCSVWriter(bw)
	} else {
		out = newJSONWriter(bw, country, now)
	}
	seen := map[int64]bool{}
	written := 0
	err = func() error {
		if err := out.begin(); err != nil {
			return err
		}
		for {
			_ = rc.SetWriteDeadline(time.Now().Add(exportWriteTime)) // not every writer supports deadlines
			for _, hit := range res.Hits {
				// Pages are read one after another: a child registered
				// meanwhile shifts the next page, and would come twice.
				if seen[hit.Child.ID] {
					continue
				}
				seen[hit.Child.ID] = true
				if err := out.child(hit.Child, hit.Cases); err != nil {
					return err
				}
				written++
			}
			if err := bw.Flush(); err != nil {
				return err
			}
			_ = rc.Flush()
			if len(res.Hits) < q.PerPage {
				break
			}
			q.Page++
			if res, err = x.cases.Search(ctx, a, q); err != nil {
				return err
			}
		}
		if err := out.end(); err != nil {
			return err
		}
		return bw.Flush()
	}()
	if err != nil {
		detail := "format=" + string(f) + " written=" + strconv.Itoa(written)
		// The request's context may be what failed; the record must still be written.
		if aerr := x.record(context.WithoutCancel(ctx), a, country, "failed", detail); aerr != nil {
			err = errors.Join(err, aerr)
		}
		// Only the code: a failed write's text names the client's address.
		x.logger.Warn("export aborted", "actor", a.Ref(),
			"written", written, "code", string(errs.CodeOf(err)))
		panic(http.ErrAbortHandler)
	}
	return nil
}

// record appends a data.export record; a token's request names the token.
func (x *Exporter) record(ctx context.Context, a auth.Actor, country auth.Country, outcome, detail string) error {
	return x.audit.AppendAudit(ctx, asToken(ctx, audit.Record{Time: x.now().UTC().Truncate(time.Microsecond),
		Actor: a.Ref(), Role: string(a.Role), Country: string(country), Action: audit.ActDataExport,
		Outcome: outcome, Addr: a.Addr, Detail: detail}))
}

// pageWriter writes an export, child by child.
type pageWriter interface {
	begin() error
	child(c *cases.Child, ks []*cases.Case) error
	end() error
}

// csvWriter writes CSVColumns, one row per case.
type csvWriter struct{ w *csv.Writer }

func newCSVWriter(w io.Writer) *csvWriter { return &csvWriter{w: csv.NewWriter(w)} }

func (c *csvWriter) begin() error { return c.w.Write(CSVColumns) }

func (c *csvWriter) child(ch *cases.Child, ks []*cases.Case) error {
	head := []string{
		strconv.FormatInt(ch.ID, 10), ch.NationalRef, ch.GivenNames, ch.FamilyName, string(ch.Sex), ch.BirthDate,
		string(ch.BirthPrecision), strconv.Itoa(ch.BirthYear), strings.Join(ch.Citizenships, " "),
		strings.Join(ch.Languages, " "), ch.BirthPlace, ch.Notes, strconv.Itoa(ch.Version),
	}
	if len(ks) == 0 {
		return c.w.Write(cells(append(head, make([]string, len(CSVColumns)-len(head))...)))
	}
	for _, k := range ks {
		exp := make([]string, len(k.Exploitation))
		for i, e := range k.Exploitation {
			exp[i] = string(e)
		}
		closed := ""
		if !k.ClosedAt.IsZero() {
			closed = k.ClosedAt.UTC().Format(time.RFC3339)
		}
		row := append(append([]string(nil), head...),
			strconv.FormatInt(k.ID, 10), string(k.Category), strings.Join(exp, " "), string(k.Evidence),
			string(k.Status), strconv.FormatBool(k.Missing), k.ResponsibleOrg, string(k.Placement), k.LegalBasis,
			strconv.FormatBool(k.Consent), string(k.Handling), k.OpenedAt.UTC().Format(time.RFC3339), closed,
			strconv.Itoa(k.Version))
		if err := c.w.Write(cells(row)); err != nil {
			return err
		}
	}
	return nil
}

func (c *csvWriter) end() error {
	c.w.Flush()
	return c.w.Error()
}

// cells guards a row against formula injection: a spreadsheet runs a
// cell that begins with = + - @ (or a tab or carriage return before one),
// so such a cell gets a leading apostrophe, as OWASP recommends. The
// apostrophe is the one change an export makes to a value.
func cells(row []string) []string {
	for i, v := range row {
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			row[i] = "'" + v
		}
	}
	return row
}

// jsonWriter writes {"country", "exported_at", "children": [...]}.
type jsonWriter struct {
	w       io.Writer
	country auth.Country
	at      time.Time
	n       int
}

func newJSONWriter(w io.Writer, country auth.Country, at time.Time) *jsonWriter {
	return &jsonWriter{w: w, country: country, at: at}
}

func (j *jsonWriter) begin() error {
	head, err := json.Marshal(struct {
		Country    string    `json:"country"`
		ExportedAt time.Time `json:"exported_at"`
	}{string(j.country), j.at.Truncate(time.Second)})
	if err != nil {
		return err
	}
	_, err = io.WriteString(j.w, string(head[:len(head)-1])+`,"children":[`+"\n")
	return err
}

func (j *jsonWriter) child(c *cases.Child, ks []*cases.Case) error {
	b, err := json.Marshal(childJSON(c, ks))
	if err != nil {
		return err
	}
	if j.n > 0 {
		if _, err := io.WriteString(j.w, ",\n"); err != nil {
			return err
		}
	}
	j.n++
	_, err = j.w.Write(b)
	return err
}

func (j *jsonWriter) end() error {
	_, err := io.WriteString(j.w, "\n]}\n")
	return err
}

// export serves GET /api/v1/export?format=csv|json.
func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	params, probs := strictQuery(r.URL.Query(), "format")
	format := params["format"]
	f, err := ParseFormat(format)
	if err != nil {
		probs = append(probs, FieldProblem{Field: "format", Detail: errs.MessageOf(err)})
	}
	if len(probs) > 0 {
		s.invalid(w, r, sortProblems(probs))
		return
	}
	if err := s.exporter.Serve(w, r, state(r).actor(), f); err != nil {
		s.fail(w, r, err, nil)
	}
}
