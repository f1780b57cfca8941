package linkage

import (
	"bytes"
	"embed"
	"slices"
	"strings"
)

// builtinFS holds the built-in schemas, one JSON file each, named after the
// schema.
//
//go:embed schemas/*.json
var builtinFS embed.FS

// BuiltinSchema returns a built-in schema by name ("child"). Each call
// returns a fresh copy.
func BuiltinSchema(name string) (*Schema, bool) {
	if !validLabel(name) {
		return nil, false
	}
	data, err := builtinFS.ReadFile("schemas/" + name + ".json")
	if err != nil {
		return nil, false
	}
	s, err := ParseSchema(bytes.NewReader(data))
	if err != nil {
		panic("linkage: built-in schema " + name + ": " + err.Error()) // caught by the tests
	}
	return s, true
}

// BuiltinSchemaNames lists the built-in schemas, comma-separated.
func BuiltinSchemaNames() string {
	entries, _ := builtinFS.ReadDir("schemas")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".json"))
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
