package hubserver_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/pki"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// BenchmarkHubRelay measures the hub's share of issue 11's relay figure
// (≥ 500 sealed messages/s through the hub with 3 nodes): three nodes'
// exchange clients, with certificates of a test CA, on 127.0.0.1 over
// mutual TLS. Each sender seals follow-up messages as a node does
// (pki.SealSigned: HPKE to the recipient's certificate from the hub's
// directory, signed with the sender's key) and sends them in batches of
// 50; each recipient reads its inbox (every 100 ms when it is empty) and
// opens every message (pki.OpenVerified). Reported: messages/s from the
// first sealed to the last opened, and the latency from sealing to
// opening (p50, p95). The nodes' own databases are left out (see
// BenchmarkRelay in internal/nete2e for the whole path). SQLite, and
// PostgreSQL when CHILDCENTRE_TEST_POSTGRES is set; the number of messages
// is CHILDCENTRE_RELAY_MESSAGES (default 6000):
//
//	go test ./internal/hubserver -run '^$' -bench HubRelay -benchtime 1x
func BenchmarkHubRelay(b *testing.B) {
	total, _ := strconv.Atoi(os.Getenv("CHILDCENTRE_RELAY_MESSAGES"))
	if total <= 0 {
		total = 6000
	}
	b.Run("sqlite", func(b *testing.B) { hubRelay(b, newNet(b, ""), total) })
	b.Run("postgres", func(b *testing.B) { hubRelay(b, newNet(b, storetest.PostgresURL(b)), total) })
}

// relayNode is one node's side of the relay benchmark.
type relayNode struct {
	country string
	bundle  *pki.Bundle
	client  *exchange.Client
	opts    pki.VerifyOptions
	peers   map[string]*x509.Certificate // country → certificate, from the hub's directory
}

