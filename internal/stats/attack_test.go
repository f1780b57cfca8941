package stats

import "testing"

// Test wrappers of the attacks (attack.go): a file that is not a
// regional.csv fails the test.

func parsePublishedT(t *testing.T, data []byte, col string) (published, [][]string) {
	t.Helper()
	p, rows, err := parsePublished(data, col)
	if err != nil {
		t.Fatal(err)
	}
	return p, rows
}

func totalsAttack(t *testing.T, data []byte, col string, k int) []string {
	t.Helper()
	found, err := TotalsAttack(data, col, k)
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func differencingAttack(t *testing.T, before, after []byte, col string, k int) []string {
	t.Helper()
	found, err := DifferencingAttack(before, after, col, k)
	if err != nil {
		t.Fatal(err)
	}
	return found
}
