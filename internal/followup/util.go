package followup

import (
	"maps"
	"slices"
)

func contains(list []string, s string) bool { return slices.Contains(list, s) }

func anyNotIn(vs, list []string) bool {
	return slices.ContainsFunc(vs, func(v string) bool { return !slices.Contains(list, v) })
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
