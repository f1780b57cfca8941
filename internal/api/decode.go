package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Request bodies are decoded strictly: every key must be a field of the
// operation's input, spelled exactly (encoding/json alone would accept
// any capitalisation), at most once, with a value of the field's JSON
// type; nothing may follow the document. Every problem is reported with
// its path ("child.aliases[1].script"), so that a national system can fix
// all of them at once. Only then is the body unmarshalled. Values are
// never echoed: a problem names the field and the rule.

// Body limits, in bytes.
const (
	maxBody      = 256 << 10 // one child or case: notes of 4,000 characters, 20 aliases
	maxBatchBody = 32 << 20  // a batch of up to maxBatch registrations
)

// readBody reads the request's JSON body, at most limit bytes. It
// answers the problem itself (415, 413, 400) and returns nil then.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, limit int64) []byte {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		s.writeProblem(w, r, newProblem(probMediaType, http.StatusUnsupportedMediaType,
			"Send the body as application/json."))
		return nil
	}
	var body []byte
	if r.ContentLength > limit {
		// Answered before reading: no 100 Continue, no body.
		err = &http.MaxBytesError{Limit: limit}
	} else {
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		s.writeProblem(w, r, newProblem(probTooLarge, http.StatusRequestEntityTooLarge,
			"The body is larger than "+strconv.FormatInt(limit>>10, 10)+" KiB."))
		return nil
	case err != nil:
		s.writeProblem(w, r, newProblem(probMalformed, http.StatusBadRequest, "The body could not be read."))
		return nil
	}
	return body
}

// decode decodes body strictly into v, a pointer to a struct, and reports
// every problem found; v is set only when there is none.
func decode(body []byte, v any) []FieldProblem {
	if !validText(body) {
		return []FieldProblem{{Field: "", Detail: errNotUTF8}}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	wk := &walker{dec: dec}
	if err := wk.value(reflect.TypeOf(v).Elem(), ""); err != nil {
		return []FieldProblem{syntaxProblem(err, body)}
	}
	if _, err := dec.Token(); err != io.EOF {
		return []FieldProblem{{Field: "", Detail: "unexpected data after the JSON document"}}
	}
	if len(wk.probs) > 0 {
		return wk.probs
	}
	if err := json.Unmarshal(body, v); err != nil {
		// The walk accepts only what unmarshals; this is a safety net that
		// names no value.
		return []FieldProblem{{Field: "", Detail: "the document does not match the operation's input"}}
	}
	return nil
}

func syntaxProblem(err error, body []byte) FieldProblem {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return FieldProblem{Detail: "is not valid JSON (it ends too early)"}
	}
	// The token reader's offsets lag; a whole-document parse places the error.
	var se *json.SyntaxError
	if errors.As(json.Unmarshal(body, new(any)), &se) {
		return FieldProblem{Detail: "is not valid JSON (at byte " + strconv.FormatInt(se.Offset, 10) + ")"}
	}
	return FieldProblem{Detail: "is not valid JSON"}
}

// walker checks a JSON document against a Go type, token by token.
type walker struct {
	dec   *json.Decoder
	probs []FieldProblem
}

func (wk *walker) add(path, detail string) {
	wk.probs = append(wk.probs, FieldProblem{Field: path, Detail: detail})
}

var (
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// value checks the next value against t. Only syntax errors are returned;
// problems of shape are collected.
func (wk *walker) value(t reflect.Type, path string) error {
	tok, err := wk.dec.Token()
	if err != nil {
		return err
	}
	if tok == nil { // null: the field is absent
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == rawType: // decoded later, by its own rules
		return wk.skip(tok)
	case t == timeType:
		s, ok := tok.(string)
		if !ok {
			wk.add(path, "must be a date and time in RFC 3339 format, e.g. 2025-06-02T10:30:00Z")
			return wk.skip(tok)
		}
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			wk.add(path, "must be a date and time in RFC 3339 format, e.g. 2025-06-02T10:30:00Z")
		}
		return nil
	case t.Kind() == reflect.Struct:
		if tok != json.Delim('{') {
			wk.add(path, "must be an object")
			return wk.skip(tok)
		}
		return wk.object(t, path)
	case t.Kind() == reflect.Slice:
		if tok != json.Delim('[') {
			wk.add(path, "must be an array")
			return wk.skip(tok)
		}
		for i := 0; wk.dec.More(); i++ {
			if err := wk.value(t.Elem(), path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		_, err := wk.dec.Token() // ]
		return err
	case t.Kind() == reflect.String:
		if _, ok := tok.(string); !ok {
			wk.add(path, "must be a string")
			return wk.skip(tok)
		}
	case t.Kind() == reflect.Bool:
		if _, ok := tok.(bool); !ok {
			wk.add(path, "must be true or false")
			return wk.skip(tok)
		}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		n, ok := tok.(json.Number)
		if !ok {
			wk.add(path, "must be an integer")
			return wk.skip(tok)
		}
		if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err != nil {
			wk.add(path, "must be an integer")
		}
	default:
		panic("api: decode: no JSON rule for " + t.String())
	}
	return nil
}

// object checks the members of an object (its '{' read) against struct t.
func (wk *walker) object(t reflect.Type, path string) error {
	fields := jsonFields(t)
	seen := map[string]bool{}
	for wk.dec.More() {
		tok, err := wk.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		sub := join(path, displayKey(key))
		ft, known := fields[key]
		switch {
		case !known:
			wk.add(sub, "is not a field of this input")
		case seen[key]:
			wk.add(sub, "appears more than once")
			known = false
		}
		seen[key] = true
		if !known {
			if err := wk.skipNext(); err != nil {
				return err
			}
			continue
		}
		if err := wk.value(ft, sub); err != nil {
			return err
		}
	}
	_, err := wk.dec.Token() // }
	return err
}

// skipNext skips the next value.
func (wk *walker) skipNext() error {
	tok, err := wk.dec.Token()
	if err != nil {
		return err
	}
	return wk.skip(tok)
}

// skip skips the rest of a value whose first token was tok.
func (wk *walker) skip(tok json.Token) error {
	if tok != json.Delim('{') && tok != json.Delim('[') {
		return nil
	}
	for depth := 1; depth > 0; {
		t, err := wk.dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// plainKey is the form of a key that may be echoed in a problem: an
// unknown key is most likely a misspelt field name; anything else could be
// data, which a problem never repeats.
var plainKey = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,63}$`)

func displayKey(k string) string {
	if plainKey.MatchString(k) {
		return k
	}
	return "(unknown field)"
}

// jsonFields maps the JSON names of struct t's fields (embedded structs
// flattened) to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-" || !f.IsExported():
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			for k, v := range jsonFields(f.Type) {
				m[k] = v
			}
		case name == "":
			panic("api: decode: field " + t.String() + "." + f.Name + " has no JSON name")
		default:
			m[name] = f.Type
		}
	}
	fieldCache.Store(t, m)
	return m
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type
