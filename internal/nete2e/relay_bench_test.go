package nete2e

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/node"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// BenchmarkRelay measures issue 11's relay figure (≥ 500 sealed messages/s
// through the hub with 3 nodes) end to end: three nodes (SE, FI, NO) and a
// hub, with certificates of a test CA, on 127.0.0.1 over mutual TLS, with
// the nodes' production polling (a woken sender, the inbox read every
// second). Officers of each node write follow-up requests from their hits
// to the two other nodes (followup.Service.Create: sealed with HPKE to the
// recipient's certified key and signed, then the outbox); the hub relays
// the ciphertext; the recipient's puller hands it to
// followup.Service.Receive, which opens and verifies it and files it.
// Reported: messages/s from the first request written to the last one
// filed by its recipient, the rate of writing, and the latency from
// writing to filing (p50, p95). The hub runs on SQLite, and on PostgreSQL
// too when CHILDCENTRE_TEST_POSTGRES is set. The number of messages is
// CHILDCENTRE_RELAY_MESSAGES (default 1500):
//
//	CHILDCENTRE_RELAY_MESSAGES=3000 go test ./internal/nete2e -run '^$' -bench Relay -benchtime 1x
func BenchmarkRelay(b *testing.B) {
	total, _ := strconv.Atoi(os.Getenv("CHILDCENTRE_RELAY_MESSAGES"))
	if total <= 0 {
		total = 1500
	}
	b.Run("sqlite", func(b *testing.B) { relay(b, newNetOn(b, ""), total) })
	b.Run("postgres", func(b *testing.B) { relay(b, newNetOn(b, storetest.PostgresURL(b)), total) })
}

// relayWriters is the number of officers writing at once on each node.
const relayWriters = 4

func relay(b *testing.B, n *testNet, total int) {
	ctx := context.Background()
	countries := []string{"SE", "FI", "NO"}
	nodes := make([]*testNode, len(countries))
	for i, c := range countries {
		nodes[i] = n.startNode(b, c, nil, productionPolling)
	}
	shareSecret(b, nodes[0], nodes[1:]...)
	// The same child in the three registries: two hits on each node, one
	// towards each other node, from which its requests are written.
	for _, tn := range nodes {
		tn.register(b, cases.ChildInput{NationalRef: tn.cfg.Country + "-R-1", GivenNames: "Mohammed", FamilyName: "Alhassan",
			BirthDate: "2011-03-14", Sex: cases.SexMale, Citizenships: []string{"SY"}})
	}
	for _, tn := range nodes {
		waitFor(b, 60*time.Second, "two hits on "+tn.cfg.Country, func() bool { return len(tn.queue(b)) == 2 })
	}
	in := followup.Input{Purpose: "Establish whether the child registered there is the child registered here.",
		LegalBasis: "dir-2023-977", Urgency: followup.Urgent, Handling: "H2", Evaluation: "B2",
		Asked: []string{"given_names", "birth_date"}, Officer: "Bench"}

	per := total / (len(nodes) * relayWriters)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for _, tn := range nodes {
		hits := tn.queue(b)
		for w := range relayWriters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range per {
					if _, err := tn.Exchange.FollowUp.Create(ctx, officer(tn.cfg.Country), hits[(w+k)%len(hits)].ID, in); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	written := time.Since(start)
	sent := per * relayWriters * len(nodes)
	if b.Failed() {
		return
	}
	// Polled once a second, so that reading the lists costs the nodes
	// little; the figures come from the requests' own times.
	var lists [][]*followup.Request
	waitEvery(b, time.Second, 10*time.Minute, "every request filed by its recipient", func() bool {
		lists = lists[:0]
		got := 0
		for _, tn := range nodes {
			l, err := tn.Exchange.FollowUp.List(ctx, officer(tn.cfg.Country), 2*sent)
			if err != nil {
				b.Fatal(err)
			}
			lists = append(lists, l)
			for _, r := range l {
				if r.Direction == followup.In {
					got++
				}
			}
		}
		return got == sent
	})
	b.StopTimer()

	// Latency per thread: the sender's CreatedAt is when the officer wrote
	// it, the recipient's when it was opened and filed.
	out := map[string]time.Time{}
	var filed []time.Time
	for _, l := range lists {
		for _, r := range l {
			if r.Direction == followup.Out {
				out[r.Thread] = r.CreatedAt
			}
		}
	}
	var lat []float64
	for _, l := range lists {
		for _, r := range l {
			if r.Direction == followup.In {
				w, ok := out[r.Thread]
				if !ok {
					b.Fatalf("a request filed on a node was written by none")
				}
				lat = append(lat, r.CreatedAt.Sub(w).Seconds())
				filed = append(filed, r.CreatedAt)
			}
		}
	}
	last := slices.MaxFunc(filed, func(a, b time.Time) int { return a.Compare(b) })
	el := last.Sub(start.UTC())
	b.Logf("%d sealed requests among 3 nodes: written in %s (%.0f/s), all filed by their recipients after %s (%.0f/s); latency p50 %.3fs p95 %.3fs max %.3fs; %s",
		sent, written.Round(time.Millisecond), float64(sent)/written.Seconds(), el.Round(time.Millisecond), float64(sent)/el.Seconds(),
		quantile(lat, 0.5), quantile(lat, 0.95), quantile(lat, 1), loadAverage())
	b.ReportMetric(float64(sent)/el.Seconds(), "relayed/s")
	b.ReportMetric(float64(sent)/written.Seconds(), "written/s")
	b.ReportMetric(quantile(lat, 0.5), "p50-s")
	b.ReportMetric(quantile(lat, 0.95), "p95-s")
}

// waitEvery polls cond every interval until it holds or timeout passes.
func waitEvery(b *testing.B, interval, timeout time.Duration, what string, cond func() bool) {
	b.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			b.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(interval)
	}
}

// productionPolling undoes the harness's fast polling: the sender woken by
// each new message, the inbox read every second, as a node runs by default.
func productionPolling(nd *node.Node) {
	nd.Exchange.Sender.Poll, nd.Exchange.Puller.Poll = 0, 0
}

// quantile returns the q-quantile of xs (nearest rank), sorting xs.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	i := int(q*float64(len(xs))+0.5) - 1
	return xs[min(max(i, 0), len(xs)-1)]
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
