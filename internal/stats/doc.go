// Package stats turns coded case data into comparable, de-duplicated and
// disclosure-controlled statistics on children at risk.
//
// It is pure Go with no I/O beyond readers and writers: a node feeds it
// its own cases (national figures), the hub feeds it coded metadata and
// its clusters (regional figures), and both publish what it returns.
//
//   - mapping.go: the versioned mapping of a node's codes onto the common
//     categories of Eurostat (crim_thb_*) and the HTCDS (Dims).
//   - aggregate.go: children, not registrations: counts by any two
//     dimensions with units de-duplicated by cluster, and a range from the
//     two clusterings the hub keeps (high-probability links only, and all
//     plausible links).
//   - sdc.go: disclosure control: threshold k, secondary suppression over
//     linked tables, closed and frozen periods (publish.go).
//   - flows.go, svg.go, write.go: movements between countries, SVG charts
//     and the CSV/JSON files.
//
// docs/statistics.md states the method for readers of the figures.
package stats
