package followup_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"path/filepath"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/nodesync"
	"github.com/cbss-egcc/childcentre/internal/pki"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

var t0 = time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)

// peers implements followup.Peers with real certificates of one network
// CA, as node.pkiPeers does with the hub's directory.
type peers struct {
	self  *pki.Bundle
	certs []*x509.Certificate
}

func (p *peers) opts() pki.VerifyOptions {
	return pki.VerifyOptions{Roles: []pki.Role{pki.RoleNode}}
}

func (p *peers) Certificates(context.Context) ([]*x509.Certificate, error) { return p.certs, nil }

func (p *peers) Seal(to *x509.Certificate, kind string, plain []byte) ([]byte, error) {
	return pki.SealSigned(p.self, to, kind, plain, p.opts())
}

func (p *peers) Open(_ context.Context, from, kind string, sealed []byte) ([]byte, error) {
	for _, c := range p.certs {
		if p.Country(c) == from {
			return pki.OpenVerified(p.self, c, kind, sealed, p.opts())
		}
	}
	return nil, fmt.Errorf("no certificate of %s", from)
}

func (p *peers) Country(c *x509.Certificate) string {
	id, err := pki.IdentityOf(c)
	if err != nil {
		return ""
	}
	return id.Country
}

// side is one node of a two-node test: its database, service and keys.
type side struct {
	db      *store.DB
	svc     *followup.Service
	sealer  *crypto.Sealer
	peers   *peers
	country string
}

// twoNodes makes SE and FI under one network CA, each with its own
// database of db's dialect (db is SE's), and a thread between them: SE
// asked (out, sent), FI received it (in, pending). It returns the nodes
// and each one's request ID.
func twoNodes(t testing.TB, db *store.DB) (se, fi *side, seReq, fiReq int64) {
	t.Helper()
	ca, err := pki.InitCA(filepath.Join(t.TempDir(), "ca"), pki.CAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bse, err := pki.Issue(ca, "SE", pki.RoleNode, pki.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bfi, err := pki.Issue(ca, "FI", pki.RoleNode, pki.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	certs := []*x509.Certificate{bse.Cert, bfi.Cert}
	other := storetest.New(t)
	if db.Dialect() == store.DialectPostgres {
		other = storetest.Postgres(t)
	}
	mk := func(db *store.DB, b *pki.Bundle, country string) *side {
		s := crypto.NewKeyring(t0).Sealer(followup.AtRestPurpose)
		p := &peers{self: b, certs: certs}
		return &side{db: db, sealer: s, peers: p, country: country, svc: &followup.Service{Store: store.NewFollowUpStore(db),
			Peers: p, AtRest: s, Country: country, Now: func() time.Time { return t0 }}}
	}
	se, fi = mk(db, bse, "SE"), mk(other, bfi, "FI")
	seReq = se.putRequest(t, "thread-1", followup.Out, "FI", followup.StateSent)
	fiReq = fi.putRequest(t, "thread-1", followup.In, "SE", followup.StatePending)
	return se, fi, seReq, fiReq
}

// putRequest stores a request as Create or Receive would leave it.
func (s *side) putRequest(t testing.TB, thread, dir, other, state string) int64 {
	t.Helper()
	wire, _ := json.Marshal(exchange.FollowUpRequest{Purpose: "identify", LegalBasis: "hague-1996", Urgency: "urgent",
		Handling: "H2", Evaluation: "B2", Asked: []string{"given_names"}})
	body, err := s.sealer.Seal(wire, "followup/"+thread)
	if err != nil {
		t.Fatal(err)
	}
	r := &followup.Request{Thread: thread, Direction: dir, OtherCountry: other, LocalRef: "ref-" + s.country, OtherRef: "ref-" + other,
		Urgency: followup.Urgent, Handling: "H2", LegalBasis: "hague-1996", State: state, Deadline: t0.Add(72 * time.Hour),
		CreatedBy: "user:1", CreatedAt: t0, UpdatedAt: t0, Body: body}
	if err := store.NewFollowUpStore(s.db).Update(context.Background(), func(tx followup.Tx) error { return tx.PutRequest(context.Background(), r) }); err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// outbox takes the sealed messages waiting in a node's outbox, as the hub
// would relay them: From set to the sender's country.
func (s *side) outbox(t testing.TB) []*exchange.Sealed {
	t.Helper()
	ctx := context.Background()
	st := store.NewNodeSyncStore(s.db)
	var out []*exchange.Sealed
	err := st.Update(ctx, func(tx nodesync.Tx) error {
		due, err := tx.Due(ctx, 100)
		if err != nil {
			return err
		}
		var ids []int64
		for _, o := range due {
			var e exchange.Envelope
			if err := json.Unmarshal(o.Body, &e); err != nil {
				return err
			}
			e.Sealed.From = s.country
			out = append(out, e.Sealed)
			ids = append(ids, o.ID)
		}
		return tx.Delivered(ctx, ids)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// audits lists a node's audit records of an action as "outcome:detail".
func (s *side) audits(t testing.TB, action string) []string {
	t.Helper()
	var out []string
	err := s.db.WalkAudit(context.Background(), func(e audit.Entry) error {
		if e.Action == action {
			out = append(out, e.Outcome+":"+e.Detail)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func actor(country string, role auth.Role) auth.Actor {
	id := int64(7)
	if role == auth.RoleSupervisor {
		id = 8
	}
	return auth.Actor{UserID: id, Role: role, Country: auth.Country(country)}
}

// pngFile is a PNG of w×h pixels with a text chunk holding marker, so
// that a test can look for the file's bytes where they must not be.
func pngFile(t testing.TB, w, h int, marker string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	noise := make([]byte, len(img.Pix))
	rand.Read(noise)
	copy(img.Pix, noise)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if marker == "" {
		return b.Bytes()
	}
	// A tEXt chunk after the signature and IHDR (8 + 25 bytes).
	data := b.Bytes()
	chunk := pngChunk("tEXt", []byte("Comment\x00"+marker))
	return append(append(append([]byte{}, data[:33]...), chunk...), data[33:]...)
}

func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{byte(len(data) >> 24), byte(len(data) >> 16), byte(len(data) >> 8), byte(len(data))})
	b.WriteString(typ)
	b.Write(data)
	b.Write([]byte{0, 0, 0, 0}) // CRC not checked by the content rules
	return b.Bytes()
}

func jpegFile(t testing.TB) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 16, 16))
	img.Set(3, 3, color.White)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pdfFile is a PDF of about size bytes: a header, a stream, the end marker.
func pdfFile(size int) []byte {
	body := make([]byte, size)
	rand.Read(body)
	out := []byte("%PDF-1.7\n1 0 obj\n<< /Length " + fmt.Sprint(size) + " >>\nstream\n")
	out = append(out, body...)
	return append(out, "\nendstream\nendobj\ntrailer\n<< >>\n%%EOF\n"...)
}

func itoa(n int) string { return fmt.Sprint(n) }

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
