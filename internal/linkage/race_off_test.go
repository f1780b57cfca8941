//go:build !race

package linkage

// raceEnabled: see race_on_test.go.
const raceEnabled = false
