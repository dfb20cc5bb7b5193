package store

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// migrateModule creates or upgrades the tables of a module, given as its
// models in dependency order, the way AutoMigrate does the core's: on
// migrationDB, with the time precision of the parsed models dropped on
// PostgreSQL (see migrationDB). gorm also migrates the core models the
// module's foreign keys name (auth_users and what it references); for an
// up-to-date core schema that changes nothing.
//
// Hashes and ids of module tables are lowercase hex and UUIDs, which every
// collation compares exactly, so module tables need no binary collation.
func (s *Store) migrateModule(ctx context.Context, op string, models ...any) error {
	db, err := s.migrationDB()
	if err != nil {
		return s.wrap(op, err)
	}
	if s.dialect == dialectPostgres {
		if err := dropTimePrecision(db, models); err != nil {
			return s.wrap(op, err)
		}
	}
	if err := db.WithContext(ctx).AutoMigrate(models...); err != nil {
		return s.wrap(op, err)
	}
	return nil
}

// dropTimePrecision parses models on db and clears the precision of their
// time fields, as migrationDB does for the core's models.
func dropTimePrecision(db *gorm.DB, models []any) error {
	for _, m := range models {
		stmt := &gorm.Statement{DB: db}
		if err := stmt.Parse(m); err != nil {
			return err
		}
		for _, f := range stmt.Schema.Fields {
			if f.DataType == schema.Time {
				f.Precision = 0
			}
		}
	}
	return nil
}
