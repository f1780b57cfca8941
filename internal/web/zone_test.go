package web

import (
	"errors"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, whatever the machine has installed
)

// mustZone loads an IANA zone for a test.
func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestParseLocal: a wall-clock time typed on a node is read in its zone; a
// time the clocks skipped is refused; a time that occurs twice is its
// first occurrence (summer time).
func TestParseLocal(t *testing.T) {
	const layout = "2006-01-02 15:04"
	for _, tc := range []struct {
		name, zone, value string
		want              string // UTC, RFC 3339; "" when refused
		skipped           bool
	}{
		{name: "winter", zone: "Europe/Stockholm", value: "2026-01-15 14:30", want: "2026-01-15T13:30:00Z"},
		{name: "summer", zone: "Europe/Stockholm", value: "2026-07-15 14:30", want: "2026-07-15T12:30:00Z"},
		{name: "Warsaw", zone: "Europe/Warsaw", value: "2026-01-15 00:10", want: "2026-01-14T23:10:00Z"},
		{name: "UTC", zone: "UTC", value: "2026-01-15 14:30", want: "2026-01-15T14:30:00Z"},
		{name: "one digit hour", zone: "Europe/Stockholm", value: "2026-01-15 9:05", want: "2026-01-15T08:05:00Z"},
		{name: "before the gap", zone: "Europe/Stockholm", value: "2026-03-29 01:59", want: "2026-03-29T00:59:00Z"},
		{name: "in the gap", zone: "Europe/Stockholm", value: "2026-03-29 02:30", skipped: true},
		{name: "start of the gap", zone: "Europe/Stockholm", value: "2026-03-29 02:00", skipped: true},
		{name: "after the gap", zone: "Europe/Stockholm", value: "2026-03-29 03:00", want: "2026-03-29T01:00:00Z"},
		{name: "repeated hour: first", zone: "Europe/Stockholm", value: "2026-10-25 02:30", want: "2026-10-25T00:30:00Z"},
		{name: "after the repeated hour", zone: "Europe/Stockholm", value: "2026-10-25 03:00", want: "2026-10-25T02:00:00Z"},
		{name: "west of UTC: gap", zone: "America/New_York", value: "2026-03-08 02:30", skipped: true},
		{name: "west of UTC: repeated", zone: "America/New_York", value: "2026-11-01 01:30", want: "2026-11-01T05:30:00Z"},
		{name: "half-hour shift: gap", zone: "Australia/Lord_Howe", value: "2026-10-04 02:15", skipped: true},
		{name: "malformed", zone: "Europe/Stockholm", value: "2026-01-15 25:00"},
		{name: "no such day", zone: "Europe/Stockholm", value: "2026-02-30 10:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc := mustZone(t, tc.zone)
			got, err := parseLocal(layout, tc.value, loc)
			switch {
			case tc.skipped:
				if !errors.Is(err, errSkippedTime) {
					t.Fatalf("parseLocal(%q) = %v, %v; want errSkippedTime", tc.value, got, err)
				}
			case tc.want == "":
				if err == nil || errors.Is(err, errSkippedTime) {
					t.Fatalf("parseLocal(%q) = %v, %v; want a parse error", tc.value, got, err)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if s := got.UTC().Format(time.RFC3339); s != tc.want {
					t.Fatalf("parseLocal(%q) = %s, want %s", tc.value, s, tc.want)
				}
				// Shown back in the zone, it is what was typed.
				if back, _ := time.Parse(layout, tc.value); got.In(loc).Format(layout) != back.Format(layout) {
					t.Fatalf("shown back as %s, typed %s", got.In(loc).Format(layout), tc.value)
				}
			}
		})
	}
}

// TestParseDay: a day of a filter runs from its first local instant to the
// next day's, 23 or 25 hours long when the clocks change, also in zones
// whose clocks skip or repeat midnight.
func TestParseDay(t *testing.T) {
	for _, tc := range []struct {
		zone, day  string
		start, end string // UTC, RFC 3339; "" to check only the boundaries' dates
		hours      float64
	}{
		{zone: "UTC", day: "2026-01-15", start: "2026-01-15T00:00:00Z", end: "2026-01-16T00:00:00Z", hours: 24},
		{zone: "Europe/Stockholm", day: "2026-01-15", start: "2026-01-14T23:00:00Z", end: "2026-01-15T23:00:00Z", hours: 24},
		{zone: "Europe/Stockholm", day: "2026-07-15", start: "2026-07-14T22:00:00Z", end: "2026-07-15T22:00:00Z", hours: 24},
		{zone: "Europe/Stockholm", day: "2026-03-29", start: "2026-03-28T23:00:00Z", end: "2026-03-29T22:00:00Z", hours: 23},
		{zone: "Europe/Stockholm", day: "2026-10-25", start: "2026-10-24T22:00:00Z", end: "2026-10-25T23:00:00Z", hours: 25},
		{zone: "America/New_York", day: "2026-11-01", start: "2026-11-01T04:00:00Z", end: "2026-11-02T05:00:00Z", hours: 25},
		// Chile and Cuba put their clocks forward at midnight: those days
		// begin at 01:00.
		{zone: "America/Santiago", day: "2026-09-06"},
		{zone: "America/Havana", day: "2026-03-08"},
	} {
		t.Run(tc.zone+" "+tc.day, func(t *testing.T) {
			loc := mustZone(t, tc.zone)
			start, ok := parseDay(tc.day, loc)
			if !ok {
				t.Fatal("refused")
			}
			end := nextDayStart(start, loc)
			if tc.start != "" {
				if s, e := start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339); s != tc.start || e != tc.end {
					t.Fatalf("[%s, %s), want [%s, %s)", s, e, tc.start, tc.end)
				}
				if h := end.Sub(start).Hours(); h != tc.hours {
					t.Fatalf("%v hours, want %v", h, tc.hours)
				}
			}
			// Whatever the zone's rules: start is the day's first
			// instant, end the next day's.
			next, _ := time.Parse(time.DateOnly, tc.day)
			next = next.AddDate(0, 0, 1)
			for _, b := range []struct {
				at  time.Time
				day string
			}{{start, tc.day}, {end, next.Format(time.DateOnly)}} {
				if got := b.at.In(loc).Format(time.DateOnly); got != b.day {
					t.Errorf("%s is on %s, want %s", b.at.In(loc), got, b.day)
				}
				if got := b.at.Add(-time.Nanosecond).In(loc).Format(time.DateOnly); got == b.day {
					t.Errorf("the instant before %s is on the same day", b.at.In(loc))
				}
			}
		})
	}
	for _, v := range []string{"2026-02-30", "yesterday", "2026-1-5"} {
		if _, ok := parseDay(v, time.UTC); ok {
			t.Errorf("parseDay(%q) accepted", v)
		}
	}
	if d, ok := parseDay("", time.UTC); !ok || !d.IsZero() {
		t.Error(`"" must be no bound`)
	}
}
