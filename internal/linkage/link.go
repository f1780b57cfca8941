package linkage

import (
	"bufio"
	"io"
	"strconv"

	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
)

// Default thresholds; docs/linkage.md explains how they were chosen.
const (
	DefaultThreshold = 0.8
	DefaultReview    = 0.7
	// DefaultBlockFloor: see Options.
	DefaultBlockFloor = 0.7
)

// Options configure Link. The zero value links with the defaults.
type Options struct {
	// Threshold: a pair scoring at least this is a match candidate
	// (default DefaultThreshold).
	Threshold float64
	// Review: pairs from Review up to the threshold, and match candidates
	// the solver could not put in one cluster, are marked for human review
	// (default DefaultReview; must not exceed Threshold).
	Review float64
	// Support is the mean pair score over all cross pairs that two clusters
	// need to merge. Default: Threshold.
	Support float64
	// MinLink is the lowest score any cross pair may have for two clusters
	// to merge: no two records in one cluster score below it. Default:
	// Review; for a segmented schema DefaultMinLinkProbability (at most
	// Review).
	MinLink float64
	// Asymmetry (γ, from 0 to 1) weighs bits that only one record of a pair
	// has, against bits on which they disagree: see score.go. 1 (the
	// default) is Dice.
	Asymmetry float64
	// BlockFloor is the lowest Dice score of a candidate pair; pairs below
	// it are not scored even when γ could lift them to the review threshold
	// (a record with almost no information would otherwise match many).
	// Default DefaultBlockFloor.
	BlockFloor float64
	// MaxCluster bounds the records of one cluster (default 64).
	MaxCluster int
	// Blocking selects candidate generation (default BlockAuto).
	Blocking Blocking
	// LSH tunes BlockLSH.
	LSH LSHOptions
	// Workers is the number of goroutines (default GOMAXPROCS).
	Workers int

	// Layout, for filters of a segmented schema (Schema.Layout), makes
	// Link compare pairs field by field and score them with a
	// Fellegi–Sunter model: Threshold and Review are then match
	// probabilities (defaults DefaultMatchProbability and
	// DefaultReviewProbability). Schema.Options and Header.Options set it.
	Layout *Layout
	// Weights fixes the model's parameters (LoadModel, Model.Weights)
	// instead of learning them from the data by expectation maximisation.
	Weights *Weights
	// Model, if set, is used as it is (its thresholds replaced by these).
	Model *Model
	// NameFloor is the Dice similarity of the name tokens from which two
	// records of a segmented schema are compared (default
	// DefaultNameFloor).
	NameFloor float64
}

// Defaults of a segmented schema's probabilities.
const (
	DefaultMatchProbability  = 0.9
	DefaultReviewProbability = 0.5
	// DefaultMinLinkProbability is the lowest match probability of any
	// cross pair that two clusters of a segmented schema may merge with
	// (Options.MinLink), unless the review threshold is lower. It is far
	// below the review threshold: the registrations of one child include
	// pairs that say little for each other (two age assessments years
	// apart, a name typed two ways), and the mean over every cross pair
	// already keeps unrelated clusters apart. Measured on the field
	// preset (seed 1, child-fields): F1 0.678 with MinLink at the review
	// threshold 0.2, 0.692 at 0.05, 0.695 at 0.01. Since u is learned
	// without the matches (fsModel.fit) weak pairs score lower, and 0.05
	// refused more of a child's own registrations: F1 0.7916 at 0.05,
	// 0.7957 at 0.01, 0.7970 at 0.003 (threshold 0.45).
	DefaultMinLinkProbability = 0.01
)

func (o *Options) fill() error {
	if o.Layout != nil {
		if o.Threshold == 0 {
			o.Threshold = DefaultMatchProbability
		}
		if o.Review == 0 {
			o.Review = min(DefaultReviewProbability, o.Threshold)
		}
		if o.NameFloor == 0 {
			o.NameFloor = DefaultNameFloor
		}
		if o.MinLink == 0 {
			o.MinLink = min(DefaultMinLinkProbability, o.Review)
		}
		if o.NameFloor < 0 || o.NameFloor > 1 {
			return errs.Field("name_floor", "the name floor must be from 0 to 1")
		}
	}
	if o.Threshold == 0 {
		o.Threshold = DefaultThreshold
	}
	if o.Review == 0 {
		o.Review = min(DefaultReview, o.Threshold)
	}
	if o.Support == 0 {
		o.Support = o.Threshold
	}
	if o.Asymmetry == 0 {
		o.Asymmetry = 1
	}
	if o.BlockFloor == 0 {
		o.BlockFloor = DefaultBlockFloor
	}
	if o.MinLink == 0 {
		o.MinLink = o.Review
	}
	if o.MaxCluster == 0 {
		o.MaxCluster = 64
	}
	switch {
	case o.Threshold <= 0 || o.Threshold > 1:
		return errs.Field("threshold", "the threshold must be above 0 and at most 1")
	case o.Review <= 0 || o.Review > o.Threshold:
		return errs.Field("review", "the review threshold must be above 0 and at most the threshold")
	case o.Support <= 0 || o.Support > 1:
		return errs.Field("support", "the support must be above 0 and at most 1")
	case o.Asymmetry < 0.01 || o.Asymmetry > 1:
		return errs.Field("asymmetry", "the asymmetry must be from 0.01 to 1")
	case o.BlockFloor < 0 || o.BlockFloor > 1:
		return errs.Field("block_floor", "the blocking floor must be from 0 to 1")
	case o.MinLink < 0 || o.MinLink > 1:
		return errs.Field("min_link", "the minimum link score must be from 0 to 1")
	case o.MaxCluster < 2:
		return errs.Field("max_cluster", "clusters must be allowed at least 2 records")
	}
	return nil
}

