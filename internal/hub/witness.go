package hub

import (
	"context"
	"crypto/hmac"
	"crypto/x509"
	"errors"
	"strconv"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/metrics"
	"github.com/cbss-egcc/childcentre/internal/pki"
)

// The hub as a witness of the nodes' audit logs (issue 10 H1). A node's
// checkpoint says "my log had Seq entries, the last with hash Hash"; the
// hub cannot read the log, but it can hold the node to what it said: a
// later checkpoint may name more entries, never fewer, and a checkpoint of
// an entry it already holds must carry the same hash. A checkpoint that
// breaks this is refused, counted and written to the hub's audit log. The
// hub keeps every checkpoint it accepts; the node's 'audit verify' fetches
// them all, since comparing heads cannot tell a log cut and grown back past
// the latest from an honest one, but an earlier checkpoint can.

// Checkpoint is a node's audit checkpoint as the hub holds it.
type Checkpoint struct {
	exchange.Checkpoint
	Serial   string    // of the certificate whose key signed CertSig
	Received time.Time // by the hub's clock
}

// WitnessTx is the storage of witnessed checkpoints; the hub's store
// implements it beside Tx (internal/store/hub_witness.go).
type WitnessTx interface {
	// LatestCheckpoint returns the country's checkpoint of the highest
	// Seq, nil while none is held.
	LatestCheckpoint(ctx context.Context, country string) (*Checkpoint, error)
	// PutCheckpoint stores a checkpoint of a Seq not held yet.
	PutCheckpoint(ctx context.Context, c *Checkpoint) error
	// Checkpoints returns the country's checkpoints after seq after, at
	// most limit, in ascending Seq.
	Checkpoints(ctx context.Context, country string, after int64, limit int) ([]*Checkpoint, error)
}

// witnessMetrics count checkpoints (names are a contract).
type witnessMetrics struct {
	accepted *metrics.CounterVec
	refused  *metrics.CounterVec
}

func newWitnessMetrics(r *metrics.Registry) *witnessMetrics {
	return &witnessMetrics{
		accepted: r.NewCounterVec("childcentre_hub_checkpoints_total",
			"Audit checkpoints of nodes the hub accepted, by country.", "country"),
		refused: r.NewCounterVec("childcentre_hub_checkpoints_refused_total",
			"Audit checkpoints the hub refused, by country and reason (signature, country, regression, fork): a regression or fork means a node's audit log was cut short or rewritten.", "country", "reason"),
	}
}

func witnessTx(tx Tx) (WitnessTx, error) {
	wt, ok := tx.(WitnessTx)
	if !ok {
		return nil, errors.New("hub: the store keeps no checkpoints")
	}
	return wt, nil
}

// checkCheckpoint refuses what any replay would be refused for: a
// checkpoint of another country's log, or one whose certificate signature
// does not verify under the certificate of the TLS session. It answers
// "" when the checkpoint may be recorded.
func checkCheckpoint(from exchange.Peer, c *exchange.Checkpoint) (code, reason, msg string) {
	if c.Node != from.Country {
		return exchange.CodeForbidden, "country", "a node lodges checkpoints of its own audit log only"
	}
	cert, err := x509.ParseCertificate(from.Certificate)
	if err != nil || pki.Verify(cert, c.Audit().Message(), c.CertSig) != nil {
		return exchange.CodeSignature, "signature", "the checkpoint's signature does not verify under the sender's certificate"
	}
	return "", "", ""
}

// witness records a checkpoint that passed checkCheckpoint, unless it
// contradicts the one held: then it refuses it and audits the refusal in
// the batch's transaction.
func (s *Service) witness(ctx context.Context, tx Tx, from exchange.Peer, id string, c *exchange.Checkpoint) (exchange.Result, error) {
	wt, err := witnessTx(tx)
	if err != nil {
		return exchange.Result{}, err
	}
	held, err := wt.LatestCheckpoint(ctx, from.Country)
	if err != nil {
		return exchange.Result{}, err
	}
	if held != nil {
		var code, msg string
		switch {
		case c.Seq < held.Seq:
			code, msg = exchange.CodeRegression, "the hub holds a checkpoint of a longer log: entries were removed"
		case c.Seq == held.Seq && !hmac.Equal(c.Hash, held.Hash):
			code, msg = exchange.CodeFork, "the hub holds another hash for the same entry: the log was rewritten"
		case c.Seq == held.Seq:
			// The same head again (a restart signs it anew): consistent.
			s.wm.accepted.With(from.Country).Inc()
			return exchange.Result{ID: id, Status: exchange.StatusAccepted}, nil
		}
		if code != "" {
			if err := s.refuseCheckpoint(ctx, tx, from, code, held.Seq, c.Seq); err != nil {
				return exchange.Result{}, err
			}
			return refused(id, code, msg), nil
		}
	}
	err = wt.PutCheckpoint(ctx, &Checkpoint{Checkpoint: *c, Serial: from.Serial, Received: s.now().UTC()})
	if err != nil {
		return exchange.Result{}, err
	}
	s.wm.accepted.With(from.Country).Inc()
	return exchange.Result{ID: id, Status: exchange.StatusAccepted}, nil
}

// refuseCheckpoint counts and records a refused checkpoint: a warning in
// the log and an entry in the hub's audit log, naming the country and
// entry numbers only.
func (s *Service) refuseCheckpoint(ctx context.Context, tx Tx, from exchange.Peer, reason string, held, got int64) error {
	s.wm.refused.With(from.Country, reason).Inc()
	s.log.Warn("hub: audit checkpoint refused", "country", from.Country, "reason", reason, "held_seq", held, "got_seq", got)
	ap, ok := tx.(audit.Appender)
	if !ok {
		return nil
	}
	detail := reason
	if held >= 0 {
		detail += " held=" + strconv.FormatInt(held, 10) + " got=" + strconv.FormatInt(got, 10)
	}
	return ap.AppendAudit(ctx, audit.Record{Actor: "node:" + from.Country, Role: "node", Country: from.Country,
		Action: audit.ActCheckpointRefused, Target: "checkpoint:" + strconv.FormatInt(got, 10), Outcome: "refused", Detail: detail})
}

// Checkpoints implements exchange.Backend: the checkpoints the hub
// witnessed of the sender's country after seq after, at most limit. The
// node's 'audit verify' takes every one as an anchor: the hub compares
// heads only, so a log cut and grown back past its latest checkpoint is
// told by an earlier one.
func (s *Service) Checkpoints(ctx context.Context, from exchange.Peer, after int64, limit int) (exchange.Witnessed, error) {
	var w exchange.Witnessed
	err := s.st.View(ctx, func(tx Tx) error {
		wt, err := witnessTx(tx)
		if err != nil {
			return err
		}
		cs, err := wt.Checkpoints(ctx, from.Country, after, limit+1)
		if err != nil {
			return err
		}
		if len(cs) > limit {
			cs, w.More = cs[:limit], true
		}
		for _, c := range cs {
			w.Checkpoints = append(w.Checkpoints, c.Checkpoint)
		}
		return nil
	})
	return w, err
}
