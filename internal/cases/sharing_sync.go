package cases

import (
	"context"
)

// ResyncBatch is how many children Resync brings up to date per
// transaction: large enough to amortise the transaction, small enough to
// keep other writers waiting briefly.
const ResyncBatch = 500

// Resync brings the hub's view of every child up to date under the
// current linkage secret: the first upload of a node joining the network
// (or of children registered before its secret arrived), and the re-upload
// after a rotation (see share: children uploaded under the old secret and
// no longer qualifying are withdrawn with reason rotation). It is
// idempotent and resumable: a child is done once its state carries the
// current secret's id, so a crash mid-way resumes where it stopped. It
// returns how many children it looked at.
func (s *Service) Resync(ctx context.Context, batch int) (int, error) {
	if s.sharing == nil || s.sharing.KeyID() == "" {
		return 0, nil
	}
	if batch <= 0 {
		batch = ResyncBatch
	}
	keyID := s.sharing.KeyID()
	var after int64
	done := 0
	for {
		var n int
		err := s.store.Update(ctx, func(tx Tx) error {
			recs, err := tx.Unshared(ctx, s.cfg.Country, keyID, after, batch)
			if err != nil || len(recs) == 0 {
				return err
			}
			n = len(recs)
			items := make([]shareItem, len(recs))
			if err := parallel(len(recs), func(i int) error {
				c, err := s.openChild(recs[i])
				items[i] = shareItem{id: recs[i].ID, child: c}
				return err
			}); err != nil {
				return err
			}
			for _, r := range recs {
				after = max(after, r.ID)
			}
			return s.share(ctx, tx, s.cfg.Country, items...)
		})
		if err != nil {
			return done, err
		}
		if n == 0 {
			return done, nil
		}
		done += n
	}
}

// unshareErased withdraws from the hub the children about to be erased,
// inside the transaction that erases them.
func (s *Service) unshareErased(ctx context.Context, tx Tx, childIDs []int64) error {
	if s.sharing == nil || len(childIDs) == 0 {
		return nil
	}
	states, err := tx.ShareStates(ctx, childIDs)
	if err != nil {
		return err
	}
	var msgs []*OutboxMessage
	for _, id := range childIDs {
		if st := states[id]; st != nil && st.Uploaded {
			msgs = append(msgs, s.sharing.Withdrawal(st.Ref, WithdrawPurge))
		}
	}
	return tx.Enqueue(ctx, msgs)
}
