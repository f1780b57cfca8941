package linkage

import "slices"

// LevelNames returns every agreement level name an Explanation can carry,
// sorted and without repeats: the review screen translates them and its
// tests check that it knows each one.
func LevelNames() []string {
	var out []string
	for _, names := range levelNames {
		out = append(out, names...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
