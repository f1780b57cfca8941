package hub

import (
	"context"
	"strconv"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/metrics"
)

// Missing-child alerts (issue 11). An alert flags one of a node's records
// the hub already holds as a missing child. Every record of another
// country that scores at least the review threshold against it, or shares
// its cluster, is a possible sighting: when the alert is raised (records
// already held) and when a matching record is uploaded later (MatchOnce).
// Each sighting is notified once to both nodes. Cancelling the alert
// withdraws its sightings from every node that was told of them.

// Alert is an active alert as the hub keeps it.
type Alert struct {
	ID      int64
	Key     string // the id the nodes see
	Country string
	Ref     string
	Record  int64
	Urgency string
	Protect bool
	Created time.Time
}

// AlertTx is the storage of alerts; the hub's store implements it beside
// Tx (internal/store/hub_alerts.go).
type AlertTx interface {
	PutAlert(ctx context.Context, a *Alert) error
	// AlertOf returns the active alert on a record of a country (nil: none).
	AlertOf(ctx context.Context, country, ref string) (*Alert, error)
	// DeleteAlert removes an alert and its sightings, and returns the
	// countries that were told of a sighting of it.
	DeleteAlert(ctx context.Context, id int64) ([]string, error)
	ActiveAlerts(ctx context.Context) ([]*Alert, error)
	// AddSighting records a sighting of a record; false when known.
	AddSighting(ctx context.Context, alert, record int64, country string, at time.Time) (bool, error)
	CountAlerts(ctx context.Context) (int, error)
}

// alertMetrics are the alerts' and the relay's metrics (names are the
// issue's contract).
type alertMetrics struct {
	relayed   *metrics.Counter
	sightings *metrics.Counter
}

func newAlertMetrics(r *metrics.Registry, st Store) *alertMetrics {
	r.NewGaugeFunc("childcentre_hub_alerts_active", "Missing-child alerts active on the hub.", func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		var n int
		_ = st.View(ctx, func(tx Tx) error {
			var err error
			if at, ok := tx.(AlertTx); ok {
				n, err = at.CountAlerts(ctx)
			}
			return err
		})
		return float64(n)
	})
	return &alertMetrics{
		relayed:   r.NewCounter("childcentre_hub_relayed_messages_total", "Sealed messages relayed from one node to another."),
		sightings: r.NewCounter("childcentre_hub_sightings_total", "Possible sightings of a child under a missing-child alert (one per matching record)."),
	}
}

func alertTx(tx Tx) (AlertTx, error) {
	at, ok := tx.(AlertTx)
	if !ok {
		return nil, errs.E(errs.Unavailable, "hub: this store keeps no alerts")
	}
	return at, nil
}

// acceptAlert raises or cancels an alert of the sender's.
func (s *Service) acceptAlert(ctx context.Context, tx Tx, country string, m *exchange.Envelope) (exchange.Result, error) {
	at, err := alertTx(tx)
	if err != nil {
		return exchange.Result{}, err
	}
	a := m.Alert
	old, err := at.AlertOf(ctx, country, a.Ref)
	if err != nil {
		return exchange.Result{}, err
	}
	if m.Type == exchange.TypeAlertCancel {
		if old != nil {
			if err := s.cancelAlert(ctx, tx, at, old); err != nil {
				return exchange.Result{}, err
			}
		}
		return exchange.Result{ID: m.ID, Status: exchange.StatusAccepted}, nil
	}
	if old != nil {
		return exchange.Result{ID: m.ID, Status: exchange.StatusAccepted}, nil
	}
	rec, err := tx.RecordByRef(ctx, country, a.Ref)
	if err != nil {
		return exchange.Result{}, err
	}
	if rec == nil {
		return refused(m.ID, exchange.CodeForbidden, "no record of the sender under this ref"), nil
	}
	al := &Alert{Key: newKey(), Country: country, Ref: a.Ref, Record: rec.ID, Urgency: a.Urgency, Protect: a.ProtectLocation, Created: s.now()}
	if err := at.PutAlert(ctx, al); err != nil {
		return exchange.Result{}, err
	}
	// Records already held: the cluster's, and every candidate of the index.
	f, err := s.words(rec.Filter)
	if err != nil {
		return exchange.Result{}, err
	}
	scores := map[int64]float64{}
	if ki := s.indexOf(rec.KeyID); ki != nil {
		for _, c := range s.candidatesOf(ki, f) {
			id, _ := strconv.ParseInt(c.Ref, 10, 64)
			scores[id] = c.Score
		}
	}
	if rec.Cluster != 0 {
		ms, err := tx.ClusterMembers(ctx, rec.Cluster)
		if err != nil {
			return exchange.Result{}, err
		}
		score := s.scorer(rec.KeyID)
		for _, m := range ms {
			if _, ok := scores[m.ID]; !ok {
				g, err := s.words(m.Filter)
				if err != nil {
					return exchange.Result{}, err
				}
				scores[m.ID] = score(f, g)
			}
		}
	}
	ids := make([]int64, 0, len(scores))
	for id := range scores {
		ids = append(ids, id)
	}
	others, err := tx.Records(ctx, ids)
	if err != nil {
		return exchange.Result{}, err
	}
	for _, o := range others {
		if err := s.sighting(ctx, tx, at, al, o, scores[o.ID]); err != nil {
			return exchange.Result{}, err
		}
	}
	return exchange.Result{ID: m.ID, Status: exchange.StatusAccepted}, nil
}

