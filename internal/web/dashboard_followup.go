package web

import (
	"context"
	"strconv"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/followup"
)

// The start page's follow-up part (issue 11, item 6): the requests still
// open, overdue first and then by deadline, and per other country how
// requests fare and how many of our missing children were sighted there.
// Codes, counts and durations only: nothing here reads a sealed body.

// dashboardOpenLimit bounds the open requests the start page lists; the
// follow-up page lists them all.
const dashboardOpenLimit = 10

// followupDashboard is the follow-up part of the start page.
type followupDashboard struct {
	Labels  map[string]string
	Open    []followupRow
	Figures []figureRow
}

// figureRow is one country's figures with its medians ready to show.
type figureRow struct {
	*followup.CountryFigures
	Answer, Decision span
}

// span is a duration as the page shows it: a whole number of a unit,
// whose catalogue key receives {n}. Key "" shows a dash (no figure).
type span struct {
	Key string
	N   string
}

// spanOf rounds d to the unit that keeps it readable: minutes under an
// hour, hours under three days, days beyond.
func spanOf(d time.Duration) span {
	switch {
	case d <= 0:
		return span{}
	case d < time.Hour:
		return span{Key: "dash.minutes", N: strconv.Itoa(max(1, int(d.Round(time.Minute)/time.Minute)))}
	case d < 72*time.Hour:
		return span{Key: "dash.hours", N: strconv.Itoa(int(d.Round(time.Hour) / time.Hour))}
	}
	return span{Key: "dash.days", N: strconv.Itoa(int(d.Round(24*time.Hour) / (24 * time.Hour)))}
}

// followupDashboardOf gathers the follow-up part for a role that reads
// cases on a node with a hub; nil otherwise, or when it cannot be read
// (logged: the rest of the page still renders).
func (s *Server) followupDashboardOf(ctx context.Context, a auth.Actor, role auth.Role) *followupDashboard {
	svc := s.deps.FollowUp
	if svc == nil || !role.Can(auth.PermCasesRead) {
		return nil
	}
	open, err := svc.Open(ctx, a, dashboardOpenLimit)
	if err != nil {
		s.log.Warn("open follow-up requests failed", "err", err)
		return nil
	}
	figs, err := svc.Figures(ctx, a)
	if err != nil {
		s.log.Warn("follow-up figures failed", "err", err)
		return nil
	}
	d := &followupDashboard{Labels: followupLabels}
	now := s.now()
	for _, q := range open { // the store orders them: overdue first, then by deadline
		d.Open = append(d.Open, followupRow{Request: q, Overdue: q.Overdue(now)})
	}
	for _, f := range figs {
		d.Figures = append(d.Figures, figureRow{CountryFigures: f, Answer: spanOf(f.MedianAnswer), Decision: spanOf(f.MedianDecision)})
	}
	return d
}
