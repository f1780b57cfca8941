package audit

import (
	"regexp"
	"strings"
	"testing"
)

func TestActionsCatalogue(t *testing.T) {
	name := regexp.MustCompile(`^[a-z]+\.[a-z_]+$`)
	seen := map[string]bool{}
	names := Actions()
	cat := Catalogue()
	if len(names) != len(cat) {
		t.Fatalf("Actions has %d names, Catalogue %d", len(names), len(cat))
	}
	for i, a := range cat {
		if names[i] != a.Name {
			t.Errorf("Actions()[%d] = %q, Catalogue %q", i, names[i], a.Name)
		}
		if !name.MatchString(a.Name) {
			t.Errorf("%q is not area.verb in lower case", a.Name)
		}
		if seen[a.Name] {
			t.Errorf("%q catalogued twice", a.Name)
		}
		seen[a.Name] = true
		if a.Meaning == "" || strings.ContainsAny(a.Meaning, "\n\r") || !strings.HasSuffix(a.Meaning, ".") {
			t.Errorf("%q: meaning %q is not one sentence on one line", a.Name, a.Meaning)
		}
		if m, ok := Meaning(a.Name); !ok || m != a.Meaning || !Known(a.Name) {
			t.Errorf("Meaning(%q) = %q, %v", a.Name, m, ok)
		}
	}
	// The actions the foundation records must all be there.
	for _, want := range []string{
		"auth.signin", "auth.signin_failed", "auth.second_factor", "auth.enrol", "auth.recovery_used",
		"auth.signout", "auth.signout_all", "auth.password_change", "user.create", "user.disable",
		"user.enable", "user.reset_second_factor", "user.reset_password", "user.language",
		"audit.read", "audit.verify", "system.migrate", "system.start",
	} {
		if !seen[want] {
			t.Errorf("%q is not catalogued", want)
		}
	}
	if Known("auth.") || Known("") || Known("AUTH.SIGNIN") {
		t.Error("Known accepts a name that is not catalogued")
	}
	// Callers cannot change the catalogue through the returned slices.
	names[0], cat[0].Name = "x", "x"
	if Actions()[0] == "x" || Catalogue()[0].Name == "x" {
		t.Error("the catalogue was changed through a returned slice")
	}
}
