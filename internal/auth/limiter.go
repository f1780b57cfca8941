package auth

import (
	"container/list"
	"sync"
	"time"
)

// Limit is a sign-in rate limit: at most Max failures in any Window. While
// a key has Max failures in the last Window its attempts are refused; it is
// let in again once the oldest of them is older than Window (a sliding
// window), so a locked key waits at most Window.
type Limit struct {
	Max    int
	Window time.Duration
}

// Default limits and delays (ASVS 5.0 V6.3.1, issue 10 M2). Wrong
// passwords never lock an account: after five, each attempt on the account
// waits 1 s, doubling with each further failure up to one minute
// (DefaultAccountDelay), so that anyone typing wrong passwords under an
// officer's name delays them by at most a minute. From one source (an
// address; IPv6 by its /64) the same account's wait grows to 15 minutes
// (DefaultSourceDelay), and twenty failures from one source on any
// accounts in 15 minutes stop that source (DefaultAddressLimit), which
// stops one machine from spraying one password over many accounts. An
// attacker spread over many sources gets at most about 1,440 password
// guesses a day per account, against passwords of at least 12 characters
// not in the breached list. Wrong second-factor codes, which only a holder
// of the password can send, keep a hard limit of five per account in 15
// minutes (DefaultAccountLimit): 480 guesses a day, a success probability
// of 0.14 % a day against a 6-digit code accepted in a window of three
// steps.
var (
	DefaultAccountLimit = Limit{Max: 5, Window: 15 * time.Minute}
	DefaultAddressLimit = Limit{Max: 20, Window: 15 * time.Minute}
	DefaultAccountDelay = Delay{Free: 5, Base: time.Second, Max: time.Minute, Forget: 15 * time.Minute}
	DefaultSourceDelay  = Delay{Free: 5, Base: time.Second, Max: 15 * time.Minute, Forget: time.Hour}
)

// DefaultLimiterKeys bounds the memory of a Limiter: each key holds at most
// Max timestamps, so 100 000 keys take a few megabytes.
const DefaultLimiterKeys = 100_000

// Limiter counts failures per key in memory. It is per process: several
// server processes behind one load balancer each allow the limit, and a
// restart forgets every count. That is acceptable for one node per country
// (one process); a larger deployment would move the counts into the
// database. The number of keys is bounded: when full, the key whose last
// failure is oldest is forgotten first, so an attacker who floods the
// limiter with new keys can only make it forget old, quiet ones.
type Limiter struct {
	limit   Limit
	maxKeys int
	now     func() time.Time

	mu    sync.Mutex
	keys  map[string]*list.Element // of *limiterEntry
	order *list.List               // most recently failed first
}

type limiterEntry struct {
	key      string
	failures []time.Time // oldest first, at most limit.Max, all within the window
}

// NewLimiter returns a Limiter. now is the clock (time.Now when nil);
// maxKeys ≤ 0 means DefaultLimiterKeys.
func NewLimiter(l Limit, maxKeys int, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	if maxKeys <= 0 {
		maxKeys = DefaultLimiterKeys
	}
	return &Limiter{limit: l, maxKeys: maxKeys, now: now, keys: map[string]*list.Element{}, order: list.New()}
}

// Allow reports whether key may try again and, if not, how long until it may.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	el, ok := l.keys[key]
	if !ok {
		return true, 0
	}
	e := el.Value.(*limiterEntry)
	now := l.now()
	l.prune(e, now)
	if len(e.failures) < l.limit.Max {
		return true, 0
	}
	return false, e.failures[0].Add(l.limit.Window).Sub(now)
}

// Fail records a failure of key and reports whether key is now locked
// (this failure reached the limit).
func (l *Limiter) Fail(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	el, ok := l.keys[key]
	if !ok {
		l.evict(now)
		el = l.order.PushFront(&limiterEntry{key: key})
		l.keys[key] = el
	} else {
		l.order.MoveToFront(el)
	}
	e := el.Value.(*limiterEntry)
	l.prune(e, now)
	if len(e.failures) >= l.limit.Max {
		// Already locked (the caller did not ask Allow first): keep the
		// most recent failures, which lengthens the lock.
		e.failures = append(e.failures[1:], now)
		return false
	}
	e.failures = append(e.failures, now)
	return len(e.failures) == l.limit.Max
}

// Reset forgets the failures of key (after a complete, successful sign-in).
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.keys[key]; ok {
		l.order.Remove(el)
		delete(l.keys, key)
	}
}

// Len returns the number of keys held.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// Sweep forgets keys whose failures have all left the window.
func (l *Limiter) Sweep() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(l.now())
}

func (l *Limiter) prune(e *limiterEntry, now time.Time) {
	i := 0
	for i < len(e.failures) && now.Sub(e.failures[i]) >= l.limit.Window {
		i++
	}
	e.failures = e.failures[i:]
}

// sweep removes expired keys from the back of the list (least recently
// failed first), stopping at the first key still in its window.
func (l *Limiter) sweep(now time.Time) {
	for el := l.order.Back(); el != nil; el = l.order.Back() {
		e := el.Value.(*limiterEntry)
		if len(e.failures) > 0 && now.Sub(e.failures[len(e.failures)-1]) < l.limit.Window {
			return
		}
		l.order.Remove(el)
		delete(l.keys, e.key)
	}
}

// evict makes room for one new key.
func (l *Limiter) evict(now time.Time) {
	if len(l.keys) < l.maxKeys {
		return
	}
	l.sweep(now)
	for len(l.keys) >= l.maxKeys {
		el := l.order.Back()
		l.order.Remove(el)
		delete(l.keys, el.Value.(*limiterEntry).key)
	}
}
