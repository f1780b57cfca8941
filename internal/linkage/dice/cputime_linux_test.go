package dice

import (
	"syscall"
	"time"
)

// rusageThread is Linux's RUSAGE_THREAD, which package syscall does not name.
const rusageThread = 1

// cpuTime returns the CPU time used so far by the calling OS thread (thread true; lock
// it with runtime.LockOSThread) or by the whole process. The benchmarks report rates
// per CPU-second beside rates per wall-second because this machine's two cores are
// shared: CPU time does not count the time other processes held the core.
func cpuTime(thread bool) time.Duration {
	who := syscall.RUSAGE_SELF
	if thread {
		who = rusageThread
	}
	var ru syscall.Rusage
	if syscall.Getrusage(who, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
