package site

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Field is a kind-specific field kept in Item.Meta. The interface labels
// it with the site catalogue's "field.<Name>".
type Field struct {
	Name    string
	Choices []string // a closed list; empty for free text
	Long    bool     // several lines
}

// KindFields are the fields each kind has beyond title, summary and body.
var KindFields = map[Kind][]Field{
	KindPublication: {{Name: "pub_type", Choices: []string{"report", "brochure", "study"}}},
	KindEvent: {
		{Name: "event_type", Choices: []string{"seminar", "expert_meeting", "conference", "training"}},
		{Name: "place"}, {Name: "organiser"}, {Name: "partners", Long: true}, {Name: "financing"},
	},
	KindProject: {
		{Name: "project_status", Choices: []string{"planned", "running", "completed"}},
		{Name: "time_frame"}, {Name: "financing"}, {Name: "partners", Long: true},
	},
	KindMember: {
		{Name: "position", Choices: []string{"chair", "vice_chair", "member"}},
		{Name: "person"}, {Name: "ministry"}, {Name: "term"},
	},
	KindMeeting: {{Name: "host"}, {Name: "place"}},
	KindContact: {
		{Name: "organisation"}, {Name: "contact_role"}, {Name: "email"}, {Name: "phone"},
		{Name: "address", Long: true}, {Name: "website"},
		{Name: "placeholder", Choices: []string{"", "yes"}},
	},
}

// Topics are the subjects items can be filtered by: the priority areas.
var Topics = []string{"exploitation", "trafficking", "migration", "online", "care", "rights", "prevention"}

// Countries are the member and partner states whose pages the site keeps.
var Countries = []auth.Country{"DK", "EE", "FI", "DE", "IS", "LV", "LT", "NO", "PL", "RU", "SE", "UA", "MD", "BY"}

var (
	slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	datePattern = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
)

const (
	maxTitle   = 300
	maxSummary = 2000
	maxBody    = 200_000
	maxMeta    = 2000
)

// validateItem checks and normalises the fields of it.
func validateItem(it *Item) error {
	if !it.Kind.Valid() {
		return errs.Field("kind", "Choose a content type.")
	}
	it.Slug = strings.ToLower(strings.TrimSpace(it.Slug))
	if len(it.Slug) > 120 || !slugPattern.MatchString(it.Slug) {
		return errs.Field("slug", "The address name must be lower-case letters, digits and single hyphens.")
	}
	it.Country = auth.Country(strings.ToUpper(strings.TrimSpace(string(it.Country))))
	if it.Country != "" && !knownCountry(it.Country) {
		return errs.Field("country", "Choose one of the countries, or none.")
	}
	if it.Topic != "" && !contains(Topics, it.Topic) {
		return errs.Field("topic", "Choose one of the topics, or none.")
	}
	for _, d := range []*string{&it.StartsOn, &it.EndsOn} {
		*d = strings.TrimSpace(*d)
		if *d != "" && !datePattern.MatchString(*d) {
			return errs.Field("starts_on", "Give dates as YYYY-MM-DD.")
		}
	}
	if it.Year < 0 || it.Year > 9999 {
		return errs.Field("year", "The year must be a four-digit year.")
	}
	if it.Year == 0 && len(it.StartsOn) >= 4 {
		it.Year = atoi(it.StartsOn[:4])
	}
	meta := map[string]string{}
	for _, f := range KindFields[it.Kind] {
		v := strings.TrimSpace(it.Meta[f.Name])
		if utf8.RuneCountInString(v) > maxMeta || !utf8.ValidString(v) {
			return errs.Field(f.Name, "This field is too long.")
		}
		if len(f.Choices) > 0 && v != "" && !contains(f.Choices, v) {
			return errs.Field(f.Name, "Choose one of the values.")
		}
		if v != "" {
			meta[f.Name] = v
		}
	}
	it.Meta = meta
	return nil
}

func validateText(t *Text) error {
	t.Title = strings.TrimSpace(t.Title)
	if t.Title == "" || utf8.RuneCountInString(t.Title) > maxTitle {
		return errs.Field("title", "The title must be 1 to %d characters.", maxTitle)
	}
	if utf8.RuneCountInString(t.Summary) > maxSummary {
		return errs.Field("summary", "The summary must be at most %d characters.", maxSummary)
	}
	if len(t.Body) > maxBody {
		return errs.Field("body", "The text is too long.")
	}
	if !utf8.ValidString(t.Title + t.Summary + t.Body) {
		return errs.Field("body", "The text contains characters that are not allowed.")
	}
	t.Body = strings.ReplaceAll(t.Body, "\r\n", "\n")
	return nil
}

func knownCountry(c auth.Country) bool {
	for _, x := range Countries {
		if x == c {
			return true
		}
	}
	return false
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}
