package sitehttp

import (
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/site"
)

// maxEditForm bounds an editor's form; an attachment form may carry a file.
const maxEditForm = 1 << 20

type editFunc func(w http.ResponseWriter, r *http.Request, q *req) error

// editor guards the editors' pages: a signed-in editor with a site role,
// and on every post both the browser's fetch metadata
// (CrossOriginProtection) and the session's CSRF token. Each service call
// checks the item itself.
func (h *Handler) editor(fn editFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		q, ok := h.request(r)
		if !ok {
			h.fail(w, r, errs.E(errs.NotFound, "not found"))
			return
		}
		if h.d.Sessions == nil {
			h.fail(w, r, errs.E(errs.NotFound, "not found"))
			return
		}
		e, ok := h.d.Sessions.Editor(r)
		if !ok {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, h.d.SignInPath+"?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
				return
			}
			h.fail(w, r, errs.E(errs.Unauthorized, "sign in"))
			return
		}
		if !site.CanUseEditor(e.Actor) {
			h.fail(w, r, errs.E(errs.Forbidden, "forbidden"))
			return
		}
		q.editor, q.csrf = e, h.d.Sessions.CSRFToken(r)
		if r.Method == http.MethodPost {
			if err := h.cop.Check(r); err != nil {
				h.fail(w, r, errs.E(errs.Forbidden, "cross-origin request"))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, site.MaxAttachment+maxEditForm)
			var err error
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				err = r.ParseMultipartForm(maxEditForm)
			} else {
				err = r.ParseForm()
			}
			if err != nil {
				h.fail(w, r, errs.E(errs.Invalid, "The form could not be read."))
				return
			}
			got := r.PostFormValue("csrf")
			if q.csrf == "" || subtle.ConstantTimeCompare([]byte(got), []byte(q.csrf)) != 1 {
				h.fail(w, r, errs.E(errs.Forbidden, "bad token"))
				return
			}
		}
		if err := fn(w, r, q); err != nil {
			h.fail(w, r, err)
		}
	}
}

func (h *Handler) editPage(w http.ResponseWriter, q *req, name, title string, data any) error {
	return h.editPageStatus(w, q, name, title, data, http.StatusOK)
}

// editPageStatus renders the page first, so that a template error still
// gets the error page rather than half a form.
func (h *Handler) editPageStatus(w http.ResponseWriter, q *req, name, title string, data any, status int) error {
	b, err := h.render(name, q, data, &view{Title: title, Editor: true, Alternates: []alternate{}})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
	return nil
}

func itemID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, errs.E(errs.NotFound, "not found")
	}
	return id, nil
}

func (q *req) editURL(id int64, rest string) string {
	return "/" + q.lang + "/edit/" + strconv.FormatInt(id, 10) + rest
}

// editRow is an item in the editors' list, with its translations' state.
type editRow struct {
	ID      int64
	Title   string
	Kind    site.Kind
	Country string
	Status  string
	Seed    bool
	Missing []string
	Stale   []string
	CanEdit bool
}

func (h *Handler) editList(w http.ResponseWriter, r *http.Request, q *req) error {
	f := site.Filter{Kind: site.Kind(r.URL.Query().Get("kind")), Country: auth.Country(r.URL.Query().Get("country"))}
	if st := r.URL.Query().Get("status"); st != "" {
		f.Statuses = []site.Status{site.Status(st)}
	}
	items, err := h.d.Site.EditorList(r.Context(), q.editor, f)
	if err != nil {
		return err
	}
	now := h.d.Site.Now()
	rows := make([]editRow, 0, len(items))
	for _, it := range items {
		row := editRow{ID: it.ID, Kind: it.Kind, Country: string(it.Country), Status: statusLabel(it, now), Seed: it.Seed, CanEdit: site.CanEdit(q.editor.Actor, it)}
		if t := it.Texts["en"]; t != nil {
			row.Title = t.Title
		}
		for _, l := range site.Languages[1:] {
			switch {
			case it.Texts[l] == nil:
				row.Missing = append(row.Missing, l)
			case it.Outdated(l):
				row.Stale = append(row.Stale, l)
			}
		}
		rows = append(rows, row)
	}
	return h.editPage(w, q, "edit_list", q.tr.T("edit.title"), struct {
		Rows   []editRow
		Filter site.Filter
	}{rows, f})
}

func statusLabel(it *site.Item, now time.Time) string {
	if it.Scheduled(now) {
		return "scheduled"
	}
	return string(it.Status)
}

// formItem reads an item's fields from a form.
func formItem(r *http.Request, kind site.Kind) site.Item {
	it := site.Item{Kind: kind, Slug: r.PostFormValue("slug"), Country: auth.Country(r.PostFormValue("country")),
		Topic: r.PostFormValue("topic"), StartsOn: r.PostFormValue("starts_on"), EndsOn: r.PostFormValue("ends_on"), Meta: map[string]string{}}
	it.Year, _ = strconv.Atoi(r.PostFormValue("year"))
	it.SortKey, _ = strconv.Atoi(r.PostFormValue("sort_key"))
	for _, f := range site.KindFields[kind] {
		it.Meta[f.Name] = r.PostFormValue("meta_" + f.Name)
	}
	return it
}

