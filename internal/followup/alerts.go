package followup

import (
	"context"
	"encoding/json"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
)

// Missing-child alerts, the node's side. When a child goes missing the NCP
// raises a network alert on the child's record the hub already holds
// (exchange.TypeAlertRaise); the hub answers every matching registration
// of another country, held or uploaded later, with a possible-sighting
// notice to both nodes, which the puller hands to ReceiveNotice.
// Cancelling (the child was found) withdraws the alert everywhere.

// Alert states.
const (
	AlertActive    = "active"
	AlertCancelled = "cancelled"
)

// Alert is an alert this node raised.
type Alert struct {
	ID          int64
	ChildID     int64
	Ref         string
	Urgency     string // exchange.AlertUrgent or AlertDanger
	Protect     bool   // the sighting country is told nothing of where the child was
	State       string
	CreatedBy   string
	CreatedAt   time.Time
	CancelledAt time.Time
}

// Sighting is a possible-sighting notice as the node keeps it.
type Sighting struct {
	ID           int64
	AlertKey     string
	LocalRef     string
	ChildID      int64
	Alerting     bool // this node raised the alert
	OtherCountry string
	Urgency      string
	Band         string
	Registered   time.Time
	ReceivedAt   time.Time
	Withdrawn    bool
}

// AlertTx is the storage of alerts on a node; store.FollowUpStore's
// transaction implements it beside Tx.
type AlertTx interface {
	// SharedRef returns the hub reference of a child and whether the hub
	// holds (or is about to hold) its encoding.
	SharedRef(ctx context.Context, childID int64) (string, bool, error)
	PutAlert(ctx context.Context, a *Alert) error
	Alert(ctx context.Context, id int64) (*Alert, error)
	// Alerts lists the node's alerts, active ones first, newest first
	// within each; childID 0 lists every child's.
	Alerts(ctx context.Context, childID int64, limit int) ([]*Alert, error)
	CancelAlert(ctx context.Context, id int64, at time.Time) (bool, error)
	// PutSighting stores a notice once (by alert and local ref).
	PutSighting(ctx context.Context, s *Sighting) (bool, error)
	WithdrawSightings(ctx context.Context, alertKey string) error
	Sightings(ctx context.Context, limit int) ([]*Sighting, error)
}

func alertTx(tx Tx) (AlertTx, error) {
	at, ok := tx.(AlertTx)
	if !ok {
		return nil, errs.E(errs.Unavailable, "alerts: this store keeps no alerts")
	}
	return at, nil
}

func alertMessage(typ string, a exchange.Alert) ([]*cases.OutboxMessage, error) {
	e := exchange.Envelope{ID: cases.NewMessageID(), Type: typ, Alert: &a}
	body, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	return []*cases.OutboxMessage{{ID: e.ID, Type: e.Type, Body: body}}, nil
}

// RaiseAlert raises a network alert on a missing child whose encoding the
// hub holds.
func (s *Service) RaiseAlert(ctx context.Context, a auth.Actor, childID int64, urgency string, protect bool) (*Alert, error) {
	if err := s.allow(a, auth.PermCasesWrite); err != nil {
		return nil, err
	}
	if urgency != exchange.AlertUrgent && urgency != exchange.AlertDanger {
		return nil, errs.E(errs.Invalid, "alert: check urgency")
	}
	if _, err := s.Records.Child(ctx, a, childID); err != nil {
		return nil, err
	}
	if err := s.missing(ctx, a, childID); err != nil {
		return nil, err
	}
	al := &Alert{ChildID: childID, Urgency: urgency, Protect: protect, State: AlertActive, CreatedBy: a.Ref(), CreatedAt: s.now()}
	err := s.Store.Update(ctx, func(tx Tx) error {
		at, err := alertTx(tx)
		if err != nil {
			return err
		}
		ref, shared, err := at.SharedRef(ctx, childID)
		if err != nil {
			return err
		}
		if !shared {
			return errs.E(errs.Conflict, "alert: the child's record is not shared with the network")
		}
		// One alert per child: the hub keeps one per record, and a second
		// would be refused there after it had left here.
		if prev, err := at.Alerts(ctx, childID, 1); err != nil {
			return err
		} else if len(prev) > 0 && prev[0].State == AlertActive {
			return errs.E(errs.Conflict, "alert: the child already has an active alert")
		}
		al.Ref = ref
		msgs, err := alertMessage(exchange.TypeAlertRaise, exchange.Alert{Ref: ref, Urgency: urgency, ProtectLocation: protect})
		if err != nil {
			return err
		}
		if err := at.PutAlert(ctx, al); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, msgs); err != nil {
			return err
		}
		detail := urgency
		if protect {
			detail += " protect_location"
		}
		return tx.AppendAudit(ctx, audit.Record{Time: al.CreatedAt, Actor: a.Ref(), Role: string(a.Role), Country: s.Country,
			Action: audit.ActAlertRaise, Target: "child:" + itoa(childID), Outcome: "ok", Detail: detail})
	})
	if err != nil {
		return nil, err
	}
	s.wake(1)
	return al, nil
}

