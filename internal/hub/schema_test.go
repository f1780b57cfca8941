package hub_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/hub"
	"github.com/cbss-egcc/childcentre/internal/hub/hubtest"
	"github.com/cbss-egcc/childcentre/internal/network"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// A hub started with another --network-schema than the one its encodings
// were made with refuses to start, saying why, and leaves them intact: the
// old filters (of another length here) could not be read, nor compared
// with the new schema's.
func TestHubRefusesEncodingsOfAnotherSchema(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		enc := hubtest.NewEncoder(t) // child-clk
		h := newHub(t, db, enc)
		a, b := pair(t)
		accept(t, h, a.Country, enc.Upsert(t, "m1", a, true))
		accept(t, h, b.Country, enc.Upsert(t, "m1", b, true))
		drain(t, h)

		fields := hubtest.NewEncoderOf(t, hubtest.FieldsSchema(t))
		other, err := hub.New(store.NewHubStore(db), hub.Config{Schema: fields.Schema(), Words: fields.Words(), Options: network.ModelOptions(fields.LinkageSchema())})
		if err != nil {
			t.Fatal(err)
		}
		if err := other.Load(context.Background()); !errors.Is(err, hub.ErrOtherSchema) {
			t.Fatalf("Load under another schema: %v, want ErrOtherSchema", err)
		}
		// The encodings are untouched: the hub of their schema starts and
		// still holds them and their hit.
		again := newHub(t, db, enc)
		if n := again.Indexed(); n != 2 {
			t.Errorf("indexed %d records after the refused start, want 2", n)
		}
		if ha := hits(t, again, a.Country); len(ha) != 1 {
			t.Errorf("hits after the refused start: %d, want 1", len(ha))
		}
	})
}
