package api_test

import (
	"bytes"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/api"
	"github.com/cbss-egcc/childcentre/internal/cases"
)

// yamlDoc is the block structure of a YAML document written in the style
// of openapi.yaml: every mapping key with its inline value, by path.
// Sequence items are path elements "#0", "#1"…; flow collections and
// block scalars are values, not parsed further. It is enough to check the
// description against the code without a YAML library.
type yamlDoc map[string]string

var yamlKey = regexp.MustCompile(`^('[^']*'|"[^"]*"|[^\s'"#][^:]*?):(?:\s+(.*))?$`)

func parseYAML(t *testing.T, src []byte) yamlDoc {
	t.Helper()
	type level struct {
		indent int
		key    string
	}
	doc := yamlDoc{}
	var stack []level
	items := map[string]int{}
	block := -1 // indent of a key whose block scalar is being skipped
	path := func() string {
		keys := make([]string, len(stack))
		for i, l := range stack {
			keys[i] = l.key
		}
		return strings.Join(keys, "/")
	}
	pop := func(indent int) {
		for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
			stack = stack[:len(stack)-1]
		}
	}
	for n, line := range strings.Split(string(src), "\n") {
		rest := strings.TrimLeft(line, " ")
		indent := len(line) - len(rest)
		if rest == "" || strings.HasPrefix(rest, "#") {
			continue
		}
		if block >= 0 && indent > block {
			continue
		}
		block = -1
		if strings.HasPrefix(rest, "- ") {
			pop(indent)
			p := path()
			stack = append(stack, level{indent, "#" + itoa(int64(items[p]))})
			items[p]++
			rest, indent = rest[2:], indent+2
		}
		m := yamlKey.FindStringSubmatch(rest)
		if m == nil {
			t.Fatalf("openapi.yaml:%d: not a mapping key: %q", n+1, rest)
		}
		pop(indent)
		stack = append(stack, level{indent, pointerEscape(strings.Trim(m[1], `'"`))})
		doc[path()] = m[2]
		if v := m[2]; v == "|" || v == ">" || v == "|-" || v == ">-" {
			block = indent
		}
	}
	return doc
}

