package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/cbss-egcc/childcentre/internal/hub"
)

var _ hub.WitnessTx = hubTx{}

const checkpointColumns = `country, seq, hash, signed_at, sig, cert_sig, cert_serial, received_at`

func scanCheckpoint(row interface{ Scan(...any) error }) (*hub.Checkpoint, error) {
	var c hub.Checkpoint
	if err := row.Scan(&c.Node, &c.Seq, &c.Hash, scanTime{&c.Time}, &c.Sig, &c.CertSig, &c.Serial, scanTime{&c.Received}); err != nil {
		return nil, err
	}
	if len(c.Hash) == 0 {
		c.Hash = nil // an empty log's checkpoint has no hash, as signed
	}
	return &c, nil
}

// LatestCheckpoint implements hub.WitnessTx.
func (tx hubTx) LatestCheckpoint(ctx context.Context, country string) (*hub.Checkpoint, error) {
	c, err := scanCheckpoint(tx.queryRow(ctx, `SELECT `+checkpointColumns+`
		FROM hub_checkpoints WHERE country = ? ORDER BY seq DESC LIMIT 1`, country))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return c, dbErr(err, "store: read a checkpoint")
}

// Checkpoints implements hub.WitnessTx.
func (tx hubTx) Checkpoints(ctx context.Context, country string, after int64, limit int) ([]*hub.Checkpoint, error) {
	const op = "store: list checkpoints"
	rows, err := tx.query(ctx, `SELECT `+checkpointColumns+`
		FROM hub_checkpoints WHERE country = ? AND seq > ? ORDER BY seq LIMIT ?`, country, after, limit)
	if err != nil {
		return nil, dbErr(err, op)
	}
	return scanAll(rows, op, scanCheckpoint)
}

// PutCheckpoint implements hub.WitnessTx.
func (tx hubTx) PutCheckpoint(ctx context.Context, c *hub.Checkpoint) error {
	_, err := tx.exec(ctx, `INSERT INTO hub_checkpoints (country, seq, hash, signed_at, sig, cert_sig, cert_serial, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.Node, c.Seq, c.Hash, tx.t(c.Time), c.Sig, c.CertSig, c.Serial, tx.t(c.Received))
	return dbErr(err, "store: store a checkpoint")
}
