package followup

import (
	"bytes"
	"mime"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// DefaultMaxAttachment is the largest attachment a node accepts unless
// configured otherwise (Service.MaxAttachment). It is also the most any
// node may configure: a larger file would not fit one sealed message of
// the wire format (exchange.MaxSealedAttachmentBytes).
const DefaultMaxAttachment = 10 << 20

// AttachmentTypes are the file types a thread may carry: PDF, JPEG and
// PNG, recognised by their content. Nothing else crosses: no office
// document with macros, no SVG with script, no archive that hides what it
// holds.
var AttachmentTypes = []string{"application/pdf", "image/jpeg", "image/png"}

// extensions are the file-name endings each type may have.
var extensions = map[string][]string{
	"application/pdf": {".pdf"},
	"image/jpeg":      {".jpg", ".jpeg"},
	"image/png":       {".png"},
}

// aliases are declared types browsers send for an allowed type.
var aliases = map[string]string{"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "application/x-pdf": "application/pdf"}

// pngEnd is the IEND chunk every PNG ends with.
var pngEnd = []byte{0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82}

// tail is how far from the end a PDF's %%EOF or a JPEG's end-of-image
// marker may be (a trailing newline, an incremental update's padding).
const tail = 1024

// CheckContent returns the content type of an attachment as its bytes show
// it, and refuses a file that is empty, of a type not allowed, whose
// structure is not that of its type (the signature at the start, the end
// marker at the end, so that a file cannot pass as one type while being
// another), or whose declared type or file-name ending says something
// else than the content. declared may be empty or
// application/octet-stream (the browser did not say). The error names the
// problem, never the file's name or content.
func CheckContent(declared, name string, data []byte) (string, error) {
	if len(data) == 0 {
		return "", errs.Field("file", "the file is empty")
	}
	ct, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	if _, ok := extensions[ct]; !ok || !wellFormed(ct, data) {
		return "", errs.Field("file", "only PDF, JPEG and PNG files can be attached, and this file's content is none of them")
	}
	if declared != "" {
		d, _, err := mime.ParseMediaType(declared)
		if a, ok := aliases[d]; ok {
			d = a
		}
		if err != nil || (d != ct && d != "application/octet-stream") {
			return "", errs.Field("file", "the file's content is %s, not the type it was declared as", ct)
		}
	}
	if ext := strings.ToLower(path.Ext(name)); !contains(extensions[ct], ext) {
		return "", errs.Field("file", "the file's content is %s, but its name ends in %q", ct, safeExt(ext))
	}
	return ct, nil
}

// wellFormed checks the magic numbers of an allowed type at both ends.
func wellFormed(ct string, data []byte) bool {
	end := data[max(0, len(data)-tail):]
	switch ct {
	case "application/pdf":
		return bytes.HasPrefix(data, []byte("%PDF-")) && bytes.Contains(end, []byte("%%EOF"))
	case "image/jpeg":
		return bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}) && bytes.Contains(end, []byte{0xFF, 0xD9})
	case "image/png":
		return len(data) >= 8+8+13+4+len(pngEnd) && bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) &&
			string(data[12:16]) == "IHDR" && bytes.HasSuffix(data, pngEnd)
	}
	return false
}

// safeExt keeps a file-name ending fit for an error message: short, and
// printable.
func safeExt(ext string) string {
	if len(ext) > 8 || !utf8.ValidString(ext) || strings.ContainsFunc(ext, func(r rune) bool { return r < ' ' }) {
		return "?"
	}
	return ext
}

// CleanName makes an attachment's file name safe to keep and to offer in
// a download: the base name only, no control characters or path
// separators, at most 120 characters, and an ending of its type.
func CleanName(name, ct string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == '/' || r == '"' || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == "" {
		name = "attachment"
	}
	if r := []rune(name); len(r) > 120 {
		ext := path.Ext(name)
		name = string(r[:120-utf8.RuneCountInString(ext)]) + ext
	}
	if exts := extensions[ct]; len(exts) > 0 && !contains(exts, strings.ToLower(path.Ext(name))) {
		name += exts[0]
	}
	return name
}
