package auth

import (
	"fmt"
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time      { return c.t }
func (c *fakeClock) Add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *fakeClock               { return &fakeClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }

func TestLimiterSlidingWindow(t *testing.T) {
	clk := newClock()
	l := NewLimiter(Limit{Max: 3, Window: 10 * time.Minute}, 0, clk.Now)
	for i := 1; i <= 3; i++ {
		if ok, _ := l.Allow("k"); !ok {
			t.Fatalf("refused before failure %d", i)
		}
		locked := l.Fail("k")
		if locked != (i == 3) {
			t.Fatalf("failure %d: locked=%v", i, locked)
		}
		clk.Add(time.Minute)
	}
	ok, retry := l.Allow("k")
	if ok || retry != 7*time.Minute {
		t.Fatalf("after 3 failures: Allow = %v, %v; want false, 7m", ok, retry)
	}
	if ok, _ := l.Allow("other"); !ok {
		t.Fatal("another key is refused")
	}
	clk.Add(7 * time.Minute) // the first failure leaves the window
	if ok, _ := l.Allow("k"); !ok {
		t.Fatal("still refused after the oldest failure left the window")
	}
	if l.Fail("k") != true {
		t.Fatal("a failure with two still in the window did not lock again")
	}
	l.Reset("k")
	if ok, _ := l.Allow("k"); !ok {
		t.Fatal("refused after Reset")
	}
}

func TestLimiterFailWhileLockedExtends(t *testing.T) {
	clk := newClock()
	l := NewLimiter(Limit{Max: 2, Window: 10 * time.Minute}, 0, clk.Now)
	l.Fail("k")
	l.Fail("k")
	clk.Add(5 * time.Minute)
	if l.Fail("k") {
		t.Fatal("a failure while locked reported a new lock")
	}
	clk.Add(5 * time.Minute) // the first two are out; the third is not
	if ok, _ := l.Allow("k"); !ok {
		t.Fatal("refused with one failure in the window")
	}
}

func TestLimiterBoundedMemory(t *testing.T) {
	clk := newClock()
	l := NewLimiter(Limit{Max: 5, Window: time.Minute}, 100, clk.Now)
	for i := range 1000 {
		l.Fail(fmt.Sprint("key", i))
	}
	if l.Len() != 100 {
		t.Fatalf("%d keys held, want the bound 100", l.Len())
	}
	// The most recent keys survive; the oldest were evicted.
	for range 4 {
		l.Fail("key999")
	}
	if ok, _ := l.Allow("key999"); ok {
		t.Fatal("recent key was evicted")
	}
	clk.Add(time.Minute)
	l.Sweep()
	if l.Len() != 0 {
		t.Fatalf("%d keys left after their window, want 0", l.Len())
	}
	// Allow on an emptied entry, then a sweep, must not trip over it.
	l.Fail("a")
	clk.Add(2 * time.Minute)
	l.Allow("a")
	l.Sweep()
	if l.Len() != 0 {
		t.Fatal("expired key survived the sweep")
	}
}
