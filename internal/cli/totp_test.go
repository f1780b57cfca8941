package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestTOTPCommand(t *testing.T) {
	// The RFC 6238 SHA-1 key "12345678901234567890" in base32; at
	// T=1111111111 its 8-digit code is 14050471, so the 6-digit one 050471.
	const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	at := time.Unix(1111111111, 0)
	tests := []struct {
		name   string
		args   []string
		stdin  string
		status int
		stdout string
		stderr string
	}{
		{"secret argument", []string{"totp", secret}, "", 0, "050471\n", "valid for 29 more seconds"},
		{"lower case with spaces", []string{"totp", strings.ToLower("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ")}, "", 0, "050471\n", ""},
		{"from standard input", []string{"totp", "-"}, secret + "\n", 0, "050471\n", ""},
		{"no secret", []string{"totp"}, "", 2, "", "usage: childcentre totp"},
		{"two secrets", []string{"totp", secret, secret}, "", 2, "", "usage"},
		{"malformed secret", []string{"totp", "not-base32!"}, "", 1, "", "not a valid base32"},
		{"empty standard input", []string{"totp", "-"}, "", 1, "", "standard input"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			env := &Env{Stdin: strings.NewReader(tc.stdin), Stdout: &out, Stderr: &errOut,
				Getenv: func(string) string { return "" }, Now: func() time.Time { return at }}
			status := Main(context.Background(), env, tc.args)
			if status != tc.status || out.String() != tc.stdout || !strings.Contains(errOut.String(), tc.stderr) {
				t.Fatalf("status %d, stdout %q, stderr %q; want %d, %q, …%q…", status, out.String(), errOut.String(), tc.status, tc.stdout, tc.stderr)
			}
		})
	}
}
