package auth

import "context"

// Usernames returns the usernames of the accounts ids, for the pages that
// name who made a change or recorded an event: the author of a record a
// user has been allowed to read is someone of that user's country or a
// network administrator, and a username (never the display name) is what
// accountability needs. Ids that name no account are left out (accounts
// are never deleted, but a caller must not assume it). Not audited: it
// reads no child's data. One query (per thousand ids).
func (s *Service) Usernames(ctx context.Context, ids []int64) (map[int64]string, error) {
	if len(ids) == 0 {
		return map[int64]string{}, nil
	}
	var out map[int64]string
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Usernames(ctx, ids)
		return err
	})
	return out, err
}

// UserRef returns the audit reference ("user:12") of the account named
// username, for the auditor's filter: an auditor types a username, the log
// is searched (and the search recorded) by reference, so that nothing an
// auditor types reaches the log as free text. Unknown names are
// errs.NotFound.
func (s *Service) UserRef(ctx context.Context, username string) (string, error) {
	var ref string
	err := s.store.View(ctx, func(tx Tx) error {
		u, err := tx.UserByName(ctx, normalizeUsername(username))
		if err != nil {
			return err
		}
		ref = userRef(u.ID)
		return nil
	})
	return ref, err
}
