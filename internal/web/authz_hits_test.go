package web

import "github.com/cbss-egcc/childcentre/internal/auth"

// The routes of the network's pages (handlers_hits.go), added to the
// expectations of authz_test.go.
func init() {
	expectedRoutes["GET /hits"] = expectation{perm: auth.PermCasesRead, roles: caseReaders}
	expectedRoutes["POST /hits/{id}"] = expectation{perm: auth.PermCasesWrite, roles: caseWriters}
	expectedRoutes["POST /cases/{id}/sharing"] = expectation{perm: auth.PermCasesApprove, roles: caseApprovers}
}
