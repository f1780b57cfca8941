package hubserver

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/node"
)

// Migrate applies the migrations to the hub's database, as 'childcentre
// migrate' does, for the demo and tests. The hub's database has the same
// schema as a node's; only the hub's tables (hub_*) are used.
func Migrate(ctx context.Context, c *config.Config, logger *slog.Logger, now func() time.Time) error {
	if now == nil {
		now = time.Now
	}
	kr, err := node.Keyring(c)
	if err != nil {
		return err
	}
	db, err := node.OpenDB(ctx, c, kr, logger, now)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil || len(applied) == 0 {
		return err
	}
	return db.AppendAudit(ctx, audit.Record{Actor: "system", Action: "system.migrate", Outcome: "ok", Detail: strings.Join(applied, ",")})
}
