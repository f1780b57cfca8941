package store_test

// The follow-up and alert migrations (issue 11), added to the list
// migrate_test.go expects, in order.
func init() {
	wantMigrations = append(wantMigrations, "0055_followup", "0056_alerts")
}
