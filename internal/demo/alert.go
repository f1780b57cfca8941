package demo

import (
	"context"
	"slices"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/nodesync"
)

// alert raises a missing-child alert on home for a child of its hit queue
// (so registered in another country too): a child the registry already
// has as missing if there is one, otherwise one reported missing now. The
// hub answers with a possible-sighting notice to both nodes.
func (s *seeding) alert(ctx context.Context) error {
	home := s.home.Config.Country
	who := s.who[home]
	q, err := s.home.Exchange.Hits.Queue(ctx, who.officer, false)
	if err != nil {
		return err
	}
	yes := true
	res, err := s.home.Cases.Search(ctx, who.officer, cases.Query{Missing: &yes, Status: cases.StatusOpen, PerPage: cases.MaxPerPage})
	if err != nil {
		return err
	}
	missing := map[int64]int64{} // child -> its case
	for _, h := range res.Hits {
		if len(h.Cases) > 0 {
			missing[h.Child.ID] = h.Cases[0].ID
		}
	}
	var pick *nodesync.Hit
	for _, h := range q {
		if s.used[h.HitID] || s.used[h.LocalRef] || s.used[h.OtherRef] {
			continue
		}
		if pick == nil {
			pick = h
		}
		if missing[h.ChildID] != 0 {
			pick = h
			break
		}
	}
	if pick == nil {
		return errs.E(errs.Unavailable, "demo: no hit left for an alert")
	}
	s.use(pick)
	if missing[pick.ChildID] == 0 {
		cs, err := s.home.Cases.CasesOf(ctx, who.officer, pick.ChildID)
		if err != nil {
			return err
		}
		if len(cs) == 0 || cs[0].Status != cases.StatusOpen {
			return errs.E(errs.Unavailable, "demo: the child of the alert has no open case")
		}
		if _, err := s.home.Cases.AddEvent(ctx, who.officer, cs[0].ID, cases.EventInput{Type: cases.EvWentMissing, At: s.now(),
			PlaceType: "reception_centre", Notes: "Did not return to the reception centre in the evening."}); err != nil {
			return err
		}
	}
	al, err := s.home.Exchange.FollowUp.RaiseAlert(ctx, who.officer, pick.ChildID, exchange.AlertUrgent, false)
	if err != nil {
		return err
	}
	s.log.Info("demo: missing-child alert raised", "country", home)
	err = pollWithin(ctx, hitsWithin, "a possible sighting", func() (bool, error) {
		gs, err := s.home.Exchange.FollowUp.Sightings(ctx, who.officer, 20)
		return slices.ContainsFunc(gs, func(g *followup.Sighting) bool { return g.Alerting && g.ChildID == al.ChildID }), err
	})
	if err == nil {
		s.log.Info("demo: possible sighting notified", "country", home, "other", pick.OtherCountry)
	}
	return err
}
