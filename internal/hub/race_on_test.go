//go:build race

package hub_test

// raceEnabled: the race detector slows matching tenfold; tests that link
// populations then link smaller ones.
const raceEnabled = true
