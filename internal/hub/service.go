// Package hub is the network's hub: it holds the nodes' encodings, matches
// each new one incrementally against the others with the linkage engine's
// Model and Index, keeps clusters of records that probably concern one
// child, and notifies the nodes involved when a cluster first spans two
// countries or grows into a new one. It relays sealed messages it cannot
// read and keeps the registry of nodes.
//
// Nothing the hub holds identifies a child: Bloom-filter encodings made
// with a secret only the nodes hold, the nodes' pseudonymous references
// and coded metadata (docs/network.md, "What the hub learns").
//
// Every accepted message is committed before the hub answers; matching
// work waits in a queue in the database, taken under a lease, so that a
// killed hub loses nothing and several hub processes on one PostgreSQL
// database share the work. Each process keeps an in-memory index that
// follows the database's change log by sequence.
package hub

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cbss-egcc/childcentre/internal/linkage"
	"github.com/cbss-egcc/childcentre/internal/metrics"
)

// Config configures the hub's service.
type Config struct {
	// Schema is the fingerprint of the network's linkage schema; uploads
	// made with another are refused. Words is its filter length in 64-bit
	// words.
	Schema string
	Words  int
	// Options are the linkage model's thresholds (zero: Link's defaults).
	Options linkage.Options
	Now     func() time.Time
	Logger  *slog.Logger
	Metrics *metrics.Registry
	// Owner names this process in the leases of matching work (default:
	// random). Lease is how long a claim holds (default 30 s): a crashed
	// process's work waits that long.
	Owner string
	Lease time.Duration
	// Batch is how many uploads one round of matching takes (default 64);
	// Poll how often an idle hub looks for work other processes queued
	// (default 500 ms).
	Batch int
	Poll  time.Duration
	// LSHFrom is the index size from which candidates come from the LSH
	// filter (lsh.go) rather than a scan of every record (default
	// 10,000; negative: never). LSHTables is its number of tables
	// (default 32). The filter's recall against the scan (0.999,
	// lsh_test.go) does not depend on the index's size; the scan's cost
	// does: a node's initial sync of 100,000 scanned on average half of
	// them per upload, 40 s of matching with the threshold at 100,000.
	LSHFrom   int
	LSHTables int
}

// Service is the hub.
type Service struct {
	st    Store
	cfg   Config
	model *linkage.Model
	now   func() time.Time
	log   *slog.Logger
	wake  chan struct{}
	// lastAccept is when this process last accepted a batch (Unix ns):
	// the matcher yields to accepting (Run).
	lastAccept atomic.Int64
	met        *hubMetrics
	al         *alertMetrics   // alerts.go
	wm         *witnessMetrics // witness.go
	lat        latencies

	// mu guards the in-memory index's bookkeeping and serialises refresh.
	mu         sync.Mutex
	idx        map[string]*keyIndex // by linkage key id
	where      map[int64]slot       // record id → where it is indexed
	perCountry map[string]int
	lastSeq    int64
	// names interns key ids and countries: a million records share a
	// handful of each.
	names map[string]string
}

// keyIndex holds the records of one linkage key: the linkage Index (the
// filters, and the full scan) and the LSH filter in front of it.
type keyIndex struct {
	ix  *linkage.Index
	lsh *lshIndex
}

type slot struct {
	key     string
	country string
}

// New returns the hub's service on st. Call Load before serving.
func New(st Store, cfg Config) (*Service, error) {
	if cfg.Words < 1 || cfg.Schema == "" {
		return nil, fmt.Errorf("hub: the network's schema and its filter length are needed")
	}
	m, err := linkage.NewModel(cfg.Words, cfg.Options)
	if err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = metrics.NewRegistry()
	}
	if cfg.Owner == "" {
		var b [6]byte
		_, _ = rand.Read(b[:])
		cfg.Owner = "hub-" + hex.EncodeToString(b[:])
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 30 * time.Second
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 64
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 500 * time.Millisecond
	}
	if cfg.LSHFrom == 0 {
		cfg.LSHFrom = 10000
	}
	if cfg.LSHTables <= 0 {
		cfg.LSHTables = 32
	}
	s := &Service{
		st: st, cfg: cfg, model: m, now: cfg.Now, log: cfg.Logger,
		wake: make(chan struct{}, 1),
		idx:  map[string]*keyIndex{}, where: map[int64]slot{}, perCountry: map[string]int{},
	}
	s.met = newHubMetrics(cfg.Metrics, s)
	s.al = newAlertMetrics(cfg.Metrics, st)
	s.wm = newWitnessMetrics(cfg.Metrics)
	return s, nil
}

// Model returns the linkage model the hub scores with.
func (s *Service) Model() *linkage.Model { return s.model }

// Schema returns the network's schema fingerprint.
func (s *Service) Schema() string { return s.cfg.Schema }

