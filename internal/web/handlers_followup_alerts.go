package web

import (
	"context"
	"net/http"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/followup"
)

// Missing-child alerts (issue 11): raised from the record of a child a
// case records as missing, listed with the possible sightings the network
// reports, and cancelled when the child is found. followup.Service checks
// the permission, the missing case and the sharing, and audits each
// change (alert.raise, alert.cancel). This file registers its page, its
// routes and its navigation entry itself.

func init() {
	pageNames = append(pageNames, "alerts")
	navigation = append(navigation, navItem{Href: "/alerts", LabelKey: "nav.alerts", Name: "alerts", perm: auth.PermCasesRead})
}

// alertRoutes are the routes of this file.
func (s *Server) alertRoutes() []Route {
	h := func(f http.HandlerFunc) http.Handler { return f }
	return []Route{
		{Method: "GET", Pattern: "/alerts", Name: "alerts", Permission: auth.PermCasesRead, handler: h(s.alertsPage)},
		{Method: "POST", Pattern: "/children/{id}/alert", Name: "alert_raise", Permission: auth.PermCasesWrite, handler: h(s.alertRaise)},
		{Method: "POST", Pattern: "/alerts/{id}/cancel", Name: "alert_cancel", Permission: auth.PermCasesWrite, handler: h(s.alertCancel)},
	}
}

// alertListLimit bounds each list of the page; a node has few alerts.
const alertListLimit = 200

var alertNotices = map[string]string{
	"raised":    "alerts.notice_raised",
	"cancelled": "alerts.notice_cancelled",
}

type alertsData struct {
	Connected bool
	CanWrite  bool
	Alerts    []*followup.Alert
	Abroad    []*followup.Sighting // our alerted children registered in another country
	Here      []*followup.Sighting // children registered here matching another country's alert
}

// alertsPage lists the alerts this node raised and the sighting notices
// received, in the two directions. Both lists are codes, countries, times
// and record numbers: no personal data is read, so nothing is audited.
func (s *Server) alertsPage(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	d := alertsData{Connected: s.deps.FollowUp != nil, CanWrite: st.principal.User.Role.Can(auth.PermCasesWrite)}
	if d.Connected {
		ctx, a := r.Context(), st.actor()
		var err error
		if d.Alerts, err = s.deps.FollowUp.Alerts(ctx, a, 0, alertListLimit); err != nil {
			s.renderError(w, r, err)
			return
		}
		sg, err := s.deps.FollowUp.Sightings(ctx, a, alertListLimit)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		for _, x := range sg {
			if x.Alerting {
				d.Abroad = append(d.Abroad, x)
			} else {
				d.Here = append(d.Here, x)
			}
		}
	}
	s.render(w, r, http.StatusOK, "alerts", &page{TitleKey: "alerts.title", NoticeKey: alertNotices[r.URL.Query().Get("done")], Data: d})
}

// alertRaise raises an alert on the child of the path. A refusal the
// officer can act on (not shared, not missing, already alerted) returns to
// the child's page with a notice saying what an alert needs.
func (s *Server) alertRaise(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok || s.deps.FollowUp == nil {
		s.renderStatus(w, r, http.StatusNotFound)
		return
	}
	urgency := r.PostForm.Get("urgency")
	_, err := s.deps.FollowUp.RaiseAlert(r.Context(), state(r).actor(), id, urgency, r.PostForm.Get("protect") == "yes")
	switch c := errs.CodeOf(err); {
	case err == nil:
		http.Redirect(w, r, "/alerts?done=raised", http.StatusSeeOther)
	case c == errs.Conflict || c == errs.Invalid:
		http.Redirect(w, r, childURL(id, "?done=alert_refused"), http.StatusSeeOther)
	default:
		s.renderError(w, r, err)
	}
}

// alertCancel withdraws an alert across the network: the child was found.
func (s *Server) alertCancel(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok || s.deps.FollowUp == nil {
		s.renderStatus(w, r, http.StatusNotFound)
		return
	}
	err := s.deps.FollowUp.CancelAlert(r.Context(), state(r).actor(), id)
	switch {
	case err == nil:
		http.Redirect(w, r, "/alerts?done=cancelled", http.StatusSeeOther)
	case errs.CodeOf(err) == errs.Conflict: // cancelled meanwhile
		http.Redirect(w, r, "/alerts", http.StatusSeeOther)
	default:
		s.renderError(w, r, err)
	}
}

// childAlert is the alert section of a child's page: shown when a case
// records the child as missing or an alert is active.
type childAlert struct {
	Missing   bool
	Active    *followup.Alert
	Urgencies []string
	CanRaise  bool
	CanCancel bool
}

// childAlertOf returns the alert section of a child's page, nil when the
// node has no hub, the child is not missing and has no active alert, or
// the alerts cannot be read (logged: the record still shows).
func (s *Server) childAlertOf(ctx context.Context, a auth.Actor, role auth.Role, childID int64, ks []*cases.Case) *childAlert {
	if s.deps.FollowUp == nil {
		return nil
	}
	ca := &childAlert{}
	for _, k := range ks {
		ca.Missing = ca.Missing || k.Missing
	}
	list, err := s.deps.FollowUp.Alerts(ctx, a, childID, 1)
	if err != nil {
		s.log.Warn("reading the child's alert failed", "err", err)
		return nil
	}
	if len(list) > 0 && list[0].State == followup.AlertActive {
		ca.Active = list[0]
	}
	if !ca.Missing && ca.Active == nil {
		return nil
	}
	write := role.Can(auth.PermCasesWrite)
	ca.CanRaise, ca.CanCancel = write && ca.Missing && ca.Active == nil, write && ca.Active != nil
	return ca
}
