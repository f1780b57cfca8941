// Package webtest drives a running Childcentre server over HTTP the way a
// browser without JavaScript does: it keeps cookies, carries each form's
// CSRF token back, and signs in with a password and a TOTP code. End-to-end
// tests and load benchmarks use it; it is not linked into the binary.
package webtest

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
)

// Jar keeps cookies for one client. Unlike net/http/cookiejar it sends
// Secure cookies over plain http, as browsers do for 127.0.0.1 and
// localhost, where the demo and the tests serve without TLS.
type Jar struct {
	mu sync.Mutex
	m  map[string]string
}

// SetCookies implements http.CookieJar.
func (j *Jar) SetCookies(_ *url.URL, cs []*http.Cookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.m == nil {
		j.m = map[string]string{}
	}
	for _, c := range cs {
		if c.MaxAge < 0 || c.Value == "" {
			delete(j.m, c.Name)
		} else {
			j.m[c.Name] = c.Value
		}
	}
}

// Cookies implements http.CookieJar.
func (j *Jar) Cookies(*url.URL) []*http.Cookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]*http.Cookie, 0, len(j.m))
	for n, v := range j.m {
		out = append(out, &http.Cookie{Name: n, Value: v})
	}
	return out
}

// Client is one browser-like session against Base ("http://127.0.0.1:8080").
type Client struct {
	Base string
	HTTP *http.Client
}

// New returns a Client with its own cookie jar and connections, as a
// separate browser has.
func New(base string) *Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	return &Client{Base: strings.TrimSuffix(base, "/"), HTTP: &http.Client{Jar: &Jar{}, Transport: tr, Timeout: 30 * time.Second}}
}

// Close closes the client's idle connections, so that a server shutting
// down does not wait for connections the client opened but never used.
func (c *Client) Close() { c.HTTP.CloseIdleConnections() }

// Page is a response after redirects.
type Page struct {
	Status int
	Path   string // the final path, after redirects
	Body   string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// CSRF returns the first CSRF token on the page, or "".
func (p Page) CSRF() string {
	if m := csrfField.FindStringSubmatch(p.Body); m != nil {
		return m[1]
	}
	return ""
}

// Get fetches path.
func (c *Client) Get(path string) (Page, error) {
	resp, err := c.HTTP.Get(c.Base + path)
	if err != nil {
		return Page{}, err
	}
	return read(resp)
}

// Submit posts form to path with the CSRF token of from, as a browser
// submitting a form on that page does.
func (c *Client) Submit(from Page, path string, form url.Values) (Page, error) {
	tok := from.CSRF()
	if tok == "" {
		return Page{}, fmt.Errorf("webtest: no CSRF token on %s", from.Path)
	}
	form.Set("csrf", tok)
	resp, err := c.HTTP.PostForm(c.Base+path, form)
	if err != nil {
		return Page{}, err
	}
	return read(resp)
}

func read(resp *http.Response) (Page, error) {
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return Page{Status: resp.StatusCode, Path: resp.Request.URL.Path, Body: string(b)}, err
}

// SignIn signs in with a password and the TOTP code of secret (base32) at
// time now, and returns the page signed-in users land on.
func (c *Client) SignIn(username, password, secret string, now time.Time) (Page, error) {
	p, err := c.Get("/signin")
	if err != nil {
		return p, err
	}
	p, err = c.Submit(p, "/signin", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		return p, err
	}
	if p.Path != "/signin/code" {
		return p, fmt.Errorf("webtest: after the password at %s (status %d), want /signin/code", p.Path, p.Status)
	}
	code, err := auth.GenerateCode(secret, now)
	if err != nil {
		return p, err
	}
	p, err = c.Submit(p, "/signin/code", url.Values{"code": {code}})
	if err == nil && (p.Path != "/" || p.Status != http.StatusOK) {
		err = fmt.Errorf("webtest: after the code at %s (status %d), want / (200)", p.Path, p.Status)
	}
	return p, err
}
