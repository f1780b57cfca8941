package cases

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/linkage/normalize"
)

// Validation collects every problem of an input, so that a form can show
// them all at once. Messages name the field and the rule, never the value.

// Limits of free-text fields, in characters.
const (
	maxName        = 200
	maxAliases     = 20
	maxAssessments = 10
	maxShort       = 200  // organisation, source, municipality
	maxReason      = 1000 // closure reasons, legal basis
	maxNotes       = 4000
	maxNationalRef = 64
	maxCodes       = 8 // citizenships, languages
)

// FieldErrors returns every field error in err (which validation joins),
// for a form to show beside each field.
func FieldErrors(err error) []*errs.Error {
	var out []*errs.Error
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var e *errs.Error
		if errors.As(err, &e) && e.Code == errs.Invalid {
			out = append(out, e)
		}
	}
	walk(err)
	return out
}

type checker struct{ errs []error }

func (c *checker) add(field, format string, args ...any) {
	c.errs = append(c.errs, errs.Field(field, format, args...))
}

func (c *checker) err() error { return errors.Join(c.errs...) }

// text trims s and checks its length and characters; multiline allows
// line breaks and tabs (notes).
func (c *checker) text(field, s string, max int, multiline bool) string {
	s = strings.TrimSpace(s)
	switch {
	case !utf8.ValidString(s):
		c.add(field, "contains bytes that are not text")
	case utf8.RuneCountInString(s) > max:
		c.add(field, "is longer than %d characters", max)
	case strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t'))
	}):
		c.add(field, "contains control characters")
	}
	return s
}

var scriptRE = regexp.MustCompile(`^[A-Z][a-z]{3}$`)

// validChild checks ci and returns the child it describes (without id,
// reference or country).
func (s *Service) validChild(ci ChildInput) (*Child, error) {
	var c checker
	ch := &Child{}
	ch.NationalRef = c.text("national_ref", ci.NationalRef, maxNationalRef, false)
	ch.GivenNames = c.name("given_names", ci.GivenNames, maxName)
	ch.FamilyName = c.name("family_name", ci.FamilyName, maxName)
	if ch.GivenNames == "" && ch.FamilyName == "" {
		c.add("given_names", "a given name or a family name is required (write \"unknown\" if neither is known)")
	}
	if len(ci.Aliases) > maxAliases {
		c.add("aliases", "at most %d aliases", maxAliases)
	}
	for i, a := range ci.Aliases {
		f := fmt.Sprintf("aliases[%d].", i)
		al := Alias{
			Name:   c.name(f+"name", a.Name, maxName),
			Script: strings.TrimSpace(a.Script),
			Source: c.text(f+"source", a.Source, maxShort, false),
		}
		if al.Name == "" {
			c.add(f+"name", "is required")
		}
		if al.Script == "" {
			al.Script = ScriptOf(al.Name)
		} else if !scriptRE.MatchString(al.Script) {
			c.add(f+"script", "must be an ISO 15924 code such as Latn, Cyrl or Arab")
		}
		ch.Aliases = append(ch.Aliases, al)
	}

	ch.Sex = ci.Sex
	if ch.Sex == "" {
		ch.Sex = SexUnknown
	} else if !ch.Sex.Valid() {
		c.add("sex", "must be one of female, male, other, unknown")
	}
	s.validBirth(&c, ci, ch)

	if len(ci.Assessments) > maxAssessments {
		c.add("assessments", "at most %d age assessments", maxAssessments)
	}
	for i, a := range ci.Assessments {
		f := fmt.Sprintf("assessments[%d].", i)
		as := AgeAssessment{
			Method:     a.Method,
			Outcome:    c.text(f+"outcome", a.Outcome, maxReason, false),
			AssessedBy: c.text(f+"assessed_by", a.AssessedBy, maxShort, false),
		}
		as.Date = s.validDay(&c, f+"date", a.Date, true)
		if !as.Method.Valid() {
			c.add(f+"method", "must be one of documents, medical, psychosocial, interview")
		}
		ch.Assessments = append(ch.Assessments, as)
	}

	ch.Citizenships = codes(&c, "citizenships", ci.Citizenships, func(v string) (string, bool) {
		cc, err := normalize.Country(v)
		return cc, err == nil
	}, "must be ISO 3166-1 alpha-2 country codes")
	ch.Languages = codes(&c, "languages", ci.Languages, func(v string) (string, bool) {
		l := strings.ToLower(strings.TrimSpace(v))
		return l, ValidLanguage(l)
	}, "must be ISO 639-1 language codes (or ISO 639-3 where no ISO 639-1 code exists)")

	ch.BirthPlace = c.text("birth_place", ci.BirthPlace, maxName, false)
	ch.Notes = c.text("notes", ci.Notes, maxNotes, true)
	return ch, c.err()
}

