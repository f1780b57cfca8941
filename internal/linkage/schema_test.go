package linkage

import (
	"os"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

const minimalSchema = `{"format": "childcentre-linkage-schema", "version": 1, "name": "t", "id": "id",
 "fields": [{"name": "given_name", "normalise": "lower", "tokens": [{"kind": "qgram", "bits_per_token": 10}]}]}`

func TestParseSchemaDefaults(t *testing.T) {
	s, err := ParseSchema(strings.NewReader(minimalSchema))
	if err != nil {
		t.Fatal(err)
	}
	if s.FilterBits != 1024 || s.Hash != HashHMACSHA256 || s.Fields[0].Tokens[0].N != 2 ||
		s.Fields[0].Key != "given_name" || s.Fields[0].Columns[0] != "given_name" {
		t.Errorf("defaults not filled: %+v", s)
	}
	if got := s.Columns(); strings.Join(got, ",") != "id,given_name" {
		t.Errorf("Columns = %v", got)
	}
	if len(s.Fingerprint()) != 32 {
		t.Errorf("fingerprint %q", s.Fingerprint())
	}
	// The fingerprint changes with any setting.
	s2, _ := ParseSchema(strings.NewReader(strings.Replace(minimalSchema, `"bits_per_token": 10`, `"bits_per_token": 11`, 1)))
	if s.Fingerprint() == s2.Fingerprint() {
		t.Error("different schemas have the same fingerprint")
	}
}

func TestParseSchemaErrors(t *testing.T) {
	tests := []struct {
		name, from, to, want string
	}{
		{"format", `"childcentre-linkage-schema"`, `"other"`, "format must be"},
		{"version", `"version": 1`, `"version": 2`, "version 2 is not supported"},
		{"name", `"name": "t"`, `"name": "a b"`, "name must be"},
		{"id", `"id": "id"`, `"id": ""`, "id: the identifier column is missing"},
		{"bits not power of two", `"id": "id",`, `"id": "id", "filter_bits": 1000,`, "filter_bits must be a power of two"},
		{"hash", `"id": "id",`, `"id": "id", "hash": "md5",`, `hash must be`},
		{"unknown member", `"id": "id",`, `"id": "id", "colour": 1,`, `unknown field "colour"`},
		{"normaliser", `"normalise": "lower"`, `"normalise": "soundex"`, "field given_name: normalise: unknown normaliser"},
		{"kind", `"kind": "qgram"`, `"kind": "trigram"`, "field given_name: tokens[0] (trigram): unknown kind"},
		{"bits missing", `, "bits_per_token": 10`, ``, "field given_name: tokens[0] (qgram): bits_per_token or field_bits is needed"},
		{"bits both", `"bits_per_token": 10`, `"bits_per_token": 10, "field_bits": 100`, "not both"},
		{"bits too many", `"bits_per_token": 10`, `"bits_per_token": 1000`, "bits_per_token must be from 1 to 64"},
		{"q too large", `"kind": "qgram"`, `"kind": "qgram", "n": 12`, "n must be from 1 to 8"},
		{"date tokens on text", `"kind": "qgram"`, `"kind": "date", "parts": ["year"]`, "a date tokeniser needs the date normaliser"},
		{"no fields", `"fields": [{"name": "given_name", "normalise": "lower", "tokens": [{"kind": "qgram", "bits_per_token": 10}]}]`, `"fields": []`, "at least one field"},
		{"salt", `"id": "id",`, `"id": "id", "hardening": {"salt": "nope"},`, `hardening.salt: no field named "nope"`},
		{"blip", `"id": "id",`, `"id": "id", "hardening": {"blip": 0.7},`, `hardening.blip`},
		{"threshold", `"id": "id",`, `"id": "id", "threshold": 0.5, "review": 0.6,`, `review must be`},
		{"syntax", `"id": "id",`, `"id": "id",,`, `syntax error at byte`},
		{"trailing", `]}]}`, `]}]} {}`, `unexpected data after`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(minimalSchema, tt.from, tt.to, 1)
			if src == minimalSchema {
				t.Fatalf("test does not change the schema")
			}
			_, err := ParseSchema(strings.NewReader(src))
			if err == nil {
				t.Fatalf("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if !errs.Is(err, errs.Invalid) {
				t.Errorf("error code %s, want invalid", errs.CodeOf(err))
			}
		})
	}
}

func TestParseSchemaDateField(t *testing.T) {
	src := `{"format": "childcentre-linkage-schema", "version": 1, "name": "t", "id": "id",
	 "fields": [{"name": "dob", "normalise": "date", "estimated": "est",
	   "tokens": [{"kind": "date", "parts": ["year", "fortnight"], "bits_per_token": 5}]}]}`
	_, err := ParseSchema(strings.NewReader(src))
	if err == nil || !strings.Contains(err.Error(), `field dob: tokens[0] (date): parts: unknown date part "fortnight"`) {
		t.Fatalf("err = %v", err)
	}
	s, err := ParseSchema(strings.NewReader(strings.Replace(src, `, "fortnight"`, "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Columns(), ","); got != "id,dob,est" {
		t.Errorf("Columns = %s", got)
	}
}

func TestBuiltinAndExampleSchemas(t *testing.T) {
	for _, listed := range strings.Split(BuiltinSchemaNames(), ", ") {
		name, _, _ := strings.Cut(listed, " (= ")
		if _, ok := BuiltinSchema(name); !ok {
			t.Errorf("built-in schema %s does not load", name)
		}
	}
	// The default name stands for the field-level model: encodings made
	// with it carry the real schema's name, and the names list says so.
	def, ok := BuiltinSchema(DefaultSchema)
	if !ok || def.Name != "child-fields" || def.Layout() == nil {
		t.Fatalf("--schema %s is not the field-level model: %+v", DefaultSchema, def)
	}
	if !strings.Contains(BuiltinSchemaNames(), "child (= child-fields)") {
		t.Errorf("BuiltinSchemaNames() = %q: the alias is not listed", BuiltinSchemaNames())
	}
	s, ok := BuiltinSchema("child-clk")
	if !ok || s.Name != "child-clk" || s.Layout() != nil {
		t.Fatal("no built-in record-level child-clk schema")
	}
	want := "id,given_name,family_name,date_of_birth,dob_estimated,sex,citizenship"
	if got := strings.Join(s.Columns(), ","); got != want {
		t.Errorf("child columns = %s, want %s", got, want)
	}
	if _, ok := BuiltinSchema("../schemas/child"); ok {
		t.Error("a path is not a built-in schema name")
	}
	f := loadSchemaFile(t, "../../examples/schemas/febrl.json")
	if f.Name != "febrl" || f.ID != "rec_id" {
		t.Errorf("febrl schema: %+v", f)
	}
	// Every example schema parses.
	entries, _ := os.ReadDir("../../examples/schemas")
	for _, e := range entries {
		loadSchemaFile(t, "../../examples/schemas/"+e.Name())
	}
}