// missing checks that a case of the child records it as missing (a
// went_missing event not followed by located): an alert is the network's
// answer to a disappearance, never a way to trace a child who is not
// missing.
func (s *Service) missing(ctx context.Context, a auth.Actor, childID int64) error {
	cs, err := s.Records.CasesOf(ctx, a, childID)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Missing {
			return nil
		}
	}
	return errs.E(errs.Conflict, "alert: no case of the child records it as missing")
}

// Alerts lists the alerts this node raised, active ones first, newest
// first within each; childID 0 lists every child's.
func (s *Service) Alerts(ctx context.Context, a auth.Actor, childID int64, limit int) ([]*Alert, error) {
	if err := s.allow(a, auth.PermCasesRead); err != nil {
		return nil, err
	}
	var out []*Alert
	err := s.Store.View(ctx, func(tx Tx) error {
		at, err := alertTx(tx)
		if err != nil {
			return err
		}
		out, err = at.Alerts(ctx, childID, limit)
		return err
	})
	return out, err
}

// CancelAlert withdraws an alert (the child was found).
func (s *Service) CancelAlert(ctx context.Context, a auth.Actor, id int64) error {
	if err := s.allow(a, auth.PermCasesWrite); err != nil {
		return err
	}
	now := s.now()
	err := s.Store.Update(ctx, func(tx Tx) error {
		at, err := alertTx(tx)
		if err != nil {
			return err
		}
		al, err := at.Alert(ctx, id)
		if err != nil {
			return err
		}
		if al == nil {
			return errs.E(errs.NotFound, "alert: no such alert")
		}
		ok, err := at.CancelAlert(ctx, id, now)
		if err != nil || !ok {
			return cmpErr(err, ok)
		}
		msgs, err := alertMessage(exchange.TypeAlertCancel, exchange.Alert{Ref: al.Ref})
		if err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, msgs); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record{Time: now, Actor: a.Ref(), Role: string(a.Role), Country: s.Country,
			Action: audit.ActAlertCancel, Target: "child:" + itoa(al.ChildID), Outcome: "ok"})
	})
	if err == nil {
		s.wake(1)
	}
	return err
}

// ReceiveNotice stores a sighting notice, or withdraws the sightings of a
// cancelled alert. Other notices are not its business.
func (s *Service) ReceiveNotice(ctx context.Context, n exchange.Notice) error {
	if n.Sighting == nil {
		return nil
	}
	g := n.Sighting
	now := s.now()
	return s.Store.Update(ctx, func(tx Tx) error {
		at, err := alertTx(tx)
		if err != nil {
			return err
		}
		switch n.Type {
		case exchange.NoticeSightingWithdrawn:
			return at.WithdrawSightings(ctx, g.AlertID)
		case exchange.NoticeSighting:
			child, err := tx.ChildOfRef(ctx, g.LocalRef)
			if err != nil {
				return err
			}
			sg := &Sighting{AlertKey: g.AlertID, LocalRef: g.LocalRef, ChildID: child, Alerting: g.Alerting,
				OtherCountry: g.OtherCountry, Urgency: g.Urgency, Band: g.Band, Registered: g.Registered.UTC(), ReceivedAt: now}
			fresh, err := at.PutSighting(ctx, sg)
			if err != nil || !fresh {
				return err
			}
			detail := "registered in " + g.OtherCountry
			if !g.Alerting {
				detail = "alert of " + g.OtherCountry + ": contact the alerting NCP"
				if g.OtherCountry == "" {
					detail = "alert of a protected country: contact through the network"
				}
			}
			return tx.AppendAudit(ctx, audit.Record{Time: now, Actor: auth.SystemActor.Ref(), Role: "system", Country: s.Country,
				Action: audit.ActAlertSighting, Target: "child:" + itoa(child), Outcome: "ok", Detail: detail})
		}
		return nil
	})
}

// Sightings lists the sighting notices received, newest first.
func (s *Service) Sightings(ctx context.Context, a auth.Actor, limit int) ([]*Sighting, error) {
	if err := s.allow(a, auth.PermCasesRead); err != nil {
		return nil, err
	}
	var out []*Sighting
	err := s.Store.View(ctx, func(tx Tx) error {
		at, err := alertTx(tx)
		if err != nil {
			return err
		}
		out, err = at.Sightings(ctx, limit)
		return err
	})
	return out, err
}
