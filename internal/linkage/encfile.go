package linkage

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// The encoding file: one JSON header line, then binary records, then a
// trailer.
//
//	{"format":"childcentre-encodings","version":1,"schema":"child",
//	 "schema_fingerprint":"…","filter_bits":1024,"key_id":"…"}\n
//	record*: id length (1 byte, 1-255), id (UTF-8), filter (filter_bits/8
//	         bytes, 64-bit words little-endian)
//	trailer: 0x00, record count (8 bytes little-endian), SHA-256 of every
//	         byte after the header line up to and including the count.
//
// The trailer makes a truncated or altered file an error instead of a
// silently shorter link. The file holds no secret and no identifier other
// than the pseudonymous record ids.

// EncodingFormat is the "format" member of an encoding file's header.
const EncodingFormat = "childcentre-encodings"

// EncodingVersion is the encoding file version this package writes and reads.
const EncodingVersion = 1

// maxHeader bounds the header line so that a wrong file is refused quickly.
const maxHeader = 4096

// Header describes an encoding file.
type Header struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Schema and SchemaFingerprint identify the schema the filters were made
	// with; only files with the same fingerprint can be linked.
	Schema            string `json:"schema"`
	SchemaFingerprint string `json:"schema_fingerprint"`
	// FilterBits is the length of every filter in bits.
	FilterBits int `json:"filter_bits"`
	// KeyID is the fingerprint of the secret (KeyID): files made under
	// different secrets are refused.
	KeyID string `json:"key_id"`
	// Threshold and Review are the schema's recommended thresholds, if any.
	Threshold float64 `json:"threshold,omitempty"`
	Review    float64 `json:"review,omitempty"`
	Asymmetry float64 `json:"asymmetry,omitempty"`
	// Layout, for a segmented schema, says where each field's segment lies
	// and how segments are compared; Threshold and Review are then match
	// probabilities.
	Layout *Layout `json:"layout,omitempty"`
}

// Compatible reports whether filters under h and o can be compared, and if
// not, why.
func (h Header) Compatible(o Header) error {
	switch {
	case h.KeyID != o.KeyID:
		return errs.E(errs.Invalid, "encodings made with different linkage secrets cannot be linked")
	case h.SchemaFingerprint != o.SchemaFingerprint || h.Schema != o.Schema:
		return errs.E(errs.Invalid, "encodings made with different schemas (%s, %s) cannot be linked", h.Schema, o.Schema)
	case h.FilterBits != o.FilterBits:
		return errs.E(errs.Invalid, "encodings of different lengths cannot be linked")
	}
	return nil
}

// EncodingWriter writes an encoding file.
type EncodingWriter struct {
	w     *bufio.Writer
	sum   hash.Hash
	body  io.Writer // w and sum
	words int
	n     uint64
	buf   []byte
}

// NewEncodingWriter writes the header for enc's schema and secret to w.
func NewEncodingWriter(w io.Writer, enc *Encoder) (*EncodingWriter, error) {
	h := Header{
		Format: EncodingFormat, Version: EncodingVersion,
		Schema: enc.s.Name, SchemaFingerprint: enc.s.Fingerprint(),
		FilterBits: enc.s.EncodedBits(), KeyID: enc.KeyID(),
		Threshold: enc.s.Threshold, Review: enc.s.Review, Asymmetry: enc.s.Asymmetry,
		Layout: enc.s.layout,
	}
	return newEncodingWriter(w, h)
}

func newEncodingWriter(w io.Writer, h Header) (*EncodingWriter, error) {
	line, err := json.Marshal(h)
	if err != nil {
		return nil, errs.Wrap(err, "linkage: encoding header")
	}
	ew := &EncodingWriter{w: bufio.NewWriterSize(w, 1<<16), sum: sha256.New(), words: h.FilterBits / 64}
	ew.body = io.MultiWriter(ew.w, ew.sum)
	if _, err := ew.w.Write(append(line, '\n')); err != nil {
		return nil, errs.Wrap(err, "linkage: write encodings")
	}
	return ew, nil
}

// Write appends one record.
func (ew *EncodingWriter) Write(id string, filter []uint64) error {
	if len(id) == 0 || len(id) > 255 {
		return errs.E(errs.Invalid, "record ids must be 1 to 255 bytes")
	}
	if len(filter) != ew.words {
		return errs.E(errs.Internal, "linkage: filter of the wrong length")
	}
	ew.buf = append(ew.buf[:0], byte(len(id)))
	ew.buf = append(ew.buf, id...)
	for _, w := range filter {
		ew.buf = binary.LittleEndian.AppendUint64(ew.buf, w)
	}
	ew.n++
	_, err := ew.body.Write(ew.buf)
	return errs.Wrap(err, "linkage: write encodings")
}

// Close writes the trailer and flushes; it does not close the underlying
// writer.
func (ew *EncodingWriter) Close() error {
	ew.buf = append(ew.buf[:0], 0)
	ew.buf = binary.LittleEndian.AppendUint64(ew.buf, ew.n)
	ew.sum.Write(ew.buf)
	ew.buf = ew.sum.Sum(ew.buf)
	if _, err := ew.w.Write(ew.buf); err != nil {
		return errs.Wrap(err, "linkage: write encodings")
	}
	return errs.Wrap(ew.w.Flush(), "linkage: write encodings")
}