type formData struct {
	Item   site.Item
	Text   site.Text
	Error  string
	Field  string
	New    bool
	Kinds  []site.Kind
	Page   *site.Page
	Now    time.Time
	Status string
	CanPub bool
	CanEd  bool
	Trans  []transRow
	Revs   []*site.Revision
}

type transRow struct {
	Lang, Name string
	Present    bool
	Outdated   bool
	Updated    time.Time
}

func (h *Handler) editNew(w http.ResponseWriter, r *http.Request, q *req) error {
	kind := site.Kind(r.URL.Query().Get("kind"))
	if !kind.Valid() {
		kind = site.KindNews
	}
	d := formData{New: true, Item: site.Item{Kind: kind, Country: q.editor.Actor.Country}, Kinds: site.Kinds}
	if q.editor.Actor.Can(auth.PermSiteEditAll) {
		d.Item.Country = ""
	}
	return h.editPage(w, q, "edit_item", q.tr.T("edit.new"), d)
}

func (h *Handler) editCreate(w http.ResponseWriter, r *http.Request, q *req) error {
	kind := site.Kind(r.PostFormValue("kind"))
	n := site.NewItem{Item: formItem(r, kind), Text: site.Text{Title: r.PostFormValue("title"), Summary: r.PostFormValue("summary"), Body: r.PostFormValue("body")}}
	it, err := h.d.Site.Create(r.Context(), q.editor, n)
	if err != nil {
		if errs.Is(err, errs.Invalid) || errs.Is(err, errs.Conflict) {
			return h.editPageStatus(w, q, "edit_item", q.tr.T("edit.new"), formData{New: true, Item: n.Item, Text: n.Text, Kinds: site.Kinds,
				Error: errs.MessageOf(err), Field: errs.FieldOf(err)}, http.StatusUnprocessableEntity)
		}
		return err
	}
	http.Redirect(w, r, q.editURL(it.ID, ""), http.StatusSeeOther)
	return nil
}

func (h *Handler) itemForm(r *http.Request, q *req, id int64) (formData, error) {
	p, err := h.d.Site.EditorItem(r.Context(), q.editor, id)
	if err != nil {
		return formData{}, err
	}
	now := h.d.Site.Now()
	d := formData{Item: *p.Item, Page: p, Now: now, Status: statusLabel(p.Item, now), Kinds: site.Kinds,
		CanEd: site.CanEdit(q.editor.Actor, p.Item), CanPub: site.CanTransition(q.editor.Actor, p.Item, site.StatusPublished)}
	if en := p.Item.Texts["en"]; en != nil {
		d.Text = *en
	}
	for _, l := range site.Languages {
		t := p.Item.Texts[l]
		row := transRow{Lang: l, Name: langNames[l], Present: t != nil, Outdated: p.Item.Outdated(l)}
		if t != nil {
			row.Updated = t.UpdatedAt
		}
		d.Trans = append(d.Trans, row)
	}
	return d, nil
}

func (h *Handler) editItem(w http.ResponseWriter, r *http.Request, q *req) error {
	id, err := itemID(r)
	if err != nil {
		return err
	}
	d, err := h.itemForm(r, q, id)
	if err != nil {
		return err
	}
	return h.editPage(w, q, "edit_item", d.Text.Title, d)
}

// afterPost redirects to the item, or shows the form again with the
// error when the input was refused.
func (h *Handler) afterPost(w http.ResponseWriter, r *http.Request, q *req, id int64, err error) error {
	if err == nil {
		http.Redirect(w, r, q.editURL(id, ""), http.StatusSeeOther)
		return nil
	}
	if !errs.Is(err, errs.Invalid) && !errs.Is(err, errs.Conflict) {
		return err
	}
	d, lerr := h.itemForm(r, q, id)
	if lerr != nil {
		return lerr
	}
	d.Error, d.Field = errs.MessageOf(err), errs.FieldOf(err)
	return h.editPageStatus(w, q, "edit_item", d.Text.Title, d, http.StatusUnprocessableEntity)
}

func (h *Handler) editFields(w http.ResponseWriter, r *http.Request, q *req) error {
	id, err := itemID(r)
	if err != nil {
		return err
	}
	err = h.d.Site.SaveFields(r.Context(), q.editor, id, formItem(r, site.Kind(r.PostFormValue("kind"))))
	if err == nil && r.PostFormValue("title") != "" {
		err = h.d.Site.SaveText(r.Context(), q.editor, id, site.Text{Lang: "en", Title: r.PostFormValue("title"),
			Summary: r.PostFormValue("summary"), Body: r.PostFormValue("body")})
	}
	return h.afterPost(w, r, q, id, err)
}

