// Package hubload fills a hub's database with many synthetic encodings for
// the benchmarks of the hub (internal/hubserver) and of the network
// (internal/nete2e). It is a package of its own, not part of hubtest,
// because it needs the hub's store while the hub's own tests import
// hubtest.
package hubload

import (
	"context"
	"time"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/hub"
	"github.com/cbss-egcc/childcentre/internal/hub/hubtest"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// chunk is the number of records written per transaction.
const chunk = 5000

// Preload writes total encodings of the generator's 10 countries (seed 8)
// into st, straight into the database (the hub loads them into its index
// when it starts), holding out up to 300 later registrations, in another
// country, of children already loaded: the benchmarks upload those to
// measure a hit. Preloaded encodings are unmatched among themselves.
func Preload(ctx context.Context, st hub.Store, enc *hubtest.Encoder, total int) ([]synth.Record, error) {
	var held []synth.Record
	var recs []*hub.Record
	seen := map[string]string{} // entity → first country, within one family
	family := ""
	every := max(1, total/1200)
	k := 0
	flush := func() error {
		err := st.Update(ctx, func(tx hub.Tx) error {
			for _, r := range recs {
				if err := tx.PutRecord(ctx, r); err != nil {
					return err
				}
				if err := tx.AddChange(ctx, r.ID); err != nil {
					return err
				}
			}
			return nil
		})
		recs = recs[:0]
		return err
	}
	now := time.Now()
	err := synth.Stream(synth.Options{Records: total, Seed: 8}, func(r synth.Record) error {
		if r.Family != family {
			family = r.Family
			clear(seen)
		}
		if first, ok := seen[r.Entity]; ok && first != r.Country {
			k++
			if k%every == 0 && len(held) < 300 {
				held = append(held, r)
				return nil
			}
		} else if !ok {
			seen[r.Entity] = r.Country
		}
		f, err := enc.Encode(r)
		if err != nil {
			return err
		}
		recs = append(recs, &hub.Record{Country: r.Country, Ref: hubtest.Ref(r), Schema: enc.Schema(), KeyID: enc.KeyID(),
			Filter: f, Meta: exchange.Metadata{Shareable: true, Category: "unaccompanied"}, Received: now})
		if len(recs) == chunk {
			return flush()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return held, flush()
}
