package nodesync

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/metrics"
)

// Puller reads the node's inbox on the hub after the last notice it
// stored, stores hit notices (idempotently: by the hub's hit ID and by the
// pair of records, so that a notice read twice, or a pair notified again
// after a re-upload, is one hit) and hands sealed messages to their
// receivers. It moves its cursor only after everything up to it is
// stored, so a crash re-reads notices rather than losing them; the hub
// forgets notices only once the node asks past them.
type Puller struct {
	Store     Store
	Transport Transport
	Secrets   *Secrets // nil: sealed secrets are not accepted
	Logger    *slog.Logger
	Now       func() time.Time
	Poll      time.Duration // how often the inbox is read; 1s when 0
	// Other receives sealed messages of the kinds other packages own
	// (follow-up requests, internal/followup); nil: they are passed over.
	Other func(ctx context.Context, s *exchange.Sealed) error
	// OtherNotice receives notices of the types other packages own
	// (missing-child sightings); nil: they are passed over.
	OtherNotice func(ctx context.Context, n exchange.Notice) error

	received *metrics.Counter
}

// NewPuller returns a puller registering childcentre_exchange_hits_received_total on reg.
func NewPuller(st Store, tr Transport, sec *Secrets, reg *metrics.Registry, logger *slog.Logger, now func() time.Time) *Puller {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	p := &Puller{Store: st, Transport: tr, Secrets: sec, Logger: logger, Now: now}
	if reg != nil {
		p.received = reg.NewCounter("childcentre_exchange_hits_received_total", "Hit notices received from the hub and stored.")
	}
	return p
}

// Run reads the inbox until ctx ends, backing off while the hub is away.
func (p *Puller) Run(ctx context.Context) {
	failures := 0
	b := Sender{MinDelay: time.Second, MaxDelay: time.Minute}
	for {
		more, err := p.PullOnce(ctx)
		wait := p.Poll
		if wait <= 0 {
			wait = time.Second
		}
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			failures++
			wait = b.backoff(failures)
			p.Logger.Warn("exchange: reading the inbox failed; retrying", "err", err, "attempt", failures)
		case more:
			failures = 0
			continue
		default:
			failures = 0
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// PullOnce reads one page of the inbox and stores it; it reports whether
// more notices are waiting.
func (p *Puller) PullOnce(ctx context.Context) (bool, error) {
	var after int64
	if err := p.Store.View(ctx, func(tx Tx) error {
		v, err := tx.State(ctx, cursorState)
		if err == nil && v != "" {
			after, err = strconv.ParseInt(v, 10, 64)
		}
		return err
	}); err != nil {
		return false, err
	}
	in, err := p.Transport.Inbox(ctx, after)
	if err != nil {
		return false, err
	}
	if len(in.Notices) == 0 {
		return false, nil
	}
	last := after
	var sealed []*exchange.Sealed
	var others []exchange.Notice
	fresh := 0
	now := p.Now().UTC().Truncate(time.Microsecond)
	err = p.Store.Update(ctx, func(tx Tx) error {
		fresh, others = 0, others[:0]
		for _, n := range in.Notices {
			last = max(last, n.Seq)
			switch {
			case n.Type == exchange.NoticeHit && n.Hit != nil:
				ok, err := p.storeHit(ctx, tx, n.Hit, now)
				if err != nil {
					return err
				}
				if ok {
					fresh++
				}
			case n.Type == exchange.NoticeHitWithdrawn && n.Hit != nil:
				if err := tx.WithdrawHit(ctx, n.Hit.ID); err != nil {
					return err
				}
			case n.Type == exchange.NoticeSealed && n.Sealed != nil:
				sealed = append(sealed, n.Sealed)
			default:
				others = append(others, n)
			}
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	for _, s := range sealed {
		if err := p.open(ctx, s); err != nil {
			// A message that cannot be opened (not for us, forged, of a kind
			// this version does not know) is logged and passed over: reading
			// it again would not help.
			p.Logger.Warn("exchange: a sealed message was refused", "from", s.From, "kind", s.Kind, "err", err)
		}
	}
	for _, n := range others {
		if p.OtherNotice == nil {
			break
		}
		// Stored before the cursor moves past it: a failure reads it again.
		if err := p.OtherNotice(ctx, n); err != nil {
			return false, err
		}
	}
	if p.received != nil && fresh > 0 {
		p.received.Add(float64(fresh))
	}
	if err := p.Store.Update(ctx, func(tx Tx) error {
		return tx.SetState(ctx, cursorState, strconv.FormatInt(last, 10))
	}); err != nil {
		return false, err
	}
	return in.More, nil
}

func (p *Puller) storeHit(ctx context.Context, tx Tx, h *exchange.Hit, now time.Time) (bool, error) {
	child, err := tx.ChildOfRef(ctx, h.LocalRef)
	if err != nil || child == 0 {
		return false, err // a record withdrawn since: nothing to show
	}
	ex := h.Explanation
	if ex != nil && (h.Band != "possible" || ex.Validate() != nil) {
		// Not of a shape this node shows (too large, a name that could be
		// markup, an explanation of a "high" hit): the hit stands, without
		// it.
		p.Logger.Warn("exchange: a hit's explanation was refused", "hit", h.ID)
		ex = nil
	}
	return tx.PutHit(ctx, &Hit{HitID: h.ID, ChildID: child, LocalRef: h.LocalRef, OtherCountry: h.OtherCountry,
		OtherRef: h.OtherRef, Band: h.Band, Status: HitOpen, ReceivedAt: now, Explanation: ex})
}

func (p *Puller) open(ctx context.Context, s *exchange.Sealed) error {
	switch s.Kind {
	case SecretKind:
		if p.Secrets == nil {
			return nil
		}
		return p.Secrets.Receive(ctx, s)
	}
	if p.Other != nil {
		return p.Other(ctx, s)
	}
	return nil
}
