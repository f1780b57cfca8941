package store

import (
	"encoding/json"

	"github.com/cbss-egcc/childcentre/internal/exchange"
)

// explanationColumn and explanationOf carry a hit's explanation (JSON,
// exchange.Explanation) in the explanation columns of hub_hits, hub_inbox
// and exchange_hits; the empty string is none.
func explanationColumn(e *exchange.Explanation) string {
	if e == nil {
		return ""
	}
	b, _ := json.Marshal(e)
	return string(b)
}

// explanationOf reads the column back; a value that does not parse (it
// cannot be written so) reads as none rather than failing the hit.
func explanationOf(v string) *exchange.Explanation {
	if v == "" {
		return nil
	}
	var e exchange.Explanation
	if json.Unmarshal([]byte(v), &e) != nil {
		return nil
	}
	return &e
}
