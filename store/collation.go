package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// binaryCollation is the MySQL/MariaDB collation of the columns the models
// tag fastauth:"exact" (addresses, token and key hashes, the pending-invite
// key, roles, kinds). The servers' default collations (utf8mb4_general_ci,
// utf8mb4_unicode_ci, utf8mb4_0900_ai_ci) ignore case, accents and width,
// so that "àda@example.com" and "ａda@example.com" would find, or collide
// with, "ada@example.com". utf8mb4_bin compares the bytes. Like every _bin
// collation of MariaDB and MySQL 5.7 it ignores trailing spaces, which no
// normalized address, hash or role has.
const binaryCollation = "utf8mb4_bin"

// exactColumn is a column compared byte for byte.
type exactColumn struct{ table, column string }

// exactColumns lists the columns of the models ms tagged fastauth:"exact".
func exactColumns(db *gorm.DB, ms []any) ([]exactColumn, error) {
	var out []exactColumn
	for _, m := range ms {
		stmt := &gorm.Statement{DB: db}
		if err := stmt.Parse(m); err != nil {
			return nil, err
		}
		for _, f := range stmt.Schema.Fields {
			if f.Tag.Get("fastauth") == "exact" {
				out = append(out, exactColumn{table: stmt.Schema.Table, column: f.DBName})
			}
		}
	}
	return out, nil
}

// migrateCollations gives every exact column of the models ms the binary
// collation on MySQL/MariaDB: new tables right after gorm created them, tables of
// earlier versions (created with the server's default collation) when they
// are first migrated. A column that already has it is left alone, so an
// up-to-date schema gets no DDL. Rebuilding a unique index under the finer
// collation cannot fail: values that were distinct stay distinct. Ids keep
// the default collation so that an application's foreign keys to them stay
// valid; they are lowercase UUIDs, checked before any lookup. Other
// dialects compare bytes already (PostgreSQL's deterministic collations,
// SQLite's BINARY).
func (s *Store) migrateCollations(ctx context.Context, db *gorm.DB, ms []any) error {
	if s.dialect != dialectMySQL {
		return nil
	}
	cols, err := exactColumns(db, ms)
	if err != nil {
		return err
	}
	var tables []string
	for _, c := range cols {
		if !slices.Contains(tables, c.table) {
			tables = append(tables, c.table)
		}
	}
	var rows []struct {
		TableName     string
		ColumnName    string
		ColumnType    string
		IsNullable    string
		CollationName *string
	}
	err = db.WithContext(ctx).Raw("SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, "+
		"COLUMN_TYPE AS column_type, IS_NULLABLE AS is_nullable, COLLATION_NAME AS collation_name "+
		"FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ?", tables).
		Scan(&rows).Error
	if err != nil {
		return err
	}
	modify := map[string][]string{}
	for _, r := range rows {
		if !slices.Contains(cols, exactColumn{table: r.TableName, column: r.ColumnName}) ||
			(r.CollationName != nil && *r.CollationName == binaryCollation) {
			continue
		}
		null := "NOT NULL"
		if r.IsNullable == "YES" {
			null = "NULL"
		}
		// Exact columns have no default value, so the definition is the
		// type and nullability.
		modify[r.TableName] = append(modify[r.TableName], fmt.Sprintf("MODIFY `%s` %s CHARACTER SET utf8mb4 COLLATE %s %s",
			r.ColumnName, r.ColumnType, binaryCollation, null))
	}
	for _, table := range tables {
		if len(modify[table]) == 0 {
			continue
		}
		if err := db.WithContext(ctx).Exec("ALTER TABLE `" + table + "` " + strings.Join(modify[table], ", ")).Error; err != nil {
			return fmt.Errorf("binary collation of %s: %w", table, err)
		}
	}
	return nil
}