// Encodings is the content of one or more encoding files: record ids and
// their filters, stored contiguously (filter i is Filters[i*Words :
// (i+1)*Words]).
type Encodings struct {
	Header  Header
	IDs     []string
	Filters []uint64
	Words   int
}

// Len returns the number of records.
func (e *Encodings) Len() int { return len(e.IDs) }

// Filter returns the filter of record i.
func (e *Encodings) Filter(i int) []uint64 { return e.Filters[i*e.Words : (i+1)*e.Words] }

// ReadEncodings reads an encoding file. Any deviation from the format (a
// wrong header, a truncated file, a checksum mismatch, trailing bytes) is an
// error.
func ReadEncodings(r io.Reader) (*Encodings, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	line, err := br.ReadSlice('\n')
	if err != nil || len(line) > maxHeader {
		return nil, errs.E(errs.Invalid, "not a childcentre encoding file (no header line)")
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	var h Header
	if err := dec.Decode(&h); err != nil || h.Format != EncodingFormat {
		return nil, errs.E(errs.Invalid, "not a childcentre encoding file (bad header)")
	}
	if h.Version != EncodingVersion {
		return nil, errs.E(errs.Invalid, "encoding file version %d is not supported (this program reads version %d)", h.Version, EncodingVersion)
	}
	if h.FilterBits < 64 || h.FilterBits > 2*maxFilterBits || h.FilterBits%64 != 0 {
		return nil, errs.E(errs.Invalid, "encoding file: bad filter length")
	}
	if _, err := hex.DecodeString(h.KeyID); err != nil || len(h.KeyID) != 32 {
		return nil, errs.E(errs.Invalid, "encoding file: bad key id")
	}
	if h.Threshold < 0 || h.Threshold > 1 || h.Review < 0 || h.Review > 1 || h.Asymmetry < 0 || h.Asymmetry > 1 {
		return nil, errs.E(errs.Invalid, "encoding file: bad thresholds")
	}
	if h.Layout != nil {
		if err := h.Layout.Validate(); err != nil || h.Layout.Words != h.FilterBits/64 {
			return nil, errs.E(errs.Invalid, "encoding file: bad layout")
		}
	}
	e := &Encodings{Header: h, Words: h.FilterBits / 64}
	sum := sha256.New()
	fbytes := make([]byte, 8*e.Words)
	var idb [255]byte
	var lenb [1]byte
	var n uint64
	for {
		lb, err := br.ReadByte()
		if err != nil {
			return nil, truncated(err)
		}
		lenb[0] = lb
		sum.Write(lenb[:])
		if lb == 0 {
			break
		}
		id := idb[:lb]
		if _, err := io.ReadFull(br, id); err != nil {
			return nil, truncated(err)
		}
		if _, err := io.ReadFull(br, fbytes); err != nil {
			return nil, truncated(err)
		}
		sum.Write(id)
		sum.Write(fbytes)
		e.IDs = append(e.IDs, string(id))
		for i := range e.Words {
			e.Filters = append(e.Filters, binary.LittleEndian.Uint64(fbytes[8*i:]))
		}
		n++
	}
	var tail [8 + 32]byte
	if _, err := io.ReadFull(br, tail[:]); err != nil {
		return nil, truncated(err)
	}
	sum.Write(tail[:8])
	if binary.LittleEndian.Uint64(tail[:8]) != n {
		return nil, errs.E(errs.Invalid, "encoding file: record count does not match (file damaged)")
	}
	if !bytes.Equal(sum.Sum(nil), tail[8:]) {
		return nil, errs.E(errs.Invalid, "encoding file: checksum mismatch (file damaged or altered)")
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return nil, errs.E(errs.Invalid, "encoding file: unexpected data after the end")
	}
	return e, nil
}

func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errs.E(errs.Invalid, "encoding file: truncated")
	}
	return errs.Wrap(err, "linkage: read encodings")
}

// Append adds the records of o to e; their headers must be compatible. The
// first call on a zero Encodings adopts o's header.
func (e *Encodings) Append(o *Encodings) error {
	if e.Words == 0 && len(e.IDs) == 0 {
		e.Header, e.Words = o.Header, o.Words
	} else if err := e.Header.Compatible(o.Header); err != nil {
		return err
	}
	e.IDs = append(e.IDs, o.IDs...)
	e.Filters = append(e.Filters, o.Filters...)
	return nil
}

// CheckUniqueIDs returns an error naming the first id that occurs twice.
// Ids are pseudonymous record references, so naming one is safe.
func (e *Encodings) CheckUniqueIDs() error {
	seen := make(map[string]struct{}, len(e.IDs))
	for _, id := range e.IDs {
		if _, dup := seen[id]; dup {
			return errs.E(errs.Invalid, "record id %q occurs more than once: ids must be unique across all encoding files (prefix them with the country, e.g. DE-123)", id)
		}
		seen[id] = struct{}{}
	}
	return nil
}

// String describes the header for messages.
func (h Header) String() string {
	return fmt.Sprintf("schema %s, %d bits", h.Schema, h.FilterBits)
}
