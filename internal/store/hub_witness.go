package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/cbss-egcc/childcentre/internal/hub"
)

var _ hub.WitnessTx = hubTx{}

// LatestCheckpoint implements hub.WitnessTx.
func (tx hubTx) LatestCheckpoint(ctx context.Context, country string) (*hub.Checkpoint, error) {
	var c hub.Checkpoint
	err := tx.queryRow(ctx, `SELECT country, seq, hash, signed_at, sig, cert_sig, cert_serial, received_at
		FROM hub_checkpoints WHERE country = ? ORDER BY seq DESC LIMIT 1`, country).Scan(
		&c.Node, &c.Seq, &c.Hash, scanTime{&c.Time}, &c.Sig, &c.CertSig, &c.Serial, scanTime{&c.Received})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, dbErr(err, "store: read a checkpoint")
	}
	if len(c.Hash) == 0 {
		c.Hash = nil // an empty log's checkpoint has no hash, as signed
	}
	return &c, nil
}

// PutCheckpoint implements hub.WitnessTx.
func (tx hubTx) PutCheckpoint(ctx context.Context, c *hub.Checkpoint) error {
	_, err := tx.exec(ctx, `INSERT INTO hub_checkpoints (country, seq, hash, signed_at, sig, cert_sig, cert_serial, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.Node, c.Seq, c.Hash, tx.t(c.Time), c.Sig, c.CertSig, c.Serial, tx.t(c.Received))
	return dbErr(err, "store: store a checkpoint")
}