func (h *Handler) editText(w http.ResponseWriter, r *http.Request, q *req) error {
	id, err := itemID(r)
	if err != nil {
		return err
	}
	tl := r.PathValue("tl")
	if !site.SupportedLang(tl) {
		return errs.E(errs.NotFound, "not found")
	}
	d, err := h.itemForm(r, q, id)
	if err != nil {
		return err
	}
	data := struct {
		formData
		TL       string
		TLName   string
		Original *site.Text
		Current  *site.Text
	}{formData: d, TL: tl, TLName: langNames[tl], Original: d.Page.Item.Texts["en"], Current: d.Page.Item.Texts[tl]}
	if data.Current == nil {
		data.Current = &site.Text{Lang: tl}
	}
	return h.editPage(w, q, "edit_text", q.tr.T("edit.translate", "lang", langNames[tl]), data)
}

func (h *Handler) editSaveText(w http.ResponseWriter, r *http.Request, q *req) error {
	id, err := itemID(r)
	if err != nil {
		return err
	}
	err = h.d.Site.SaveText(r.Context(), q.editor, id, site.Text{Lang: r.PathValue("tl"), Title: r.PostFormValue("title"),
		Summary: r.PostFormValue("summary"), Body: r.PostFormValue("body")})
	return h.afterPost(w, r, q, id, err)
}

func (h *Handler) editStatus(w http.ResponseWriter, r *http.Request, q *req) error {
	id, err := itemID(r)
	if err != nil {
		return err
	}
	var at time.Time
	if s := r.PostFormValue("publish_at"); s != "" {
		if at, err = time.Parse("2006-01-02T15:04", s); err != nil {
			return h.afterPost(w, r, q, id, errs.Field("publish_at", "Give the time as YYYY-MM-DD HH:MM (UTC)."))
		}
	}
	err = h.d.Site.Transition(r.Context(), q.editor, id, site.Status(r.PostFormValue("status")), at)
	return h.afterPost(w, r, q, id, err)
}

func (h *Handler) editHistory(w http.ResponseWriter, r *http.Request, q *req) error {
	id, err := itemID(r)
	if err != nil {
		return err
	}
	tl := r.PathValue("tl")
	revs, err := h.d.Site.Revisions(r.Context(), q.editor, id, tl)
	if err != nil {
		return err
	}
	d, err := h.itemForm(r, q, id)
	if err != nil {
		return err
	}
	// Each revision is shown with what changed since the one before it.
	type revView struct {
		*site.Revision
		Diff []site.DiffOp
	}
	var out []revView
	for i, rv := range revs {
		prev := ""
		if i+1 < len(revs) {
			p := revs[i+1]
			prev = p.Title + "\n\n" + p.Summary + "\n\n" + p.Body
		}
		out = append(out, revView{rv, site.Diff(prev, rv.Title+"\n\n"+rv.Summary+"\n\n"+rv.Body)})
	}
	return h.editPage(w, q, "edit_history", q.tr.T("edit.history"), struct {
		formData
		TL   string
		Revs []revView
	}{d, tl, out})
}

func (h *Handler) editRestore(w http.ResponseWriter, r *http.Request, q *req) error {
	id, err := itemID(r)
	if err != nil {
		return err
	}
	rev, _ := strconv.Atoi(r.PostFormValue("rev"))
	return h.afterPost(w, r, q, id, h.d.Site.Restore(r.Context(), q.editor, id, r.PostFormValue("lang"), rev))
}

func (h *Handler) editLink(w http.ResponseWriter, r *http.Request, q *req) error {
	id, err := itemID(r)
	if err != nil {
		return err
	}
	to, err := strconv.ParseInt(r.PostFormValue("to"), 10, 64)
	if err != nil {
		return h.afterPost(w, r, q, id, errs.Field("to", "Give the number of the item to link."))
	}
	return h.afterPost(w, r, q, id, h.d.Site.Link(r.Context(), q.editor, id, to, r.PostFormValue("remove") != ""))
}

func (h *Handler) editAttach(w http.ResponseWriter, r *http.Request, q *req) error {
	id, err := itemID(r)
	if err != nil {
		return err
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		return h.afterPost(w, r, q, id, errs.Field("file", "Choose a file."))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, site.MaxAttachment+1))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return h.afterPost(w, r, q, id, errs.Field("file", "The file is too large."))
		}
		return err
	}
	_, err = h.d.Site.Attach(r.Context(), q.editor, id, fh.Filename, data)
	return h.afterPost(w, r, q, id, err)
}

func (h *Handler) editDetach(w http.ResponseWriter, r *http.Request, q *req) error {
	id, err := itemID(r)
	if err != nil {
		return err
	}
	aid, _ := strconv.ParseInt(r.PostFormValue("attachment"), 10, 64)
	return h.afterPost(w, r, q, id, h.d.Site.Detach(r.Context(), q.editor, aid))
}
