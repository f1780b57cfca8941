package registrycsv

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzParse feeds arbitrary files to the reader: it must not panic, must
// name only known columns in its problems, and every row it reads without
// a problem must survive a round trip through the Writer unchanged.
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 60s ./internal/registrycsv/
func FuzzParse(f *testing.F) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, r := range sample() {
		if err := w.Write(r); err != nil {
			f.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("national_ref;family_name;category;evidence\nN-1;Ab;other;presumed\n"))
	f.Add([]byte("national_ref,family_name,category,evidence,aliases,alias_sources\nN,\"x\"\"y\",a,b,c|d,e|f|g\n,,,\n"))
	f.Add([]byte("\uFEFFnational_ref,given_names,category,evidence,consent,opened_at\nN,'=1,a,b,maybe,2025-13-01\n\"open"))
	f.Fuzz(func(t *testing.T, data []byte) {
		regs, rows, probs, err := ReadAll(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("ReadAll on an in-memory file: %v", err)
		}
		if len(regs) != len(rows) {
			t.Fatalf("%d registrations for %d rows", len(regs), len(rows))
		}
		bad := map[int]bool{}
		for _, p := range probs {
			if p.Row < 1 || p.Message == "" {
				t.Fatalf("malformed problem %+v", p)
			}
			if _, ok := columnIndex[p.Column]; p.Column != "" && !ok {
				t.Fatalf("problem names an unknown column %q", p.Column)
			}
			bad[p.Row] = true
		}
		for i, r := range regs {
			if bad[rows[i]] {
				continue
			}
			var out bytes.Buffer
			w := NewWriter(&out)
			if err := w.Write(r); err != nil {
				continue // a value the format cannot write (an entry holding "|"), refused by name
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			again, _, p2, err := ReadAll(&out)
			if err != nil || len(p2) != 0 || len(again) != 1 {
				t.Fatalf("row %d does not read back: %v %v (%d rows)\n%q", rows[i], err, p2, len(again), out.String())
			}
			if !reflect.DeepEqual(again[0], r) {
				t.Fatalf("row %d changed in a round trip:\n got %#v\nwant %#v", rows[i], again[0], r)
			}
		}
	})
}