// pointerEscape escapes a key as in a JSON Pointer (RFC 6901), so that
// paths of the document ("paths/~1api~1v1~1children/get") are split at "/"
// and resolve like the $refs of the description.
func pointerEscape(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

func pointerUnescape(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~1", "/"), "~0", "~")
}

// children returns the keys directly under path, sorted.
func (d yamlDoc) children(path string) []string {
	set := map[string]bool{}
	for p := range d {
		if rest, ok := strings.CutPrefix(p, path+"/"); ok {
			set[strings.SplitN(rest, "/", 2)[0]] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func (d yamlDoc) has(path string) bool { _, ok := d[path]; return ok }

// TestOpenAPIMatchesRoutes: openapi.yaml documents exactly the routes of
// the route table, with their names and scopes; its references resolve,
// its enumerations are the registry's and its schemas have the fields of
// the JSON types.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := sqlite(t)
	doc := parseYAML(t, api.OpenAPI())

	methods := []string{"get", "put", "post", "delete", "patch", "head", "options"}
	documented := map[string]bool{}
	for _, p := range doc.children("paths") {
		for _, m := range doc.children("paths/" + p) {
			if slices.Contains(methods, m) {
				documented[strings.ToUpper(m)+" "+pointerUnescape(p)] = true
			}
		}
	}
	for _, rt := range e.api.Routes() {
		key := rt.Method + " " + rt.Pattern
		op := "paths/" + pointerEscape(rt.Pattern) + "/" + strings.ToLower(rt.Method)
		if !documented[key] {
			t.Errorf("route %s is not documented", key)
			continue
		}
		delete(documented, key)
		if got := doc[op+"/operationId"]; got != rt.Name {
			t.Errorf("%s: operationId %q, want the route's name %q", key, got, rt.Name)
		}
		if got := doc[op+"/x-scope"]; got != string(rt.Scope) {
			t.Errorf("%s: x-scope %q, want %q", key, got, rt.Scope)
		}
		if rt.Scope == "" {
			if doc[op+"/security"] != "[]" {
				t.Errorf("%s: a public route must say security: []", key)
			}
			continue
		}
		responses := doc.children(op + "/responses")
		for _, want := range []string{"401", "403", "default"} {
			if !slices.Contains(responses, want) {
				t.Errorf("%s does not document response %s", key, want)
			}
		}
		if strings.Contains(rt.Pattern, "{") && !slices.Contains(responses, "404") {
			t.Errorf("%s has a path parameter but does not document 404", key)
		}
		if rt.Method == "POST" || rt.Method == "PUT" {
			if !doc.has(op + "/requestBody") {
				t.Errorf("%s documents no request body", key)
			}
			for _, want := range []string{"400", "413", "415", "422"} {
				if !slices.Contains(responses, want) {
					t.Errorf("%s takes a body but does not document %s", key, want)
				}
			}
		}
		if rt.Method == "PUT" && (!slices.Contains(responses, "412") || !slices.Contains(responses, "428")) {
			t.Errorf("%s is an update but does not document 412 and 428", key)
		}
	}
	for key := range documented {
		t.Errorf("%s is documented but not routed", key)
	}

	// Every reference resolves, and every component is referenced.
	refs := map[string]bool{}
	for p, v := range doc {
		if strings.HasSuffix(p, "$ref") {
			refs[strings.Trim(v, `'"`)] = true
		}
		for _, m := range regexp.MustCompile(`\$ref: '([^']+)'`).FindAllStringSubmatch(v, -1) {
			refs[m[1]] = true
		}
	}
	for ref := range refs {
		target, ok := strings.CutPrefix(ref, "#/")
		if !ok || !doc.has(target) {
			t.Errorf("$ref %s does not resolve", ref)
		}
	}
	for _, kind := range []string{"schemas", "responses", "parameters", "headers"} {
		for _, name := range doc.children("components/" + kind) {
			if !refs["#/components/"+kind+"/"+name] {
				t.Errorf("components/%s/%s is never referenced", kind, name)
			}
		}
	}

	// Enumerations are the registry's own lists.
	enums := map[string][]string{
		"Sex": str(cases.Sexes), "Precision": str(cases.Precisions), "AssessmentMethod": str(cases.AssessmentMethods),
		"Category": str(cases.Categories), "Exploitation": str(cases.Exploitations), "Evidence": str(cases.EvidenceLevels),
		"Status": str(cases.Statuses), "Placement": str(cases.Placements), "Handling": str(cases.Handlings),
		"EventType": str(cases.EventTypes), "PlaceType": cases.PlaceTypes,
	}
	for name, want := range enums {
		got := strings.Split(strings.Trim(doc["components/schemas/"+name+"/enum"], "[]"), ", ")
		if !slices.Equal(got, want) {
			t.Errorf("schema %s enumerates %q, want %q", name, got, want)
		}
	}

	// Schemas have exactly the fields of the JSON types.
	types := map[string]any{
		"ChildInput": api.ChildInput{}, "Alias": api.AliasJSON{}, "Assessment": api.AssessmentJSON{},
		"CaseInput": api.CaseInput{}, "EventInput": api.EventInput{}, "Registration": api.Registration{},
		"ChildUpdate": api.ChildUpdate{}, "CaseUpdate": api.CaseUpdate{}, "Batch": api.Batch{},
		"Child": api.Child{}, "Case": api.Case{}, "Event": api.Event{}, "Events": api.Events{},
		"Registered": api.Registered{}, "Hit": api.Hit{}, "SearchResults": api.SearchResults{},
		"BatchResult": api.BatchResult{}, "Problem": api.Problem{}, "FieldProblem": api.FieldProblem{},
	}
	for name, v := range types {
		got, want := doc.properties("components/schemas/"+name), jsonNames(reflect.TypeOf(v))
		if !slices.Equal(got, want) {
			t.Errorf("schema %s has properties %q, the type %T has %q", name, got, v, want)
		}
	}
	if got := doc.properties("components/schemas/Export"); !slices.Equal(got, []string{"children", "country", "exported_at"}) {
		t.Errorf("schema Export has properties %q", got)
	}

	// The description is served as it is embedded.
	r := e.do(req{method: "GET", path: "/api/v1/openapi.yaml"}).must(t, http.StatusOK)
	if !bytes.Equal(r.body, api.OpenAPI()) || r.header.Get("Content-Type") != "application/yaml; charset=utf-8" {
		t.Errorf("served description differs or has type %q", r.header.Get("Content-Type"))
	}
}

// properties returns the property names of the schema at path, following
// allOf references.
func (d yamlDoc) properties(path string) []string {
	set := map[string]bool{}
	var walk func(string)
	walk = func(p string) {
		for _, k := range d.children(p + "/properties") {
			set[k] = true
		}
		for _, item := range d.children(p + "/allOf") {
			if ref, ok := d[p+"/allOf/"+item+"/$ref"]; ok {
				walk(strings.TrimPrefix(strings.Trim(ref, `'"`), "#/"))
			} else {
				walk(p + "/allOf/" + item)
			}
		}
	}
	walk(path)
	return slices.Sorted(maps.Keys(set))
}

// jsonNames returns the JSON names of a struct type's fields, embedded
// structs flattened, sorted.
func jsonNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			out = append(out, jsonNames(f.Type)...)
		} else if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func str[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}
