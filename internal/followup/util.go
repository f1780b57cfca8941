package followup

import (
	"maps"
	"slices"
	"strconv"
)

func contains(list []string, s string) bool { return slices.Contains(list, s) }

func anyNotIn(vs, list []string) bool {
	return slices.ContainsFunc(vs, func(v string) bool { return !slices.Contains(list, v) })
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
