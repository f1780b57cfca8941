package store

import "encoding/json"

// jsonColumn and jsonOf carry a small structured value of the wire format
// in a TEXT column as JSON, the empty string for none: a notice's
// sighting (hub_inbox.sighting), a hit's explanation (hub_hits,
// hub_inbox and exchange_hits, column explanation).
func jsonColumn[T any](v *T) string {
	if v == nil {
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// jsonOf reads such a column back; a value that does not parse (it cannot
// be written so) reads as none rather than failing the row.
func jsonOf[T any](s string) *T {
	if s == "" {
		return nil
	}
	var v T
	if json.Unmarshal([]byte(s), &v) != nil {
		return nil
	}
	return &v
}
