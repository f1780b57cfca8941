//go:build !linux

package dice

import "time"

// cpuTime is not measured outside Linux; the benchmarks then omit CPU-time rates.
func cpuTime(bool) time.Duration { return 0 }
