package cli

import (
	"strings"
	"testing"
)

func TestDemoRefusesUnknownZone(t *testing.T) {
	code, _, stderr := runCLI(t, map[string]string{}, "demo", "--timezone", "Europe/Atlantis", "--listen", "127.0.0.1:0")
	if code != 2 || !strings.Contains(stderr, "not an IANA time zone") {
		t.Fatalf("demo with an unknown zone: exit %d, %s", code, stderr)
	}
}
