package store

import (
	"fmt"
	"regexp"
)

// identRE is what PostgresAppRoleGrants accepts as a role or schema name:
// plain lower-case identifiers, never quoted, so no input can inject SQL.
var identRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// PostgresAppRoleGrants returns the statements that give role, the
// PostgreSQL role the server connects as, what the application needs in
// schema and no more: every table's rows, but on the audit log and the
// hub's witnessed checkpoints only SELECT and INSERT. The tables belong to another role, the one 'childcentre
// migrate' runs as, so the server's role cannot drop a trigger, alter a
// table or grant itself more; and without UPDATE, DELETE or TRUNCATE on
// audit_log even a compromised server cannot rewrite the log from inside.
// Run them as the owner after each migration (docs/operations.md): grants
// on ALL TABLES cover only the tables that exist.
func PostgresAppRoleGrants(role, schema string) ([]string, error) {
	if !identRE.MatchString(role) || !identRE.MatchString(schema) {
		return nil, fmt.Errorf("store: role and schema must be plain lower-case identifiers")
	}
	return []string{
		"GRANT USAGE ON SCHEMA " + schema + " TO " + role,
		"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + schema + " TO " + role,
		"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA " + schema + " TO " + role,
		"REVOKE UPDATE, DELETE, TRUNCATE ON " + schema + ".audit_log FROM " + role,
		// The hub's record of the nodes' audit checkpoints (issue 10 H1):
		// a witness that could be made to forget would witness nothing.
		"REVOKE UPDATE, DELETE, TRUNCATE ON " + schema + ".hub_checkpoints FROM " + role,
	}, nil
}
