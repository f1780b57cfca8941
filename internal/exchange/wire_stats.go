package exchange

// StatsCodes are the coded values of a record for the regional statistics
// (internal/stats), mapped on the node by stats.Map so that every country
// is counted alike: each a code from a short closed list (docs/statistics.md),
// never free text. Registered is the date the case was opened; quarters and
// the days between registrations of a child moving between countries are
// computed from it.
type StatsCodes struct {
	Status       string `json:"status"`
	Exploitation string `json:"exploitation"`
	AgeGroup     string `json:"age_group"`
	AgeBasis     string `json:"age_basis"`
	Citizenship  string `json:"citizenship"`
	Registered   string `json:"registered"` // YYYY-MM-DD
}