// sighting notifies both nodes of a record of another country matching an
// alert, once.
func (s *Service) sighting(ctx context.Context, tx Tx, at AlertTx, al *Alert, o *Record, score float64) error {
	if o.Country == al.Country || o.KeyID == "" || !o.Meta.Shareable {
		return nil
	}
	now := s.now()
	added, err := at.AddSighting(ctx, al.ID, o.ID, o.Country, now)
	if err != nil || !added {
		return err
	}
	band := "possible"
	if s.model.IsMatch(score) {
		band = "high"
	}
	if err := tx.AddNotice(ctx, al.Country, &exchange.Notice{Type: exchange.NoticeSighting, CreatedAt: now,
		Sighting: &exchange.Sighting{AlertID: al.Key, LocalRef: al.Ref, OtherCountry: o.Country, Alerting: true,
			Urgency: al.Urgency, Band: band, Registered: o.Received}}); err != nil {
		return err
	}
	other := al.Country
	if al.Protect {
		other = ""
	}
	if err := tx.AddNotice(ctx, o.Country, &exchange.Notice{Type: exchange.NoticeSighting, CreatedAt: now,
		Sighting: &exchange.Sighting{AlertID: al.Key, LocalRef: o.Ref, OtherCountry: other, Urgency: al.Urgency, Band: band}}); err != nil {
		return err
	}
	if s.al != nil {
		s.al.sightings.Inc()
	}
	return nil
}

// cancelAlert withdraws an alert everywhere.
func (s *Service) cancelAlert(ctx context.Context, tx Tx, at AlertTx, al *Alert) error {
	told, err := at.DeleteAlert(ctx, al.ID)
	if err != nil {
		return err
	}
	told = append(told, al.Country)
	seen := map[string]bool{}
	for _, c := range told {
		if seen[c] {
			continue
		}
		seen[c] = true
		if err := tx.AddNotice(ctx, c, &exchange.Notice{Type: exchange.NoticeSightingWithdrawn, CreatedAt: s.now(),
			Sighting: &exchange.Sighting{AlertID: al.Key}}); err != nil {
			return err
		}
	}
	return nil
}

// alertSightings checks the records just placed against the active
// alerts: a child registered after the alert is a sighting within one
// round of matching.
func (s *Service) alertSightings(ctx context.Context, tx Tx, jobs []*job) error {
	at, ok := tx.(AlertTx)
	if !ok || len(jobs) == 0 {
		return nil
	}
	alerts, err := at.ActiveAlerts(ctx)
	if err != nil || len(alerts) == 0 {
		return err
	}
	ids := make([]int64, len(alerts))
	for i, a := range alerts {
		ids[i] = a.Record
	}
	recs, err := tx.Records(ctx, ids)
	if err != nil {
		return err
	}
	byID := map[int64]*Record{}
	for _, r := range recs {
		byID[r.ID] = r
	}
	for _, a := range alerts {
		ar := byID[a.Record]
		if ar == nil {
			continue
		}
		g, err := s.words(ar.Filter)
		if err != nil {
			return err
		}
		score := s.scorer(ar.KeyID)
		for _, j := range jobs {
			if j.rec.Country == a.Country || j.rec.KeyID != ar.KeyID {
				continue
			}
			if sc := score(j.f, g); s.model.IsReview(sc) {
				if err := s.sighting(ctx, tx, at, a, j.rec, sc); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
