package linkage

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func dateSchema(t testing.TB) *Schema {
	t.Helper()
	src := `{"format": "childcentre-linkage-schema", "version": 1, "name": "t", "id": "id",
	 "fields": [{"name": "given_name", "normalise": "lower", "tokens": [{"kind": "qgram", "bits_per_token": 10}]},
	            {"name": "dob", "normalise": "date", "estimated": "est", "tokens": [{"kind": "date", "parts": ["year"], "bits_per_token": 5}]}]}`
	s, err := ParseSchema(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCSVReader(t *testing.T) {
	s := dateSchema(t)
	in := "\ufeffExtra, ID , dob,Given_Name,est\nx, a1 , 2010-01-01, Anna ,0\ny,a2,,\"Bo, Jr\",1\n"
	r, err := NewCSVReader(strings.NewReader(in), s)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for {
		row, line, err := r.Next()
		if err != nil {
			break
		}
		rows = append(rows, strings.Join(row, "|")+"@"+string(rune('0'+line)))
	}
	want := "a1|Anna|2010-01-01|0@2 a2|Bo, Jr||1@3"
	if got := strings.Join(rows, " "); got != want {
		t.Errorf("rows %q, want %q", got, want)
	}
}

func TestEncodeCSVErrors(t *testing.T) {
	s := dateSchema(t)
	secretName := "Zebedee"
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "row 1: the file is empty"},
		{"missing column", "id,given_name\n1,a\n", "row 1: column dob: the header lacks this column"},
		{"twice", "id,id,given_name,dob,est\n", "row 1: column id: the header names this column twice"},
		{"bad date", "id,given_name,dob,est\n1,a,2010-01-01,0\n2," + secretName + ",31/12/2010,0\n", "row 3: column dob: not a date"},
		{"bad flag", "id,given_name,dob,est\n1," + secretName + ",2010-01-01,maybe\n", "row 2: column est: must be 0 or 1"},
		{"field count", "id,given_name,dob,est\n1," + secretName + ",2010-01-01\n", "row 2: wrong number of columns"},
		{"quotes", "id,given_name,dob,est\n1,\"" + secretName + ",2010-01-01,0\n", "malformed quotes"},
		{"empty id", "id,given_name,dob,est\n ," + secretName + ",2010-01-01,0\n", "row 2: column id: the record id is empty"},
		{"duplicate id", "id,given_name,dob,est\n7,a,,0\n8,b,,0\n7," + secretName + ",,0\n", "row 4: column id: the record id occurs twice (first in row 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, _ := NewEncoder(s, testSecret)
			sink := &memSink{e: &Encodings{}}
			_, err := EncodeCSV(context.Background(), strings.NewReader(tt.in), enc, sink, 2, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secretName) || strings.Contains(err.Error(), "31/12") {
				t.Errorf("error %q contains a value", err)
			}
			var re *RowError
			if !errors.As(err, &re) {
				t.Errorf("not a RowError: %T", err)
			}
		})
	}
}

func TestEncodeCSVOrderAndCancel(t *testing.T) {
	s := dateSchema(t)
	var in bytes.Buffer
	in.WriteString("id,given_name,dob,est\n")
	n := 3*batchSize + 17
	for i := range n {
		in.WriteString("r")
		in.WriteString(strings.Repeat("x", i%7))
		in.WriteString(string(rune('a'+i%26)) + "-" + itoa(i) + ",name" + itoa(i%50) + ",2010-01-01,0\n")
	}
	enc, _ := NewEncoder(s, testSecret)
	sink := &memSink{e: &Encodings{Words: enc.Words()}}
	got, err := EncodeCSV(context.Background(), bytes.NewReader(in.Bytes()), enc, sink, 3, nil)
	if err != nil || got != n || sink.e.Len() != n {
		t.Fatalf("EncodeCSV = %d, %v (%d written)", got, err, sink.e.Len())
	}
	// Order kept, and each filter is the one a single encoder makes.
	one, _ := NewEncoder(s, testSecret)
	f := make([]uint64, one.Words())
	for _, i := range []int{0, batchSize, n - 1} {
		if !strings.HasSuffix(sink.e.IDs[i], "-"+itoa(i)) {
			t.Fatalf("record %d has id %s", i, sink.e.IDs[i])
		}
		one.Encode([]string{sink.e.IDs[i], "name" + itoa(i%50), "2010-01-01", "0"}, f)
		if !slices64Equal(f, sink.e.Filter(i)) {
			t.Fatalf("record %d encoded differently in parallel", i)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := EncodeCSV(ctx, bytes.NewReader(in.Bytes()), enc, &memSink{e: &Encodings{}}, 2, nil); err == nil {
		t.Error("a cancelled run reported success")
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}
