package web

import "github.com/cbss-egcc/childcentre/internal/auth"

// The routes of the follow-up pages (handlers_followup.go), added to the
// expectations of authz_test.go.
func init() {
	expectedRoutes["GET /followup"] = expectation{perm: auth.PermCasesRead, roles: caseReaders}
	expectedRoutes["GET /followup/new"] = expectation{perm: auth.PermCasesWrite, roles: caseWriters}
	expectedRoutes["POST /followup/new"] = expectation{perm: auth.PermCasesWrite, roles: caseWriters}
	expectedRoutes["GET /followup/{id}"] = expectation{perm: auth.PermCasesRead, roles: caseReaders}
	expectedRoutes["POST /followup/{id}/approve"] = expectation{perm: auth.PermCasesApprove, roles: caseApprovers}
	expectedRoutes["POST /followup/{id}/decide"] = expectation{perm: auth.PermCasesWrite, roles: caseWriters}
	expectedRoutes["POST /followup/{id}/attachments"] = expectation{perm: auth.PermCasesWrite, roles: caseWriters}
	expectedRoutes["GET /followup/{id}/attachments/{aid}"] = expectation{perm: auth.PermCasesRead, roles: caseReaders}
}

// The missing-child alerts' routes (handlers_followup_alerts.go).
func init() {
	expectedRoutes["GET /alerts"] = expectation{perm: auth.PermCasesRead, roles: caseReaders}
	expectedRoutes["POST /children/{id}/alert"] = expectation{perm: auth.PermCasesWrite, roles: caseWriters}
	expectedRoutes["POST /alerts/{id}/cancel"] = expectation{perm: auth.PermCasesWrite, roles: caseWriters}
}
