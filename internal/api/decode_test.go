package api

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// fieldPath is the form of every field a problem may name: JSON names
// and indexes, or the placeholder of a key that is not echoed.
var fieldPath = regexp.MustCompile(`^$|^(?:[A-Za-z][A-Za-z0-9_]*|\(unknown field\))(?:\[\d+\])*(?:\.(?:[A-Za-z][A-Za-z0-9_]*|\(unknown field\))(?:\[\d+\])*)*$`)

// details are the messages decode may give; none carries a value.
var details = regexp.MustCompile(`^(is not a field of this input|appears more than once|must be an object|must be an array|` +
	`must be a string|must be true or false|must be an integer|must be a date and time in RFC 3339 format, e\.g\. 2025-06-02T10:30:00Z|` +
	`unexpected data after the JSON document|the body is not valid UTF-8 text \(invalid bytes or an unpaired surrogate escape\)|the document does not match the operation's input|` +
	`is not valid JSON|is not valid JSON \(at byte \d+\)|is not valid JSON \(it ends too early\))$`)

// checkDecode decodes data into a new T and checks the decoder's promises:
// problems name paths and rules only; what it accepts, encoding/json
// accepts as well (strictly) to the same value, and a re-encoding is
// accepted again unchanged.
func checkDecode[T any](t *testing.T, data []byte) {
	var v T
	probs := decode(data, &v)
	for _, p := range probs {
		if !fieldPath.MatchString(p.Field) || !details.MatchString(p.Detail) {
			t.Fatalf("problem %+v of %q names something else than a path and a rule", p, data)
		}
	}
	if len(probs) > 0 {
		return
	}
	var std T
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&std); err != nil {
		t.Fatalf("decode accepted %q, encoding/json refuses it: %v", data, err)
	}
	a, err1 := json.Marshal(v)
	b, err2 := json.Marshal(std)
	if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
		t.Fatalf("decode and encoding/json differ on %q:\n%s\n%s", data, a, b)
	}
	var again T
	if probs := decode(a, &again); len(probs) > 0 {
		t.Fatalf("the re-encoding %s of %q is refused: %+v", a, data, probs)
	}
	if c, _ := json.Marshal(again); !bytes.Equal(a, c) {
		t.Fatalf("round trip changed %s into %s", a, c)
	}
}

// FuzzDecodeChild fuzzes the strict decoder on the bodies that carry a
// child: a child alone, a child update, a registration.
func FuzzDecodeChild(f *testing.F) {
	for _, s := range []string{
		`{"given_names":"Łukasz","family_name":"Nowak","birth_date":"2010-03","sex":"male"}`,
		`{"national_ref":"N-1","aliases":[{"name":"Олександр","script":"Cyrl","source":"passport"}],"citizenships":["UA"],"version":2}`,
		`{"assessments":[{"date":"2025-01-02","method":"medical","outcome":"15-17","assessed_by":"clinic"}],"notes":"a\nb"}`,
		`{"child":{"given_names":"A"},"case":{"category":"other","evidence":"presumed","opened_at":"2025-06-02T10:30:00+02:00","consent":true}}`,
		`{"given_names":"A","given_names":"B","Sex":"x","extra":{"a":[1,{"b":null}]}}`,
		`{"aliases":{"name":1},"citizenships":"SE","version":1.5,"child":[]}`,
		`{"version":99999999999999999999}`,
		`{} []`, `{"a":`, `null`, `[]`, `"x"`, ``, `{"\u0000":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode[ChildInput](t, data)
		checkDecode[ChildUpdate](t, data)
		checkDecode[Registration](t, data)
	})
}

// TestDecodeProblems checks the paths and rules the decoder reports.
func TestDecodeProblems(t *testing.T) {
	tests := []struct {
		body string
		want []string // "field: detail"
	}{
		{`{"child":{"aliases":[{"name":"a"},{"nmae":"b"}]},"case":{"opened_at":"2025-13-01T00:00:00Z"}}`,
			[]string{"child.aliases[1].nmae: is not a field of this input",
				"case.opened_at: must be a date and time in RFC 3339 format, e.g. 2025-06-02T10:30:00Z"}},
		{`{"child":{"citizenships":[1,"SE",true]},"case":[]}`,
			[]string{"child.citizenships[0]: must be a string", "child.citizenships[2]: must be a string", "case: must be an object"}},
		{`{"child":null,"case":{"consent":null}}`, nil},
		{`{"child":{},"case":{}}x`, []string{": unexpected data after the JSON document"}},
		{`{"child": x}`, []string{": is not valid JSON (at byte 11)"}}, // counted from 1: the x
		// Invalid UTF-8 and unpaired surrogates are refused, not replaced
		// by U+FFFD (issue 10 L2); pairs and escaped backslashes are fine.
		{"{\"child\":{\"given_names\":\"Amir\xff\"}}", []string{": " + errNotUTF8}},
		{`{"child":{"given_names":"Amir\ud800"}}`, []string{": " + errNotUTF8}},
		{`{"child":{"given_names":"Amir\udc00x"}}`, []string{": " + errNotUTF8}},
		{`{"child":{"given_names":"\ud83d\ude00 \\ud800 \u00e9"}}`, nil},
	}
	for _, tt := range tests {
		var reg Registration
		var got []string
		for _, p := range decode([]byte(tt.body), &reg) {
			got = append(got, p.Field+": "+p.Detail)
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("decode(%s) =\n%q\nwant\n%q", tt.body, got, tt.want)
		}
	}
	var u ChildUpdate
	if probs := decode([]byte(`{"given_names":"A","version":3}`), &u); len(probs) > 0 || u.GivenNames != "A" || u.Version == nil || *u.Version != 3 {
		t.Errorf("embedded fields: %+v, %+v", u, probs)
	}
}
