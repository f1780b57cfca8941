package node

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// closedCase registers a child with one case and closes it, at the clock's
// time, with an officer's request and a supervisor's approval.
func closedCase(t *testing.T, n *Node) (*cases.Child, *cases.Case) {
	t.Helper()
	ctx := context.Background()
	officer := auth.Actor{UserID: 1, Role: auth.RoleOfficer, Country: "SE"}
	supervisor := auth.Actor{UserID: 2, Role: auth.RoleSupervisor, Country: "SE"}
	c, k, err := n.Cases.Register(ctx, officer,
		cases.ChildInput{GivenNames: "Amina", FamilyName: "Lindqvist", BirthDate: "2010", Sex: cases.SexFemale},
		cases.CaseInput{Category: cases.CatUnaccompanied, Evidence: cases.EvidenceIdentified})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Cases.RequestClose(ctx, officer, k.ID, "returned to her family"); err != nil {
		t.Fatal(err)
	}
	if err := n.Cases.ApproveClose(ctx, supervisor, k.ID); err != nil {
		t.Fatal(err)
	}
	return c, k
}

// metric returns the line of the named sample in the node's /metrics text.
func metric(t *testing.T, n *Node, name string) string {
	t.Helper()
	var b bytes.Buffer
	if _, err := n.Metrics.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(b.String(), "\n") {
		if strings.HasPrefix(line, name+" ") {
			return line
		}
	}
	t.Fatalf("no sample %s in\n%s", name, b.String())
	return ""
}

func TestScheduledPurge(t *testing.T) {
	for name, dbURL := range map[string]func(testing.TB) string{"sqlite": storetest.SQLiteURL, "postgres": storetest.PostgresURL} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			today := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
			clk := &clock{t: today.AddDate(-2, 0, 0)}
			n := openNode(t, dbURL(t), clk.now, func(c *config.Config) {
				c.Retention = 365 * 24 * time.Hour
				c.PurgeEvery = time.Hour
			})
			old, oldCase := closedCase(t, n) // closed two years ago: past retention
			clk.set(today.AddDate(0, 0, -10))
			_, recentCase := closedCase(t, n) // closed ten days ago: kept
			clk.set(today)

			// The loop's first run comes after the delay it is given; here
			// at once. Wait for it through what an operator would watch.
			loopCtx, stop := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { n.retain(loopCtx, 0); close(done) }()
			deadline := time.Now().Add(time.Minute)
			for metric(t, n, "childcentre_retention_last_success_timestamp_seconds") == "childcentre_retention_last_success_timestamp_seconds 0" {
				if time.Now().After(deadline) {
					t.Fatal("the scheduled purge did not run")
				}
				time.Sleep(10 * time.Millisecond)
			}
			stop()
			<-done

			officer := auth.Actor{UserID: 1, Role: auth.RoleOfficer, Country: "SE"}
			if _, err := n.Cases.Child(ctx, officer, old.ID); !errs.Is(err, errs.NotFound) {
				t.Errorf("child of a case closed two years ago still readable: %v", err)
			}
			if _, _, err := n.Cases.Case(ctx, officer, oldCase.ID); !errs.Is(err, errs.NotFound) {
				t.Errorf("case closed two years ago still readable: %v", err)
			}
			if _, _, err := n.Cases.Case(ctx, officer, recentCase.ID); err != nil {
				t.Errorf("case closed ten days ago was purged: %v", err)
			}
			for name, want := range map[string]string{
				"childcentre_retention_purged_cases_total":    "1",
				"childcentre_retention_purged_children_total": "1",
				"childcentre_retention_purge_failures_total":  "0",
			} {
				if got := metric(t, n, name); got != name+" "+want {
					t.Errorf("%s, want %s", got, want)
				}
			}
			entries, _, err := n.DB.ListAudit(ctx, audit.Filter{Action: audit.ActRetentionPurge, Limit: 10})
			if err != nil || len(entries) != 1 || entries[0].Actor != "system" || entries[0].Detail != "cases=1 children=1" {
				t.Fatalf("retention.purge entries %+v, %v; want one by the system with the counts", entries, err)
			}

			// A second run finds nothing more and records nothing more.
			if res, err := n.PurgeOnce(ctx); err != nil || len(res.Cases) != 0 {
				t.Fatalf("second purge: %+v, %v", res, err)
			}
		})
	}
}

func TestScheduledPurgeOff(t *testing.T) {
	n := openNode(t, storetest.SQLiteURL(t), nil, func(c *config.Config) { c.Retention = 24 * time.Hour })
	done := make(chan struct{})
	go func() { n.retain(context.Background(), 0); close(done) }()
	select { // with --purge-every 0 the loop returns at once, never purging
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("retain with --purge-every 0 did not return")
	}
	if got := metric(t, n, "childcentre_retention_last_success_timestamp_seconds"); !strings.HasSuffix(got, " 0") {
		t.Fatalf("purge ran while turned off: %s", got)
	}
}
