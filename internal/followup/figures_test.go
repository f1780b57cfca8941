package followup

import (
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	h := time.Hour
	for _, c := range []struct {
		name string
		in   []time.Duration
		want time.Duration
	}{
		{"none", nil, 0},
		{"one", []time.Duration{3 * h}, 3 * h},
		{"odd, unsorted", []time.Duration{9 * h, h, 4 * h}, 4 * h},
		{"even: the mean of the middle two", []time.Duration{30 * h, 10 * h, h, 50 * h}, 20 * h},
	} {
		if got := median(c.in); got != c.want {
			t.Errorf("%s: median %v, want %v", c.name, got, c.want)
		}
	}
}
