package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// staticFile is an embedded asset with its content hash.
type staticFile struct {
	name        string // style.css
	hashedName  string // style.3f2a9c1d0b7e.css
	contentType string
	etag        string
	body        []byte
}

// staticFiles serves the embedded assets under /static/. Pages link the
// content-hashed name, which is cached for a year (immutable): a changed
// file gets a new name. The plain name is served too, revalidated by ETag.
type staticFiles struct {
	byName map[string]*staticFile // both the plain and the hashed name
}

func loadStatic() (*staticFiles, error) {
	sf := &staticFiles{byName: map[string]*staticFile{}}
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		body, err := staticFS.ReadFile("static/" + e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		h := hex.EncodeToString(sum[:])[:12]
		ext := path.Ext(e.Name())
		f := &staticFile{
			name:        e.Name(),
			hashedName:  strings.TrimSuffix(e.Name(), ext) + "." + h + ext,
			contentType: mime.TypeByExtension(ext),
			etag:        `"` + h + `"`,
			body:        body,
		}
		if f.contentType == "" {
			f.contentType = "application/octet-stream"
		}
		sf.byName[f.name] = f
		sf.byName[f.hashedName] = f
	}
	return sf, nil
}

// url returns the content-hashed URL of an asset; templates call it.
func (sf *staticFiles) url(name string) (string, error) {
	f, ok := sf.byName[name]
	if !ok {
		return "", fmt.Errorf("web: no static file %q", name)
	}
	return "/static/" + f.hashedName, nil
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	f, ok := s.static.byName[name]
	if !ok {
		s.renderStatus(w, r, http.StatusNotFound)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("ETag", f.etag)
	if name == f.hashedName {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(f.body)
}
