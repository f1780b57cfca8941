package nodesync

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/linkage"
)

// The linkage secret is the nodes' alone: the hub must never hold it, or it
// could test guesses of names against the encodings. One node makes it
// (Secrets.Init, `childcentre network secret`); it reaches every other
// node sealed to that node's certified public key (HPKE, signed by the
// sender: pki.SealSigned) through the hub, which relays bytes it cannot
// open. A node keeps the secrets it holds sealed at rest with its own
// keyring. A newer secret (rotation: Init again) replaces the current one
// on every node as it arrives; each node then re-encodes and re-uploads
// every child (cases.Service.Resync), which replaces its old encoding on
// the hub under the same pseudonymous reference.

// SecretKind is the Sealed.Kind of a linkage secret.
const SecretKind = "linkage-secret"

// SecretPurpose is the keyring purpose sealing linkage secrets at rest.
const SecretPurpose = "linkage-secret"

// AtRest seals values with the node's keyring (crypto.Sealer, node.LiveSealer).
type AtRest interface {
	Seal(plaintext []byte, aad string) ([]byte, error)
	Open(sealed []byte, aad string) ([]byte, error)
}

// Peers is the part of the network's PKI the secret needs: seal to another
// node and open from one (pki.SealSigned / pki.OpenVerified with this
// node's bundle), and the other nodes' certificates (the hub's directory,
// each checked against the network CA by Seal and Open).
type Peers interface {
	// Certificates returns the certificates of the network's other nodes.
	Certificates(ctx context.Context) ([]*x509.Certificate, error)
	// Seal seals plaintext of kind to the node certified by to.
	Seal(to *x509.Certificate, kind string, plaintext []byte) ([]byte, error)
	// Open opens what the node of country from sealed to this node.
	Open(ctx context.Context, from, kind string, sealed []byte) ([]byte, error)
	// Country returns the country of a certificate.
	Country(c *x509.Certificate) string
}

// secretMessage is the plaintext of a sealed linkage secret.
type secretMessage struct {
	Secret  []byte    `json:"secret"`
	KeyID   string    `json:"key_id"`
	Origin  string    `json:"origin"`
	Created time.Time `json:"created"`
}

// Secrets manages the node's linkage secrets.
type Secrets struct {
	Store   Store
	Sharer  *Sharer
	AtRest  AtRest
	Peers   Peers // nil: the node cannot share (tests, a node not yet certified)
	Country string
	Now     func() time.Time
	Logger  *slog.Logger
	// Changed is called (in its own goroutine) when the current secret
	// changes, to re-encode the registry (cases.Service.Resync).
	Changed func()

	mu      sync.Mutex
	current *secretMessage
}

func (s *Secrets) log() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Secrets) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC().Truncate(time.Microsecond)
	}
	return s.Now().UTC().Truncate(time.Microsecond)
}

// Load puts the newest secret held into use; it reports whether there was one.
func (s *Secrets) Load(ctx context.Context) (bool, error) {
	var recs []*SecretRecord
	if err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		recs, err = tx.Secrets(ctx)
		return err
	}); err != nil {
		return false, err
	}
	if len(recs) == 0 {
		return false, nil
	}
	m, err := s.open(recs[0])
	if err != nil {
		return false, err
	}
	return true, s.use(m)
}

func (s *Secrets) open(r *SecretRecord) (*secretMessage, error) {
	plain, err := s.AtRest.Open(r.Sealed, "linkage-secret/"+r.KeyID)
	if err != nil {
		return nil, errs.Wrap(err, "network: open the stored linkage secret")
	}
	if linkage.KeyID(plain) != r.KeyID {
		return nil, errs.E(errs.Internal, "network: the stored linkage secret does not match its key id")
	}
	return &secretMessage{Secret: plain, KeyID: r.KeyID, Origin: r.Origin, Created: r.Created}, nil
}

func (s *Secrets) use(m *secretMessage) error {
	if err := s.Sharer.Use(m.Secret); err != nil {
		return err
	}
	s.mu.Lock()
	s.current = m
	s.mu.Unlock()
	return nil
}

// Refresh puts into use the newest secret held if it is not the one in use
// (another process, `childcentre network secret`, made one), and
// reports whether it did.
func (s *Secrets) Refresh(ctx context.Context) (bool, error) {
	var recs []*SecretRecord
	if err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		recs, err = tx.Secrets(ctx)
		return err
	}); err != nil || len(recs) == 0 {
		return false, err
	}
	if recs[0].KeyID == s.KeyID() {
		return false, nil
	}
	m, err := s.open(recs[0])
	if err != nil {
		return false, err
	}
	if err := s.use(m); err != nil {
		return false, err
	}
	s.changed()
	return true, nil
}

// Origin returns the country that made the secret in use ("" none).
func (s *Secrets) Origin() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return ""
	}
	return s.current.Origin
}

// KeyID returns the id of the secret in use ("" none).
func (s *Secrets) KeyID() string { return s.Sharer.KeyID() }

