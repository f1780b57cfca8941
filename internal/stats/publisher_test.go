package stats

import (
	"bytes"
	"context"
	"testing"
	"time"
)

type memArchive struct {
	last  *Publication
	saves int
}

func (m *memArchive) LastPublication(context.Context) (*Publication, error) { return m.last, nil }
func (m *memArchive) SavePublication(_ context.Context, p *Publication) error {
	m.last = p
	m.saves++
	return nil
}

func TestPublisher(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	rs := synthetic(500, 5, 2024, 2025, 2026)
	arch := &memArchive{}
	p := &Publisher{Source: rs, Archive: arch, Clock: func() time.Time { return now }}
	if p.Current() != nil {
		t.Fatal("a publication before the first refresh")
	}
	refresh := func(want bool) {
		t.Helper()
		did, err := p.Refresh(ctx)
		if err != nil || did != want {
			t.Fatalf("refresh at %s: recomputed %v, %v; want %v", now.Format(time.DateOnly), did, err, want)
		}
	}
	refresh(true)
	first := p.Current()
	if first == nil || len(first.Periods) != 2 || first.ClosedThrough != 2025 || !bytes.HasPrefix(first.CSV, []byte("table,period,")) {
		t.Fatalf("first publication: %+v", first)
	}
	now = now.AddDate(0, 3, 0) // 2026 has not closed
	refresh(false)
	// A restarted hub serves the archived publication without recomputing.
	p = &Publisher{Source: rs, Archive: arch, Clock: func() time.Time { return now }}
	refresh(false)
	if !bytes.Equal(p.Current().CSV, first.CSV) {
		t.Error("the restarted hub serves other figures")
	}
	now = time.Date(2027, 4, 2, 0, 0, 0, 0, time.UTC) // 2026 closed yesterday
	refresh(true)
	if got := p.Current(); len(got.Periods) != 3 || !bytes.HasPrefix(got.CSV, first.CSV[:len(first.CSV)/2]) || arch.saves != 2 {
		t.Errorf("after 2026 closed: periods %v, saves %d", got.Periods, arch.saves)
	}
	p.Options.K = 20
	refresh(true)
	if p.Current().K != 20 {
		t.Errorf("k: %d", p.Current().K)
	}
}

// A hub that publishes before its nodes have sent anything freezes no
// year: the first registrations to arrive are published.
func TestPublisherStartsEmpty(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	var src Records
	p := &Publisher{Source: &src, Archive: &memArchive{}, Clock: func() time.Time { return now }}
	if did, err := p.Refresh(ctx); err != nil || !did || len(p.Current().Periods) != 0 {
		t.Fatalf("empty: %v %v %v", did, err, p.Current().Periods)
	}
	src = synthetic(300, 9, 2024, 2025)
	if did, err := p.Refresh(ctx); err != nil || !did || len(p.Current().Periods) != 2 {
		t.Fatalf("after the nodes sent: %v %v %v", did, err, p.Current().Periods)
	}
}
