// Package config reads Childcentre's configuration from command-line flags
// and CHILDCENTRE_* environment variables, and checks it in one place.
//
// One table (Options) drives the flags, the environment variables, the
// defaults and the documentation, so that they cannot drift apart. A flag
// wins over its environment variable, which wins over the default. Secrets
// can also be read from a file named by the variable with a _FILE suffix
// (CHILDCENTRE_DATABASE_URL_FILE), as container secret stores provide them.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is the configuration of a server process.
type Config struct {
	Role            string         // "node"; the hub role comes with the exchange
	Country         string         // ISO 3166-1 alpha-2 code of the node's country
	Listen          string         // address to listen on
	DatabaseURL     string         // SQLite path or postgres:// URL
	KeyFile         string         // path of the node key file
	Keys            string         // key file contents, base64, instead of KeyFile
	TLSCert         string         // certificate file; with TLSKey, serve HTTPS
	TLSKey          string         // private key file
	TrustedProxy    string         // address of a reverse proxy whose X-Forwarded-For is believed
	LogLevel        string         // debug, info, warn, error
	LogFormat       string         // json or text
	Language        string         // default interface language
	IdleTimeout     time.Duration  // session idle timeout
	AbsoluteTimeout time.Duration  // session absolute timeout
	ShutdownTimeout time.Duration  // time given to requests in flight at shutdown
	Retention       time.Duration  // closed cases are purged this long after closing
	PurgeEvery      time.Duration  // the server purges this often; 0: never (schedule 'childcentre purge')
	Location        *time.Location // the time zone pages show and forms are read in

	// Signed checkpoints of the audit log's head (docs/security.md).
	AuditCheckpoints     string        // file the checkpoints are appended to; "" = beside the key file
	AuditCheckpointEvery time.Duration // how often the server writes one
	// The network (issue 8): the exchange between nodes and the hub.
	ExchangeListen string // hub: address of the mutual-TLS exchange endpoint
	HubURL         string // node: the hub's exchange URL; empty: no exchange
	NetworkDir     string // this server's network certificate and keys
	NetworkCA      string // the network CA certificate (PEM)
	NetworkCRL     string // the network's revocation list (PEM), re-read when it changes
	NetworkSchema  string // the network's linkage schema: a built-in name or a file

	// The public knowledge site (issue 13), served by the hub.
	SiteURL string // hub: the site's public address for feeds, sitemap and hreflang; "" derives it from --listen
	// Regional statistics (issue 12, docs/statistics.md).
	StatsK int // hub: publication threshold k; 0: the default, 11
	// Follow-up attachments (issue 11, docs/followup.md).
	AttachmentMax int64 // node: the largest file sent or accepted on a follow-up thread, bytes
}

// Option describes one setting.
type Option struct {
	Flag    string // flag name, without dashes
	Env     string // environment variable
	Default string
	Secret  bool // may come from a file named by Env+"_FILE"
	Help    string
	set     func(c *Config, v string) error
}

func str(p func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *p(c) = v; return nil }
}

func dur(p func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("not a duration such as 30m or 12h")
		}
		*p(c) = d
		return nil
	}
}

// days reads a period as whole days ("1826d") or a Go duration ("43824h"),
// at least one day: a retention period counted in minutes is a mistake.
func days(p func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		var d time.Duration
		if n, ok := strings.CutSuffix(v, "d"); ok {
			k, err := strconv.Atoi(n)
			if err != nil || k < 1 || k > maxDays {
				return fmt.Errorf("not a number of days such as 1826d (1 to %d)", maxDays)
			}
			d = time.Duration(k) * 24 * time.Hour
		} else {
			var err error
			if d, err = time.ParseDuration(v); err != nil {
				return fmt.Errorf("not a period such as 1826d or 43824h")
			}
		}
		if d < 24*time.Hour {
			return fmt.Errorf("at least 1d")
		}
		*p(c) = d
		return nil
	}
}

// zone reads an IANA time zone name ("Europe/Stockholm", "UTC").
func zone(c *Config, v string) error {
	if v == "" || v == "Local" {
		return fmt.Errorf("name the zone, such as Europe/Stockholm or UTC")
	}
	loc, err := time.LoadLocation(v)
	if err != nil {
		return fmt.Errorf("%q is not an IANA time zone such as Europe/Stockholm", v)
	}
	c.Location = loc
	return nil
}

