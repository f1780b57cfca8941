package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/web/i18n"
)

//go:embed templates
var templateFS embed.FS

// pageNames are the page templates; each is parsed with layout.html.
var pageNames = []string{
	"signin", "code", "enrol", "recovery", "dashboard", "account",
	"users", "user_new", "user", "secret", "audit", "error",
	// The case registry (handlers_cases*.go).
	"search", "register", "register_duplicates", "child", "child_edit", "child_history",
	"case", "case_edit", "case_print",
	// One audit log entry, whole (handlers_audit_entry.go).
	"audit_entry",
	// The new user's enrolment link (handlers_welcome.go).
	"welcome",
	// National figures (handlers_stats.go).
	"stats_national", "stats_regional", "stats_methodology",
	// The hub's network pages (handlers_network.go).
	"network_nodes", "network_matching",
}

// partials are parsed with every page: form controls shared by several
// pages. Each defines named templates only.
var partials = []string{"templates/layout.html", "templates/case_fields.html"}

// views holds every page parsed once per language at start, each set with
// a "t" function bound to its language's catalogue, so that templates
// write {{t "signin.title"}} and nothing is parsed or cloned per request.
// The time functions are bound to the node's zone the same way.
type views struct {
	byLang map[string]map[string]*template.Template
}

func parseViews(cat *i18n.Catalog, sf *staticFiles, loc *time.Location) (*views, error) {
	v := &views{byLang: map[string]map[string]*template.Template{}}
	var base map[string]*template.Template
	for _, lang := range i18n.Languages {
		funcs := viewFuncs(cat, sf, loc, lang)
		if base == nil {
			// Each page is parsed once, with the first language's functions
			// (parsing needs only their names), and cloned for every
			// language with its own: parsing twelve times per server made up
			// a third of a node's start.
			var err error
			if base, err = parsePages(funcs); err != nil {
				return nil, err
			}
		}
		v.byLang[lang] = map[string]*template.Template{}
		for _, name := range pageNames {
			t, err := base[name].Clone()
			if err != nil {
				return nil, fmt.Errorf("web: template %s: %w", name, err)
			}
			v.byLang[lang][name] = t.Funcs(funcs)
		}
	}
	return v, nil
}

// parsePages parses every page with the partials, never to be executed
// itself: views clone it per language.
func parsePages(funcs template.FuncMap) (map[string]*template.Template, error) {
	base := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, slices.Concat(partials, []string{"templates/" + name + ".html"})...)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		base[name] = t
	}
	return base, nil
}

// viewFuncs are the template functions of one language.
func viewFuncs(cat *i18n.Catalog, sf *staticFiles, loc *time.Location, lang string) template.FuncMap {
	tr := cat.Translator(lang)
	// label translates a code of the data (a role, an audit action or
	// outcome) when the catalogue knows it, else shows the code: the
	// audit log may hold codes of later versions.
	label := func(prefix string) func(any) string {
		return func(code any) string {
			c := fmt.Sprint(code)
			if cat.Has(lang, prefix+c) {
				return tr.T(prefix + c)
			}
			return c
		}
	}
	funcs := template.FuncMap{
		"t":         tr.T,
		"static":    sf.url,
		"role":      label("role."),
		"langName":  label("lang."),
		"action":    label("audit.action."),
		"outcome":   label("audit.outcome."),
		"time":      func(t time.Time) string { return t.In(loc).Format(secondLayout) },
		"zone":      loc.String,
		"field":     newField,
		"hint":      withHint,
		"autofocus": withAutofocus,
		"numeric":   withNumeric,
		"kib":       func(n int64) int64 { return (n + 1023) >> 10 }, // a file's size, rounded up
	}
	for name, f := range registryFuncs(cat, tr, lang, loc) {
		funcs[name] = f
	}
	for name, f := range numberFuncs(lang) {
		funcs[name] = f
	}
	return funcs
}

// page is what every template receives. Handlers fill the page-specific
// part; render fills the rest from the request.
type page struct {
	TitleKey  string // catalogue key of the page title
	NoticeKey string // catalogue key of a confirmation shown at the top
	Errors    []fieldError
	Values    map[string]string // what the user typed, to show again (never passwords)
	Data      any               // page-specific

	Lang    string
	Country auth.Country
	User    *auth.User // the signed-in user (full session), for the header
	Partial bool       // a session part-way through sign-in
	CSRF    string
	Nav     []navItem
	Current string // route name of the page, to mark the navigation
	Print   bool   // a print view: no navigation, no sign-out form
}

