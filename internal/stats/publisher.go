package stats

import (
	"bytes"
	"context"
	"sync"
	"time"
)

// Archive keeps the last publication, so that its periods stay frozen
// across restarts; internal/store's StatsArchive implements it on the
// hub's database.
type Archive interface {
	// LastPublication returns the last publication saved, nil if none.
	LastPublication(ctx context.Context) (*Publication, error)
	// SavePublication saves p as the last publication.
	SavePublication(ctx context.Context, p *Publication) error
}

// Publisher keeps the hub's regional publication: it recomputes it when a
// period has closed since the last one and serves it, and its files, from
// memory in between. It is safe for concurrent use.
type Publisher struct {
	Source  Source
	Archive Archive
	Options Options // Now is ignored: the clock is Clock
	Clock   func() time.Time

	refreshing sync.Mutex // one Refresh at a time
	mu         sync.RWMutex
	cur        *Published
	last       time.Duration
}

// Published is a publication with its files, made once.
type Published struct {
	*Publication
	CSV, JSON []byte
}

func newPublished(p *Publication) (*Published, error) {
	out := &Published{Publication: p}
	var c, j bytes.Buffer
	if err := p.WriteCSV(&c); err != nil {
		return nil, err
	}
	if err := p.WriteJSON(&j); err != nil {
		return nil, err
	}
	out.CSV, out.JSON = c.Bytes(), j.Bytes()
	return out, nil
}

// Current returns the publication served, nil before the first Refresh.
func (p *Publisher) Current() *Published {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.cur
}

// LastDuration is how long the last recompute took (0 if none was needed).
func (p *Publisher) LastDuration() time.Duration {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.last
}

// Refresh brings the publication up to date: it reads the archived one,
// and if a year has closed since (or k has risen) recomputes from the
// source, archives the result and serves it. It reports whether it
// recomputed.
func (p *Publisher) Refresh(ctx context.Context) (bool, error) {
	p.refreshing.Lock()
	defer p.refreshing.Unlock()
	now := time.Now
	if p.Clock != nil {
		now = p.Clock
	}
	t := now().UTC()
	prev, err := p.Archive.LastPublication(ctx)
	if err != nil {
		return false, err
	}
	k := p.Options.K
	if k == 0 {
		k = DefaultK
	}
	if prev != nil && k == prev.K && !p.due(prev, t) {
		if cur := p.Current(); cur == nil || !cur.At.Equal(prev.At) {
			pub, err := newPublished(prev)
			if err != nil {
				return false, err
			}
			p.set(pub, 0)
		}
		return false, nil
	}
	start := time.Now()
	rs, err := Collect(ctx, p.Source)
	if err != nil {
		return false, err
	}
	o := p.Options
	o.Now = t
	next, err := Publish(prev, rs, o)
	if err != nil {
		return false, err
	}
	if err := p.Archive.SavePublication(ctx, next); err != nil {
		return false, err
	}
	pub, err := newPublished(next)
	if err != nil {
		return false, err
	}
	p.set(pub, time.Since(start))
	return true, nil
}

func (p *Publisher) set(pub *Published, d time.Duration) {
	p.mu.Lock()
	p.cur, p.last = pub, d
	p.mu.Unlock()
}

// due reports whether a year has closed since prev, or prev published no
// year yet: only then can a recompute publish anything new.
func (p *Publisher) due(prev *Publication, now time.Time) bool {
	lag := p.Options.Lag
	if lag == 0 {
		lag = DefaultLag
	}
	return len(prev.Periods) == 0 || lastClosed(now, lag) > prev.ClosedThrough
}
