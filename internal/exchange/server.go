package exchange

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Peer is the other end of a mutual-TLS session, as its verified
// certificate says. It is the only source of a message's origin.
type Peer struct {
	Country     string
	Role        string // "node" or "hub"
	Serial      string // the certificate's serial number, hex
	NotAfter    time.Time
	Certificate []byte // DER of the leaf certificate
}

// Identify reads the peer of a TLS session whose certificate chain the TLS
// layer has verified (internal/pki: PeerIdentity).
type Identify func(tls.ConnectionState) (Peer, error)

// Backend is what the server handlers ask of the hub (internal/hub). Every
// method receives the peer from its certificate; none trusts a body for it.
type Backend interface {
	// Accept stores the messages of a batch, each valid in form, and
	// answers one Result per message in order. Accepted messages are
	// committed before Accept returns.
	Accept(ctx context.Context, from Peer, msgs []Envelope, pending int) ([]Result, error)
	// Inbox returns the sender's notices after seq, at most limit, and
	// forgets those up to after (acknowledged).
	Inbox(ctx context.Context, from Peer, after int64, limit int) (Inbox, error)
	// Hello records the node's contact and answers the network's settings.
	Hello(ctx context.Context, from Peer, h Hello) (Welcome, error)
	// Directory lists the nodes known to the hub.
	Directory(ctx context.Context, from Peer) (Directory, error)
	// Checkpoints returns the audit checkpoints the hub witnessed of the
	// sender's country after seq after, at most limit, in ascending order
	// (wire_checkpoint.go).
	Checkpoints(ctx context.Context, from Peer, after int64, limit int) (Witnessed, error)
}

// ServerConfig configures the exchange server.
type ServerConfig struct {
	Identify Identify
	Logger   *slog.Logger
	// MaxBody bounds a request body in bytes (default 16 MiB: a full batch
	// of encodings or of sealed messages).
	MaxBody int64
}

// CodeVersion refuses a path of an exchange version this hub does not
// speak; CodeNotFound a path that does not exist.
const (
	CodeVersion  = "version"
	CodeNotFound = "not_found"
)

type server struct {
	b   Backend
	cfg ServerConfig
	log *slog.Logger
}

// NewServer returns the exchange's HTTP handler, to be served with a TLS
// configuration that requires and verifies client certificates
// (pki.ServerTLS). A request without a verified certificate is refused even
// so, in case the handler is ever mounted behind a laxer listener.
func NewServer(b Backend, cfg ServerConfig) http.Handler {
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 16 << 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &server{b: b, cfg: cfg, log: cfg.Logger}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+PathMessages, s.peer(s.messages))
	mux.HandleFunc("GET "+PathInbox, s.peer(s.inbox))
	mux.HandleFunc("POST "+PathHello, s.peer(s.hello))
	mux.HandleFunc("GET "+PathDirectory, s.peer(s.directory))
	mux.HandleFunc("GET "+PathCheckpoints, s.peer(s.checkpoints))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/exchange/") && !strings.HasPrefix(r.URL.Path, "/exchange/v1/") {
			writeError(w, http.StatusNotFound, CodeVersion, "this hub speaks exchange version "+strconv.Itoa(Version))
			return
		}
		writeError(w, http.StatusNotFound, CodeNotFound, "no such exchange path or method")
	})
	return mux
}

// peer resolves the sender from its certificate before the handler runs.
func (s *server) peer(h func(http.ResponseWriter, *http.Request, Peer)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
			writeError(w, http.StatusUnauthorized, CodeForbidden, "a verified network certificate is required")
			return
		}
		p, err := s.cfg.Identify(*r.TLS)
		if err != nil {
			s.log.Warn("exchange: certificate without a usable identity", "err", err)
			writeError(w, http.StatusForbidden, CodeForbidden, "the certificate names no node of the network")
			return
		}
		if p.Role != "node" || !ValidCountry(p.Country) {
			writeError(w, http.StatusForbidden, CodeForbidden, "only a node's certificate may use the exchange")
			return
		}
		h(w, r, p)
	}
}

func (s *server) messages(w http.ResponseWriter, r *http.Request, p Peer) {
	var b Batch
	if !s.decode(w, r, &b) {
		return
	}
	if len(b.Messages) == 0 || len(b.Messages) > MaxBatch {
		writeError(w, http.StatusUnprocessableEntity, CodeInvalid, "a batch holds 1 to "+strconv.Itoa(MaxBatch)+" messages")
		return
	}
	if b.Pending < 0 {
		b.Pending = 0
	}
	results := make([]Result, len(b.Messages))
	var valid []Envelope
	var at []int
	for i := range b.Messages {
		e := &b.Messages[i]
		if pr := e.Validate(); pr != nil {
			results[i] = Result{ID: e.ID, Status: StatusRefused, Code: pr.Code, Message: pr.Message}
			continue
		}
		valid = append(valid, *e)
		at = append(at, i)
	}
	if len(valid) > 0 {
		got, err := s.b.Accept(r.Context(), p, valid, b.Pending)
		if err != nil {
			s.fail(w, err, p)
			return
		}
		if len(got) != len(valid) {
			s.fail(w, errors.New("exchange: backend answered the wrong number of results"), p)
			return
		}
		for k, i := range at {
			results[i] = got[k]
		}
	}
	for _, res := range results {
		if res.Status == StatusRefused {
			s.log.Info("exchange: message refused", "country", p.Country, "code", res.Code)
		}
	}
	writeJSON(w, http.StatusOK, BatchResult{Results: results})
}

