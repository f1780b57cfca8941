package hub_test

import (
	"context"
	"slices"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/hub/hubtest"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestInboxCutsLargeSealed: sealed attachments of several MiB are relayed
// whole, and one inbox answer carries at most exchange.MaxInboxBytes of
// them (at least one), the rest on the next read, in order and none lost.
func TestInboxCutsLargeSealed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHub(t, db, hubtest.NewEncoder(t))
		sizes := []int{5 << 20, 5 << 20, 100, 200, 9 << 20}
		for i, size := range sizes {
			ct := make([]byte, size)
			ct[0] = byte(i)
			res := accept(t, h, "SE", exchange.Envelope{ID: "att-" + string(rune('a'+i)), Type: exchange.TypeSealed,
				Sealed: &exchange.Sealed{To: "FI", Kind: exchange.KindFollowUpAttachment, Ciphertext: ct}})
			if res[0].Status != exchange.StatusAccepted {
				t.Fatalf("sealed attachment %d: %+v", i, res[0])
			}
		}
		var got [][]int
		var after int64
		for range 6 {
			in, err := h.Inbox(context.Background(), peer("FI"), after, exchange.MaxInbox)
			if err != nil {
				t.Fatal(err)
			}
			var page []int
			for _, n := range in.Notices {
				if n.Sealed == nil || n.Sealed.From != "SE" || len(n.Sealed.Ciphertext) != sizes[n.Sealed.Ciphertext[0]] {
					t.Fatalf("notice %+v is not a whole relayed attachment", n.Type)
				}
				page = append(page, int(n.Sealed.Ciphertext[0]))
				after = n.Seq
			}
			got = append(got, page)
			if !in.More {
				break
			}
		}
		if want := [][]int{{0}, {1, 2, 3}, {4}}; !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("inbox pages %v, want %v", got, want)
		}
	})
}