// maxDays bounds a period in days: a hundred years, far below the range
// of time.Duration.
const maxDays = 36525

// DefaultRetention is the default of --retention: five years (with a leap
// day) after a case is closed. Long enough to recognise a child who
// reappears after a case was closed, and to cover the rest of the
// childhood of nearly all children registered (most are 14-17 years old);
// the order of the periods national child-welfare rules keep closed files
// for (for example five years after the last entry in Sweden's social
// services). A country whose law says otherwise sets its own.
const DefaultRetention = "1826d"

// Options is the table of every setting, in the order they are documented.
var Options = []Option{
	{"role", "CHILDCENTRE_ROLE", "node", false, "role of this server: node (a country's National Contact Point)", str(func(c *Config) *string { return &c.Role })},
	{"country", "CHILDCENTRE_COUNTRY", "", false, "ISO 3166-1 alpha-2 code of the node's country, e.g. SE (required for a node)", str(func(c *Config) *string { return &c.Country })},
	{"listen", "CHILDCENTRE_LISTEN", "127.0.0.1:8080", false, "address and port to listen on", str(func(c *Config) *string { return &c.Listen })},
	{"database", "CHILDCENTRE_DATABASE_URL", "childcentre.db", true, "SQLite file path, or a postgres:// URL for PostgreSQL", str(func(c *Config) *string { return &c.DatabaseURL })},
	{"key-file", "CHILDCENTRE_KEY_FILE", "", false, "node key file (create with 'childcentre keys init'); mode 0600", str(func(c *Config) *string { return &c.KeyFile })},
	{"keys", "CHILDCENTRE_KEYS", "", true, "node key file contents, base64, instead of --key-file", str(func(c *Config) *string { return &c.Keys })},
	{"tls-cert", "CHILDCENTRE_TLS_CERT", "", false, "TLS certificate file (PEM); with --tls-key, serve HTTPS and send HSTS", str(func(c *Config) *string { return &c.TLSCert })},
	{"tls-key", "CHILDCENTRE_TLS_KEY", "", false, "TLS private key file (PEM)", str(func(c *Config) *string { return &c.TLSKey })},
	{"trusted-proxy", "CHILDCENTRE_TRUSTED_PROXY", "", false, "IP address of a reverse proxy whose X-Forwarded-For header is believed", str(func(c *Config) *string { return &c.TrustedProxy })},
	{"log-level", "CHILDCENTRE_LOG_LEVEL", "info", false, "debug, info, warn or error", str(func(c *Config) *string { return &c.LogLevel })},
	{"log-format", "CHILDCENTRE_LOG_FORMAT", "json", false, "json or text", str(func(c *Config) *string { return &c.LogFormat })},
	{"language", "CHILDCENTRE_LANGUAGE", "en", false, "default interface language: en, da, de, et, fi, is, lt, lv, no, pl, ru or sv", str(func(c *Config) *string { return &c.Language })},
	{"idle-timeout", "CHILDCENTRE_IDLE_TIMEOUT", "30m", false, "sign out after this long without a request", dur(func(c *Config) *time.Duration { return &c.IdleTimeout })},
	{"absolute-timeout", "CHILDCENTRE_ABSOLUTE_TIMEOUT", "12h", false, "sign out this long after sign-in, whatever the activity", dur(func(c *Config) *time.Duration { return &c.AbsoluteTimeout })},
	{"shutdown-timeout", "CHILDCENTRE_SHUTDOWN_TIMEOUT", "20s", false, "time given to requests in flight on SIGTERM", dur(func(c *Config) *time.Duration { return &c.ShutdownTimeout })},
	{"retention", "CHILDCENTRE_RETENTION", DefaultRetention, false, "closed cases are purged this long after closing: days (1826d) or a duration (43824h); at least 1d", days(func(c *Config) *time.Duration { return &c.Retention })},
	{"purge-every", "CHILDCENTRE_PURGE_EVERY", "24h", false, "the server erases what --retention no longer allows this often (0: never; then schedule 'childcentre purge')", dur(func(c *Config) *time.Duration { return &c.PurgeEvery })},
	{"timezone", "CHILDCENTRE_TIMEZONE", "UTC", false, "IANA time zone the pages show times in and forms are read in, e.g. Europe/Stockholm", zone},
	{"audit-checkpoints", "CHILDCENTRE_AUDIT_CHECKPOINTS", "", false, "file the server appends signed checkpoints of the audit log's head to, where the database's owner cannot write (default: the key file's path + .checkpoints; off: none)", str(func(c *Config) *string { return &c.AuditCheckpoints })},
	{"audit-checkpoint-every", "CHILDCENTRE_AUDIT_CHECKPOINT_EVERY", "5m", false, "how often the server signs a checkpoint of the audit log's head (1m to 24h)", dur(func(c *Config) *time.Duration { return &c.AuditCheckpointEvery })},
	// The network's settings, for both roles (docs/network.md).
	{"exchange-listen", "CHILDCENTRE_EXCHANGE_LISTEN", "127.0.0.1:8443", false, "hub: address and port of the exchange endpoint nodes reach with mutual TLS", str(func(c *Config) *string { return &c.ExchangeListen })},
	{"hub-url", "CHILDCENTRE_HUB_URL", "", false, "node: the hub's exchange URL, e.g. https://hub.example.org:8443 (empty: the node does not exchange)", str(func(c *Config) *string { return &c.HubURL })},
	{"network-dir", "CHILDCENTRE_NETWORK_DIR", "", false, "directory of this server's network certificate and private keys ('childcentre pki issue' or a CSR)", str(func(c *Config) *string { return &c.NetworkDir })},
	{"network-ca", "CHILDCENTRE_NETWORK_CA", "", false, "the network CA's certificate (PEM) that every peer's certificate must chain to (default: ca.crt in --network-dir)", str(func(c *Config) *string { return &c.NetworkCA })},
	{"network-crl", "CHILDCENTRE_NETWORK_CRL", "", false, "the network's certificate revocation list (PEM), re-read when the file changes (default: ca.crl in --network-dir)", str(func(c *Config) *string { return &c.NetworkCRL })},
	{"site-url", "CHILDCENTRE_SITE_URL", "", false, "hub: the public site's address, e.g. https://childcentre.example.org, used in feeds, the sitemap and hreflang links (empty: derived from --listen)", str(func(c *Config) *string { return &c.SiteURL })},
	{"network-schema", "CHILDCENTRE_NETWORK_SCHEMA", "child-clk", false, "the network's linkage schema: a built-in name (child-clk, the record-level CLK; child-fields, the field-level model) or a schema file; the hub refuses encodings made with another", str(func(c *Config) *string { return &c.NetworkSchema })},
	// Regional statistics (docs/statistics.md).
	{"stats-k", "CHILDCENTRE_STATS_K", "11", false, "hub: no published statistic lies between 1 and k-1; at least 11, and never lowered once published", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		c.StatsK = n
		return err
	}},
	{"attachment-max", "CHILDCENTRE_ATTACHMENT_MAX", "10MiB", false, "node: the largest file an officer may attach to a follow-up thread, and the largest accepted from another node: bytes, or with KiB or MiB (1KiB to 10MiB)", func(c *Config, v string) error {
		n, err := parseSize(v)
		c.AttachmentMax = n
		return err
	}},
}

