package exchange

import (
	"fmt"
	"regexp"
	"strconv"
)

// Limits of one message's fields. They keep every field a code or an
// opaque value of bounded size, so that no message can carry free text.
const (
	MaxFilterBytes = 1 << 12  // 32,768 bits
	MaxSealedBytes = 64 << 10 // one sealed message
	// MaxSealedAttachmentBytes bounds one sealed attachment (Kind
	// KindFollowUpAttachment): a file of up to 10 MiB with its header, the
	// seal and the signature. In base64 it still fits the exchange
	// server's default body limit of 16 MiB, in a batch of its own.
	MaxSealedAttachmentBytes = 11 << 20
)

// maxSealed returns the ciphertext limit of a sealed message's kind.
func maxSealed(kind string) int {
	if kind == KindFollowUpAttachment {
		return MaxSealedAttachmentBytes
	}
	return MaxSealedBytes
}

var (
	reID       = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)
	reRef      = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
	reHex32    = regexp.MustCompile(`^[0-9a-f]{32}$`)
	reCode     = regexp.MustCompile(`^[a-z0-9_]{0,32}$`)
	reKind     = regexp.MustCompile(`^[a-z0-9.-]{1,32}$`)
	reCountry  = regexp.MustCompile(`^[A-Z]{2}$`)
	reYearBand = regexp.MustCompile(`^(19|20|21)[0-9]{2}$`)
)

// Problem is why one message breaks the wire format or the hub's rules: a
// refusal code and a message that names the field, never its value.
type Problem struct {
	Code    string
	Message string
}

func (p *Problem) Error() string { return p.Code + ": " + p.Message }

func invalid(format string, args ...any) *Problem {
	return &Problem{Code: CodeInvalid, Message: fmt.Sprintf(format, args...)}
}

// ValidRef reports whether ref is a well-formed pseudonymous reference.
func ValidRef(ref string) bool { return reRef.MatchString(ref) }

// ValidCountry reports whether c is a two-letter upper-case country code.
func ValidCountry(c string) bool { return reCountry.MatchString(c) }

// Validate checks the form of an envelope: the type and its one payload,
// and every field against its closed list or pattern. It does not check
// what only the hub knows (the network's schema, the sender's rights).
func (e *Envelope) Validate() *Problem {
	if !reID.MatchString(e.ID) {
		return invalid("id: 1 to 64 letters, digits or . _ : -")
	}
	set := 0
	for _, p := range []bool{e.Upsert != nil, e.Withdraw != nil, e.Decision != nil, e.Sealed != nil, e.Alert != nil, e.Checkpoint != nil} {
		if p {
			set++
		}
	}
	if set != 1 {
		return invalid("exactly one payload must be set")
	}
	switch e.Type {
	case TypeUpsert:
		if e.Upsert == nil {
			return invalid("type %s needs upsert", e.Type)
		}
		return e.Upsert.validate()
	case TypeWithdraw:
		if e.Withdraw == nil {
			return invalid("type %s needs withdraw", e.Type)
		}
		if !reRef.MatchString(e.Withdraw.Ref) {
			return invalid("withdraw.ref: 1 to 64 letters, digits or . _ -")
		}
		switch e.Withdraw.Reason {
		case "purge", "merge", "unshare", "rotation", "correction":
		default:
			return invalid("withdraw.reason: purge, merge, unshare, rotation or correction")
		}
	case TypeHitDecision:
		if e.Decision == nil {
			return invalid("type %s needs decision", e.Type)
		}
		if !reID.MatchString(e.Decision.HitID) {
			return invalid("decision.hit_id: not a hit id")
		}
		switch e.Decision.Decision {
		case DecisionConfirm, DecisionReject, DecisionFollowUp:
		default:
			return invalid("decision.decision: confirm, reject or followup")
		}
	case TypeSealed:
		if e.Sealed == nil {
			return invalid("type %s needs sealed", e.Type)
		}
		s := e.Sealed
		switch {
		case !reCountry.MatchString(s.To):
			return invalid("sealed.to: a two-letter country code")
		case s.From != "":
			return invalid("sealed.from: set by the hub, never by the sender")
		case !reKind.MatchString(s.Kind):
			return invalid("sealed.kind: 1 to 32 lower-case letters, digits, . or -")
		case len(s.Ciphertext) == 0 || len(s.Ciphertext) > maxSealed(s.Kind):
			return invalid("sealed.ciphertext: 1 to %d bytes", maxSealed(s.Kind))
		}
	case TypeAlertRaise, TypeAlertCancel:
		if e.Alert == nil {
			return invalid("type %s needs alert", e.Type)
		}
		return e.Alert.validate(e.Type)
	case TypeCheckpoint:
		if e.Checkpoint == nil {
			return invalid("type %s needs checkpoint", e.Type)
		}
		return e.Checkpoint.validate()
	default:
		return invalid("type: not a message type of version %d", Version)
	}
	return nil
}

func (u *Upsert) validate() *Problem {
	switch {
	case !reRef.MatchString(u.Ref):
		return invalid("upsert.ref: 1 to 64 letters, digits or . _ -")
	case !reHex32.MatchString(u.Schema):
		return &Problem{Code: CodeSchema, Message: "upsert.schema: not a schema fingerprint"}
	case !reHex32.MatchString(u.KeyID):
		return &Problem{Code: CodeKey, Message: "upsert.key_id: not a key id"}
	case len(u.Filter) == 0 || len(u.Filter)%8 != 0 || len(u.Filter) > MaxFilterBytes:
		return invalid("upsert.filter: whole 64-bit words, at most %d bytes", MaxFilterBytes)
	}
	m := u.Metadata
	switch m.Sex {
	case "", "f", "m", "x":
	default:
		return invalid("upsert.metadata.sex: f, m, x or empty")
	}
	switch {
	case m.BirthYearBand != "" && !reYearBand.MatchString(m.BirthYearBand):
		return invalid("upsert.metadata.birth_year_band: a year or empty")
	case !reCode.MatchString(m.Category):
		return invalid("upsert.metadata.category: a code of at most 32 lower-case letters, digits or _")
	case !reCode.MatchString(m.Evidence):
		return invalid("upsert.metadata.evidence: a code of at most 32 lower-case letters, digits or _")
	case m.Year != 0 && (m.Year < 1900 || m.Year > 2200):
		return invalid("upsert.metadata.year: a year or 0")
	}
	return nil
}

// BandOf returns the five-year band of a birth year ("2010" for 2012), the
// form Metadata.BirthYearBand takes; "" for 0.
func BandOf(year int) string {
	if year <= 0 {
		return ""
	}
	return strconv.Itoa(year - year%5)
}
