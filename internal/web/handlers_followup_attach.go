package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/followup"
)

// Attachments of a follow-up thread: the upload (a multipart form, bounded
// before it is parsed: Route.Upload) and the download with headers that
// keep the browser from reading the file as anything but a download.

// attachmentLimit is the largest file the node sends or accepts.
func (s *Server) attachmentLimit() int64 {
	if s.deps.FollowUp == nil {
		return followup.DefaultMaxAttachment
	}
	return s.deps.FollowUp.MaxAttachmentBytes()
}

func (s *Server) followupAttach(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok || s.deps.FollowUp == nil {
		s.renderStatus(w, r, http.StatusNotFound)
		return
	}
	st := state(r)
	f, fh, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		s.attachRefused(w, r, id, "followup.file_missing")
		return
	}
	if err != nil {
		s.renderStatus(w, r, http.StatusBadRequest)
		return
	}
	defer f.Close()
	if fh.Size > s.attachmentLimit() {
		s.attachTooLarge(r)
		s.renderStatus(w, r, http.StatusRequestEntityTooLarge)
		return
	}
	data, err := io.ReadAll(io.LimitReader(f, s.attachmentLimit()+1))
	if err != nil {
		s.renderStatus(w, r, http.StatusBadRequest)
		return
	}
	_, err = s.deps.FollowUp.Attach(r.Context(), st.actor(), id, followup.AttachInput{Name: fh.Filename,
		ContentType: fh.Header.Get("Content-Type"), Data: data, Handling: r.PostForm.Get("att_handling"),
		Evaluation: r.PostForm.Get("att_evaluation"), Officer: st.principal.User.DisplayName})
	switch {
	case err == nil:
		http.Redirect(w, r, "/followup/"+strconv.FormatInt(id, 10)+"?done=attached", http.StatusSeeOther)
	case int64(len(data)) > s.attachmentLimit(): // refused and audited by Attach
		s.renderStatus(w, r, http.StatusRequestEntityTooLarge)
	case errs.CodeOf(err) == errs.Invalid:
		var e *errs.Error
		if errors.As(err, &e) && e.Field == "file" {
			s.attachRefused(w, r, id, "followup.file_refused")
			return
		}
		s.attachRefused(w, r, id, "followup.file_codes")
	default:
		s.renderError(w, r, err)
	}
}

// attachRefused shows the thread again with why an upload was refused.
func (s *Server) attachRefused(w http.ResponseWriter, r *http.Request, id int64, key string) {
	s.renderThread(w, r, id, http.StatusUnprocessableEntity, []fieldError{{Field: "file", Message: state(r).tr.T(key)}})
}

// attachTooLarge audits an upload refused as too large before the
// follow-up service saw it (the body past the limit is never read), as
// Attach audits one it refuses: attachment.send, refused, too_large. The
// route is the target, as for a denied request: no record identifier.
func (s *Server) attachTooLarge(r *http.Request) {
	st := state(r)
	if st.principal == nil || st.principal.Session.Stage != auth.StageFull {
		return
	}
	a := st.actor()
	err := s.deps.Audit.AppendAudit(r.Context(), audit.Record{Time: s.now(), Actor: a.Ref(), Role: string(a.Role),
		Country: string(a.Country), Action: audit.ActAttachmentSend, Target: "route:followup_attach", Outcome: "refused",
		Addr: st.addr, Detail: "too_large"})
	if err != nil {
		s.log.Error("audit of a refused upload failed", "err", err)
	}
}

func (s *Server) followupDownload(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	aid, err := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if !ok || err != nil || s.deps.FollowUp == nil {
		s.renderStatus(w, r, http.StatusNotFound)
		return
	}
	v, data, err := s.deps.FollowUp.OpenAttachment(r.Context(), state(r).actor(), id, aid)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": v.Name})
	if disp == "" {
		disp = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", v.ContentType) // one of followup.AttachmentTypes, as the content showed
	h.Set("Content-Disposition", disp)
	h.Set("X-Content-Type-Options", "nosniff")
	// Opened in the browser after all, the file runs no script and
	// reaches nothing.
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}
