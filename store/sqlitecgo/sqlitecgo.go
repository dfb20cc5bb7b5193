// Package sqlitecgo opens SQLite databases for the fastauth store with the
// cgo driver github.com/mattn/go-sqlite3, and tells the store what that
// driver's errors mean. Its store operations run about twice as fast as
// those of store/sqlite (pure Go, the default; docs/architecture.md has the
// figures), at the price of cgo: a C compiler to build, no CGO_ENABLED=0.
//
//	db, err := sqlitecgo.Open(ctx, "fastauth.db")
//	st, err := store.New(db)
//
// Both packages read and write the same database files.
package sqlitecgo

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/mattn/go-sqlite3"
	gormsqlite "gorm.io/driver/sqlite"
	"gorm.io/gorm"

	"github.com/fastauth/fastauth/store"
	"github.com/fastauth/fastauth/store/internal/dbconn"
)

// DSNOptions are the connection options Open gives every connection, the
// same as store/sqlite's in go-sqlite3's spelling: write transactions start
// with BEGIN IMMEDIATE (so two writers queue on the busy timeout instead of
// one failing on lock upgrade), a 10 s busy timeout, the WAL journal
// (readers never block the writer) and enforced foreign keys.
const DSNOptions = "_txlock=immediate&_busy_timeout=10000&_journal_mode=WAL&_foreign_keys=on"

// Open opens (creating it if needed) the SQLite database file at path, or
// a private in-memory database for ":memory:", with DSNOptions, and checks
// it within ctx. A path may carry query options of its own after a "?".
//
// The returned *gorm.DB logs nothing (set its Logger to change that) and
// carries the store's Classifier; pass it to store.New. An in-memory
// database keeps one connection, since every connection to ":memory:" is a
// database of its own.
func Open(ctx context.Context, path string) (*gorm.DB, error) {
	dsn, memory, err := dbconn.SQLiteDSN(path, DSNOptions)
	if err != nil {
		return nil, fmt.Errorf("store/sqlitecgo: %w", err)
	}
	return dbconn.Open(ctx, dbconn.Options{
		Package:     "store/sqlitecgo",
		Target:      path,
		Dialector:   gormsqlite.Open(dsn),
		Classifier:  Classifier{},
		Unavailable: func(err error) bool { return Classifier{}.ClassifyError(err) == store.ErrorUnavailable },
		SingleConn:  memory,
	})
}

// Classifier is the store.ErrorClassifier of github.com/mattn/go-sqlite3.
// Open attaches it; attach it to a *gorm.DB opened otherwise (with
// gorm.io/driver/sqlite) with db.Use(sqlitecgo.Classifier{}).
type Classifier struct{}

var _ store.ErrorClassifier = Classifier{}

// Name implements gorm.Plugin: store.ErrorClassifierName.
func (Classifier) Name() string { return store.ErrorClassifierName }

// Initialize implements gorm.Plugin: it refuses a database whose driver
// is not github.com/mattn/go-sqlite3, whose errors it could not classify.
func (Classifier) Initialize(db *gorm.DB) error {
	return dbconn.CheckDriver(db, "store/sqlitecgo", "github.com/mattn/go-sqlite3", func(d driver.Driver) bool {
		_, ok := d.(*sqlite3.SQLiteDriver)
		return ok
	})
}

// ClassifyError implements store.ErrorClassifier by SQLite result code.
func (Classifier) ClassifyError(err error) store.ErrorKind {
	var lite sqlite3.Error
	if !errors.As(err, &lite) {
		return store.ErrorOther
	}
	switch {
	case lite.ExtendedCode == sqlite3.ErrConstraintUnique, lite.ExtendedCode == sqlite3.ErrConstraintPrimaryKey:
		return store.ErrorUnique
	case lite.ExtendedCode == sqlite3.ErrConstraintForeignKey:
		return store.ErrorForeignKey
	case lite.Code == sqlite3.ErrBusy, lite.Code == sqlite3.ErrLocked:
		return store.ErrorRetry
	case lite.Code == sqlite3.ErrCantOpen, lite.Code == sqlite3.ErrIoErr:
		return store.ErrorUnavailable
	}
	return store.ErrorOther
}
