package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// fuRequest is a request of the figures test as the store keeps it: when
// it left or arrived (nil: waits for approval) and how long its decision
// took (0: none yet).
type fuRequest struct {
	country, dir, state string
	urgency             followup.Urgency
	started             time.Duration // before now
	decidedAfter        time.Duration
	approval            bool
}

// TestFollowUpFigures: the dashboard's open requests come overdue first,
// then by deadline, then those waiting for approval; the per-country
// figures count requests sent and answered, received and decided, with
// the median times, and the sightings of this node's own alerts.
func TestFollowUpFigures(t *testing.T) {
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		fs := store.NewFollowUpStore(db)
		svc := &followup.Service{Store: fs, Country: "SE", Now: func() time.Time { return now }}
		reqs := []fuRequest{
			{country: "FI", dir: followup.Out, state: followup.StateGranted, urgency: followup.Routine, started: 48 * time.Hour, decidedAfter: 10 * time.Hour},
			{country: "FI", dir: followup.Out, state: followup.StateRefused, urgency: followup.Routine, started: 72 * time.Hour, decidedAfter: 30 * time.Hour},
			{country: "FI", dir: followup.Out, state: followup.StateSent, urgency: followup.Routine, started: 20 * 24 * time.Hour}, // overdue
			{country: "FI", dir: followup.In, state: followup.StatePartial, urgency: followup.Urgent, started: 5 * time.Hour, decidedAfter: 2 * time.Hour},
			{country: "DK", dir: followup.In, state: followup.StatePending, urgency: followup.Urgent, started: time.Hour},
			{country: "DK", dir: followup.Out, state: followup.StateApproval, urgency: followup.Danger, approval: true},
		}
		ids := make([]int64, len(reqs))
		err := fs.Update(ctx, func(tx followup.Tx) error {
			for i, q := range reqs {
				r := &followup.Request{Thread: string(rune('a' + i)), Direction: q.dir, OtherCountry: q.country, LocalRef: "l", OtherRef: "o",
					Urgency: q.urgency, Handling: "H2", LegalBasis: "prum-2024-982", State: q.state, CreatedBy: "user:1",
					CreatedAt: now.Add(-q.started), UpdatedAt: now, Body: []byte("sealed")}
				if !q.approval {
					r.Deadline = now.Add(-q.started).Add(followup.Deadlines[q.urgency])
				}
				if err := tx.PutRequest(ctx, r); err != nil {
					return err
				}
				ids[i] = r.ID
				if q.approval {
					continue
				}
				start, end := followup.EvSent, followup.EvAnswered
				if q.dir == followup.In {
					start, end = followup.EvReceived, followup.EvDecided
				}
				if err := tx.AddEvent(ctx, &followup.Event{RequestID: r.ID, Kind: start, Actor: "user:1", At: now.Add(-q.started)}); err != nil {
					return err
				}
				if q.decidedAfter > 0 {
					at := now.Add(-q.started).Add(q.decidedAfter)
					if err := tx.AddEvent(ctx, &followup.Event{RequestID: r.ID, Kind: end, Actor: "country:" + q.country, At: at}); err != nil {
						return err
					}
				}
			}
			at, ok := tx.(followup.AlertTx)
			if !ok {
				return errs.E(errs.Unavailable, "the follow-up store keeps no alerts")
			}
			for i, s := range []followup.Sighting{
				{AlertKey: "k1", LocalRef: "r1", Alerting: true, OtherCountry: "FI"},
				{AlertKey: "k2", LocalRef: "r2", Alerting: true, OtherCountry: "FI", Withdrawn: true},
				{AlertKey: "k3", LocalRef: "r3", Alerting: true, OtherCountry: "NO"},
				{AlertKey: "k4", LocalRef: "r4", Alerting: false, OtherCountry: "DK"}, // DK's alert matches a child here
			} {
				s.Urgency, s.Band, s.ReceivedAt = "urgent", "high", now.Add(-time.Duration(i)*time.Hour)
				if _, err := at.PutSighting(ctx, &s); err != nil {
					return err
				}
			}
			return at.WithdrawSightings(ctx, "k2")
		})
		if err != nil {
			t.Fatal(err)
		}

		officer := auth.Actor{UserID: 1, Role: auth.RoleOfficer, Country: "SE"}
		open, err := svc.Open(ctx, officer, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, r := range open {
			got = append(got, r.ID)
		}
		// The overdue FI request, the pending DK one, then the one waiting for approval.
		if want := []int64{ids[2], ids[4], ids[5]}; !slices.Equal(got, want) {
			t.Errorf("open requests %v, want %v", got, want)
		}
		if !open[0].Overdue(now) || open[1].Overdue(now) {
			t.Errorf("overdue: first %v, second %v", open[0].Overdue(now), open[1].Overdue(now))
		}

		figs, err := svc.Figures(ctx, officer)
		if err != nil {
			t.Fatal(err)
		}
		want := []followup.CountryFigures{
			{Country: "DK", Received: 1},
			{Country: "FI", Sent: 3, Answered: 2, MedianAnswer: 20 * time.Hour, Received: 1, Decided: 1, MedianDecision: 2 * time.Hour, Sightings: 2},
			{Country: "NO", Sightings: 1},
		}
		if len(figs) != len(want) {
			t.Fatalf("figures for %d countries, want %d: %+v", len(figs), len(want), figs)
		}
		for i, f := range figs {
			if *f != want[i] {
				t.Errorf("figures %s:\n got %+v\nwant %+v", want[i].Country, *f, want[i])
			}
		}

		admin := auth.Actor{UserID: 2, Role: auth.RoleCountryAdmin, Country: "SE"}
		if _, err := svc.Figures(ctx, admin); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("an administrator reads the figures: %v", err)
		}
		if _, err := svc.Open(ctx, admin, 10); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("an administrator reads the open requests: %v", err)
		}
	})
}
