// Package linkage is the privacy-preserving record linkage engine of
// Childcentre: it encodes identifying fields into keyed Bloom filters
// (cryptographic long-term keys, CLKs), compares encodings by their
// Sørensen–Dice coefficient, generates candidate pairs that scale to
// millions of records, clusters records of the same child across any number
// of countries, and evaluates the result against ground truth.
//
// The package does no I/O of its own beyond io.Reader and io.Writer: the
// commands in internal/cli open the files. See docs/linkage.md.
package linkage

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/bits"
	"slices"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// SchemaFormat is the value of the "format" member of every schema file.
const SchemaFormat = "childcentre-linkage-schema"

// SchemaVersion is the only schema version this package reads.
const SchemaVersion = 1

// Limits that keep a schema from asking for absurd work; they are far above
// anything a real schema needs.
const (
	minFilterBits     = 64
	maxFilterBits     = 1 << 16
	maxBitsPerToken   = 64
	maxFieldBits      = 4096
	maxFields         = 64
	maxTokenisers     = 8
	maxQGram          = 8
	maxYearWindow     = 5
	defaultFilterBits = 1024
)

// Hash algorithms a schema may name. Both are keyed: an encoding cannot be
// reproduced, and so not attacked by dictionary, without the secret.
const (
	HashHMACSHA256 = "hmac-sha256"
	HashBLAKE2b    = "blake2b"
)

// Schema says which fields of a record are encoded and how. It is read from
// versioned JSON (ParseSchema) or taken from the built-in schemas
// (BuiltinSchema). A Schema is immutable once parsed.
type Schema struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Name identifies the schema in encoding files ("child", "febrl").
	Name string `json:"name"`
	// ID is the column that holds the record identifier. Identifiers are
	// written to encoding files in clear, so they must be pseudonymous
	// record references, never names.
	ID string `json:"id"`
	// FilterBits is the Bloom filter length in bits before hardening: a power
	// of two, 1024 by default.
	FilterBits int `json:"filter_bits"`
	// Hash is HashHMACSHA256 (the default) or HashBLAKE2b.
	Hash string `json:"hash"`
	// Threshold and Review are the Dice thresholds recommended for this
	// schema (0 = the package defaults). They travel in the encoding files,
	// and link uses them unless told otherwise.
	Threshold float64 `json:"threshold,omitempty"`
	Review    float64 `json:"review,omitempty"`
	// Asymmetry is the recommended γ of the pair score (see score.go; 0 =
	// 1, plain Dice).
	Asymmetry float64 `json:"asymmetry,omitempty"`
	// Hardening lists the transformations applied to every filter.
	Hardening Hardening `json:"hardening"`
	// Fields are the identifying fields, each hashed under its own key.
	Fields []Field `json:"fields"`
	// Comparisons, with field segments (Field.Bits), make the filter a
	// record of separately comparable fields: link then compares a pair
	// field by field into agreement levels and scores it with a
	// Fellegi–Sunter model (see model.go).
	Comparisons []Comparison `json:"comparisons,omitempty"`

	sum    [32]byte // SHA-256 of the canonical JSON, set by validate
	layout *Layout  // set by validate when the schema has comparisons
}

// Comparison names the fields compared together into one agreement level.
type Comparison struct {
	// Name names the comparison in explanations ("name", "dob").
	Name string `json:"name"`
	// Kind is "name" (fields: given name, family name; compared directly
	// and crossed, for swapped names), "date" (fields: the year window,
	// exact date, unordered day-month, day digits and day window segments,
	// in that order) or "exact" (one field: agree, differ or missing).
	Kind string `json:"kind"`
	// Fields are the segmented fields compared.
	Fields []string `json:"fields"`
}

// Field is one identifying field of a record, read from one or more columns.
type Field struct {
	// Name names the field in errors; with Key it selects the field's key.
	Name string `json:"name"`
	// Columns are the CSV columns whose values, joined by a space, make the
	// field (default: the column named Name). Two columns in one field make
	// their tokens independent of which column a value was written in.
	Columns []string `json:"columns,omitempty"`
	// Normalise names the normaliser applied before tokenising: see
	// normalisers.go and docs/linkage.md.
	Normalise string `json:"normalise"`
	// Format is the date layout for the date normaliser: "YYYY-MM-DD"
	// (default) or "YYYYMMDD".
	Format string `json:"format,omitempty"`
	// Estimated names a 0/1 column that marks a date as estimated after an
	// age assessment; an estimated date contributes only its year tokens.
	Estimated string `json:"estimated,omitempty"`
	// Key is the label from which the field's hashing key is derived
	// (default: Name). Fields sharing a label share a key.
	Key string `json:"key,omitempty"`
	// Tokens are the tokenisers applied to the normalised value.
	Tokens []Tokeniser `json:"tokens"`
	// Bits, when set, gives the field its own segment of the filter of
	// this many bits (a multiple of 32); segments follow each other in the
	// order of the fields. Either every field has a segment or none has.
	Bits int `json:"bits,omitempty"`
	// EstimatedDays lists days ("01-01", "07-01") on which a date is taken
	// as estimated even without the Estimated flag: age assessments record
	// an assessed year as 1 January or 1 July.
	EstimatedDays []string `json:"estimated_days,omitempty"`
}

