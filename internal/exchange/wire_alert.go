package exchange

import "time"

// Missing-child alerts (issue 11). A node that holds a child reported
// missing raises a network alert on the record the hub already holds under
// its pseudonymous reference (the hub holds the encoding; the alert flags
// it as missing, with urgency). Any record of another country that matches
// it, already held or uploaded later, produces a possible-sighting notice to
// both nodes. Cancelling the alert withdraws it and its sightings.

// Message types of alerts (Envelope.Type, payload Envelope.Alert).
const (
	TypeAlertRaise  = "alert.raise"
	TypeAlertCancel = "alert.cancel"
)

// Notice types of alerts (Notice.Type, payload Notice.Sighting).
const (
	// NoticeSighting: a record matches an active alert. The alerting node
	// learns the other country and when it registered the child; the
	// registering node is told to contact the alerting NCP.
	NoticeSighting = "alert.sighting"
	// NoticeSightingWithdrawn: the alert was cancelled (the child was
	// found); Sighting carries only AlertID.
	NoticeSightingWithdrawn = "alert.withdrawn"
)

// Alert urgencies.
const (
	AlertUrgent = "urgent"
	AlertDanger = "danger" // immediate danger to the child
)

// Alert raises or cancels an alert on one of the sender's records.
type Alert struct {
	Ref     string `json:"ref"`
	Urgency string `json:"urgency,omitempty"` // raise: urgent or danger
	// ProtectLocation asks that the sighting country is told nothing of
	// where the child was before: its notice names no alerting country.
	ProtectLocation bool `json:"protect_location,omitempty"`
}

// Sighting is a possible-sighting notice.
type Sighting struct {
	AlertID  string `json:"alert_id"`
	LocalRef string `json:"local_ref,omitempty"` // the receiving node's record
	// OtherCountry is, for the alerting node, the country that registered
	// the child; for the registering node, the alerting country ("" when
	// the alerting node protects the location).
	OtherCountry string    `json:"other_country,omitempty"`
	Alerting     bool      `json:"alerting,omitempty"` // the notice is for the alerting node
	Urgency      string    `json:"urgency,omitempty"`
	Band         string    `json:"band,omitempty"`       // "high" or "possible"
	Registered   time.Time `json:"registered,omitempty"` // when the other record reached the hub
}

func (a *Alert) validate(typ string) *Problem {
	if !reRef.MatchString(a.Ref) {
		return invalid("alert.ref: 1 to 64 letters, digits or . _ -")
	}
	if typ == TypeAlertRaise && a.Urgency != AlertUrgent && a.Urgency != AlertDanger {
		return invalid("alert.urgency: urgent or danger")
	}
	if typ == TypeAlertCancel && (a.Urgency != "" || a.ProtectLocation) {
		return invalid("alert: a cancellation names only the ref")
	}
	return nil
}
