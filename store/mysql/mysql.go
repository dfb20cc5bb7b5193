// Package mysql opens MySQL and MariaDB databases for the fastauth store
// with go-sql-driver/mysql, and tells the store what that driver's errors
// mean. A service that imports it, and neither store/postgres nor
// store/sqlite, links only that driver and builds with CGO_ENABLED=0:
//
//	db, err := mysql.Open(ctx, "app:secret@tcp(db:3306)/app")
//	st, err := store.New(db)
package mysql

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	mysqldriver "github.com/go-sql-driver/mysql"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"

	"github.com/fastauth/fastauth/store"
	"github.com/fastauth/fastauth/store/internal/dbconn"
)

// PoolSize is the connection pool size Open sets.
const PoolSize = dbconn.PoolSize

// Open connects to the MySQL or MariaDB database named by dsn, a
// go-sql-driver DSN such as "user:password@tcp(host:3306)/dbname", and
// checks the connection within ctx. parseTime=true and loc=UTC are
// enforced (the store reads and writes UTC times). An unreachable server is
// reported as ginauth.ErrStoreUnavailable; the error never shows the
// password.
//
// The returned *gorm.DB logs nothing (set its Logger to change that) and
// carries the store's Classifier; pass it to store.New. Its pool keeps
// PoolSize connections, all of them idle between requests; change that
// through db.DB() if the server's connection limit calls for another size.
func Open(ctx context.Context, dsn string) (*gorm.DB, error) {
	cfg, err := mysqldriver.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("store/mysql: DSN %s: %w", dbconn.Redact(dsn), err)
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	return dbconn.Open(ctx, dbconn.Options{
		Package:      "store/mysql",
		Target:       dbconn.Redact(dsn),
		Dialector:    gormmysql.Open(cfg.FormatDSN()),
		Classifier:   Classifier{},
		Unavailable:  func(err error) bool { return Classifier{}.ClassifyError(err) == store.ErrorUnavailable },
		ClientServer: true,
	})
}

// Classifier is the store.ErrorClassifier of go-sql-driver/mysql. Open
// attaches it; attach it to a *gorm.DB opened otherwise (with
// gorm.io/driver/mysql) with db.Use(mysql.Classifier{}).
type Classifier struct{}

var _ store.ErrorClassifier = Classifier{}

// Name implements gorm.Plugin: store.ErrorClassifierName.
func (Classifier) Name() string { return store.ErrorClassifierName }

// Initialize implements gorm.Plugin: it refuses a database whose driver
// is not go-sql-driver/mysql, whose errors it could not classify.
func (Classifier) Initialize(db *gorm.DB) error {
	return dbconn.CheckDriver(db, "store/mysql", "github.com/go-sql-driver/mysql", func(d driver.Driver) bool {
		_, ok := d.(*mysqldriver.MySQLDriver)
		return ok
	})
}

// ClassifyError implements store.ErrorClassifier by server error number.
func (Classifier) ClassifyError(err error) store.ErrorKind {
	var my *mysqldriver.MySQLError
	if errors.As(err, &my) {
		switch my.Number {
		case 1062, 1586: // duplicate entry
			return store.ErrorUnique
		case 1451, 1452: // row referenced, referenced row missing
			return store.ErrorForeignKey
		case 1213, 1205: // deadlock, lock wait timeout
			return store.ErrorRetry
		case 1040, 1053, 1927, 3024: // too many connections, shutdown, connection killed, query timeout
			return store.ErrorUnavailable
		}
		return store.ErrorOther
	}
	if errors.Is(err, mysqldriver.ErrInvalidConn) {
		return store.ErrorUnavailable
	}
	return store.ErrorOther
}
