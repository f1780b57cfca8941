package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/followup"
)

// TestMultipartOnlyWhereDeclared: a multipart body reaches only a route
// that declares an upload, and only within its limit: larger is 413
// before the handler, and a multipart body to any other route carries no
// token the CSRF check reads (403).
func TestMultipartOnlyWhereDeclared(t *testing.T) {
	e := newTestEnv(t)
	u, pw := e.user("uploader", auth.RoleOfficer, "SE")
	session := e.enrol(u.Username, pw)
	for i := range e.srv.routes {
		name := e.srv.routes[i].Name
		e.srv.routes[i].handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, _, err := r.FormFile("file"); err != nil && name == "followup_attach" {
				t.Errorf("the upload route's handler finds no file: %v", err)
			}
			w.WriteHeader(http.StatusTeapot)
		})
	}
	h := e.srv.buildHandler()
	post := func(path string, size int, chunked bool) int {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("csrf", e.csrfFor(session, ""))
		fw, _ := mw.CreateFormFile("file", "scan.pdf")
		fw.Write(make([]byte, size))
		mw.Close()
		r := httptest.NewRequest(http.MethodPost, "https://node.example"+path, &b)
		r.RemoteAddr = testPeer
		r.Header.Set("Content-Type", mw.FormDataContentType())
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
		if chunked { // no Content-Length: the limit trips while parsing
			r.ContentLength = -1
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Code
	}
	tests := []struct {
		name, path string
		size, want int
		chunked    bool
	}{
		{"a file within the limit", "/followup/1/attachments", 64 << 10, http.StatusTeapot, false},
		{"a file at the limit", "/followup/1/attachments", followup.DefaultMaxAttachment, http.StatusTeapot, false},
		{"a file past the limit and the form", "/followup/1/attachments", followup.DefaultMaxAttachment + maxFormBytes, http.StatusRequestEntityTooLarge, false},
		{"past the limit, no length given", "/followup/1/attachments", followup.DefaultMaxAttachment + maxFormBytes, http.StatusRequestEntityTooLarge, true},
		{"multipart to a form without upload", "/followup/1/decide", 1 << 10, http.StatusForbidden, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := post(tt.path, tt.size, tt.chunked); got != tt.want {
				t.Errorf("status %d, want %d", got, tt.want)
			}
		})
	}
	// Each upload refused as too large is audited, in the uploader's name.
	entries, n, err := e.db.ListAudit(context.Background(), audit.Filter{Action: audit.ActAttachmentSend, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("%d attachment.send audit entries, want 2 (the two uploads past the limit)", n)
	}
	for _, en := range entries {
		if r := en.Record; r.Outcome != "refused" || r.Detail != "too_large" || r.Actor != "user:"+strconv.FormatInt(u.ID, 10) {
			t.Errorf("audit of a refused upload: %+v", r)
		}
	}
}
