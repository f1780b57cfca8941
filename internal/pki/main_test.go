package pki

import (
	"os"
	"testing"
)

var testRoot string

func tempRoot() string { return testRoot }

// TestMain gives the package-wide fixtures (otherNetwork) a directory that
// outlives single tests and is removed at the end.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pki-test-")
	if err != nil {
		panic(err)
	}
	testRoot = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
