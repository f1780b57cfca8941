package auth

import (
	"container/list"
	"sync"
	"time"
)

// Delay is a progressive delay: after Free failures, each further attempt
// must wait Base, then twice as long after every further failure, never
// more than Max. A key's count is forgotten after Forget without a failure.
// Unlike a lock, the wait stays bounded by Max however many failures an
// attacker adds, so that nobody can shut an officer out of their account
// for long by typing wrong passwords under their name.
type Delay struct {
	Free   int
	Base   time.Duration
	Max    time.Duration
	Forget time.Duration
}

// wait returns the delay after n failures.
func (d Delay) wait(n int) time.Duration {
	if n < d.Free {
		return 0
	}
	w := d.Base
	for i := d.Free; i < n && w < d.Max; i++ {
		w *= 2
	}
	return min(w, d.Max)
}

// Backoff counts failures per key in memory and answers how long a key
// must wait before its next attempt. It is bounded like Limiter: when full,
// the key whose last failure is oldest is forgotten first.
type Backoff struct {
	d       Delay
	maxKeys int
	now     func() time.Time

	mu    sync.Mutex
	keys  map[string]*list.Element // of *backoffEntry
	order *list.List               // most recently failed first
}

type backoffEntry struct {
	key  string
	n    int
	last time.Time
}

// NewBackoff returns a Backoff; now is the clock (time.Now when nil),
// maxKeys ≤ 0 means DefaultLimiterKeys.
func NewBackoff(d Delay, maxKeys int, now func() time.Time) *Backoff {
	if now == nil {
		now = time.Now
	}
	if maxKeys <= 0 {
		maxKeys = DefaultLimiterKeys
	}
	return &Backoff{d: d, maxKeys: maxKeys, now: now, keys: map[string]*list.Element{}, order: list.New()}
}

// Allow reports whether key may try now and, if not, how long until it may.
func (b *Backoff) Allow(key string) (bool, time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	el, ok := b.keys[key]
	if !ok {
		return true, 0
	}
	e := el.Value.(*backoffEntry)
	now := b.now()
	if now.Sub(e.last) >= b.d.Forget {
		return true, 0
	}
	if next := e.last.Add(b.d.wait(e.n)); now.Before(next) {
		return false, next.Sub(now)
	}
	return true, 0
}

// Fail records a failure of key and reports whether key must now wait
// before its next attempt.
func (b *Backoff) Fail(key string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	el, ok := b.keys[key]
	if !ok {
		b.evict(now)
		el = b.order.PushFront(&backoffEntry{key: key})
		b.keys[key] = el
	} else {
		b.order.MoveToFront(el)
	}
	e := el.Value.(*backoffEntry)
	if now.Sub(e.last) >= b.d.Forget {
		e.n = 0
	}
	e.n++
	e.last = now
	return b.d.wait(e.n) > 0
}

// Reset forgets key (after a complete, successful sign-in).
func (b *Backoff) Reset(key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if el, ok := b.keys[key]; ok {
		b.order.Remove(el)
		delete(b.keys, key)
	}
}

// Len returns the number of keys held.
func (b *Backoff) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.keys)
}

// Sweep forgets keys past Forget.
func (b *Backoff) Sweep() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sweep(b.now())
}

func (b *Backoff) sweep(now time.Time) {
	for el := b.order.Back(); el != nil; el = b.order.Back() {
		e := el.Value.(*backoffEntry)
		if now.Sub(e.last) < b.d.Forget {
			return
		}
		b.order.Remove(el)
		delete(b.keys, e.key)
	}
}

func (b *Backoff) evict(now time.Time) {
	if len(b.keys) < b.maxKeys {
		return
	}
	b.sweep(now)
	for len(b.keys) >= b.maxKeys {
		el := b.order.Back()
		b.order.Remove(el)
		delete(b.keys, el.Value.(*backoffEntry).key)
	}
}
