package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
)

// searchPerPage is the number of children on a page of results.
const searchPerPage = 25

// searchFields are the query parameters of the search form.
var searchFields = []string{"q", "status", "category", "evidence", "missing", "from", "to"}

// searchData is the data of the search page.
type searchData struct {
	Rows        []searchRow
	Total       int
	Searched    bool // a name was searched for: results are ranked
	Page, Pages int
	PrevURL     string // GET links when no name was searched
	NextURL     string
	// PrevPage and NextPage (0: none) with Carry are the POST forms of the
	// pages of a search by name.
	PrevPage, NextPage int
	Carry              []hiddenField
	CanRegister        bool

	Statuses, Categories, Evidence, Missing []choice
}

// childrenPage searches the registry: one box for names in any spelling
// or script, filters on the children's cases, ranked and paginated
// results. An empty search lists the newest children. The service records
// every search as child.search with the ids it showed, never the terms.
func (s *Server) childrenPage(w http.ResponseWriter, r *http.Request) {
	svc := s.registry(w, r)
	if svc == nil {
		return
	}
	st := state(r)
	tr := st.tr
	// Names are searched by POST (/children/search) so that they never
	// reach a URL: browser history, proxies and access logs keep URLs
	// (issue 10 M1). A GET carries only the filters, which identify no
	// one; a name in its query is ignored, never searched or echoed.
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		q = r.PostForm
	} else {
		q.Del("q")
	}
	p := &page{TitleKey: "children.title", Values: map[string]string{}}
	for _, k := range searchFields {
		p.Values[k] = strings.TrimSpace(q.Get(k))
	}
	d := searchData{
		Page:        1,
		CanRegister: st.principal.User.Role.Can(auth.PermCasesWrite),
		Statuses:    statusChoices, Categories: anyCategoryChoices, Evidence: anyEvidenceChoices, Missing: missingChoices,
	}
	query := cases.Query{
		Text:     p.Values["q"],
		Status:   cases.Status(p.Values["status"]),
		Category: cases.Category(p.Values["category"]),
		Evidence: cases.Evidence(p.Values["evidence"]),
		PerPage:  searchPerPage,
	}
	switch p.Values["missing"] {
	case "yes", "no":
		m := p.Values["missing"] == "yes"
		query.Missing = &m
	case "":
	default:
		p.addError("missing", tr.T("children.err_choice"))
	}
	for _, c := range []struct {
		name string
		ok   bool
	}{{"status", query.Status == "" || query.Status.Valid()}, {"category", query.Category == "" || query.Category.Valid()},
		{"evidence", query.Evidence == "" || query.Evidence.Valid()}} {
		if !c.ok {
			p.addError(c.name, tr.T("children.err_choice"))
		}
	}
	// Cases opened on the node's days: "to" runs to the next local
	// midnight (the form's "to" day is included).
	var ok bool
	if query.From, ok = parseDay(p.Values["from"], s.cfg.Location); !ok {
		p.addError("from", tr.T("children.err_date"))
	}
	if query.To, ok = parseDay(p.Values["to"], s.cfg.Location); !ok {
		p.addError("to", tr.T("children.err_date"))
	} else if !query.To.IsZero() {
		query.To = nextDayStart(query.To, s.cfg.Location)
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n <= 100_000 {
		d.Page = n
	}
	query.Page = d.Page
	if len(p.Errors) > 0 {
		p.Data = d
		s.render(w, r, http.StatusUnprocessableEntity, "search", p)
		return
	}
	res, err := svc.Search(r.Context(), st.actor(), query)
	if isInvalid(err) {
		addFieldErrors(p, tr, err, func(f string) (string, string, int) {
			if f == "text" {
				return "q", "q", 0
			}
			return f, f, 0
		})
		p.Data = d
		s.render(w, r, http.StatusUnprocessableEntity, "search", p)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Total, d.Searched = res.Total, query.Text != ""
	for _, h := range res.Hits {
		d.Rows = append(d.Rows, newSearchRow(h))
	}
	d.Pages = max(1, (res.Total+searchPerPage-1)/searchPerPage)
	switch {
	case !d.Searched:
		if d.Page > 1 {
			d.PrevURL = searchURL(q, d.Page-1)
		}
		if d.Page < d.Pages {
			d.NextURL = searchURL(q, d.Page+1)
		}
	default:
		// The pages of a search by name are reached by POST too: the
		// terms travel in hidden fields of the page's forms.
		if d.Page > 1 {
			d.PrevPage = d.Page - 1
		}
		if d.Page < d.Pages {
			d.NextPage = d.Page + 1
		}
		for _, k := range searchFields {
			if v := p.Values[k]; v != "" {
				d.Carry = append(d.Carry, hiddenField{Name: k, Value: v})
			}
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "search", p)
}

// searchURL is the GET link of a listing's page: filters only, never q.
func searchURL(q url.Values, page int) string {
	v := url.Values{}
	for _, k := range searchFields {
		if k == "q" {
			continue
		}
		if s := q.Get(k); s != "" {
			v.Set(k, s)
		}
	}
	v.Set("page", strconv.Itoa(page))
	return "/children?" + v.Encode()
}

// searchRow is one child in the results: the child, the categories and
// statuses of their cases (each once, newest case first) and whether they
// are missing from any case. Named fields, not an embedded cases.Hit:
// the template finds a promoted field (.Child) by a slow search of the
// embedded structs on every use, 25 rows a page.
type searchRow struct {
	Child      *cases.Child
	Score      float64
	Categories []cases.Category
	Statuses   []cases.Status
	Missing    bool
}

func newSearchRow(h cases.Hit) searchRow {
	row := searchRow{Child: h.Child, Score: h.Score}
	for _, k := range h.Cases {
		if !slices.Contains(row.Categories, k.Category) {
			row.Categories = append(row.Categories, k.Category)
		}
		if !slices.Contains(row.Statuses, k.Status) {
			row.Statuses = append(row.Statuses, k.Status)
		}
		row.Missing = row.Missing || k.Missing
	}
	return row
}