// parseSize reads a size in bytes, KiB or MiB ("10MiB", "512KiB", "65536").
func parseSize(v string) (int64, error) {
	unit := int64(1)
	switch {
	case strings.HasSuffix(v, "MiB"):
		v, unit = strings.TrimSuffix(v, "MiB"), 1<<20
	case strings.HasSuffix(v, "KiB"):
		v, unit = strings.TrimSuffix(v, "KiB"), 1<<10
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 || n > 1<<40/unit {
		return 0, fmt.Errorf("%q is not a size: bytes, or a number with KiB or MiB", v)
	}
	return n * unit, nil
}

// Load defines the flags of the options named in only (all when empty) on
// fs, beside the command's own flags, parses args, and returns the
// configuration; fs.Args() holds the arguments left after the flags. Values
// that cannot be parsed are reported together; Validate checks the result as
// a whole.
func Load(fs *flag.FlagSet, args []string, getenv func(string) string, only ...string) (*Config, error) {
	opts := selected(only)
	flags := make(map[string]*string, len(opts))
	for _, o := range opts {
		if o.Secret {
			flags[o.Flag] = secretFlag(fs, o)
			continue
		}
		flags[o.Flag] = fs.String(o.Flag, "", o.Help)
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })

	c := &Config{}
	var problems []error
	for _, o := range opts {
		v, src, err := value(o, given[o.Flag], *flags[o.Flag], getenv)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		if err := o.set(c, v); err != nil {
			problems = append(problems, fmt.Errorf("%s: %v", src, err))
		}
	}
	return c, errors.Join(problems...)
}