func hubRelay(b *testing.B, n *testNet, total int) {
	ctx := context.Background()
	var nodes []*relayNode
	for _, c := range []string{"SE", "FI", "NO"} {
		bd, err := pki.Issue(n.ca, c, pki.RoleNode, pki.IssueOptions{})
		if err != nil {
			b.Fatal(err)
		}
		crl, err := pki.NewCRLWatcher(n.crlPath, bd.CA, nil)
		if err != nil {
			b.Fatal(err)
		}
		cl := n.client(b, bd)
		if _, err := cl.Hello(ctx, exchange.Hello{Software: "bench"}); err != nil {
			b.Fatal(err)
		}
		nodes = append(nodes, &relayNode{country: c, bundle: bd, client: cl,
			opts: pki.VerifyOptions{CRL: crl, Roles: []pki.Role{pki.RoleNode}}})
	}
	for _, nd := range nodes {
		d, err := nd.client.Directory(ctx)
		if err != nil {
			b.Fatal(err)
		}
		nd.peers = map[string]*x509.Certificate{}
		for _, e := range d.Nodes {
			c, err := x509.ParseCertificate(e.Certificate)
			if err != nil {
				b.Fatal(err)
			}
			id, err := pki.IdentityOf(c)
			if err != nil {
				b.Fatal(err)
			}
			nd.peers[id.Country] = c
		}
		if len(nd.peers) != len(nodes) {
			b.Fatalf("the directory names %d nodes", len(nd.peers))
		}
	}
	// A follow-up request of a realistic size: what is asked, why, under
	// which law, by whom.
	msg := exchange.FollowUpMessage{Thread: "t", Type: exchange.FollowUpRequestType, Request: &exchange.FollowUpRequest{
		RequesterRef: "r0123456789abcdef01234567", SubjectRef: "r89abcdef0123456789abcdef", HitID: "h-000123",
		Purpose:    "Establish whether the child registered there is the child missing from a reception centre here.",
		LegalBasis: "dir-2023-977", Urgency: "urgent", Handling: "H2", Evaluation: "B2",
		Asked: []string{"given_names", "birth_date", "birth_place"}, Officer: "Bench"}}

	per := total / len(nodes)
	const batch = 50
	want := per * len(nodes)
	b.ResetTimer()
	start := time.Now()
	var (
		mu     sync.Mutex
		lat    []float64
		opened []time.Time
		wg     sync.WaitGroup
	)
	for i, nd := range nodes {
		wg.Add(2)
		go func() { // sender
			defer wg.Done()
			var out []exchange.Envelope
			for k := range per {
				to := nodes[(i+1+k%2)%len(nodes)].country
				m := msg
				m.ID, m.SentAt = fmt.Sprintf("%s-%d", nd.country, k), time.Now()
				plain, err := json.Marshal(m)
				if err != nil {
					b.Error(err)
					return
				}
				sealed, err := pki.SealSigned(nd.bundle, nd.peers[to], exchange.KindFollowUp, plain, nd.opts)
				if err != nil {
					b.Error(err)
					return
				}
				out = append(out, exchange.Envelope{ID: m.ID, Type: exchange.TypeSealed,
					Sealed: &exchange.Sealed{To: to, Kind: exchange.KindFollowUp, Ciphertext: sealed}})
				if len(out) == batch || k == per-1 {
					res, err := nd.client.Send(ctx, exchange.Batch{Messages: out})
					if err != nil {
						b.Error(err)
						return
					}
					for _, r := range res.Results {
						if r.Status != exchange.StatusAccepted {
							b.Errorf("the hub answered %+v", r)
							return
						}
					}
					out = out[:0]
				}
			}
		}()
		go func() { // recipient
			defer wg.Done()
			var after int64
			got := 0
			deadline := time.Now().Add(10 * time.Minute)
			for got < per && !b.Failed() {
				if time.Now().After(deadline) {
					b.Errorf("%s opened %d of %d messages", nd.country, got, per)
					return
				}
				in, err := nd.client.Inbox(ctx, after)
				if err != nil {
					b.Error(err)
					return
				}
				for _, nt := range in.Notices {
					after = max(after, nt.Seq)
					if nt.Type != exchange.NoticeSealed || nt.Sealed == nil {
						continue
					}
					plain, err := pki.OpenVerified(nd.bundle, nd.peers[nt.Sealed.From], nt.Sealed.Kind, nt.Sealed.Ciphertext, nd.opts)
					if err != nil {
						b.Error(err)
						return
					}
					var m exchange.FollowUpMessage
					if err := json.Unmarshal(plain, &m); err != nil {
						b.Error(err)
						return
					}
					now := time.Now()
					mu.Lock()
					lat = append(lat, now.Sub(m.SentAt).Seconds())
					opened = append(opened, now)
					mu.Unlock()
					got++
				}
				if !in.More {
					time.Sleep(100 * time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if b.Failed() {
		return
	}
	if len(lat) != want {
		b.Fatalf("%d messages opened, %d sent", len(lat), want)
	}
	el := slices.MaxFunc(opened, time.Time.Compare).Sub(start)
	slices.Sort(lat)
	q := func(p float64) float64 { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	b.Logf("%d sealed messages among 3 nodes relayed and opened in %s: %.0f/s; latency sealed → opened p50 %.3fs p95 %.3fs max %.3fs; %s",
		want, el.Round(time.Millisecond), float64(want)/el.Seconds(), q(0.5), q(0.95), lat[len(lat)-1], loadAverage())
	b.ReportMetric(float64(want)/el.Seconds(), "relayed/s")
	b.ReportMetric(q(0.5), "p50-s")
	b.ReportMetric(q(0.95), "p95-s")
}

// loadAverage is the machine's load average (Linux), for the log: the
// figures depend on what else runs.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "load average unknown"
	}
	var l1, l5, l15 float64
	fmt.Sscan(string(b), &l1, &l5, &l15)
	return fmt.Sprintf("load average %.1f %.1f %.1f on %d CPUs", l1, l5, l15, runtime.NumCPU())
}
