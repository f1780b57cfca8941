package linkage

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

func FuzzParseSchema(f *testing.F) {
	f.Add([]byte(minimalSchema))
	if data, err := os.ReadFile("../../examples/schemas/febrl.json"); err == nil {
		f.Add(data)
	}
	entries, _ := builtinFS.ReadDir("schemas")
	for _, e := range entries {
		data, err := builtinFS.ReadFile("schemas/" + e.Name())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"format": "childcentre-linkage-schema", "version": 1, "name": "t", "id": "id", "hardening": {"balance": true, "xor_fold": true, "rule90": true, "blip": 0.1, "salt": "d"},
	 "fields": [{"name": "d", "normalise": "date", "estimated": "e", "tokens": [{"kind": "date", "parts": ["year_window", "day_month_any"], "bits_per_token": 5}]}]}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSchema(bytes.NewReader(data))
		if err != nil {
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("error without the invalid code: %v", err)
			}
			return
		}
		// A schema that parses must encode any row without panicking, and
		// its canonical form must parse to the same fingerprint.
		enc, err := NewEncoder(s, testSecret)
		if err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(s.Columns()))
		for i := range row {
			row[i] = "2010-01-02"
		}
		filter := make([]uint64, enc.Words())
		enc.Encode(row, filter)
		canon, err := s.MarshalIndent()
		if err != nil {
			t.Fatal(err)
		}
		s2, err := ParseSchema(bytes.NewReader(canon))
		if err != nil {
			t.Fatalf("canonical form does not parse: %v", err)
		}
		if s2.Fingerprint() != s.Fingerprint() {
			t.Fatal("canonical form has another fingerprint")
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("id,given_name,dob,est\n1,Anna,2010-01-01,0\n2,\"Bo, Jr\",2011,1\n"))
	f.Add([]byte("\ufeffid,given_name,dob,est\r\n1,Łukasz,2010-13-01,0\r\n"))
	f.Add([]byte("id,given_name,dob,est\n1,\"a\"\"b\",,\n"))
	f.Add([]byte("id\n"))
	s := dateSchema(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		enc, _ := NewEncoder(s, testSecret)
		sink := &memSink{e: &Encodings{Words: enc.Words()}}
		n, err := EncodeCSV(context.Background(), bytes.NewReader(data), enc, sink, 2, nil)
		if err != nil {
			var re *RowError
			if !errors.As(err, &re) {
				t.Fatalf("error is not a RowError: %T %v", err, err)
			}
			if re.Row < 1 {
				t.Fatalf("row %d", re.Row)
			}
			return
		}
		if n != sink.e.Len() || len(sink.e.Filters) != n*enc.Words() {
			t.Fatalf("%d rows reported, %d written", n, sink.e.Len())
		}
	})
}

func FuzzReadEncodings(f *testing.F) {
	s, _ := ParseSchema(strings.NewReader(minimalSchema))
	enc, _ := NewEncoder(s, testSecret)
	var buf bytes.Buffer
	w, _ := NewEncodingWriter(&buf, enc)
	filter := make([]uint64, enc.Words())
	for _, name := range []string{"anna", "bo"} {
		enc.Encode([]string{name, name}, filter)
		w.Write(name, filter)
	}
	w.Close()
	f.Add(buf.Bytes())
	f.Add([]byte(`{"format":"childcentre-encodings","version":1,"schema":"t","schema_fingerprint":"x","filter_bits":64,"key_id":"00000000000000000000000000000000"}` + "\n\x00"))
	f.Add([]byte("\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ReadEncodings(bytes.NewReader(data))
		if err != nil {
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("error without the invalid code: %v", err)
			}
			return
		}
		if len(e.Filters) != e.Len()*e.Words {
			t.Fatalf("%d filters words for %d records of %d words", len(e.Filters), e.Len(), e.Words)
		}
		// A file that reads must write back to the same bytes.
		var out bytes.Buffer
		w, err := newEncodingWriter(&out, e.Header)
		if err != nil {
			t.Fatal(err)
		}
		for i, id := range e.IDs {
			if err := w.Write(id, e.Filter(i)); err != nil {
				t.Fatal(err)
			}
		}
		w.Close()
		if !bytes.Equal(out.Bytes()[bytes.IndexByte(out.Bytes(), '\n'):], data[bytes.IndexByte(data, '\n'):]) {
			t.Fatal("records do not round-trip")
		}
	})
}
