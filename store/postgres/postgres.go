// Package postgres opens PostgreSQL databases for the fastauth store with
// pgx, and tells the store what pgx's errors mean. A service that imports
// it, and neither store/mysql nor store/sqlite, links only pgx and builds
// with CGO_ENABLED=0:
//
//	db, err := postgres.Open(ctx, "postgres://app@db:5432/app?sslmode=disable")
//	st, err := store.New(db)
package postgres

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	gormpostgres "gorm.io/driver/postgres"
	"gorm.io/gorm"

	"github.com/fastauth/fastauth/store"
	"github.com/fastauth/fastauth/store/internal/dbconn"
)

// PoolSize is the connection pool size Open sets.
const PoolSize = dbconn.PoolSize

// Open connects to the PostgreSQL database named by dsn (a postgres:// or
// postgresql:// URL, or a keyword/value string such as "host=db
// dbname=app") and checks the connection within ctx. An unreachable server
// is reported as ginauth.ErrStoreUnavailable; the error never shows the
// password.
//
// The returned *gorm.DB logs nothing (set its Logger to change that) and
// carries the store's Classifier; pass it to store.New. Its pool keeps
// PoolSize connections, all of them idle between requests (database/sql's
// default of 2 idle connections makes a loaded server start a PostgreSQL
// backend process for most requests); change that through db.DB() if the
// server's connection limit calls for another size.
func Open(ctx context.Context, dsn string) (*gorm.DB, error) {
	return dbconn.Open(ctx, dbconn.Options{
		Package:      "store/postgres",
		Target:       dbconn.Redact(dsn),
		Dialector:    gormpostgres.Open(dsn),
		Classifier:   Classifier{},
		Unavailable:  func(err error) bool { return Classifier{}.ClassifyError(err) == store.ErrorUnavailable },
		ClientServer: true,
	})
}

// Classifier is the store.ErrorClassifier of pgx. Open attaches it; attach
// it to a *gorm.DB opened otherwise (with gorm.io/driver/postgres on pgx)
// with db.Use(postgres.Classifier{}).
type Classifier struct{}

var _ store.ErrorClassifier = Classifier{}

// Name implements gorm.Plugin: store.ErrorClassifierName.
func (Classifier) Name() string { return store.ErrorClassifierName }

// Initialize implements gorm.Plugin: it refuses a database whose driver
// is not pgx, whose errors it could not classify.
func (Classifier) Initialize(db *gorm.DB) error {
	return dbconn.CheckDriver(db, "store/postgres", "pgx (github.com/jackc/pgx/v5/stdlib)", func(d driver.Driver) bool {
		_, ok := d.(*stdlib.Driver)
		return ok
	})
}

// ClassifyError implements store.ErrorClassifier by SQLSTATE.
func (Classifier) ClassifyError(err error) store.ErrorKind {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case pg.Code == "23505": // unique_violation
			return store.ErrorUnique
		case pg.Code == "23503": // foreign_key_violation
			return store.ErrorForeignKey
		case pg.Code == "40001", pg.Code == "40P01", pg.Code == "55P03": // serialization failure, deadlock, lock not available
			return store.ErrorRetry
		case strings.HasPrefix(pg.Code, "08"), // connection exceptions
			pg.Code == "57P01", pg.Code == "57P02", pg.Code == "57P03", // shutting down, cannot connect now
			pg.Code == "53300", pg.Code == "57014": // too many connections, query canceled
			return store.ErrorUnavailable
		}
		return store.ErrorOther
	}
	var connect *pgconn.ConnectError
	if errors.As(err, &connect) || errors.Is(err, pgconn.ErrConnClosed) { // ErrConnClosed: a pooled connection whose server went away
		return store.ErrorUnavailable
	}
	return store.ErrorOther
}
