package nodesync

import (
	"cmp"
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/metrics"
)

// Sender delivers the outbox to the hub in batches, oldest first. Every
// message keeps the ID it was given when it was written, so a batch sent
// again after a failure or a crash (between the hub's answer and the
// outbox's update) is answered "duplicate" for what the hub already has:
// delivery is at least once on the wire and exactly once in effect. A
// message the hub refuses is marked refused (OutboxCounts, the operations
// page) and not sent again; a hub that cannot be reached is tried again
// with exponential backoff and jitter, for as long as it takes.
type Sender struct {
	Store     Store
	Transport Transport
	Logger    *slog.Logger
	Now       func() time.Time
	Batch     int           // messages per batch; exchange.MaxBatch when 0
	Poll      time.Duration // how often an empty outbox is looked at again; 1s when 0
	MinDelay  time.Duration // first backoff after a failure; 1s when 0
	MaxDelay  time.Duration // backoff ceiling; 2m when 0
	// InFlight is how many batches are sent at once when the due messages
	// are uploads and withdrawals of distinct records (DefaultInFlight
	// when 0); other messages go one batch at a time, in order.
	InFlight int

	pending *metrics.Gauge
	counted atomic.Int64 // when pending was last set, Unix ns
	wake    chan struct{}
}

// NewSender returns a sender registering childcentre_exchange_outbox_pending on reg.
func NewSender(st Store, tr Transport, reg *metrics.Registry, logger *slog.Logger, now func() time.Time) *Sender {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	s := &Sender{Store: st, Transport: tr, Logger: logger, Now: now, wake: make(chan struct{}, 1)}
	if reg != nil {
		s.pending = reg.NewGauge("childcentre_exchange_outbox_pending", "Messages in the outbox waiting for the hub.")
	}
	return s
}

// Wake asks the sender to look at the outbox now rather than at its next poll.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends.
func (s *Sender) Run(ctx context.Context) {
	failures := 0
	for {
		n, full, err := s.sendOnce(ctx)
		var wait time.Duration
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			failures++
			wait = s.backoff(failures)
			s.Logger.Warn("exchange: delivery to the hub failed; retrying", "err", err, "attempt", failures, "retry_in", wait.Round(time.Millisecond).String())
		case n >= s.batch() || full:
			failures = 0
			continue // more is waiting
		default:
			failures = 0
			wait = s.Poll
			if wait <= 0 {
				wait = time.Second
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

func (s *Sender) batch() int {
	if s.Batch <= 0 || s.Batch > exchange.MaxBatch {
		return exchange.MaxBatch
	}
	return s.Batch
}

// backoff returns the wait after the n-th failure in a row: exponential
// from MinDelay to MaxDelay with full jitter, so that nodes coming back
// after an outage of the hub do not all knock at once.
func (s *Sender) backoff(n int) time.Duration {
	lo, hi := s.MinDelay, s.MaxDelay
	if lo <= 0 {
		lo = time.Second
	}
	if hi <= 0 {
		hi = 2 * time.Minute
	}
	d := lo
	for i := 1; i < n && d < hi; i++ {
		d *= 2
	}
	d = min(d, hi)
	return d/2 + rand.N(d/2+1)
}

// SendOnce sends one batch of due messages and records the hub's answers.
// It returns how many messages it sent; an error means the hub was not
// reached or gave no usable answer (nothing was marked).
func (s *Sender) SendOnce(ctx context.Context) (int, error) {
	n, _, err := s.sendOnce(ctx)
	return n, err
}

// fitBytes keeps the first messages of due whose bodies together stay
// within limit bytes, and always the first (a message larger than limit
// goes alone); it reports whether any was left for the next batch.
func fitBytes(due []*Outgoing, limit int) ([]*Outgoing, bool) {
	total := 0
	for i, o := range due {
		total += len(o.Body)
		if i > 0 && total > limit {
			return due[:i], true
		}
	}
	return due, false
}

// sendOnce is SendOnce; full reports that more is waiting than was sent
// (a batch cut by its size in bytes, or batches held back).
func (s *Sender) sendOnce(ctx context.Context) (int, bool, error) {
	now := s.Now().UTC()
	var due []*Outgoing
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		due, err = tx.Due(ctx, s.batch()*s.inFlight())
		return err
	})
	if err != nil {
		return 0, false, err
	}
	if len(due) == 0 {
		s.count(ctx, true)
		return 0, false, nil
	}
	// While a backlog drains, the gauge is set once a second, not after
	// every batch: counting the outbox costs more, the larger it is.
	defer func() { s.count(ctx, len(due) < s.batch()) }()
	envs := make([]*exchange.Envelope, len(due))
	for i, o := range due {
		var e exchange.Envelope
		if err := json.Unmarshal(o.Body, &e); err == nil && e.ID == o.MsgID {
			e.SentAt = now
			envs[i] = &e
		}
	}
	parts := s.split(due, envs)
	if !independent(envs) {
		parts = parts[:1] // in order, one batch at a time
	}
	outcomes := make([]sendOutcome, len(parts))
	var wg sync.WaitGroup
	for i := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outcomes[i] = s.sendPart(ctx, parts[i])
		}()
	}
	wg.Wait()
	var done, failed []int64
	refused := map[int64]string{}
	var sendErr error
	sent := 0
	for i, oc := range outcomes {
		if oc.err != nil {
			for _, p := range parts[i] {
				failed = append(failed, p.o.ID)
			}
			sendErr = cmp.Or(sendErr, oc.err)
			continue
		}
		sent += len(parts[i])
		done = append(done, oc.done...)
		maps.Copy(refused, oc.refused)
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := tx.Delivered(ctx, done); err != nil {
			return err
		}
		for id, code := range refused {
			if err := tx.Refuse(ctx, id, code); err != nil {
				return err
			}
		}
		if len(failed) > 0 {
			// Counted for the operator; the message stays due at once,
			// the backoff is the loop's.
			return tx.Postpone(ctx, failed, 0)
		}
		return nil
	})
	if sendErr != nil {
		return 0, false, errs.Wrap(sendErr, "exchange: send")
	}
	if err != nil {
		return 0, false, err
	}
	return sent, sent < len(due), nil
}

