package store

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"sync"
	"text/template"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one embedded migration file, parsed as a template.
type migration struct {
	name string // file name without ".sql": what schema_migrations records
	tmpl *template.Template
}

// migrationName is the form of a migration file name: a four-digit number
// that orders it, then a short lower-case description.
var migrationName = regexp.MustCompile(`^[0-9]{4}_[a-z0-9_]+\.sql$`)

// ErrNewerSchema is the cause of Migrate's and Pending's error when the
// database records a migration this binary does not have.
var ErrNewerSchema = errors.New("store: the database was migrated by a newer version of childcentre")

// migrations returns the embedded migrations in order. A malformed file is
// a build mistake, caught by the tests, so it panics.
var migrations = sync.OnceValue(func() []migration {
	m, err := loadMigrations(migrationFiles, "migrations")
	if err != nil {
		panic(err)
	}
	return m
})

func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		if !migrationName.MatchString(e.Name()) {
			return nil, fmt.Errorf("store: migration file %q is not named NNNN_name.sql", e.Name())
		}
		src, err := fs.ReadFile(fsys, dir+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		t, err := template.New(e.Name()).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return nil, fmt.Errorf("store: migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{name: strings.TrimSuffix(e.Name(), ".sql"), tmpl: t})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].name < ms[j].name })
	for i := 1; i < len(ms); i++ {
		if ms[i].name[:4] == ms[i-1].name[:4] {
			return nil, fmt.Errorf("store: migrations %s and %s share a number", ms[i-1].name, ms[i].name)
		}
	}
	return ms, nil
}

// sql expands m for dialect d.
func (m migration) sql(d *dialect) (string, error) {
	var b bytes.Buffer
	if err := m.tmpl.Execute(&b, d); err != nil {
		return "", fmt.Errorf("store: migration %s: %w", m.name, err)
	}
	return b.String(), nil
}

// migrationsTable records applied migrations. It is created by Migrate
// itself, before any migration, so it is not a migration.
const migrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	name       TEXT NOT NULL PRIMARY KEY,
	applied_at %s NOT NULL
)`

// Migrate applies every pending migration in order, each in its own
// transaction together with its row in schema_migrations, and returns the
// names applied. It is idempotent. It refuses (errs.Conflict, cause
// ErrNewerSchema) when the database records a migration this binary does not
// know.
func (db *DB) Migrate(ctx context.Context) (applied []string, err error) {
	err = db.Update(ctx, func(tx *Tx) error {
		if err := tx.lockMigrations(ctx); err != nil {
			return err
		}
		_, err := tx.exec(ctx, fmt.Sprintf(migrationsTable, db.d.Time))
		return dbErr(err, "store: create schema_migrations")
	})
	if err != nil {
		return nil, err
	}
	pending, err := db.Pending(ctx)
	if err != nil {
		return nil, err
	}
	byName := map[string]migration{}
	for _, m := range migrations() {
		byName[m.name] = m
	}
	for _, name := range pending {
		m := byName[name]
		text, err := m.sql(db.d)
		if err != nil {
			return applied, errs.Wrap(err, "store: expand migration")
		}
		did := false
		err = db.Update(ctx, func(tx *Tx) error {
			if err := tx.lockMigrations(ctx); err != nil {
				return err
			}
			// Another process may have applied it since Pending looked.
			var n int
			if err := tx.queryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
				return dbErr(err, "store: read schema_migrations")
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.exec(ctx, text); err != nil {
				return errs.Wrap(fmt.Errorf("migration %s: %w", name, err), "store: apply migration")
			}
			if _, err := tx.exec(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, name, tx.t(tx.Now())); err != nil {
				return dbErr(err, "store: record migration")
			}
			did = true
			return nil
		})
		if err != nil {
			return applied, err
		}
		if did {
			applied = append(applied, name)
			db.log.Info("store: migration applied", "migration", name, "dialect", db.d.Name)
		}
	}
	return applied, nil
}

// lockMigrations keeps two processes (two replicas starting at once) from
// applying the same migration, until the transaction ends.
func (tx *Tx) lockMigrations(ctx context.Context) error {
	if tx.db.d.migrationLock == "" {
		return nil
	}
	_, err := tx.exec(ctx, tx.db.d.migrationLock)
	return dbErr(err, "store: lock migrations")
}

// Pending returns the names of the migrations not yet applied, in order. It
// fails like Migrate when the database has a migration this binary lacks.
func (db *DB) Pending(ctx context.Context) ([]string, error) {
	done := map[string]bool{}
	err := db.View(ctx, func(tx *Tx) error {
		exists, err := tx.tableExists(ctx, "schema_migrations")
		if err != nil || !exists {
			return err
		}
		rows, err := tx.query(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
		if err != nil {
			return dbErr(err, "store: read schema_migrations")
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				return dbErr(err, "store: read schema_migrations")
			}
			done[name] = true
		}
		return dbErr(rows.Err(), "store: read schema_migrations")
	})
	if err != nil {
		return nil, err
	}
	var pending []string
	for _, m := range migrations() {
		if done[m.name] {
			delete(done, m.name)
		} else {
			pending = append(pending, m.name)
		}
	}
	if len(done) > 0 {
		unknown := make([]string, 0, len(done))
		for name := range done {
			unknown = append(unknown, name)
		}
		sort.Strings(unknown)
		return nil, &errs.Error{
			Code: errs.Conflict,
			Message: fmt.Sprintf("the database has migration %s, which this version of childcentre does not know: "+
				"it was migrated by a newer version; run that version or a later one", strings.Join(unknown, ", ")),
			Err: ErrNewerSchema,
		}
	}
	return pending, nil
}

// tableExists reports whether the current schema has a table called name.
func (tx *Tx) tableExists(ctx context.Context, name string) (bool, error) {
	var n int
	if err := tx.queryRow(ctx, tx.db.d.tableExists, name).Scan(&n); err != nil {
		return false, dbErr(err, "store: look up table")
	}
	return n > 0, nil
}
