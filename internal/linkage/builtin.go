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

// DefaultSchema is the name under which the recommended schema for
// children's registrations is found: `encode --schema child`. It is an alias,
// so that the recommendation can move to a better schema without a new
// name for users to learn; encodings carry the real schema's name and
// fingerprint, so files made before the move are still told apart.
const DefaultSchema = "child"

// builtinAliases maps the alias names of built-in schemas to the schema
// they stand for. `child` stands for the field-level model since
// 5 December 2026; the record-level CLK it stood for before is `child-clk`
// (docs/linkage.md, "Chosen default").
var builtinAliases = map[string]string{DefaultSchema: "child-fields"}

// BuiltinSchema returns a built-in schema by name ("child", "child-clk",
// "child-fields") or alias. Each call returns a fresh copy.
func BuiltinSchema(name string) (*Schema, bool) {
	if real, ok := builtinAliases[name]; ok {
		name = real
	}
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

// BuiltinSchemaNames lists the built-in schemas and aliases,
// comma-separated; an alias is followed by the schema it stands for.
func BuiltinSchemaNames() string {
	entries, _ := builtinFS.ReadDir("schemas")
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".json"); ok {
			names = append(names, name)
		}
	}
	for alias, real := range builtinAliases {
		names = append(names, alias+" (= "+real+")")
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
