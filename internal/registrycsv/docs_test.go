package registrycsv

import (
	"os"
	"strings"
	"testing"
)

// TestColumnsDocumented checks that docs/import.md describes every column
// in its tables, marked required exactly when the format requires it.
func TestColumnsDocumented(t *testing.T) {
	b, err := os.ReadFile("../../docs/import.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if name, rest, ok := strings.Cut(strings.TrimPrefix(line, "| `"), "` |"); ok && strings.HasPrefix(line, "| `") {
			rows[name] = rest
		}
	}
	for _, c := range Columns {
		row, ok := rows[c.Name]
		if !ok {
			t.Errorf("docs/import.md has no row for column %s", c.Name)
			continue
		}
		if req := strings.HasPrefix(strings.TrimSpace(row), "required"); req != c.Required {
			t.Errorf("docs/import.md: column %s required = %v, the format says %v", c.Name, req, c.Required)
		}
		if list := strings.Contains(strings.SplitN(row, "|", 2)[0], "list"); list != c.List {
			t.Errorf("docs/import.md: column %s list = %v, the format says %v", c.Name, list, c.List)
		}
	}
	if len(rows) != len(Columns) {
		t.Errorf("docs/import.md documents %d columns, the format has %d", len(rows), len(Columns))
	}
}