// validBirth sets the child's date of birth, precision and year.
func (s *Service) validBirth(c *checker, ci ChildInput, ch *Child) {
	d, err := normalize.ParseDate(strings.TrimSpace(ci.BirthDate))
	if err != nil {
		c.add("birth_date", "%s", strings.TrimPrefix(errs.MessageOf(err), "date of birth: "))
		return
	}
	derived := map[normalize.Precision]Precision{
		normalize.Unknown: PrecisionUnknown, normalize.Year: PrecisionYear,
		normalize.Month: PrecisionMonth, normalize.Day: PrecisionExact,
	}[d.Precision]
	if d.Estimated && d.Precision != normalize.Unknown {
		derived = PrecisionEstimated
	}
	p := ci.BirthPrecision
	switch {
	case p == "":
		p = derived
	case !p.Valid():
		c.add("birth_precision", "must be one of exact, month, year, estimated, unknown")
		return
	case p == PrecisionEstimated && d.Precision == normalize.Unknown,
		p != PrecisionEstimated && p != derived:
		c.add("birth_precision", "does not match the date of birth given")
		return
	}
	ch.BirthPrecision = p
	switch d.Precision {
	case normalize.Day:
		ch.BirthDate = fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	case normalize.Month:
		ch.BirthDate = fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	case normalize.Year:
		ch.BirthDate = fmt.Sprintf("%04d", d.Year)
	}
	ch.BirthYear = d.Year
	if d.Precision != normalize.Unknown {
		first := time.Date(d.Year, time.Month(max(d.Month, 1)), max(d.Day, 1), 0, 0, 0, 0, time.UTC)
		if first.After(s.now()) {
			c.add("birth_date", "is in the future")
		}
	}
}

// validDay parses a full date (YYYY-MM-DD) that must not be in the future.
func (s *Service) validDay(c *checker, field, v string, required bool) string {
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			c.add(field, "is required")
		}
		return ""
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		c.add(field, "must be a date written YYYY-MM-DD")
		return ""
	}
	if t.After(s.now()) {
		c.add(field, "is in the future")
	}
	return t.Format(time.DateOnly)
}

// codes validates, canonicalises and de-duplicates a list of codes.
func codes(c *checker, field string, in []string, canon func(string) (string, bool), msg string) []string {
	var out []string
	for _, v := range in {
		if strings.TrimSpace(v) == "" {
			continue
		}
		code, ok := canon(v)
		if !ok {
			c.add(field, "%s", msg)
			return nil
		}
		if !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	if len(out) > maxCodes {
		c.add(field, "at most %d codes", maxCodes)
		return nil
	}
	return out
}

// validCase checks cs and returns the case it describes (status open).
func (s *Service) validCase(cs CaseInput) (*Case, error) {
	var c checker
	k := &Case{
		Category: cs.Category, Evidence: cs.Evidence, Placement: cs.Placement, Handling: cs.Handling,
		Consent: cs.Consent, Status: StatusOpen,
	}
	if !k.Category.Valid() {
		c.add("category", "choose one of the case categories")
	}
	for _, e := range cs.Exploitation {
		if !e.Valid() {
			c.add("exploitation", "choose forms of exploitation from the list")
			break
		}
		if !slices.Contains(k.Exploitation, e) {
			k.Exploitation = append(k.Exploitation, e)
		}
	}
	if !k.Evidence.Valid() {
		c.add("evidence", "must be one of identified, presumed, suspicion")
	}
	if k.Placement == "" {
		k.Placement = PlaceUnknown
	} else if !k.Placement.Valid() {
		c.add("placement", "choose one of the placements")
	}
	if k.Handling == "" {
		k.Handling = DefaultHandling
	} else if !k.Handling.Valid() {
		c.add("handling", "must be one of H0, H1, H2, H3")
	}
	k.ResponsibleOrg = c.text("responsible_org", cs.ResponsibleOrg, maxShort, false)
	k.LegalBasis = c.text("legal_basis", cs.LegalBasis, maxReason, false)
	k.OpenedAt = cs.OpenedAt
	if k.OpenedAt.IsZero() {
		k.OpenedAt = s.now()
	} else if k.OpenedAt.After(s.now().Add(clockSkew)) {
		c.add("opened_at", "is in the future")
	}
	k.OpenedAt = k.OpenedAt.UTC().Truncate(time.Microsecond)
	return k, c.err()
}

// clockSkew is how far in the future a time typed by a user may lie: the
// clocks of a user's computer and the server differ a little.
const clockSkew = 5 * time.Minute

// validEvent checks e and returns the event it describes.
func (s *Service) validEvent(e EventInput) (*Event, error) {
	var c checker
	ev := &Event{Type: e.Type, At: e.At, PlaceType: strings.TrimSpace(e.PlaceType)}
	if !ev.Type.Valid() {
		c.add("type", "choose one of the event types")
	} else if ev.Type == EvClosed || ev.Type == EvRegistered {
		c.add("type", "this event is recorded by the registry itself (registration, approved closure)")
	}
	if ev.At.IsZero() {
		ev.At = s.now()
	} else if ev.At.After(s.now().Add(clockSkew)) {
		c.add("at", "is in the future")
	}
	ev.At = ev.At.UTC().Truncate(time.Microsecond)
	ev.Municipality = c.text("municipality", e.Municipality, maxShort, false)
	if ev.PlaceType != "" && !ValidPlaceType(ev.PlaceType) {
		c.add("place_type", "choose one of the types of place")
	}
	ev.Notes = c.text("notes", e.Notes, maxNotes, true)
	return ev, c.err()
}

// ScriptOf returns the ISO 15924 code of the script of the first letter of
// name: Latn, Cyrl, Arab, Grek, Ethi, or Zyyy when none is recognised.
func ScriptOf(name string) string {
	for _, r := range name {
		switch {
		case !unicode.IsLetter(r):
			continue
		case unicode.Is(unicode.Latin, r):
			return "Latn"
		case unicode.Is(unicode.Cyrillic, r):
			return "Cyrl"
		case unicode.Is(unicode.Arabic, r):
			return "Arab"
		case unicode.Is(unicode.Greek, r):
			return "Grek"
		case unicode.Is(unicode.Ethiopic, r):
			return "Ethi"
		}
		return "Zyyy"
	}
	return "Zyyy"
}
