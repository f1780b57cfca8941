//go:build !unix

package auth

import "time"

// cpuTime is not measured on this platform; cpu-ms/hash then reads 0.
func cpuTime() time.Duration { return 0 }
