package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
)

// auditPageSize is the number of entries on one page of the audit log.
const auditPageSize = 50

// auditData is the data of the audit log page.
type auditData struct {
	Actions      []string
	Rows         []auditRow
	Total        int
	Page, Pages  int
	PrevURL      string
	NextURL      string
	AllCountries bool
}

// auditFilterFields are the query parameters of the filter form.
var auditFilterFields = []string{"action", "actor", "target", "from", "to", "country"}

// auditPage lists and filters the audit log of the auditor's country (every
// country for the network administrator). Each view is itself recorded as
// audit.read, before the entries are read: no one reads the log unseen.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	tr := st.tr
	a := st.actor()
	q := r.URL.Query()
	p := &page{TitleKey: "audit.title", Values: map[string]string{}}
	for _, k := range auditFilterFields {
		p.Values[k] = strings.TrimSpace(q.Get(k))
	}
	d := auditData{Actions: audit.Actions(), AllCountries: a.Role == auth.RoleNetworkAdmin, Page: 1}
	f := audit.Filter{Limit: auditPageSize}

	if !d.AllCountries {
		f.Country = string(a.Country)
	} else if c := p.Values["country"]; c != "" {
		if code, ok := countryCode(c); ok {
			f.Country = string(code)
		} else {
			p.addError("country", tr.T("audit.country_invalid"))
		}
	}
	if v := p.Values["action"]; v != "" {
		if slices.Contains(d.Actions, v) {
			f.Action = v
		} else {
			p.addError("action", tr.T("audit.action_invalid"))
		}
	}
	for _, k := range []string{"actor", "target"} {
		if len(p.Values[k]) > 64 {
			p.addError(k, tr.T("audit.ref_long", "n", 64))
		}
	}
	// Only references, codes and dates reach the log's record of this
	// view: an actor typed as a username is looked up and recorded as its
	// reference, and anything else than a reference is refused, so that
	// no free text an auditor types is written to the log (issue 10 L5).
	logged := maps.Clone(p.Values)
	if v := p.Values["actor"]; v != "" && len(v) <= 64 {
		ref, ok, known := s.auditActorRef(r, v)
		switch {
		case !ok:
			p.addError("actor", tr.T("audit.ref_invalid"))
		case !known:
			p.addError("actor", tr.T("audit.actor_unknown"))
		}
		f.Actor, logged["actor"] = ref, ref
	}
	if v := p.Values["target"]; v != "" && len(v) <= 64 {
		if !targetRefRE.MatchString(v) {
			p.addError("target", tr.T("audit.ref_invalid"))
		}
		f.Target = v
	}
	// The days are the node's: "from" its local midnight, "to" up to the
	// next local midnight (the form's "to" day is included).
	var ok bool
	if f.From, ok = parseDay(p.Values["from"], s.cfg.Location); !ok {
		p.addError("from", tr.T("audit.date_invalid"))
	}
	if f.To, ok = parseDay(p.Values["to"], s.cfg.Location); !ok {
		p.addError("to", tr.T("audit.date_invalid"))
	} else if !f.To.IsZero() {
		f.To = nextDayStart(f.To, s.cfg.Location)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		p.addError("to", tr.T("audit.date_order"))
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n <= 1_000_000 {
		d.Page = n
	}
	f.Offset = (d.Page - 1) * auditPageSize

	if len(p.Errors) > 0 {
		p.Data = d
		s.render(w, r, http.StatusUnprocessableEntity, "audit", p)
		return
	}
	err := s.deps.Audit.AppendAudit(r.Context(), audit.Record{
		Time:    s.now(),
		Actor:   a.Ref(),
		Role:    string(a.Role),
		Country: f.Country,
		Action:  "audit.read",
		Target:  "audit",
		Outcome: "ok",
		Addr:    st.addr,
		Detail:  auditDetail(logged, d.Page),
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var entries []audit.Entry
	entries, d.Total, err = s.deps.Audit.ListAudit(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if d.Rows, err = s.auditRows(r.Context(), entries); err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Pages = max(1, (d.Total+auditPageSize-1)/auditPageSize)
	if d.Page > 1 {
		d.PrevURL = auditURL(q, d.Page-1)
	}
	if d.Page < d.Pages {
		d.NextURL = auditURL(q, d.Page+1)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "audit", p)
}

// auditDetail records which filters a view used: the filter values are
// identifiers and codes ("user:12", "auth.signin", dates), no personal data.
func auditDetail(values map[string]string, page int) string {
	var parts []string
	for _, k := range auditFilterFields {
		if v := values[k]; v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	if page > 1 {
		parts = append(parts, "page="+strconv.Itoa(page))
	}
	return strings.Join(parts, " ")
}

func auditURL(q url.Values, page int) string {
	v := url.Values{}
	for _, k := range auditFilterFields {
		if s := q.Get(k); s != "" {
			v.Set(k, s)
		}
	}
	v.Set("page", strconv.Itoa(page))
	return "/audit?" + v.Encode()
}
