package site

import (
	"context"
	"crypto/sha256"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// MaxAttachment is the largest file an editor may attach.
const MaxAttachment = 20 << 20

// attachmentTypes are the file types an item may carry, by the type the
// content itself shows (http.DetectContentType), never the name or what
// the browser claimed. SVG is not among them: it can carry script.
var attachmentTypes = map[string]string{
	"application/pdf": ".pdf",
	"image/png":       ".png",
	"image/jpeg":      ".jpg",
	"image/webp":      ".webp",
}

// Attach adds a file to item id.
func (s *Service) Attach(ctx context.Context, e Editor, id int64, name string, data []byte) (*Attachment, error) {
	if len(data) == 0 || len(data) > MaxAttachment {
		return nil, errs.Field("file", "The file must be between 1 byte and %d MB.", MaxAttachment>>20)
	}
	ct := http.DetectContentType(data)
	ext, ok := attachmentTypes[ct]
	if !ok {
		return nil, errs.Field("file", "Only PDF, PNG, JPEG and WebP files can be attached.")
	}
	name = cleanName(name, ext)
	sum := sha256.Sum256(data)
	a := &Attachment{ItemID: id, Name: name, ContentType: ct, Size: int64(len(data)), SHA256: sum[:], Data: data}
	err := s.store.Update(ctx, func(tx Tx) error {
		it, err := s.editable(ctx, tx, e, id)
		if err != nil {
			return err
		}
		a.CreatedAt = s.Now()
		if err := tx.AddAttachment(ctx, a); err != nil {
			return err
		}
		it.UpdatedAt = a.CreatedAt
		if err := tx.UpdateItem(ctx, it); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, record(e, audit.ActSiteAttach, it, "add "+strconv.FormatInt(a.ID, 10)))
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Detach removes attachment aid from its item.
func (s *Service) Detach(ctx context.Context, e Editor, aid int64) error {
	return s.store.Update(ctx, func(tx Tx) error {
		a, err := tx.Attachment(ctx, aid)
		if err != nil {
			return err
		}
		it, err := s.editable(ctx, tx, e, a.ItemID)
		if err != nil {
			return err
		}
		if err := tx.DeleteAttachment(ctx, aid); err != nil {
			return err
		}
		it.UpdatedAt = s.Now()
		if err := tx.UpdateItem(ctx, it); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, record(e, audit.ActSiteAttach, it, "remove "+strconv.FormatInt(aid, 10)))
	})
}

// cleanName keeps a file name readable and harmless in a URL and a
// Content-Disposition header, with the extension of its real type.
func cleanName(name, ext string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.TrimSuffix(name, path.Ext(name))
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ' || r == '.':
			b.WriteRune('-')
		}
		if b.Len() >= 80 {
			break
		}
	}
	if b.Len() == 0 {
		b.WriteString("file")
	}
	return b.String() + ext
}
