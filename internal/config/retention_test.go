package config

import (
	"strings"
	"testing"
	"time"
)

func TestRetention(t *testing.T) {
	tests := []struct {
		v    string
		want time.Duration
		err  string
	}{
		{"", 1826 * 24 * time.Hour, ""}, // the default
		{"30d", 30 * 24 * time.Hour, ""},
		{"43824h", 43824 * time.Hour, ""},
		{"12h", 0, "at least 1d"},
		{"0d", 0, "number of days"},
		{"-5d", 0, "number of days"},
		{"99999999d", 0, "number of days"},
		{"5y", 0, "not a period"},
		{"5", 0, "not a period"},
	}
	for _, tt := range tests {
		t.Run(tt.v, func(t *testing.T) {
			c, err := Load(newFS(), nil, env(map[string]string{"CHILDCENTRE_RETENTION": tt.v}), "retention")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "CHILDCENTRE_RETENTION") {
					t.Fatalf("err = %v, want %q naming the variable", err, tt.err)
				}
				return
			}
			if err != nil || c.Retention != tt.want {
				t.Fatalf("Retention = %v, %v; want %v", c.Retention, err, tt.want)
			}
		})
	}
}