// Load builds the in-memory index from the database: every record, then
// the changes made while it read them.
func (s *Service) Load(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idx, s.where, s.perCountry = map[string]*keyIndex{}, map[int64]slot{}, map[string]int{}
	err := s.st.View(ctx, func(tx Tx) error {
		seq, err := tx.LastChange(ctx)
		if err != nil {
			return err
		}
		s.lastSeq = seq
		return tx.AllRecords(ctx, func(r *Record) error {
			if r.Schema != s.cfg.Schema {
				return ErrOtherSchema
			}
			return s.index(r)
		})
	})
	if err != nil {
		return err
	}
	return s.refreshLocked(ctx)
}

// refresh applies the changes other transactions (and processes) made
// since the last refresh.
func (s *Service) refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshLocked(ctx)
}

func (s *Service) refreshLocked(ctx context.Context) error {
	for {
		var changes []Change
		err := s.st.View(ctx, func(tx Tx) error {
			var err error
			changes, err = tx.Changes(ctx, s.lastSeq, 5000)
			return err
		})
		if err != nil {
			return err
		}
		for _, c := range changes {
			if c.Record == nil {
				s.unindex(c.ID)
			} else if err := s.index(c.Record); err != nil {
				return err
			}
			s.lastSeq = c.Seq
		}
		if len(changes) < 5000 {
			return nil
		}
	}
}

// ErrOtherSchema is returned by Load when the database holds encodings
// made with another schema than the network's: they cannot be compared
// with today's, and every path that reads a filter would fail on them.
var ErrOtherSchema = errors.New("hub: the database holds encodings made with another linkage schema than --network-schema; a network's schema cannot be changed while its hub holds encodings (docs/operations.md, \"Installing and upgrading\")")

// index adds or replaces r in the index of its key.
func (s *Service) index(r *Record) error {
	f, err := s.words(r.Filter)
	if err != nil {
		return err
	}
	// A record uploaded again leaves its old filter's buckets first.
	s.unindex(r.ID)
	ki := s.idx[r.KeyID]
	if ki == nil {
		ki = &keyIndex{ix: linkage.NewIndex(s.model), lsh: newLSH(s.cfg.Words, s.cfg.LSHTables, 1, lshBag(s.model))}
		s.idx[s.intern(r.KeyID)] = ki
	}
	if err := ki.ix.Add(indexRef(r.ID), f); err != nil {
		return err
	}
	ki.lsh.add(uint32(r.ID), f)
	s.perCountry[r.Country]++
	s.met.encodings.With(r.Country).Set(float64(s.perCountry[r.Country]))
	s.where[r.ID] = slot{key: s.intern(r.KeyID), country: s.intern(r.Country)}
	return nil
}

func (s *Service) intern(v string) string {
	if w, ok := s.names[v]; ok {
		return w
	}
	if s.names == nil {
		s.names = map[string]string{}
	}
	s.names[v] = v
	return v
}

func (s *Service) unindex(id int64) {
	old, ok := s.where[id]
	if !ok {
		return
	}
	if ki := s.idx[old.key]; ki != nil {
		if f, ok := ki.ix.Filter(indexRef(id)); ok {
			ki.lsh.remove(uint32(id), f)
		}
		ki.ix.Remove(indexRef(id))
	}
	delete(s.where, id)
	s.perCountry[old.country]--
	s.met.encodings.With(old.country).Set(float64(s.perCountry[old.country]))
}

// scorer returns the scoring of pairs of records of linkage key key: with
// the name and date frequencies of that key's index (linkage.Index.Score),
// so that a pair has the probability its record was found with when the
// cluster it may join is judged.
func (s *Service) scorer(key string) func(a, b []uint64) float64 {
	if ki := s.indexOf(key); ki != nil {
		return ki.ix.Score
	}
	return s.model.Score
}

// indexOf returns the index of a key, nil when none holds it.
func (s *Service) indexOf(key string) *keyIndex {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.idx[key]
}

// Indexed returns the number of records in the in-memory index.
func (s *Service) Indexed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.where)
}

// words decodes a filter of the network's length.
func (s *Service) words(b []byte) ([]uint64, error) {
	if len(b) != 8*s.cfg.Words {
		return nil, fmt.Errorf("hub: a filter of %d bytes for a schema of %d words", len(b), s.cfg.Words)
	}
	f := make([]uint64, s.cfg.Words)
	for i := range f {
		f[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return f, nil
}

func indexRef(id int64) string { return strconv.FormatInt(id, 10) }

// candidates returns the indexed records scoring at least the review
// threshold against f: by a scan of every record while the index is small,
// through the LSH filter past Config.LSHFrom.
func (s *Service) candidatesOf(ki *keyIndex, f []uint64) []linkage.Candidate {
	if s.cfg.LSHFrom < 0 || ki.ix.Len() < s.cfg.LSHFrom {
		return ki.ix.Candidates(f, 0)
	}
	var out []linkage.Candidate
	score := ki.ix.Prober(f)
	ki.lsh.scored(f, func(id uint32, g []uint64) {
		if sc := score(g); s.model.IsReview(sc) {
			out = append(out, linkage.Candidate{Ref: indexRef(int64(id)), Score: sc})
		}
	})
	return out
}

// signal wakes the matcher.
func (s *Service) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func newKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
