package config

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func newFS() *flag.FlagSet {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadPrecedence(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "db-url")
	if err := os.WriteFile(secret, []byte("postgres://from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		listen string
		db     string
		idle   time.Duration
	}{
		{"defaults", nil, nil, "127.0.0.1:8080", "childcentre.db", 30 * time.Minute},
		{"env", nil, map[string]string{"CHILDCENTRE_LISTEN": ":9000", "CHILDCENTRE_IDLE_TIMEOUT": "5m"}, ":9000", "childcentre.db", 5 * time.Minute},
		{"flag beats env", []string{"--listen", ":9100"}, map[string]string{"CHILDCENTRE_LISTEN": ":9000"}, ":9100", "childcentre.db", 30 * time.Minute},
		{"secret from file", nil, map[string]string{"CHILDCENTRE_DATABASE_URL_FILE": secret}, "127.0.0.1:8080", "postgres://from-file", 30 * time.Minute},
		{"env beats file", nil, map[string]string{"CHILDCENTRE_DATABASE_URL": "x.db", "CHILDCENTRE_DATABASE_URL_FILE": secret}, "127.0.0.1:8080", "x.db", 30 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFS()
			c, err := Load(fs, append(tt.args, "extra"), env(tt.env))
			rest := fs.Args()
			if err != nil {
				t.Fatal(err)
			}
			if c.Listen != tt.listen || c.DatabaseURL != tt.db || c.IdleTimeout != tt.idle {
				t.Errorf("got listen %q db %q idle %v", c.Listen, c.DatabaseURL, c.IdleTimeout)
			}
			if len(rest) != 1 || rest[0] != "extra" {
				t.Errorf("rest = %v", rest)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"bad duration", []string{"--idle-timeout", "soon"}, nil, "--idle-timeout: not a duration"},
		{"bad duration env", nil, map[string]string{"CHILDCENTRE_ABSOLUTE_TIMEOUT": "x"}, "CHILDCENTRE_ABSOLUTE_TIMEOUT: not a duration"},
		{"missing secret file", nil, map[string]string{"CHILDCENTRE_KEYS_FILE": "/nonexistent/keys"}, "CHILDCENTRE_KEYS_FILE: cannot read"},
		{"unknown flag", []string{"--nope"}, nil, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(newFS(), tt.args, env(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func valid() *Config {
	c, err := Load(newFS(), []string{"--country", "SE", "--key-file", "k.json"}, env(nil))
	if err != nil {
		panic(err)
	}
	return c
}

func TestValidate(t *testing.T) {
	if err := valid().Validate(); err != nil {
		t.Fatalf("valid config refused: %v", err)
	}
	tests := []struct {
		name   string
		change func(*Config)
		want   []string
	}{
		{"no country", func(c *Config) { c.Country = "" }, []string{"--country"}},
		{"lower-case country", func(c *Config) { c.Country = "se" }, []string{"--country"}},
		{"unknown role", func(c *Config) { c.Role = "king" }, []string{"--role"}},
		{"bad listen", func(c *Config) { c.Listen = "8080" }, []string{"--listen"}},
		{"no keys", func(c *Config) { c.KeyFile = "" }, []string{"exactly one of --key-file"}},
		{"both keys", func(c *Config) { c.Keys = "abc" }, []string{"exactly one of --key-file"}},
		{"half tls", func(c *Config) { c.TLSCert = "cert.pem" }, []string{"--tls-cert and --tls-key"}},
		{"bad proxy", func(c *Config) { c.TrustedProxy = "proxy.local" }, []string{"--trusted-proxy"}},
		{"bad level", func(c *Config) { c.LogLevel = "loud" }, []string{"--log-level"}},
		{"bad language", func(c *Config) { c.Language = "xx" }, []string{"--language"}},
		{"idle longer than absolute", func(c *Config) { c.IdleTimeout = 13 * time.Hour }, []string{"--idle-timeout"}},
		{"hub without network", func(c *Config) { c.Role = "hub" }, []string{"--network-dir"}},
		{"hub bad exchange listen", func(c *Config) {
			c.Role, c.ExchangeListen, c.NetworkDir, c.NetworkCA = "hub", "8443", "net", "ca.crt"
		}, []string{"--exchange-listen"}},
		{"node hub url not https", func(c *Config) {
			c.HubURL, c.NetworkDir, c.NetworkCA = "http://hub:8443", "net", "ca.crt"
		}, []string{"--hub-url"}},
		{"node hub url without certificates", func(c *Config) { c.HubURL = "https://hub:8443" }, []string{"--network-dir"}},
		{"no network schema", func(c *Config) { c.NetworkSchema = "" }, []string{"--network-schema"}},
		{"several at once", func(c *Config) { c.Country = ""; c.LogFormat = "xml" }, []string{"--country", "--log-format"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.change(c)
			err := c.Validate()
			if err == nil {
				t.Fatal("Validate accepted a bad configuration")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}
}

func TestOptionsAreDocumented(t *testing.T) {
	for _, path := range []string{"../../README.md", "../../docs/configuration.md"} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		for _, o := range Options {
			if !strings.Contains(string(b), o.Env) || !strings.Contains(string(b), "--"+o.Flag) {
				t.Errorf("%s does not document --%s / %s", path, o.Flag, o.Env)
			}
		}
	}
}

func TestTimezoneAndPurgeEvery(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		zone    string
		every   time.Duration
		wantErr string
	}{
		{"defaults", nil, "UTC", 24 * time.Hour, ""},
		{"stockholm", map[string]string{"CHILDCENTRE_TIMEZONE": "Europe/Stockholm"}, "Europe/Stockholm", 24 * time.Hour, ""},
		{"purge off", map[string]string{"CHILDCENTRE_PURGE_EVERY": "0"}, "UTC", 0, ""},
		{"unknown zone", map[string]string{"CHILDCENTRE_TIMEZONE": "Europe/Atlantis"}, "", 0, "not an IANA time zone"},
		{"local refused", map[string]string{"CHILDCENTRE_TIMEZONE": "Local"}, "", 0, "name the zone"},
		{"purge too often", map[string]string{"CHILDCENTRE_PURGE_EVERY": "5m"}, "", 0, "--purge-every"},
		{"purge too rare", map[string]string{"CHILDCENTRE_PURGE_EVERY": "200h"}, "", 0, "--purge-every"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{"CHILDCENTRE_COUNTRY": "SE", "CHILDCENTRE_KEY_FILE": "k.json"}
			for k, v := range tt.env {
				vars[k] = v
			}
			c, err := Load(flag.NewFlagSet("t", flag.ContinueOnError), nil, func(k string) string { return vars[k] })
			if err == nil {
				err = c.Validate()
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one naming %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Location.String() != tt.zone || c.PurgeEvery != tt.every {
				t.Fatalf("zone %v, purge every %v; want %s, %v", c.Location, c.PurgeEvery, tt.zone, tt.every)
			}
		})
	}
}