// Tokeniser turns a normalised value into tokens and says how many bits each
// token sets.
type Tokeniser struct {
	// Kind is "qgram", "exact", "phonetic" or "date".
	Kind string `json:"kind"`
	// N is the q-gram size (qgram only; default 2).
	N int `json:"n,omitempty"`
	// Padded adds a start and end marker to each word before cutting
	// q-grams, so that first and last letters weigh as much as the others.
	Padded bool `json:"padded,omitempty"`
	// Positional appends each q-gram's position to it.
	Positional bool `json:"positional,omitempty"`
	// Parts lists the date tokens (date only): "year", "month", "day",
	// "day_month" (ordered), "day_month_any" (tolerant of a day/month swap),
	// "year_window" (years y-w..y+w, tolerant of an estimated year).
	Parts []string `json:"parts,omitempty"`
	// YearWindow is w for "year_window" (default 1).
	YearWindow int `json:"year_window,omitempty"`
	// DayWindow is w for "day_window" (days d-w..d+w; default 2).
	DayWindow int `json:"day_window,omitempty"`
	// BitsPerToken is the number of filter positions each token sets.
	BitsPerToken int `json:"bits_per_token,omitempty"`
	// FieldBits, instead of BitsPerToken, spreads a fixed budget over the
	// tokens of each record: k = ceil(FieldBits / number of tokens), so that
	// long and short values weigh the same.
	FieldBits int `json:"field_bits,omitempty"`
}

// Hardening lists transformations that make filters harder to attack at a
// measured cost in linkage quality; docs/linkage.md has the figures.
type Hardening struct {
	// Rule90 replaces each bit by the XOR of its two neighbours (Schnell et
	// al. 2019); it breaks the link between a bit and a single q-gram.
	Rule90 bool `json:"rule90,omitempty"`
	// XORFold folds the filter in half by XOR (Schnell, Borgs, Encheva
	// 2016): the encoding has half the bits and no bit is one token's.
	XORFold bool `json:"xor_fold,omitempty"`
	// Balance appends the complement of the filter and permutes the result
	// under the key (Schnell & Borgs 2016): every encoding has the same
	// popcount, hiding the length of the names.
	Balance bool `json:"balance,omitempty"`
	// BLIP is the probability with which each bit is flipped (randomised
	// response, Schnell & Borgs 2016), seeded under the key by the record's
	// own filter so that encoding is reproducible. 0 disables it.
	BLIP float64 `json:"blip,omitempty"`
	// Salt names a field whose normalised value is mixed into the keys of all
	// other fields (e.g. year of birth): records that differ in it no longer
	// share any bit, which defeats cross-record frequency analysis but loses
	// every match with an error in the salt field.
	Salt string `json:"salt,omitempty"`
}

// Tokeniser kinds.
const (
	kindQGram    = "qgram"
	kindExact    = "exact"
	kindPhonetic = "phonetic"
	kindDate     = "date"
)

var dateParts = []string{"year", "month", "day", "day_month", "day_month_any", "year_window",
	"date", "ymd_any", "ym_digits", "day_window"}

