package node

import (
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	for _, tc := range []struct {
		gogc string
		want int
	}{
		{"", GCPercent},
		{"150", 77}, // the operator's setting stands: the runtime read it at start (77 here)
	} {
		old := debug.SetGCPercent(77)
		restore := TuneGC(func(k string) string {
			if k == "GOGC" {
				return tc.gogc
			}
			return ""
		})
		got := debug.SetGCPercent(77)
		restore()
		if after := debug.SetGCPercent(old); after != 77 {
			t.Errorf("GOGC=%q: restore left %d, want 77", tc.gogc, after)
		}
		if got != tc.want {
			t.Errorf("GOGC=%q: target %d, want %d", tc.gogc, got, tc.want)
		}
	}
}