func (s *server) inbox(w http.ResponseWriter, r *http.Request, p Peer) {
	after, limit, ok := pageOf(w, r, MaxInbox)
	if !ok {
		return
	}
	in, err := s.b.Inbox(r.Context(), p, after, limit)
	if err != nil {
		s.fail(w, err, p)
		return
	}
	if in.Notices == nil {
		in.Notices = []Notice{}
	}
	writeJSON(w, http.StatusOK, in)
}

// pageOf reads ?after=SEQ&limit=N (after 0 and limit most when absent),
// answering the refusal itself when they are not numbers in range.
func pageOf(w http.ResponseWriter, r *http.Request, most int) (after int64, limit int, ok bool) {
	q := r.URL.Query()
	after, err := strconv.ParseInt(q.Get("after"), 10, 64)
	if q.Get("after") == "" {
		after, err = 0, nil
	}
	if err != nil || after < 0 {
		writeError(w, http.StatusBadRequest, CodeInvalid, "after: a sequence number, 0 or more")
		return 0, 0, false
	}
	limit = most
	if v := q.Get("limit"); v != "" {
		limit, err = strconv.Atoi(v)
		if err != nil || limit < 1 || limit > most {
			writeError(w, http.StatusBadRequest, CodeInvalid, "limit: 1 to "+strconv.Itoa(most))
			return 0, 0, false
		}
	}
	return after, limit, true
}

func (s *server) hello(w http.ResponseWriter, r *http.Request, p Peer) {
	var h Hello
	if !s.decode(w, r, &h) {
		return
	}
	if len(h.Software) > 64 || h.Pending < 0 || (h.Schema != "" && !reHex32.MatchString(h.Schema)) ||
		(h.KeyID != "" && !reHex32.MatchString(h.KeyID)) {
		writeError(w, http.StatusUnprocessableEntity, CodeInvalid, "hello: schema and key_id are fingerprints, software at most 64 characters, pending 0 or more")
		return
	}
	wl, err := s.b.Hello(r.Context(), p, h)
	if err != nil {
		s.fail(w, err, p)
		return
	}
	writeJSON(w, http.StatusOK, wl)
}

func (s *server) directory(w http.ResponseWriter, r *http.Request, p Peer) {
	d, err := s.b.Directory(r.Context(), p)
	if err != nil {
		s.fail(w, err, p)
		return
	}
	if d.Nodes == nil {
		d.Nodes = []DirectoryEntry{}
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *server) checkpoints(w http.ResponseWriter, r *http.Request, p Peer) {
	after, limit, ok := pageOf(w, r, MaxCheckpoints)
	if !ok {
		return
	}
	wt, err := s.b.Checkpoints(r.Context(), p, after, limit)
	if err != nil {
		s.fail(w, err, p)
		return
	}
	if wt.Checkpoints == nil {
		wt.Checkpoints = []Checkpoint{}
	}
	writeJSON(w, http.StatusOK, wt)
}

// decode reads a JSON body strictly: the right media type, at most MaxBody
// bytes, no unknown field, nothing after the document. It answers the
// refusal itself and reports whether v was filled.
func (s *server) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, CodeInvalid, "send the body as application/json")
		return false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		writeError(w, http.StatusRequestEntityTooLarge, CodeInvalid, "the body is larger than "+strconv.FormatInt(s.cfg.MaxBody>>10, 10)+" KiB")
		return false
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, CodeInvalid, "the body could not be read")
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, CodeInvalid, "the body is not a valid document of exchange version "+strconv.Itoa(Version))
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		writeError(w, http.StatusBadRequest, CodeInvalid, "unexpected data after the JSON document")
		return false
	}
	return true
}

// fail answers a backend error: its code's status and safe message.
func (s *server) fail(w http.ResponseWriter, err error, p Peer) {
	code := errs.CodeOf(err)
	status := errs.HTTPStatus(err)
	if status >= 500 {
		s.log.Error("exchange: request failed", "country", p.Country, "err", err)
	}
	writeError(w, status, string(code), errs.MessageOf(err))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, ErrorBody{Code: code, Message: msg})
}