// ParseSchema reads and validates a JSON schema. Unknown members, a wrong
// format or version, and invalid fields are errors that name the field and
// the problem.
func ParseSchema(r io.Reader) (*Schema, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20+1))
	if err != nil {
		return nil, errs.Wrap(err, "linkage: read schema")
	}
	if len(data) > 1<<20 {
		return nil, errs.E(errs.Invalid, "schema: larger than 1 MiB")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Schema
	if err := dec.Decode(&s); err != nil {
		return nil, errs.E(errs.Invalid, "schema: not valid JSON for a schema: %s", jsonProblem(err))
	}
	if dec.More() {
		return nil, errs.E(errs.Invalid, "schema: unexpected data after the schema object")
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// jsonProblem describes a JSON decoding error without quoting the input.
func jsonProblem(err error) string {
	switch e := err.(type) {
	case *json.SyntaxError:
		return fmt.Sprintf("syntax error at byte %d", e.Offset)
	case *json.UnmarshalTypeError:
		if e.Field != "" {
			return fmt.Sprintf("member %q has the wrong type (want %s)", e.Field, e.Type)
		}
		return fmt.Sprintf("wrong type (want %s)", e.Type)
	}
	// Unknown-field errors name the member, which comes from the schema
	// author, not from personal data.
	return err.Error()
}

// validate checks s, fills in defaults and computes its fingerprint.
func (s *Schema) validate() error {
	bad := func(format string, a ...any) error {
		return errs.E(errs.Invalid, "schema: "+format, a...)
	}
	if s.Format != SchemaFormat {
		return bad("format must be %q", SchemaFormat)
	}
	if s.Version != SchemaVersion {
		return bad("version %d is not supported (this program reads version %d)", s.Version, SchemaVersion)
	}
	if !validLabel(s.Name) {
		return bad("name must be 1-64 letters, digits, '-', '_' or '.'")
	}
	if s.ID == "" {
		return bad("id: the identifier column is missing")
	}
	if s.FilterBits == 0 {
		s.FilterBits = defaultFilterBits
	}
	if s.FilterBits < minFilterBits || s.FilterBits > maxFilterBits || bits.OnesCount(uint(s.FilterBits)) != 1 {
		return bad("filter_bits must be a power of two from %d to %d", minFilterBits, maxFilterBits)
	}
	switch s.Hash {
	case "":
		s.Hash = HashHMACSHA256
	case HashHMACSHA256, HashBLAKE2b:
	default:
		return bad("hash must be %q or %q", HashHMACSHA256, HashBLAKE2b)
	}
	if s.Threshold < 0 || s.Threshold > 1 || s.Threshold != s.Threshold {
		return bad("threshold must be from 0 to 1")
	}
	if s.Review < 0 || s.Review > 1 || s.Review != s.Review || s.Review > cmp.Or(s.Threshold, DefaultThreshold) {
		return bad("review must be from 0 to 1 and at most the threshold")
	}
	if s.Asymmetry != 0 && !(s.Asymmetry >= 0.01 && s.Asymmetry <= 1) {
		return bad("asymmetry must be from 0.01 to 1")
	}
	if len(s.Fields) == 0 {
		return bad("fields: at least one field is needed")
	}
	if len(s.Fields) > maxFields {
		return bad("fields: at most %d fields", maxFields)
	}
	names := map[string]bool{}
	for i := range s.Fields {
		f := &s.Fields[i]
		if !validLabel(f.Name) {
			return bad("field %d: name must be 1-64 letters, digits, '-', '_' or '.'", i+1)
		}
		if names[f.Name] {
			return bad("field %s: defined twice", f.Name)
		}
		names[f.Name] = true
		if err := f.validate(s.FilterBits); err != nil {
			return err
		}
	}
	if err := s.Hardening.validate(s); err != nil {
		return err
	}
	if err := s.validateSegments(); err != nil {
		return err
	}
	canon, err := json.Marshal(s)
	if err != nil {
		return errs.Wrap(err, "linkage: canonical schema")
	}
	s.sum = sha256.Sum256(canon)
	return nil
}

func (f *Field) validate(filterBits int) error {
	bad := func(format string, a ...any) error {
		return errs.Field(f.Name, "schema: field "+f.Name+": "+format, a...)
	}
	if len(f.Columns) == 0 {
		f.Columns = []string{f.Name}
	}
	for _, c := range f.Columns {
		if c == "" {
			return bad("columns: empty column name")
		}
	}
	if f.Key == "" {
		f.Key = f.Name
	}
	if !validLabel(f.Key) {
		return bad("key must be 1-64 letters, digits, '-', '_' or '.'")
	}
	norm, ok := normalisers[f.Normalise]
	if !ok {
		return bad("normalise: unknown normaliser %q (known: %s)", f.Normalise, normaliserNames())
	}
	if norm.date {
		switch f.Format {
		case "":
			f.Format = "YYYY-MM-DD"
		case "YYYY-MM-DD", "YYYYMMDD":
		default:
			return bad("format must be \"YYYY-MM-DD\" or \"YYYYMMDD\"")
		}
	} else if f.Format != "" {
		return bad("format applies only to the date normaliser")
	}
	if (f.Estimated != "" || len(f.EstimatedDays) > 0) && !norm.date {
		return bad("estimated and estimated_days apply only to the date normaliser")
	}
	for _, d := range f.EstimatedDays {
		if len(d) != 5 || d[2] != '-' || !isDigits(d[:2]) || !isDigits(d[3:]) {
			return bad("estimated_days: %q is not MM-DD", d)
		}
	}
	if len(f.Tokens) == 0 {
		return bad("tokens: at least one tokeniser is needed")
	}
	if len(f.Tokens) > maxTokenisers {
		return bad("tokens: at most %d tokenisers", maxTokenisers)
	}
	for i := range f.Tokens {
		t := &f.Tokens[i]
		where := fmt.Sprintf("tokens[%d] (%s)", i, t.Kind)
		if t.Kind == kindDate && !norm.date {
			return bad("%s: a date tokeniser needs the date normaliser", where)
		}
		if norm.date && t.Kind != kindDate && t.Kind != kindExact {
			return bad("%s: a date field takes only date or exact tokenisers", where)
		}
		if err := t.validate(); err != nil {
			return bad("%s: %v", where, err)
		}
		if t.BitsPerToken > filterBits/2 || t.FieldBits > filterBits {
			return bad("%s: more bits than the filter can hold", where)
		}
	}
	return nil
}

func (t *Tokeniser) validate() error {
	switch t.Kind {
	case kindQGram:
		if t.N == 0 {
			t.N = 2
		}
		if t.N < 1 || t.N > maxQGram {
			return fmt.Errorf("n must be from 1 to %d", maxQGram)
		}
	case kindExact, kindPhonetic:
		if t.N != 0 || t.Padded || t.Positional {
			return fmt.Errorf("n, padded and positional apply only to qgram")
		}
	case kindDate:
		if t.N != 0 || t.Padded || t.Positional {
			return fmt.Errorf("n, padded and positional apply only to qgram")
		}
		if len(t.Parts) == 0 {
			return fmt.Errorf("parts: at least one date part is needed")
		}
		for _, p := range t.Parts {
			if !slices.Contains(dateParts, p) {
				return fmt.Errorf("parts: unknown date part %q (known: %v)", p, dateParts)
			}
		}
		if t.YearWindow == 0 {
			t.YearWindow = 1
		}
		if t.YearWindow < 0 || t.YearWindow > maxYearWindow {
			return fmt.Errorf("year_window must be from 1 to %d", maxYearWindow)
		}
		if t.DayWindow == 0 && slices.Contains(t.Parts, "day_window") {
			t.DayWindow = 2
		}
		if t.DayWindow < 0 || t.DayWindow > 7 || t.DayWindow > 0 && !slices.Contains(t.Parts, "day_window") {
			return fmt.Errorf("day_window must be from 1 to 7, with the day_window part")
		}
	case "":
		return fmt.Errorf("kind is missing")
	default:
		return fmt.Errorf("unknown kind (known: qgram, exact, phonetic, date)")
	}
	if t.Kind != kindDate && (len(t.Parts) > 0 || t.YearWindow != 0 || t.DayWindow != 0) {
		return fmt.Errorf("parts and year_window apply only to date")
	}
	switch {
	case t.BitsPerToken != 0 && t.FieldBits != 0:
		return fmt.Errorf("give bits_per_token or field_bits, not both")
	case t.BitsPerToken == 0 && t.FieldBits == 0:
		return fmt.Errorf("bits_per_token or field_bits is needed")
	case t.BitsPerToken < 0 || t.BitsPerToken > maxBitsPerToken:
		return fmt.Errorf("bits_per_token must be from 1 to %d", maxBitsPerToken)
	case t.FieldBits < 0 || t.FieldBits > maxFieldBits:
		return fmt.Errorf("field_bits must be from 1 to %d", maxFieldBits)
	}
	return nil
}

func (h *Hardening) validate(s *Schema) error {
	if h.BLIP < 0 || h.BLIP >= 0.5 || h.BLIP != h.BLIP {
		return errs.E(errs.Invalid, "schema: hardening.blip must be from 0 to below 0.5")
	}
	if h.Salt != "" {
		i := slices.IndexFunc(s.Fields, func(f Field) bool { return f.Name == h.Salt })
		if i < 0 {
			return errs.E(errs.Invalid, "schema: hardening.salt: no field named %q", h.Salt)
		}
	}
	return nil
}

// validLabel reports whether s is a safe name for a schema, field or key.
func validLabel(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// Fingerprint returns a hex digest of the schema's canonical form. Encoding
// files carry it so that encodings made under different schemas are never
// compared.
func (s *Schema) Fingerprint() string { return hex.EncodeToString(s.sum[:16]) }

// EncodedBits returns the length in bits of the encodings the schema
// produces, after hardening.
func (s *Schema) EncodedBits() int {
	n := s.FilterBits
	if s.Hardening.XORFold {
		n /= 2
	}
	if s.Hardening.Balance {
		n *= 2
	}
	return n
}

// Columns returns the CSV columns the schema reads: the id column first,
// then each field's columns and estimated-flag columns, without repeats.
func (s *Schema) Columns() []string {
	cols := []string{s.ID}
	add := func(c string) {
		if c != "" && !slices.Contains(cols, c) {
			cols = append(cols, c)
		}
	}
	for _, f := range s.Fields {
		for _, c := range f.Columns {
			add(c)
		}
		add(f.Estimated)
	}
	return cols
}

// MarshalIndent returns the schema as indented JSON, as a schema file.
func (s *Schema) MarshalIndent() ([]byte, error) {
	return json.MarshalIndent(s, "", "  ")
}