// fieldError is a form error; Field "" is an error about the whole form.
type fieldError struct {
	Field   string
	Message string // translated
}

// navItem is a navigation entry, shown only to roles with its permission.
type navItem struct {
	Href     string
	LabelKey string
	Name     string // route name
	perm     auth.Permission
}

var navigation = []navItem{
	{Href: "/", LabelKey: "nav.dashboard", Name: "dashboard", perm: auth.PermAccount},
	{Href: "/children", LabelKey: "nav.children", Name: "children", perm: auth.PermCasesRead},
	{Href: "/export?format=csv", LabelKey: "nav.export_csv", Name: "export", perm: auth.PermCasesExport},
	{Href: "/statistics", LabelKey: "nav.statistics", Name: "statistics", perm: auth.PermCasesRead},
	{Href: "/admin/users", LabelKey: "nav.users", Name: "users", perm: auth.PermUsersManage},
	{Href: "/audit", LabelKey: "nav.audit", Name: "audit", perm: auth.PermAuditRead},
	{Href: "/network/nodes", LabelKey: "nav.network_nodes", Name: "network_nodes", perm: auth.PermNetworkMonitor},
	{Href: "/network/matching", LabelKey: "nav.network_matching", Name: "network_matching", perm: auth.PermNetworkMonitor},
	{Href: "/account", LabelKey: "nav.account", Name: "account", perm: auth.PermAccount},
}

func navFor(r auth.Role) []navItem {
	var out []navItem
	for _, n := range navigation {
		if r.Can(n.perm) {
			out = append(out, n)
		}
	}
	return out
}

// Value returns what the user typed into field.
func (p *page) Value(field string) string { return p.Values[field] }

// Error returns the error message about field, or "".
func (p *page) Error(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// addError records an error about field (translated by the caller).
func (p *page) addError(field, message string) {
	p.Errors = append(p.Errors, fieldError{Field: field, Message: message})
}

// render executes a page into a buffer first, so that a template failure
// becomes a clean 500 page rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	st := state(r)
	p.Lang = st.lang
	p.Country = s.cfg.Country
	if fp := st.fullSession(); fp != nil {
		p.User = fp.User
		if !p.Print {
			p.Nav = s.withoutNetwork(navFor(fp.User.Role))
		}
	} else if st.principal != nil {
		p.Partial = true
	}
	if p.CSRF == "" {
		p.CSRF = s.tokenFor(st)
	}
	if st.route != nil {
		p.Current = st.route.Name
	}
	t := s.views.byLang[st.lang][name]
	if t == nil {
		t = s.views.byLang["en"][name]
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("template failed", "page", name, "err", err)
		if name != "error" {
			s.renderStatus(w, r, http.StatusInternalServerError)
			return
		}
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// errorPage is the data of the error page.
type errorPage struct {
	Status     int
	MessageKey string
}

// errorStatuses are the statuses with a page of their own; others use 500's.
var errorStatuses = map[int]bool{400: true, 401: true, 403: true, 404: true, 409: true, 413: true, 422: true, 429: true, 500: true, 503: true}

// renderStatus renders the error page for an HTTP status. The text comes
// from the catalogue, never from an error.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int) {
	key := status
	if !errorStatuses[key] {
		key = http.StatusInternalServerError
	}
	k := strconv.Itoa(key)
	s.render(w, r, status, "error", &page{
		TitleKey: "error." + k + ".title",
		Data:     errorPage{Status: status, MessageKey: "error." + k + ".text"},
	})
}

// renderError maps err onto its HTTP status through errs.HTTPStatus (the
// one table) and renders that status's page. Internal and unavailable
// errors are logged with their cause; the page shows none of it.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := errs.HTTPStatus(err)
	if status >= 500 {
		route := ""
		if st := state(r); st.route != nil {
			route = st.route.Method + " " + st.route.Pattern
		}
		s.log.Error("request failed", "route", route, "code", string(errs.CodeOf(err)), "err", err)
	}
	s.renderStatus(w, r, status)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderStatus(w, r, http.StatusNotFound)
}