func selected(only []string) []Option {
	if len(only) == 0 {
		return Options
	}
	var out []Option
	for _, o := range Options {
		for _, n := range only {
			if o.Flag == n {
				out = append(out, o)
			}
		}
	}
	return out
}

// secretFlags are the secret options that may still be given as a flag
// when what is given holds no secret: a database URL without a password
// (a SQLite path, a PostgreSQL URL relying on a .pgpass file or
// certificates). Every other secret has no flag.
var secretFlags = map[string]func(v string) error{
	"database": func(v string) error {
		if u, err := url.Parse(v); err == nil && u.User != nil {
			if _, has := u.User.Password(); has {
				return errors.New("holds a password")
			}
		}
		if strings.Contains(strings.ToLower(v), "password=") {
			return errors.New("holds a password")
		}
		return nil
	},
}

// secretFlag defines the flag of a secret option. A secret given on the
// command line is visible to every user of the machine (ps, /proc) and
// kept in shell history, so the flag is refused: the secret comes from
// the environment variable or the file its _FILE variable names (issue 10
// L4). The flag still exists, so that the refusal can say where to put it.
func secretFlag(fs *flag.FlagSet, o Option) *string {
	v := new(string)
	check := secretFlags[o.Flag]
	fs.Func(o.Flag, o.Help+" (secret: from "+o.Env+" or "+o.Env+"_FILE, not from the command line)", func(s string) error {
		if check == nil {
			return fmt.Errorf("a secret is never taken from the command line; set %s or %s_FILE", o.Env, o.Env)
		}
		if err := check(s); err != nil {
			return fmt.Errorf("%v: a secret is never taken from the command line; set %s or %s_FILE", err, o.Env, o.Env)
		}
		*v = s
		return nil
	})
	return v
}

// value returns an option's value and where it came from, for messages.
func value(o Option, flagGiven bool, flagValue string, getenv func(string) string) (string, string, error) {
	if flagGiven {
		return flagValue, "--" + o.Flag, nil
	}
	if v := getenv(o.Env); v != "" {
		return v, o.Env, nil
	}
	if o.Secret {
		if path := getenv(o.Env + "_FILE"); path != "" {
			b, err := os.ReadFile(path)
			if err != nil {
				return "", "", fmt.Errorf("%s_FILE: cannot read the file it names: %v", o.Env, errors.Unwrap(err))
			}
			return strings.TrimSpace(string(b)), o.Env + "_FILE", nil
		}
	}
	return o.Default, "default of --" + o.Flag, nil
}

