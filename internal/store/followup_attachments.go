package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/cbss-egcc/childcentre/internal/followup"
)

// The files of follow-up threads (0058_followup_attachments.sql).

const attachmentColumns = `id, request_id, att_id, direction, content_type, size, sha256, handling, evaluation, created_by, created_at, meta`

func scanAttachment(row interface{ Scan(...any) error }, body bool) (*followup.Attachment, error) {
	var a followup.Attachment
	dest := []any{&a.ID, &a.RequestID, &a.AttID, &a.Direction, &a.ContentType, &a.Size, &a.SHA256, &a.Handling,
		&a.Evaluation, &a.CreatedBy, scanTime{&a.CreatedAt}, &a.Meta}
	if body {
		dest = append(dest, &a.Body)
	}
	return &a, row.Scan(dest...)
}

// PutAttachment implements followup.Tx.
func (tx followupTx) PutAttachment(ctx context.Context, a *followup.Attachment) error {
	err := tx.queryRow(ctx, `INSERT INTO followup_attachments (request_id, att_id, direction, content_type, size, sha256,
		handling, evaluation, created_by, created_at, meta, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.RequestID, a.AttID, a.Direction, a.ContentType, a.Size, a.SHA256, a.Handling, a.Evaluation, a.CreatedBy,
		tx.t(a.CreatedAt), a.Meta, a.Body).Scan(&a.ID)
	return dbErr(err, "store: store a follow-up attachment")
}

// Attachments implements followup.Tx.
func (tx followupTx) Attachments(ctx context.Context, requestID int64) ([]*followup.Attachment, error) {
	const op = "store: list follow-up attachments"
	rows, err := tx.query(ctx, `SELECT `+attachmentColumns+` FROM followup_attachments WHERE request_id = ? ORDER BY id`, requestID)
	if err != nil {
		return nil, dbErr(err, op)
	}
	return scanAll(rows, op, func(row interface{ Scan(...any) error }) (*followup.Attachment, error) {
		return scanAttachment(row, false)
	})
}

// Attachment implements followup.Tx.
func (tx followupTx) Attachment(ctx context.Context, id int64) (*followup.Attachment, error) {
	a, err := scanAttachment(tx.queryRow(ctx, `SELECT `+attachmentColumns+`, body FROM followup_attachments WHERE id = ?`, id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return a, dbErr(err, "store: read a follow-up attachment")
}
