package linkage

import (
	"bytes"
	"strings"
	"testing"
)

// encodeSmall encodes a few FEBRL-like rows with the minimal schema.
func encodeSmall(t *testing.T, secret []byte) ([]byte, *Encoder) {
	t.Helper()
	s, err := ParseSchema(strings.NewReader(minimalSchema))
	if err != nil {
		t.Fatal(err)
	}
	enc, err := NewEncoder(s, secret)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := NewEncodingWriter(&buf, enc)
	if err != nil {
		t.Fatal(err)
	}
	f := make([]uint64, enc.Words())
	for i, name := range []string{"anna", "ahmed", "oleksandr"} {
		if err := enc.Encode([]string{"r" + string(rune('0'+i)), name}, f); err != nil {
			t.Fatal(err)
		}
		if err := w.Write("r"+string(rune('0'+i)), f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), enc
}

func TestEncodingFileRoundTrip(t *testing.T) {
	data, enc := encodeSmall(t, testSecret)
	e, err := ReadEncodings(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if e.Len() != 3 || e.IDs[2] != "r2" || e.Words != 16 || e.Header.Schema != "t" || e.Header.KeyID != enc.KeyID() {
		t.Fatalf("read back %+v", e.Header)
	}
	want := make([]uint64, 16)
	enc.Encode([]string{"r1", "ahmed"}, want)
	for i, w := range want {
		if e.Filter(1)[i] != w {
			t.Fatalf("filter 1 differs at word %d", i)
		}
	}
	// Nothing readable: the names are not in the file.
	for _, name := range []string{"anna", "ahmed", "oleksandr"} {
		if bytes.Contains(data, []byte(name)) {
			t.Errorf("encoding file contains the name %q", name)
		}
	}
	if bytes.Contains(data, testSecret) || bytes.Contains(data, []byte("5a5a5a5a")) {
		t.Error("encoding file contains the secret")
	}
}

func TestEncodingFileDamage(t *testing.T) {
	data, _ := encodeSmall(t, testSecret)
	header := bytes.IndexByte(data, '\n') + 1
	flip := func(i int) []byte {
		d := bytes.Clone(data)
		d[i] ^= 1
		return d
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not a childcentre encoding file"},
		{"csv", []byte("id,given_name\n1,anna\n"), "not a childcentre encoding file"},
		{"version", bytes.Replace(data, []byte(`"version":1`), []byte(`"version":9`), 1), "version 9 is not supported"},
		{"truncated", data[:len(data)-10], "truncated"},
		{"truncated in record", data[:header+20], "truncated"},
		{"flipped filter bit", flip(header + 10), "checksum mismatch"},
		{"flipped count", flip(len(data) - 33), "record count does not match"},
		{"trailing", append(bytes.Clone(data), 0), "unexpected data after the end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadEncodings(bytes.NewReader(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestEncodingsAppendRefusesOtherSecret(t *testing.T) {
	d1, _ := encodeSmall(t, testSecret)
	d2, _ := encodeSmall(t, bytes.Repeat([]byte{7}, SecretSize))
	e1, _ := ReadEncodings(bytes.NewReader(d1))
	e2, _ := ReadEncodings(bytes.NewReader(d2))
	all := &Encodings{}
	if err := all.Append(e1); err != nil {
		t.Fatal(err)
	}
	if err := all.Append(e2); err == nil || !strings.Contains(err.Error(), "different linkage secrets") {
		t.Fatalf("err = %v", err)
	}
	e3, _ := ReadEncodings(bytes.NewReader(d1))
	if err := all.Append(e3); err != nil {
		t.Fatal(err)
	}
	if err := all.CheckUniqueIDs(); err == nil || !strings.Contains(err.Error(), `"r0" occurs more than once`) {
		t.Fatalf("duplicate ids: %v", err)
	}
}
