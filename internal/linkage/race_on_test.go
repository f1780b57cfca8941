//go:build race

package linkage

// raceEnabled: the race detector slows the linker tenfold; the quality
// tests then run their short set, as the figures come from runs without it.
const raceEnabled = true
