package store

import (
	"context"
)

// migrateModule creates or upgrades the tables of a module's models ms the
// way AutoMigrate does the core's: on the migration db (PostgreSQL time
// columns without a precision to re-ALTER) and with the binary collation
// on the columns tagged fastauth:"exact" (MySQL/MariaDB). The core tables
// must exist first: module tables reference auth_users.
func (s *Store) migrateModule(ctx context.Context, op string, ms ...any) error {
	db, err := s.migrationDB(ms)
	if err != nil {
		return s.wrap(op, err)
	}
	if err := db.WithContext(ctx).AutoMigrate(ms...); err != nil {
		return s.wrap(op, err)
	}
	if err := s.migrateCollations(ctx, db, ms); err != nil {
		return s.wrap(op, err)
	}
	return nil
}
