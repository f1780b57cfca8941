package web

import (
	"html"
	"html/template"
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
	Rows        []template.HTML // written by searchRow
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
		Brief:    true, // a row shows names, birth year and the cases' category and status
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
	d.Rows = make([]template.HTML, 0, len(res.Hits))
	for _, h := range res.Hits {
		d.Rows = append(d.Rows, s.searchRow(st, h, d.Searched))
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

// searchRow writes one child of the results as a table row: its short
// reference, names (each isolated in <bdi>, as names in any script are in
// every page), a badge when the child is missing from any case, birth
// year, the categories and statuses of its cases (each once, newest case
// first, translated and joined) and, for a search by name, the score.
//
// The row is written here rather than by the template: html/template
// makes every action and the escaping it adds a reflective call, and the
// 25 rows of a page were the largest part of the page's CPU even with the
// cells prepared in Go. Every text is escaped by html.EscapeString, which
// is what element content and quoted attributes need; the only attribute
// value is the child's numeric id.
func (s *Server) searchRow(st *reqState, h cases.Hit, searched bool) template.HTML {
	c := h.Child
	var cats []cases.Category
	var stats []cases.Status
	var catText, statText strings.Builder
	missing := false
	for _, k := range h.Cases {
		if !slices.Contains(cats, k.Category) {
			if len(cats) > 0 {
				catText.WriteString(", ")
			}
			cats = append(cats, k.Category)
			catText.WriteString(enumLabel(s.cat, st.tr, st.lang, "category", string(k.Category)))
		}
		if !slices.Contains(stats, k.Status) {
			if len(stats) > 0 {
				statText.WriteString(", ")
			}
			stats = append(stats, k.Status)
			statText.WriteString(enumLabel(s.cat, st.tr, st.lang, "status", string(k.Status)))
		}
		missing = missing || k.Missing
	}
	var b strings.Builder
	b.Grow(512)
	b.WriteString("<tr>\n    <td><code>")
	b.WriteString(html.EscapeString(shortRef(c.Ref)))
	b.WriteString("</code></td>\n    <td><a href=\"/children/")
	b.WriteString(strconv.FormatInt(c.ID, 10))
	b.WriteString("\"><bdi>")
	b.WriteString(html.EscapeString(c.GivenNames))
	b.WriteString("</bdi> <bdi>")
	b.WriteString(html.EscapeString(c.FamilyName))
	b.WriteString("</bdi></a>")
	if missing {
		b.WriteString(` <span class="badge missing">`)
		b.WriteString(html.EscapeString(st.tr.T("case.missing_badge")))
		b.WriteString("</span>")
	}
	b.WriteString("</td>\n    <td class=\"num\">")
	if c.BirthYear != 0 {
		b.WriteString(strconv.Itoa(c.BirthYear))
	} else {
		b.WriteString("–")
	}
	b.WriteString("</td>\n    <td>")
	b.WriteString(html.EscapeString(catText.String()))
	b.WriteString("</td>\n    <td>")
	b.WriteString(html.EscapeString(statText.String()))
	b.WriteString("</td>")
	if searched {
		b.WriteString("\n    <td class=\"num\">")
		b.WriteString(html.EscapeString(st.tr.T("register.score_value", "n", percent(h.Score))))
		b.WriteString("</td>")
	}
	b.WriteString("\n  </tr>")
	return template.HTML(b.String()) // every text above is escaped
}