// Init makes a new linkage secret (the first, or a rotation), keeps it,
// puts it into use and queues it, sealed, for every other node the
// directory names. It returns the new key id.
func (s *Secrets) Init(ctx context.Context) (string, error) {
	secret, err := linkage.NewSecret(rand.Reader)
	if err != nil {
		return "", err
	}
	m := &secretMessage{Secret: secret, KeyID: linkage.KeyID(secret), Origin: s.Country, Created: s.now()}
	var msgs []*cases.OutboxMessage
	if s.Peers != nil {
		// A hub out of reach does not stop the secret: the node's hello
		// loop shares it with the nodes lacking it once the hub answers.
		if msgs, err = s.sealFor(ctx, m, nil); err != nil {
			s.log().Warn("network: the linkage secret is made but not yet shared", "err", err)
			msgs = nil
		}
	}
	if err := s.keep(ctx, m, "init", msgs); err != nil {
		return "", err
	}
	if err := s.use(m); err != nil {
		return "", err
	}
	s.changed()
	return m.KeyID, nil
}

// Share queues the current secret, sealed, for the other nodes the
// directory names (all when only is empty): for nodes that joined after
// Init. It returns how many messages it queued.
func (s *Secrets) Share(ctx context.Context, only []string) (int, error) {
	s.mu.Lock()
	m := s.current
	s.mu.Unlock()
	if m == nil {
		return 0, errs.E(errs.Conflict, "this node holds no linkage secret to share")
	}
	if s.Peers == nil {
		return 0, errs.E(errs.Unavailable, "this node has no network certificate")
	}
	msgs, err := s.sealFor(ctx, m, only)
	if err != nil {
		return 0, err
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := tx.Enqueue(ctx, msgs); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, s.record("share"))
	})
	return len(msgs), err
}

// sealFor seals m for the other nodes (only those of countries in only,
// when given).
func (s *Secrets) sealFor(ctx context.Context, m *secretMessage, only []string) ([]*cases.OutboxMessage, error) {
	certs, err := s.Peers.Certificates(ctx)
	if err != nil {
		return nil, errs.Wrap(err, "network: the network's directory")
	}
	plain, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var out []*cases.OutboxMessage
	for _, c := range certs {
		cc := s.Peers.Country(c)
		if cc == s.Country || cc == "" || (len(only) > 0 && !contains(only, cc)) {
			continue
		}
		sealed, err := s.Peers.Seal(c, SecretKind, plain)
		if err != nil {
			s.log().Warn("network: cannot seal the linkage secret to a node", "country", cc, "err", err)
			continue
		}
		msg, err := message(exchange.Envelope{Type: exchange.TypeSealed,
			Sealed: &exchange.Sealed{To: cc, Kind: SecretKind, Ciphertext: sealed}}, "")
		if err != nil {
			return nil, err
		}
		out = append(out, msg)
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// keep stores m sealed at rest with its audit record and the messages
// sharing it, in one transaction.
func (s *Secrets) keep(ctx context.Context, m *secretMessage, detail string, msgs []*cases.OutboxMessage) error {
	sealed, err := s.AtRest.Seal(m.Secret, "linkage-secret/"+m.KeyID)
	if err != nil {
		return err
	}
	return s.Store.Update(ctx, func(tx Tx) error {
		if err := tx.PutSecret(ctx, &SecretRecord{KeyID: m.KeyID, Sealed: sealed, Origin: m.Origin, Created: m.Created}); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, msgs); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, s.record(detail))
	})
}

func (s *Secrets) record(detail string) audit.Record {
	return audit.Record{Time: s.now(), Actor: auth.SystemActor.Ref(), Role: "system", Country: s.Country,
		Action: audit.ActNetworkSecret, Outcome: "ok", Detail: detail}
}

// Receive opens a linkage secret another node sealed to this one, keeps
// it, and puts it into use when it is newer than the one in use.
func (s *Secrets) Receive(ctx context.Context, n *exchange.Sealed) error {
	if s.Peers == nil {
		return errs.E(errs.Unavailable, "this node has no network certificate")
	}
	plain, err := s.Peers.Open(ctx, n.From, SecretKind, n.Ciphertext)
	if err != nil {
		return err
	}
	var m secretMessage
	if err := json.Unmarshal(plain, &m); err != nil || len(m.Secret) != linkage.SecretSize || linkage.KeyID(m.Secret) != m.KeyID {
		return errs.E(errs.Invalid, "network: a malformed linkage secret message")
	}
	// The origin is the sender, as the hub took it from its certificate
	// and the signature proved: never what the plaintext claims.
	m.Origin = n.From
	s.mu.Lock()
	cur := s.current
	s.mu.Unlock()
	if cur != nil && cur.KeyID == m.KeyID {
		return nil
	}
	if err := s.keep(ctx, &m, "received from "+n.From, nil); err != nil {
		return err
	}
	if cur != nil && !m.Created.After(cur.Created) {
		return nil // an older secret arriving late: kept, not used
	}
	if err := s.use(&m); err != nil {
		return err
	}
	s.changed()
	return nil
}

func (s *Secrets) changed() {
	if s.Changed != nil {
		go s.Changed()
	}
}
