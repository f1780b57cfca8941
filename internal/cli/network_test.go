package cli

import (
	"strings"
	"testing"
)

func TestNetworkSecretInitAndStatus(t *testing.T) {
	vars, _ := adminNode(t)
	vars["CHILDCENTRE_COUNTRY"] = "SE"
	code, out, stderr := runCLI(t, vars, "network", "status")
	if code != 0 || !strings.Contains(out, "linkage key:     none") || !strings.Contains(out, "0 pending, 0 refused") {
		t.Fatalf("status before a secret: %d\n%s%s", code, out, stderr)
	}
	code, out, stderr = runCLI(t, vars, "network", "secret")
	if code != 0 || !strings.Contains(out, "linkage secret ") || !strings.Contains(out, " made") {
		t.Fatalf("secret init: %d\n%s%s", code, out, stderr)
	}
	first := strings.Fields(out)[2]
	code, out, _ = runCLI(t, vars, "network", "status")
	if code != 0 || !strings.Contains(out, first+" (made by SE)") {
		t.Fatalf("status after init: %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, vars, "network", "secret")
	if code != 0 || !strings.Contains(out, "replaces "+first+" (rotation)") {
		t.Fatalf("second init: %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, vars, "audit", "verify")
	if code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("audit verify after the secret: %d\n%s", code, out)
	}
	delete(vars, "CHILDCENTRE_COUNTRY")
	if code, _, stderr := runCLI(t, vars, "network", "secret"); code != 2 || !strings.Contains(stderr, "--country") {
		t.Fatalf("secret init without a country: %d %s", code, stderr)
	}
}
