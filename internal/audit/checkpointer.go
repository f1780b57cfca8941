package audit

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"time"
)

// HeadReader gives the checkpointer the chain's head. internal/store
// implements it.
type HeadReader interface {
	AuditHead(ctx context.Context) (seq int64, hash []byte, err error)
}

// EntryHashReader reads the stored hash of one entry (nil when there is
// none); internal/store implements it. A checkpointer whose Head is one
// also notices a log cut and grown back past the last head it signed.
type EntryHashReader interface {
	AuditEntryHash(ctx context.Context, seq int64) ([]byte, error)
}

// Checkpointer signs the chain's head and hands it to every witness. The
// node runs it every few minutes and at shutdown (Run).
type Checkpointer struct {
	Head      HeadReader
	Signer    *CheckpointSigner
	Witnesses []Witness
	Now       func() time.Time

	lastSeq  int64
	lastHash []byte
	signed   bool
}

// ErrHeadMovedBack is returned when the head is older than the last one
// this process signed, or the entry that head named no longer has its hash
// (the end of the log was cut, and new entries appended since): entries
// were removed. The checkpointer refuses to sign, so that the witnesses
// keep the head it signed last rather than one of a rewritten log.
var ErrHeadMovedBack = errors.New("audit: the log's head moved back since the last checkpoint, or the entry it named was rewritten (entries removed at the end); not signed")

// Checkpoint signs the current head and gives it to the witnesses, unless it
// is the head signed last time. It reports whether it wrote a checkpoint.
// A witness that fails does not stop the others; their errors are joined.
func (c *Checkpointer) Checkpoint(ctx context.Context) (bool, error) {
	seq, hash, err := c.Head.AuditHead(ctx)
	if err != nil {
		return false, err
	}
	if c.signed {
		if seq < c.lastSeq || (seq == c.lastSeq && !hmac.Equal(hash, c.lastHash)) {
			return false, ErrHeadMovedBack
		}
		if seq == c.lastSeq {
			return false, nil
		}
		if r, ok := c.Head.(EntryHashReader); ok && c.lastSeq > 0 {
			h, err := r.AuditEntryHash(ctx, c.lastSeq)
			if err != nil {
				return false, err
			}
			if !hmac.Equal(h, c.lastHash) {
				return false, ErrHeadMovedBack
			}
		}
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	cp := c.Signer.Sign(seq, hash, now())
	var errList []error
	for _, w := range c.Witnesses {
		if err := w.Witness(ctx, cp); err != nil {
			errList = append(errList, err)
		}
	}
	if len(errList) == len(c.Witnesses) && len(errList) > 0 {
		// No witness holds it: try again next time.
		return false, errors.Join(errList...)
	}
	c.signed, c.lastSeq, c.lastHash = true, seq, cp.Hash
	return true, errors.Join(errList...)
}

// Run writes a checkpoint now, then every interval, and a last one when ctx
// ends (with a few seconds to do it). Errors go to report; they never stop
// the loop, since a witness that is down now may be back next time.
func (c *Checkpointer) Run(ctx context.Context, every time.Duration, report func(error)) {
	try := func(ctx context.Context) {
		if _, err := c.Checkpoint(ctx); err != nil {
			report(fmt.Errorf("audit checkpoint: %w", err))
		}
	}
	try(ctx)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			try(final)
			cancel()
			return
		case <-t.C:
			try(ctx)
		}
	}
}
