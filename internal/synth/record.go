package synth

import (
	"slices"
	"strconv"
	"time"
)

// Record is one registration of a child in one country.
type Record struct {
	ID           string    // unique, "SE-000123": registering country and number; no name content
	Country      string    // registering country (ISO alpha-2)
	GivenName    string    // as registered (may be empty, hold the whole name, or be in Cyrillic)
	FamilyName   string    // as registered (may be empty)
	Sex          string    // "f", "m", or "" when missing
	DateOfBirth  string    // YYYY-MM-DD, or partial YYYY / YYYY-MM, or "" when missing
	DOBEstimated bool      // the date comes from an age assessment: 1 January of the assessed year
	Citizenship  string    // ISO alpha-2, "" when missing
	Origin       string    // origin group the names were drawn from (AF, SY, UA, VN, ...)
	Entity       string    // ground truth: the same child has the same Entity in every registration
	Family       string    // ground truth: siblings and twins share it; a child alone has its own
	Registered   time.Time // date of the registration (UTC midnight), in route order
	Event        string    // EventRegistered, EventMissing or EventLocated
}

// Kinds of records (Record.Event).
const (
	EventRegistered = "registered"   // reception: the child is registered in a country (again, at a second centre)
	EventMissing    = "went_missing" // a missing-child report filed by the country the child left
	EventLocated    = "located"      // the child is found again after going missing and registered anew
)

// BirthDate returns the recorded date of birth as a time. A partial date is
// taken as its first day (YYYY as 1 January, YYYY-MM as the first of the
// month), which is also how an estimated date is recorded. ok is false when
// the date is missing or malformed.
func (r Record) BirthDate() (t time.Time, ok bool) {
	s := r.DateOfBirth
	y, m, d := 0, 1, 1
	var err error
	switch len(s) {
	case 4:
		y, err = strconv.Atoi(s)
	case 7, 10:
		if s[4] != '-' || (len(s) == 10 && s[7] != '-') {
			return time.Time{}, false
		}
		if y, err = strconv.Atoi(s[:4]); err == nil {
			m, err = strconv.Atoi(s[5:7])
		}
		if err == nil && len(s) == 10 {
			d, err = strconv.Atoi(s[8:])
		}
	default:
		return time.Time{}, false
	}
	if err != nil || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t = time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 31 February and the like, e.g. after a day/month swap
		return time.Time{}, false
	}
	return t, true
}

// Age returns the child's age in whole years at the given time according to
// the recorded date of birth; ok is false when the date is missing or
// malformed. Note that the recorded date may be wrong (see doc.go).
func (r Record) Age(at time.Time) (years int, ok bool) {
	b, ok := r.BirthDate()
	if !ok {
		return 0, false
	}
	at = at.UTC()
	years = at.Year() - b.Year()
	if at.Month() < b.Month() || (at.Month() == b.Month() && at.Day() < b.Day()) {
		years--
	}
	return max(years, 0), true
}

// ByCountry splits records by registering country, keeping their order.
func ByCountry(recs []Record) map[string][]Record {
	m := make(map[string][]Record)
	for _, r := range recs {
		m[r.Country] = append(m[r.Country], r)
	}
	return m
}

// CountriesOf returns the distinct registering countries of recs, sorted;
// use it to walk ByCountry's map in a deterministic order.
func CountriesOf(recs []Record) []string {
	var cs []string
	for _, r := range recs {
		if !slices.Contains(cs, r.Country) {
			cs = append(cs, r.Country)
		}
	}
	slices.Sort(cs)
	return cs
}
