package auth

import (
	"testing"
	"time"
)

func TestDelayWait(t *testing.T) {
	d := Delay{Free: 5, Base: time.Second, Max: time.Minute, Forget: 15 * time.Minute}
	want := map[int]time.Duration{0: 0, 4: 0, 5: time.Second, 6: 2 * time.Second, 10: 32 * time.Second, 11: time.Minute, 1000: time.Minute}
	for n, w := range want {
		if got := d.wait(n); got != w {
			t.Errorf("wait(%d) = %v, want %v", n, got, w)
		}
	}
}

func TestBackoffForgetsAndBounds(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := NewBackoff(Delay{Free: 1, Base: time.Second, Max: 4 * time.Second, Forget: time.Minute}, 2, func() time.Time { return now })
	if !b.Fail("a") {
		t.Fatal("first failure past Free does not delay")
	}
	if ok, wait := b.Allow("a"); ok || wait != time.Second {
		t.Fatalf("allow: %v %v", ok, wait)
	}
	now = now.Add(time.Minute)
	if ok, _ := b.Allow("a"); !ok {
		t.Fatal("not forgotten after Forget")
	}
	b.Fail("b")
	b.Fail("c") // evicts the oldest
	if b.Len() != 2 {
		t.Fatalf("%d keys, want at most 2", b.Len())
	}
	now = now.Add(time.Minute)
	b.Sweep()
	if b.Len() != 0 {
		t.Fatalf("%d keys after sweep", b.Len())
	}
}
