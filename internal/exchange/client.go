package exchange

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client is a node's connection to the hub's exchange. It makes one
// request per call, with a timeout, and does not retry: the node's sender
// decides when to try again (Retryable says whether it may help).
// It is safe for concurrent use.
type Client struct {
	base string
	hc   *http.Client
}

// ClientConfig configures a Client.
type ClientConfig struct {
	// URL is the hub's exchange URL, https://host:port (Config.HubURL).
	URL string
	// TLS is the node's mutual-TLS configuration (pki.ClientTLS): its
	// certificate, the network CA, revocation.
	TLS *tls.Config
	// Timeout bounds each call, body included (default 30 s).
	Timeout time.Duration
}

// NewClient returns a client for the hub at cfg.URL.
func NewClient(cfg ClientConfig) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("exchange: the hub URL must be https://host:port")
	}
	if cfg.TLS == nil {
		return nil, fmt.Errorf("exchange: a client needs its mutual-TLS configuration")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	tr := &http.Transport{
		TLSClientConfig:     cfg.TLS.Clone(),
		ForceAttemptHTTP2:   true,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     90 * time.Second,
	}
	return &Client{
		base: strings.TrimRight(u.String(), "/"),
		hc:   &http.Client{Transport: tr, Timeout: cfg.Timeout},
	}, nil
}

// Close drops the client's idle connections.
func (c *Client) Close() { c.hc.CloseIdleConnections() }

// Send posts a batch; the result holds one Result per message, in order.
func (c *Client) Send(ctx context.Context, b Batch) (BatchResult, error) {
	var out BatchResult
	err := c.do(ctx, http.MethodPost, PathMessages, b, &out)
	if err == nil && len(out.Results) != len(b.Messages) {
		err = fmt.Errorf("exchange: the hub answered %d results for %d messages", len(out.Results), len(b.Messages))
	}
	return out, err
}

// Inbox returns the notices after seq after (and acknowledges those up to
// it: store every notice before asking past it).
func (c *Client) Inbox(ctx context.Context, after int64) (Inbox, error) {
	var out Inbox
	err := c.do(ctx, http.MethodGet, PathInbox+"?after="+strconv.FormatInt(after, 10), nil, &out)
	return out, err
}

// Hello tells the hub the node's schema, key and outbox depth.
func (c *Client) Hello(ctx context.Context, h Hello) (Welcome, error) {
	var out Welcome
	err := c.do(ctx, http.MethodPost, PathHello, h, &out)
	return out, err
}

// Directory returns the network's nodes and their certificates. Check
// each certificate against the network CA before sealing to its key.
func (c *Client) Directory(ctx context.Context) (Directory, error) {
	var out Directory
	err := c.do(ctx, http.MethodGet, PathDirectory, nil, &out)
	return out, err
}

// Checkpoints returns the audit checkpoints the hub witnessed of this
// node's country after seq after, in ascending order (More: ask again
// after the last). Check each signature with the node's checkpoint key
// before trusting it.
func (c *Client) Checkpoints(ctx context.Context, after int64) (Witnessed, error) {
	var out Witnessed
	err := c.do(ctx, http.MethodGet, PathCheckpoints+"?after="+strconv.FormatInt(after, 10), nil, &out)
	return out, err
}

// RemoteError is a request the hub refused.
type RemoteError struct {
	Status  int
	Code    string
	Message string
}

func (e *RemoteError) Error() string {
	return fmt.Sprintf("exchange: hub answered %d %s: %s", e.Status, e.Code, e.Message)
}

// Retryable reports whether trying the same call again later may succeed:
// the hub could not be reached, was busy or failed; not when it refused
// the request itself.
func Retryable(err error) bool {
	if err == nil {
		return false
	}
	var re *RemoteError
	if errors.As(err, &re) {
		return re.Status >= 500 || re.Status == http.StatusTooManyRequests || re.Status == http.StatusRequestTimeout
	}
	return true
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 400 {
		re := &RemoteError{Status: resp.StatusCode}
		var eb ErrorBody
		if json.Unmarshal(data, &eb) == nil {
			re.Code, re.Message = eb.Code, eb.Message
		}
		return re
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("exchange: unreadable answer from the hub: %w", err)
	}
	return nil
}
