package pki

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http/httptrace"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// testNetwork is a CA with a node of each of SE, FI and DE and a hub on
// 127.0.0.1 and hub.test.
type testNetwork struct {
	dir        string
	ca         *CA
	se, fi, de *Bundle
	hub        *Bundle
}

// newTestCA makes a CA in a fresh directory, its clock at now.
func newTestCA(t *testing.T, now time.Time) *CA {
	t.Helper()
	ca, err := InitCA(filepath.Join(t.TempDir(), "ca"), CAOptions{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("InitCA: %v", err)
	}
	return ca
}

func mustIssue(t *testing.T, ca *CA, country string, role Role, opts IssueOptions) *Bundle {
	t.Helper()
	b, err := Issue(ca, country, role, opts)
	if err != nil {
		t.Fatalf("Issue %s %s: %v", country, role, err)
	}
	return b
}

// network returns a fresh network per test: each test revokes and
// re-publishes as it likes, so none may share a CA directory.
func network(t *testing.T) *testNetwork {
	t.Helper()
	ca := newTestCA(t, time.Now())
	n := &testNetwork{dir: ca.Dir, ca: ca}
	n.se = mustIssue(t, ca, "SE", RoleNode, IssueOptions{})
	n.fi = mustIssue(t, ca, "FI", RoleNode, IssueOptions{})
	n.de = mustIssue(t, ca, "DE", RoleNode, IssueOptions{})
	n.hub = mustIssue(t, ca, "SE", RoleHub, IssueOptions{Hosts: []string{"127.0.0.1", "hub.test"}})
	return n
}

// otherNetwork is a second, unrelated CA with an SE node: what an attacker
// with their own CA would present.
var otherNetwork = sync.OnceValue(func() *Bundle {
	ca, err := InitCA(filepath.Join(tempRoot(), "other-ca"), CAOptions{})
	if err != nil {
		panic(err)
	}
	b, err := Issue(ca, "SE", RoleNode, IssueOptions{Hosts: []string{"127.0.0.1"}})
	if err != nil {
		panic(err)
	}
	return b
})

func (n *testNetwork) watcher(t *testing.T, now func() time.Time) *CRLWatcher {
	t.Helper()
	w, err := NewCRLWatcher(n.ca.CRLPath(), n.ca.Cert, now)
	if err != nil {
		t.Fatalf("NewCRLWatcher: %v", err)
	}
	return w
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }

type tlsConfig = tls.Config

// withConnTrace records whether the request reused a connection.
func withConnTrace(ctx context.Context, reused *bool) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) { *reused = info.Reused },
	})
}
