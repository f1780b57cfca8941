package linkage

import (
	"context"
	"io"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/synth"
)

// encodeSynth generates registrations with synth.Stream, writes them as CSV
// through a pipe and encodes them with EncodeCSV, the path the encode
// command takes. It returns the encodings and the true entity of each.
func encodeSynth(t testing.TB, s *Schema, opt synth.Options) (*Encodings, []string) {
	t.Helper()
	enc, err := NewEncoder(s, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	var entities []string
	sink := &memSink{e: &Encodings{Words: enc.Words()}}
	if opt.Records > 0 { // the scale test: no slack from growing slices
		sink.e.IDs = make([]string, 0, opt.Records)
		sink.e.Filters = make([]uint64, 0, opt.Records*enc.Words())
		entities = make([]string, 0, opt.Records)
	}
	go func() {
		cw := synth.NewChildCSVWriter(pw)
		err := synth.Stream(opt, func(r synth.Record) error {
			entities = append(entities, r.Entity)
			return cw.Write(r)
		})
		if err == nil {
			err = cw.Flush()
		}
		pw.CloseWithError(err)
	}()

	if _, err := EncodeCSV(context.Background(), pr, enc, sink, 0, nil); err != nil {
		t.Fatal(err)
	}
	if len(entities) != sink.e.Len() {
		t.Fatalf("%d records generated, %d encoded", len(entities), sink.e.Len())
	}
	return sink.e, entities
}

// childSchema returns the built-in child schema.
func childSchema(t testing.TB) *Schema {
	t.Helper()
	s, ok := BuiltinSchema("child-clk")
	if !ok {
		t.Fatal("no child schema")
	}
	return s
}
