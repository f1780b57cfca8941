package followup

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// The node's dashboard (issue 11, item 6): the requests still open, by
// deadline, and per other country how requests fare and how many of this
// node's missing children were sighted there. Every figure is a count or
// a duration over coded columns; none reads a sealed body.

// Timing is one request that left (or arrived) as the figures need it:
// when it started counting and when it was decided (zero: not yet).
type Timing struct {
	OtherCountry string
	Direction    string    // Out: this node asked; In: the other country asked
	Started      time.Time // sent (Out) or received (In)
	Decided      time.Time // the answer arrived (Out) or this node decided (In)
}

// FiguresTx is what the figures read; store.FollowUpStore's transaction
// implements it beside Tx and AlertTx.
type FiguresTx interface {
	// OpenRequests lists the requests waiting for approval, an answer or a
	// decision, earliest deadline first (overdue ones are the earliest),
	// those without a deadline (waiting for approval) last.
	OpenRequests(ctx context.Context, limit int) ([]*Request, error)
	// Timings returns every request that left or arrived, with the times
	// of its sent or received event and of its decision.
	Timings(ctx context.Context) ([]Timing, error)
	// SightingsByCountry counts the sighting notices of this node's own
	// alerts by the country where the child was registered.
	SightingsByCountry(ctx context.Context) (map[string]int, error)
}

// CountryFigures are the follow-up figures of one other country.
type CountryFigures struct {
	Country string
	// Sent is the requests this node sent there; Answered, those answered;
	// MedianAnswer, the median time from sending to the answer (0: none).
	Sent, Answered int
	MedianAnswer   time.Duration
	// Received is the requests that country sent here; Decided, those
	// decided here; MedianDecision, the median time to decide (0: none).
	Received, Decided int
	MedianDecision    time.Duration
	// Sightings counts possible sightings there of children this node
	// alerted as missing.
	Sightings int
}

func figuresTx(tx Tx) (FiguresTx, error) {
	ft, ok := tx.(FiguresTx)
	if !ok {
		return nil, errs.E(errs.Unavailable, "follow-up: this store keeps no figures")
	}
	return ft, nil
}

// Open returns the requests still open, overdue ones first, then by
// deadline, then those waiting for a supervisor's approval.
func (s *Service) Open(ctx context.Context, a auth.Actor, limit int) ([]*Request, error) {
	if err := s.allow(a, auth.PermCasesRead); err != nil {
		return nil, err
	}
	var out []*Request
	err := s.Store.View(ctx, func(tx Tx) error {
		ft, err := figuresTx(tx)
		if err != nil {
			return err
		}
		out, err = ft.OpenRequests(ctx, limit)
		return err
	})
	return out, err
}

// Figures returns the per-country figures, by country code. The medians
// are computed here rather than in SQL, which has no portable median.
func (s *Service) Figures(ctx context.Context, a auth.Actor) ([]*CountryFigures, error) {
	if err := s.allow(a, auth.PermCasesRead); err != nil {
		return nil, err
	}
	var ts []Timing
	var seen map[string]int
	err := s.Store.View(ctx, func(tx Tx) error {
		ft, err := figuresTx(tx)
		if err != nil {
			return err
		}
		if ts, err = ft.Timings(ctx); err != nil {
			return err
		}
		seen, err = ft.SightingsByCountry(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	by := map[string]*CountryFigures{}
	get := func(c string) *CountryFigures {
		if by[c] == nil {
			by[c] = &CountryFigures{Country: c}
		}
		return by[c]
	}
	answer, decide := map[string][]time.Duration{}, map[string][]time.Duration{}
	for _, t := range ts {
		f := get(t.OtherCountry)
		done := !t.Decided.IsZero() && !t.Started.IsZero()
		switch t.Direction {
		case Out:
			f.Sent++
			if done {
				f.Answered++
				answer[t.OtherCountry] = append(answer[t.OtherCountry], t.Decided.Sub(t.Started))
			}
		case In:
			f.Received++
			if done {
				f.Decided++
				decide[t.OtherCountry] = append(decide[t.OtherCountry], t.Decided.Sub(t.Started))
			}
		}
	}
	for c, n := range seen {
		get(c).Sightings = n
	}
	out := make([]*CountryFigures, 0, len(by))
	for c, f := range by {
		f.MedianAnswer, f.MedianDecision = median(answer[c]), median(decide[c])
		out = append(out, f)
	}
	slices.SortFunc(out, func(x, y *CountryFigures) int { return cmp.Compare(x.Country, y.Country) })
	return out, nil
}

// median returns the median of ds (the mean of the middle two when their
// number is even), 0 for none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	m := len(ds) / 2
	if len(ds)%2 == 1 {
		return ds[m]
	}
	return (ds[m-1] + ds[m]) / 2
}
