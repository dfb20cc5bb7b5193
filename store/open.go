package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	mysqldrv "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// SQLiteDSNOptions are the connection options Open gives every SQLite
// connection: write transactions start with BEGIN IMMEDIATE (so two writers
// queue on the busy timeout instead of one failing on lock upgrade), a
// 10 s busy timeout, the WAL journal (readers never block the writer) and
// enforced foreign keys.
const SQLiteDSNOptions = "_txlock=immediate&_busy_timeout=10000&_journal_mode=WAL&_foreign_keys=on"

// PoolSize is the connection pool size Open sets for PostgreSQL and MySQL.
const PoolSize = 25

// Open connects to the database named by a URL and checks the connection:
//
//	sqlite://fastauth.db                 a file (relative or absolute path)
//	sqlite://:memory:                    a private in-memory database
//	postgres://user:pass@host:5432/db?sslmode=disable   (or postgresql://)
//	mysql://user:pass@tcp(host:3306)/db?parseTime=true
//
// For MySQL the scheme is stripped and parseTime=true and loc=UTC are
// enforced. The returned *gorm.DB logs nothing; set its Logger to change
// that. Pass it to New.
//
// The pool keeps as many idle connections as it may open (PoolSize for
// PostgreSQL and MySQL): database/sql's default of 2 idle connections makes
// a loaded server open and close a connection (a PostgreSQL backend
// process) for most requests. Change it through db.DB() if the database's
// connection limit calls for another size.
func Open(ctx context.Context, databaseURL string) (*gorm.DB, error) {
	dial, memory, err := dialector(databaseURL)
	if err != nil {
		return nil, err
	}
	db, err := gorm.Open(dial, &gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
	if err != nil {
		return nil, wrap("open "+redact(databaseURL), err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", redact(databaseURL), err)
	}
	if dial.Name() != "sqlite" {
		sqlDB.SetMaxOpenConns(PoolSize)
		sqlDB.SetMaxIdleConns(PoolSize)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	if memory {
		// Every connection to :memory: is a database of its own: keep one.
		sqlDB.SetMaxOpenConns(1)
		sqlDB.SetConnMaxLifetime(0)
		sqlDB.SetConnMaxIdleTime(0)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, wrap("open "+redact(databaseURL), err)
	}
	return db, nil
}

// dialector picks the gorm dialector for a database URL.
func dialector(databaseURL string) (d gorm.Dialector, memory bool, err error) {
	scheme, rest, ok := strings.Cut(databaseURL, "://")
	if !ok {
		return nil, false, fmt.Errorf("store: database URL %q has no scheme (sqlite://, postgres://, mysql://)", redact(databaseURL))
	}
	switch strings.ToLower(scheme) {
	case "sqlite", "sqlite3":
		path, query, _ := strings.Cut(rest, "?")
		if path == "" {
			return nil, false, errors.New("store: sqlite URL needs a path, e.g. sqlite://fastauth.db")
		}
		if query != "" {
			query += "&"
		}
		query += SQLiteDSNOptions
		if path == ":memory:" {
			return sqlite.Open("file::memory:?" + query), true, nil
		}
		return sqlite.Open("file:" + path + "?" + query), false, nil
	case "postgres", "postgresql":
		return postgres.Open(databaseURL), false, nil
	case "mysql":
		cfg, err := mysqldrv.ParseDSN(rest)
		if err != nil {
			return nil, false, fmt.Errorf("store: mysql URL: %w", err)
		}
		cfg.ParseTime = true
		cfg.Loc = time.UTC
		return mysql.Open(cfg.FormatDSN()), false, nil
	}
	return nil, false, fmt.Errorf("store: unsupported database URL scheme %q", scheme)
}

// redact removes a password from a database URL for error messages.
func redact(databaseURL string) string {
	scheme, rest, ok := strings.Cut(databaseURL, "://")
	if !ok {
		return "<database url>"
	}
	if u, err := url.Parse(databaseURL); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		return u.String()
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		user, _, _ := strings.Cut(rest[:at], ":")
		return scheme + "://" + user + ":xxxxx" + rest[at:]
	}
	return databaseURL
}