// Result is the outcome of Link.
type Result struct {
	// Pairs are every pair scoring at least the review threshold, sorted by
	// A then B, with the solver's decision.
	Pairs []ScoredPair
	// Cluster[i] is record i's cluster number, or -1 when record i is in no
	// cluster of two or more.
	Cluster []int32
	// Clusters is the number of clusters of two or more.
	Clusters int
	// Model is the model that scored the pairs (segmented schemas: learned
	// from the data unless given).
	Model *Model
}

// Reviews counts the pairs marked for review.
func (r *Result) Reviews() int {
	n := 0
	for _, p := range r.Pairs {
		if p.Decision == Review {
			n++
		}
	}
	return n
}

// Link finds the clusters of records that belong to one entity among the
// filters of set (from one or many files: the solver does not care which).
func Link(set *dice.Set, o Options) (*Result, error) {
	if err := o.fill(); err != nil {
		return nil, err
	}
	if o.Layout != nil {
		if o.Layout.Words != set.Words {
			return nil, errs.E(errs.Invalid, "linkage: the filters do not have the layout's length")
		}
		return linkFS(set, o)
	}
	sc := &pairScorer{set: set, gamma: o.Asymmetry}
	floor := diceFloor(o.Review, o.Asymmetry, o.BlockFloor)
	pairs := candidates(set, sc, floor, o.Review, o.Blocking, o.LSH, o.Workers)
	cluster := solve(sc, pairs, solveOptions{threshold: o.Threshold, support: o.Support, minLink: o.MinLink, maxCluster: o.MaxCluster})
	res := &Result{Pairs: pairs, Cluster: cluster}
	for _, c := range cluster {
		res.Clusters = max(res.Clusters, int(c)+1)
	}
	return res, nil
}

// SchemaOptions returns Options with the thresholds and asymmetry a
// schema recommends (zero values where it recommends none: Link fills in
// the defaults).
func SchemaOptions(threshold, review, asymmetry float64) Options {
	return Options{Threshold: threshold, Review: review, Asymmetry: asymmetry}
}

// Options returns the Options the schema recommends.
func (s *Schema) Options() Options {
	o := SchemaOptions(s.Threshold, s.Review, s.Asymmetry)
	o.Layout = s.layout
	return o
}

// Options returns the Options recommended by the schema the encodings were
// made with.
func (h Header) Options() Options {
	o := SchemaOptions(h.Threshold, h.Review, h.Asymmetry)
	o.Layout = h.Layout
	return o
}

// Set returns the encodings as a dice.Set sharing their filter storage.
func (e *Encodings) Set() *dice.Set {
	s := &dice.Set{Words: e.Words, Bits: e.Filters, Pop: make([]uint32, e.Len())}
	for i := range s.Pop {
		s.Pop[i] = uint32(dice.Count(e.Filter(i)))
	}
	return s
}

// WriteClusters writes the CSV "id,cluster" with one row for every record in
// a cluster of two or more, in record order.
func WriteClusters(w io.Writer, ids []string, r *Result) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("id,cluster\n")
	for i, c := range r.Cluster {
		if c < 0 {
			continue
		}
		writeCSVField(bw, ids[i])
		bw.WriteByte(',')
		bw.WriteString(strconv.Itoa(int(c)))
		bw.WriteByte('\n')
	}
	return errs.Wrap(bw.Flush(), "linkage: write clusters")
}

// WritePairs writes the CSV "a,b,score" with every scored pair (at or above
// the review threshold), scores to four decimals.
func WritePairs(w io.Writer, ids []string, r *Result) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("a,b,score\n")
	var buf []byte
	for _, p := range r.Pairs {
		writeCSVField(bw, ids[p.A])
		bw.WriteByte(',')
		writeCSVField(bw, ids[p.B])
		bw.WriteByte(',')
		buf = strconv.AppendFloat(buf[:0], float64(p.Score), 'f', 4, 32)
		bw.Write(buf)
		bw.WriteByte('\n')
	}
	return errs.Wrap(bw.Flush(), "linkage: write pairs")
}

// writeCSVField writes s, quoted if it needs to be.
func writeCSVField(w *bufio.Writer, s string) {
	needs := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ',' || c == '"' || c == '\n' || c == '\r' {
			needs = true
			break
		}
	}
	if len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		needs = true
	}
	if !needs {
		w.WriteString(s)
		return
	}
	w.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			w.WriteByte('"')
		}
		w.WriteByte(s[i])
	}
	w.WriteByte('"')
}
