package web

import (
	"strings"
	"testing"
)

// TestOptionTags checks the options of a select as written in Go: the
// chosen one marked, labels translated or given, values and labels
// escaped.
func TestOptionTags(t *testing.T) {
	tr := func(key string, _ ...any) string { return "«" + key + "»" }
	opts := []choice{{Value: "", LabelKey: "any"}, {Value: "open", LabelKey: "status.open"},
		{Value: `x"><script>`, Label: `<b>&"'`}}
	for _, tc := range []struct {
		desc, value, want string
	}{
		{"nothing chosen", "", `<option value="" selected>«any»</option>
  <option value="open">«status.open»</option>
  <option value="x&#34;&gt;&lt;script&gt;">&lt;b&gt;&amp;&#34;&#39;</option>
  `},
		{"one chosen", "open", `<option value="">«any»</option>
  <option value="open" selected>«status.open»</option>
  <option value="x&#34;&gt;&lt;script&gt;">&lt;b&gt;&amp;&#34;&#39;</option>
  `},
		{"a value with markup chosen", `x"><script>`, `<option value="">«any»</option>
  <option value="open">«status.open»</option>
  <option value="x&#34;&gt;&lt;script&gt;" selected>&lt;b&gt;&amp;&#34;&#39;</option>
  `},
	} {
		p := &page{Values: map[string]string{"status": tc.value}}
		f := choiceField{input: input{p: p, Name: "status", Type: "select"}, Options: opts}
		if got := string(f.optionTags(tr)); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.desc, got, tc.want)
		}
		if strings.Contains(string(f.optionTags(tr)), "<script") {
			t.Errorf("%s: markup not escaped", tc.desc)
		}
	}
}