// Validate checks the configuration as a whole and names every problem.
func (c *Config) Validate() error {
	var p []error
	add := func(format string, args ...any) { p = append(p, fmt.Errorf(format, args...)) }
	if c.SiteURL != "" {
		if u, err := url.Parse(c.SiteURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
			strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
			add("--site-url (CHILDCENTRE_SITE_URL): %q is not an http:// or https:// address without a path", c.SiteURL)
		}
	}
	switch c.Role {
	case "node":
		if !isCountryCode(c.Country) {
			add("--country (CHILDCENTRE_COUNTRY): a node needs its country as two upper-case letters, e.g. SE")
		}
		if c.HubURL != "" {
			if !strings.HasPrefix(c.HubURL, "https://") {
				add("--hub-url (CHILDCENTRE_HUB_URL): %q is not an https:// URL", c.HubURL)
			}
			c.requireNetwork(add)
		}
	case "hub":
		if _, port, err := net.SplitHostPort(c.ExchangeListen); err != nil || port == "" {
			add("--exchange-listen (CHILDCENTRE_EXCHANGE_LISTEN): %q is not host:port", c.ExchangeListen)
		}
		c.requireNetwork(add)
	default:
		add("--role (CHILDCENTRE_ROLE): %q is not a role; use node or hub", c.Role)
	}
	if c.StatsK != 0 && c.StatsK < 11 { // stats.DefaultK: raised, never lowered
		add("--stats-k (CHILDCENTRE_STATS_K): %d; the publication threshold is at least 11", c.StatsK)
	}
	if c.AttachmentMax != 0 && (c.AttachmentMax < 1<<10 || c.AttachmentMax > 10<<20) { // followup.DefaultMaxAttachment: the wire's ceiling
		add("--attachment-max (CHILDCENTRE_ATTACHMENT_MAX): %d bytes; between 1KiB and 10MiB", c.AttachmentMax)
	}
	if c.NetworkSchema == "" {
		add("--network-schema (CHILDCENTRE_NETWORK_SCHEMA): empty; name a built-in schema (child) or a schema file")
	}
	if _, port, err := net.SplitHostPort(c.Listen); err != nil || port == "" {
		add("--listen (CHILDCENTRE_LISTEN): %q is not host:port", c.Listen)
	}
	if err := c.ValidateStorage(); err != nil {
		p = append(p, err)
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		add("--tls-cert and --tls-key: give both or neither")
	}
	if c.TrustedProxy != "" {
		if _, err := netip.ParseAddr(c.TrustedProxy); err != nil {
			add("--trusted-proxy (CHILDCENTRE_TRUSTED_PROXY): %q is not an IP address", c.TrustedProxy)
		}
	}
	if !oneOf(c.LogLevel, "debug", "info", "warn", "error") {
		add("--log-level (CHILDCENTRE_LOG_LEVEL): %q; use debug, info, warn or error", c.LogLevel)
	}
	if !oneOf(c.LogFormat, "json", "text") {
		add("--log-format (CHILDCENTRE_LOG_FORMAT): %q; use json or text", c.LogFormat)
	}
	if !oneOf(c.Language, "en", "da", "de", "et", "fi", "is", "lt", "lv", "no", "pl", "ru", "sv") {
		add("--language (CHILDCENTRE_LANGUAGE): %q; use en, da, de, et, fi, is, lt, lv, no, pl, ru or sv", c.Language)
	}
	if c.IdleTimeout < time.Minute || c.IdleTimeout > c.AbsoluteTimeout {
		add("--idle-timeout: must be at least 1m and not longer than --absolute-timeout")
	}
	if c.AbsoluteTimeout > 24*time.Hour {
		add("--absolute-timeout: at most 24h")
	}
	if c.ShutdownTimeout <= 0 {
		add("--shutdown-timeout: must be positive")
	}
	if c.PurgeEvery != 0 && (c.PurgeEvery < time.Hour || c.PurgeEvery > 7*24*time.Hour) {
		add("--purge-every (CHILDCENTRE_PURGE_EVERY): 0 (never) or between 1h and 168h")
	}
	if c.AuditCheckpointEvery != 0 && (c.AuditCheckpointEvery < time.Minute || c.AuditCheckpointEvery > 24*time.Hour) {
		add("--audit-checkpoint-every (CHILDCENTRE_AUDIT_CHECKPOINT_EVERY): between 1m and 24h")
	}
	return errors.Join(p...)
}

// CheckpointFile returns the file of the audit log's signed checkpoints:
// AuditCheckpoints, or beside the key file when that is empty; "" when
// checkpoints are off ("off", or keys given inline and no file named).
func (c *Config) CheckpointFile() string {
	switch {
	case c.AuditCheckpoints == "off":
		return ""
	case c.AuditCheckpoints != "":
		return c.AuditCheckpoints
	case c.KeyFile != "":
		return c.KeyFile + ".checkpoints"
	}
	return ""
}

// requireNetwork names the network settings a server that exchanges needs.
func (c *Config) requireNetwork(add func(string, ...any)) {
	if c.NetworkDir == "" {
		add("--network-dir (CHILDCENTRE_NETWORK_DIR): the network certificate and keys are needed to exchange")
	}
}

// ValidateStorage checks only what the administration commands need: the
// database and the keys.
func (c *Config) ValidateStorage() error {
	var p []error
	if c.DatabaseURL == "" {
		p = append(p, errors.New("--database (CHILDCENTRE_DATABASE_URL): empty; give a SQLite file path or a postgres:// URL"))
	}
	if (c.KeyFile == "") == (c.Keys == "") {
		p = append(p, errors.New("keys: give exactly one of --key-file (CHILDCENTRE_KEY_FILE) and --keys (CHILDCENTRE_KEYS)"))
	}
	return errors.Join(p...)
}

func oneOf(v string, set ...string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

func isCountryCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}
