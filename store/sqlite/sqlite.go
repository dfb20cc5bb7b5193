// Package sqlite opens SQLite databases for the fastauth store, and tells
// the store what the driver's errors mean. The driver is
// github.com/glebarez/sqlite, the SQLite C library translated to Go
// (modernc.org/sqlite): no cgo, so a service on SQLite cross-compiles and
// builds with CGO_ENABLED=0 like one on PostgreSQL or MySQL. Its store
// writes take about 2.5 times as long as with the cgo driver of
// store/sqlitecgo (docs/architecture.md has the figures), which reads and
// writes the same files.
//
//	db, err := sqlite.Open(ctx, "fastauth.db")
//	st, err := store.New(db)
package sqlite

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"

	gosqlite "github.com/glebarez/go-sqlite"
	glebarez "github.com/glebarez/sqlite"
	"gorm.io/gorm"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/fastauth/fastauth/store"
	"github.com/fastauth/fastauth/store/internal/dbconn"
)

// DSNOptions are the connection options Open gives every connection:
// write transactions start with BEGIN IMMEDIATE (so two writers queue on
// the busy timeout instead of one failing on lock upgrade), a 10 s busy
// timeout, the WAL journal (readers never block the writer) and enforced
// foreign keys.
const DSNOptions = "_txlock=immediate&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)"

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
		return nil, fmt.Errorf("store/sqlite: %w", err)
	}
	return dbconn.Open(ctx, dbconn.Options{
		Package:     "store/sqlite",
		Target:      path,
		Dialector:   glebarez.Open(dsn),
		Classifier:  Classifier{},
		Unavailable: func(err error) bool { return Classifier{}.ClassifyError(err) == store.ErrorUnavailable },
		SingleConn:  memory,
	})
}

// Classifier is the store.ErrorClassifier of the SQLite driver. Open
// attaches it; attach it to a *gorm.DB opened otherwise (with
// github.com/glebarez/sqlite) with db.Use(sqlite.Classifier{}).
type Classifier struct{}

var _ store.ErrorClassifier = Classifier{}

// Name implements gorm.Plugin: store.ErrorClassifierName.
func (Classifier) Name() string { return store.ErrorClassifierName }

// Initialize implements gorm.Plugin: it refuses a database whose driver
// is not github.com/glebarez/go-sqlite, whose errors it could not
// classify.
func (Classifier) Initialize(db *gorm.DB) error {
	return dbconn.CheckDriver(db, "store/sqlite", "github.com/glebarez/go-sqlite (open it with github.com/glebarez/sqlite)", func(d driver.Driver) bool {
		_, ok := d.(*gosqlite.Driver)
		return ok
	})
}

// ClassifyError implements store.ErrorClassifier by SQLite result code.
func (Classifier) ClassifyError(err error) store.ErrorKind {
	var lite *gosqlite.Error
	if !errors.As(err, &lite) {
		return store.ErrorOther
	}
	code := lite.Code() // extended result code; the primary code is its low byte
	switch {
	case code == sqlite3.SQLITE_CONSTRAINT_UNIQUE, code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return store.ErrorUnique
	case code == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return store.ErrorForeignKey
	case code&0xff == sqlite3.SQLITE_BUSY, code&0xff == sqlite3.SQLITE_LOCKED:
		return store.ErrorRetry
	case code&0xff == sqlite3.SQLITE_CANTOPEN, code&0xff == sqlite3.SQLITE_IOERR:
		return store.ErrorUnavailable
	}
	return store.ErrorOther
}
