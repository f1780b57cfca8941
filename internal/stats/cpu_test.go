package stats

import (
	"syscall"
	"time"
)

// cpuTime returns the process's user and system CPU time: a figure of a
// benchmark that other processes on a loaded machine do not inflate, as
// they do the wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
