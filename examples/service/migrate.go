package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrUnknownSchema reports a database whose schema this service does not
// know: a migration newer than its own, or one it knows under other content.
var ErrUnknownSchema = errors.New("unknown schema")

// migration is one versioned SQL file, migrations/NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
	sum     string
}

// migrations returns the embedded migrations, by version.
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: the name must start with a positive version and an underscore", e.Name())
		}
		data, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(data), sum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: versions must run 1, 2, 3…; want %d", m.name, i+1)
		}
	}
	return ms, nil
}

// migrationLock is the advisory lock that serialises services migrating one
// database at the same time.
const migrationLock = 0x6f326f6b6974 // "o2okit"

// Migrate applies the migrations the database lacks, each in its own
// transaction, under an advisory lock. It refuses, with ErrUnknownSchema, a
// database that holds a migration this service does not know, or one of its
// own whose content differs: the service must not run against a schema it
// does not know.
func Migrate(ctx context.Context, db *sql.DB) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock) //nolint:errcheck
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		sha256     TEXT NOT NULL,
		applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
		return err
	}
	applied, err := appliedMigrations(ctx, conn)
	if err != nil {
		return err
	}
	if err := checkKnown(ms, applied); err != nil {
		return err
	}
	for _, m := range ms {
		if _, ok := applied[m.version]; ok {
			continue
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback() //nolint:errcheck
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, sha256) VALUES ($1, $2, $3)`, m.version, m.name, m.sum); err != nil {
			tx.Rollback() //nolint:errcheck
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// CheckSchema reports whether the database holds exactly the migrations this
// service knows, without changing anything: ErrUnknownSchema otherwise.
func CheckSchema(ctx context.Context, db *sql.DB) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	applied, err := appliedMigrations(ctx, conn)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnknownSchema, err)
	}
	if err := checkKnown(ms, applied); err != nil {
		return err
	}
	if len(applied) != len(ms) {
		return fmt.Errorf("%w: %d of %d migrations applied", ErrUnknownSchema, len(applied), len(ms))
	}
	return nil
}

type appliedMigration struct{ name, sum string }

func appliedMigrations(ctx context.Context, conn *sql.Conn) (map[int]appliedMigration, error) {
	rows, err := conn.QueryContext(ctx, `SELECT version, name, sha256 FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	applied := map[int]appliedMigration{}
	for rows.Next() {
		var v int
		var a appliedMigration
		if err := rows.Scan(&v, &a.name, &a.sum); err != nil {
			return nil, err
		}
		applied[v] = a
	}
	return applied, rows.Err()
}

func checkKnown(ms []migration, applied map[int]appliedMigration) error {
	for v, a := range applied {
		if v < 1 || v > len(ms) {
			return fmt.Errorf("%w: the database has migration %d (%s), this service knows %d", ErrUnknownSchema, v, a.name, len(ms))
		}
		if m := ms[v-1]; a.sum != m.sum {
			return fmt.Errorf("%w: migration %d in the database (%s) is not this service's %s", ErrUnknownSchema, v, a.name, m.name)
		}
	}
	return nil
}
