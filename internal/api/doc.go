// Package api is the JSON API of a national node, beside its HTML pages:
// national systems push registrations and pull records and results over
// /api/v1/..., authenticated by per-system bearer tokens scoped to one
// country.
//
// The package holds:
//
//   - the token domain (tokens.go): tokens are random 256-bit secrets with
//     a "cct_" prefix and a checksum, shown once and stored only as
//     SHA-256; each belongs to one national system, one country and a set
//     of scopes (read, write, export); TokenStore is the persistence it
//     needs, implemented by internal/store;
//   - the HTTP server (server.go, routes.go, handlers_*.go): one route
//     table, each route naming the scope it needs; bodies decoded strictly
//     (decode.go); errors as RFC 9457 problem details (problem.go);
//   - the export of a country's own records as CSV or JSON (export.go),
//     also offered to the web interface for signed-in users;
//   - the OpenAPI description (openapi.yaml), served at
//     /api/v1/openapi.yaml and kept true by a test against the route table.
//
// Every call goes through cases.Service, which checks permission and
// country and audits every read and change. A token acts as an auth.Actor
// of its own: the token, with exactly its scopes' permissions
// (tokens.Token.Permissions, never a role's), in its country. The audit
// log names it "token:<id>" with its scopes as the role (auditas.go), and
// the history and timeline entries it writes keep it as their author.
// docs/api.md documents the API for the people who connect national
// systems.
package api
