package node

import "runtime/debug"

// GCPercent is the garbage collector's target (GOGC) of a serving node
// when the operator has not set one. A node's live heap is small (tens of
// megabytes) and every request allocates thousands of objects, so at Go's
// default of 100 the collector took a tenth of the CPU under load; at 200
// it takes about half that, for a heap up to three times the live data
// instead of twice (docs/operations.md).
const GCPercent = 200

// TuneGC sets the collector's target to GCPercent unless GOGC is set in
// the environment getenv reads. restore puts back the target it replaced
// (for tests and benchmarks; a server keeps it).
func TuneGC(getenv func(string) string) (restore func()) {
	if getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(GCPercent)
	return func() { debug.SetGCPercent(old) }
}
