package synth

import (
	"strings"
	"testing"
)

// TestPresets checks that each preset produces the errors it adds, more
// often the harsher it is, and that the original generator is unchanged
// by their parameters.
func TestPresets(t *testing.T) {
	type shares struct{ missing, july, bare, unflagged, twoGiven float64 }
	measure := func(preset string) shares {
		t.Helper()
		recs, err := Generate(Options{Children: 4000, Seed: 7, Preset: preset})
		if err != nil {
			t.Fatal(err)
		}
		var s shares
		for _, r := range recs {
			switch {
			case r.DateOfBirth == "":
				s.missing++
			case len(r.DateOfBirth) == 4:
				s.bare++
			case strings.HasSuffix(r.DateOfBirth, "-07-01"):
				s.july++
			}
			if strings.HasSuffix(r.DateOfBirth, "-01-01") && !r.DOBEstimated {
				s.unflagged++
			}
			if strings.Count(strings.TrimSpace(r.GivenName), " ") >= 1 {
				s.twoGiven++
			}
		}
		n := float64(len(recs))
		return shares{s.missing / n, s.july / n, s.bare / n, s.unflagged / n, s.twoGiven / n}
	}
	orig, mild, field, harsh := measure(""), measure(PresetMild), measure(PresetField), measure(PresetHarsh)
	if orig.july > 0.005 || mild.july > 0.005 {
		t.Errorf("1 July dates without a preset that writes them: %v, %v", orig.july, mild.july)
	}
	if !(field.missing > 3*orig.missing && harsh.missing > field.missing) {
		t.Errorf("missing dates: original %.3f, field %.3f, harsh %.3f", orig.missing, field.missing, harsh.missing)
	}
	if !(field.july > 0.03 && harsh.july > field.july && field.bare > 0.02 && field.unflagged > orig.unflagged) {
		t.Errorf("estimated-date conventions: field %+v, harsh %+v", field, harsh)
	}
	if !(mild.twoGiven > orig.twoGiven && field.twoGiven > mild.twoGiven) {
		t.Errorf("second given names: original %.3f, mild %.3f, field %.3f", orig.twoGiven, mild.twoGiven, field.twoGiven)
	}
	if err := (Options{Children: 1, Preset: "wild"}).Validate(); err == nil {
		t.Error("an unknown preset was accepted")
	}
	if err := (Options{Children: 1, NamePool: 1.5}).Validate(); err == nil {
		t.Error("a name pool above 1 was accepted")
	}
}

// TestNamePoolCollides checks that a smaller name pool makes unrelated
// children share names more often.
func TestNamePoolCollides(t *testing.T) {
	distinct := func(pool float64) int {
		recs, err := Generate(Options{Children: 3000, Seed: 8, Errors: NoErrors(), NamePool: pool})
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]bool{}
		for _, r := range recs {
			names[r.GivenName+"|"+r.FamilyName] = true
		}
		return len(names)
	}
	if all, small := distinct(0), distinct(0.3); small >= all*9/10 {
		t.Errorf("distinct full names: whole lists %d, 30%% pool %d", all, small)
	}
}