// inFlight is how many batches an initial sync sends at once.
func (s *Sender) inFlight() int {
	if s.InFlight <= 0 {
		return DefaultInFlight
	}
	return s.InFlight
}

// DefaultInFlight is Sender.InFlight when zero: with one batch at a time,
// the node waited for every batch's commit on the hub (and the hub for
// the node's next batch); with several, the hub commits them together
// (its group commit) while the node prepares the next.
const DefaultInFlight = 4

// outgoing is a due message and its envelope, nil when unreadable.
type outgoing struct {
	o *Outgoing
	e *exchange.Envelope
}

// split cuts due into consecutive batches of at most batch() messages and
// MaxBatchBytes each (a message larger than that goes alone).
func (s *Sender) split(due []*Outgoing, envs []*exchange.Envelope) [][]outgoing {
	var parts [][]outgoing
	for i := 0; i < len(due); {
		part, _ := fitBytes(due[i:min(i+s.batch(), len(due))], exchange.MaxBatchBytes)
		p := make([]outgoing, len(part))
		for k := range part {
			p[k] = outgoing{due[i+k], envs[i+k]}
		}
		parts = append(parts, p)
		i += len(part)
	}
	return parts
}

// independent reports whether the messages may reach the hub in any order:
// uploads and withdrawals of distinct records, as a node's initial sync
// or a re-encoding sends. Anything else (decisions, alerts, checkpoints,
// sealed messages) goes in order, one batch at a time.
func independent(envs []*exchange.Envelope) bool {
	refs := make(map[string]bool, len(envs))
	for _, e := range envs {
		if e == nil {
			return false
		}
		var ref string
		switch {
		case e.Type == exchange.TypeUpsert && e.Upsert != nil:
			ref = e.Upsert.Ref
		case e.Type == exchange.TypeWithdraw && e.Withdraw != nil:
			ref = e.Withdraw.Ref
		default:
			return false
		}
		if refs[ref] {
			return false
		}
		refs[ref] = true
	}
	return true
}

// sendOutcome is the hub's answer to one batch, sorted for the outbox.
type sendOutcome struct {
	done    []int64
	refused map[int64]string
	err     error
}

// sendPart sends one batch; an unreadable message is refused unsent.
func (s *Sender) sendPart(ctx context.Context, part []outgoing) sendOutcome {
	oc := sendOutcome{refused: map[int64]string{}}
	b := exchange.Batch{Messages: make([]exchange.Envelope, 0, len(part))}
	byMsg := make(map[string]*Outgoing, len(part))
	for _, p := range part {
		if p.e == nil {
			oc.refused[p.o.ID] = "unreadable"
			continue
		}
		b.Messages = append(b.Messages, *p.e)
		byMsg[p.o.MsgID] = p.o
	}
	if len(b.Messages) == 0 {
		return oc
	}
	res, err := s.Transport.Send(ctx, b)
	if err != nil {
		return sendOutcome{err: err}
	}
	for _, r := range res.Results {
		o := byMsg[r.ID]
		if o == nil {
			continue
		}
		switch r.Status {
		case exchange.StatusAccepted, exchange.StatusDuplicate:
			oc.done = append(oc.done, o.ID)
		case exchange.StatusRefused:
			oc.refused[o.ID] = r.Code
			s.Logger.Warn("exchange: the hub refused a message", "msg", o.MsgID, "type", o.Type, "code", r.Code)
		}
	}
	return oc
}

// count sets the pending gauge from the outbox: always when now, else at
// most once a second.
func (s *Sender) count(ctx context.Context, now bool) {
	if s.pending == nil || (!now && time.Since(time.Unix(0, s.counted.Load())) < time.Second) {
		return
	}
	s.counted.Store(time.Now().UnixNano())
	_ = s.Store.View(ctx, func(tx Tx) error {
		p, _, err := tx.OutboxCounts(ctx)
		if err == nil {
			s.pending.Set(float64(p))
		}
		return err
	})
}
