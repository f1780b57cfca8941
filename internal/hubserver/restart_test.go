package hubserver_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/hub/hubtest"
	"github.com/cbss-egcc/childcentre/internal/pki"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// sendAll delivers msgs in batches, retrying each batch until the hub
// answers, as a node's sender does; it counts accepted and duplicate
// answers.
func sendAll(ctx context.Context, c *exchange.Client, msgs []exchange.Envelope, size int, accepted, dup *atomic.Int64) error {
	for i := 0; i < len(msgs); i += size {
		b := exchange.Batch{Messages: msgs[i:min(i+size, len(msgs))]}
		for {
			res, err := c.Send(ctx, b)
			if err == nil {
				for _, r := range res.Results {
					switch r.Status {
					case exchange.StatusAccepted:
						accepted.Add(1)
					case exchange.StatusDuplicate:
						dup.Add(1)
					default:
						return errors.New("refused: " + r.Code)
					}
				}
				break
			}
			if !exchange.Retryable(err) || ctx.Err() != nil {
				return err
			}
			c.Close()
			time.Sleep(20 * time.Millisecond)
		}
	}
	return nil
}

// TestRestartMidStream: the hub is stopped, cutting requests in flight,
// and started again while two nodes send; every record arrives once, the
// matching queue drains, no hit is notified twice, and the hub's database
// files hold no name, date of birth or registration number.
func TestRestartMidStream(t *testing.T) {
	n := newNet(t, "")
	n.shutdown = time.Millisecond
	enc := hubtest.NewEncoder(t)
	recs := hubtest.Records(t, 150, "SE", "FI")
	by := map[string][]exchange.Envelope{}
	for _, r := range recs {
		by[r.Country] = append(by[r.Country], enc.Upsert(t, "msg-"+hubtest.Ref(r), r, true))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var accepted, dup atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, 2)
	clients := map[string]*exchange.Client{}
	for country, msgs := range by {
		c := n.node(t, country, pki.IssueOptions{})
		clients[country] = c
		wg.Add(1)
		go func() {
			defer wg.Done()
			errc <- sendAll(ctx, c, msgs, 10, &accepted, &dup)
		}()
	}
	time.Sleep(30 * time.Millisecond)
	n.stop()
	time.Sleep(100 * time.Millisecond)
	n.start(t)
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatal(err)
		}
	}
	if int(accepted.Load()) != len(recs) {
		t.Errorf("accepted %d of %d messages (%d duplicates)", accepted.Load(), len(recs), dup.Load())
	}
	// The matching queue drains after the restart.
	deadline := time.Now().Add(90 * time.Second) // a lease cut by the stop may run out first
	for {
		h, err := n.hub.Service.Health(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if h.Queue == 0 {
			if int(h.Encodings["SE"]+h.Encodings["FI"]) != len(recs) {
				t.Errorf("hub holds %v encodings for %d records", h.Encodings, len(recs))
			}
			nodes, _ := n.hub.Service.Nodes(ctx)
			var msgs int64
			for _, nd := range nodes {
				msgs += nd.Messages
			}
			if int(msgs) != len(recs) {
				t.Errorf("hub counts %d messages accepted, want %d", msgs, len(recs))
			}
			// Every hit is in both inboxes, once.
			seen := map[string]bool{}
			notices := 0
			for country, c := range clients {
				in, err := c.Inbox(ctx, 0)
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range in.Notices {
					if x.Type != exchange.NoticeHit {
						continue
					}
					k := country + x.Hit.LocalRef + x.Hit.OtherCountry + x.Hit.OtherRef
					if seen[k] {
						t.Errorf("hit notified twice: %+v", x.Hit)
					}
					seen[k] = true
					notices++
				}
			}
			if notices != 2*int(h.HitsIssued) || notices == 0 {
				t.Errorf("%d notices for %d hits issued", notices, h.HitsIssued)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("queue not drained: %d waiting", h.Queue)
		}
		time.Sleep(50 * time.Millisecond)
	}
	n.stop()
	grepDatabase(t, n.dbURL, recs)
}

// grepDatabase fails when the hub's database files hold any record's
// name, date of birth or registration number.
func grepDatabase(t *testing.T, dbPath string, recs []synth.Record) {
	t.Helper()
	files, _ := filepath.Glob(dbPath + "*")
	if len(files) == 0 {
		t.Fatal("no database file")
	}
	var all []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, bytes.ToLower(b)...)
	}
	checked := 0
	for _, r := range recs {
		for _, v := range []string{r.GivenName, r.FamilyName, r.DateOfBirth, r.ID, strings.ReplaceAll(r.ID, "-", "")} {
			if len(v) < 5 { // short values ("Ali", "2010") occur in any binary by chance
				continue
			}
			checked++
			if bytes.Contains(all, bytes.ToLower([]byte(v))) {
				t.Errorf("the hub's database holds a value of record %s", hubtest.Ref(r))
			}
		}
	}
	if checked < len(recs) {
		t.Fatalf("only %d values checked", checked)
	}
}
