package web

import (
	"errors"
	"time"
)

// The node's time zone (Config.Location) on pages. The database, the JSON
// API and the CSV export keep UTC; only what a person reads or types is in
// local time, because officers read and type their own country's clock.
// Calendar dates that are not instants (dates of birth, age assessments)
// are strings and are never shifted.

// Layouts of times on pages: the zone's abbreviation ("CET", "CEST",
// "UTC") always follows, so that a time is never ambiguous on paper.
const (
	minuteLayout = "2006-01-02 15:04 MST"
	secondLayout = "2006-01-02 15:04:05 MST"
)

// errSkippedTime is a local time the clocks jumped over (the hour lost
// when summer time starts): no instant has it.
var errSkippedTime = errors.New("web: the local time does not exist in the zone")

// localCandidates returns the instants whose wall clock in loc may be
// wall (its fields read as UTC): one for each offset in force within a day
// of it, which covers a change of the clocks however the zone's offset
// compares with UTC.
func localCandidates(wall time.Time, loc *time.Location) []time.Time {
	var out []time.Time
	for _, probe := range []time.Duration{-24 * time.Hour, 24 * time.Hour} {
		_, off := wall.Add(probe).In(loc).Zone()
		out = append(out, wall.Add(-time.Duration(off)*time.Second))
	}
	return out
}

// wallOf returns t's wall clock in its location as the same fields in UTC.
func wallOf(t time.Time) time.Time {
	y, m, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, m, d, h, mi, s, t.Nanosecond(), time.UTC)
}

// parseLocal reads value, in layout (without a zone), as a local time in
// loc. time.ParseInLocation normalises a time the clocks skipped and does
// not say which of two instants a repeated time is; here the rule is
// defined: a skipped time is refused with errSkippedTime (so the form can
// ask the officer to check it rather than store an hour they did not
// type), and a time that occurs twice (the hour repeated when summer time
// ends) is its first occurrence, still in summer time.
func parseLocal(layout, value string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(layout, value, loc)
	if err != nil {
		return time.Time{}, err
	}
	wall, err := time.Parse(layout, value)
	if err != nil {
		return time.Time{}, err
	}
	var first time.Time
	for _, c := range append(localCandidates(wall, loc), t) {
		if wallOf(c.In(loc)).Equal(wall) && (first.IsZero() || c.Before(first)) {
			first = c
		}
	}
	if first.IsZero() {
		return time.Time{}, errSkippedTime
	}
	return first.In(loc), nil
}

// parseDay reads a date input (YYYY-MM-DD) as the first instant of that
// day in loc (local midnight, or the moment the day began if the clocks
// skipped midnight); "" is no bound. Filters end a range at the next day's
// start, so that a day holds its 23 or 25 hours when the clocks change.
func parseDay(v string, loc *time.Location) (time.Time, bool) {
	if v == "" {
		return time.Time{}, true
	}
	wall, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, false
	}
	return dayStart(wall, loc), true
}

// dayStart returns the first instant in loc of the calendar day of wall
// (fields read as UTC).
func dayStart(wall time.Time, loc *time.Location) time.Time {
	y, m, d := wall.Date()
	var first time.Time
	for _, c := range append(localCandidates(wall, loc), time.Date(y, m, d, 0, 0, 0, 0, loc)) {
		cy, cm, cd := c.In(loc).Date()
		if cy == y && cm == m && cd == d && (first.IsZero() || c.Before(first)) {
			first = c
		}
	}
	return first.In(loc)
}

// nextDayStart is the end of the day that starts at start (exclusive).
func nextDayStart(start time.Time, loc *time.Location) time.Time {
	return dayStart(wallOf(start.In(loc)).AddDate(0, 0, 1), loc)
}
