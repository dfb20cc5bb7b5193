// Package dburl opens the database named by a URL with the dialect package
// of its scheme, for services that pick their database in configuration
// (the example server's DATABASE_URL):
//
//	sqlite://fastauth.db                 a file (relative or absolute path)
//	sqlite://:memory:                    a private in-memory database
//	postgres://user:pass@host:5432/db?sslmode=disable   (or postgresql://)
//	mysql://user:pass@tcp(host:3306)/db
//
// Importing dburl links the drivers of all three dialects. A service that
// knows its dialect imports that dialect's package (store/postgres,
// store/mysql or store/sqlite) and links only its driver.
package dburl

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/fastauth/fastauth/store/internal/dbconn"
	"github.com/fastauth/fastauth/store/mysql"
	"github.com/fastauth/fastauth/store/postgres"
	"github.com/fastauth/fastauth/store/sqlite"
)

// Open connects to the database named by databaseURL and checks the
// connection within ctx, with the Open of the scheme's dialect package:
// sqlite.Open of the path after "sqlite://", postgres.Open of the whole
// URL, mysql.Open of the go-sql-driver DSN after "mysql://". The returned
// *gorm.DB is ready for store.New.
func Open(ctx context.Context, databaseURL string) (*gorm.DB, error) {
	scheme, rest, ok := strings.Cut(databaseURL, "://")
	if !ok {
		return nil, fmt.Errorf("store/dburl: database URL %q has no scheme (sqlite://, postgres://, mysql://)", Redact(databaseURL))
	}
	switch strings.ToLower(scheme) {
	case "sqlite", "sqlite3":
		return sqlite.Open(ctx, rest)
	case "postgres", "postgresql":
		return postgres.Open(ctx, databaseURL)
	case "mysql":
		return mysql.Open(ctx, rest)
	}
	return nil, fmt.Errorf("store/dburl: unsupported database URL scheme %q (sqlite://, postgres://, mysql://)", scheme)
}

// Redact hides the password of a database URL so it can be shown or
// logged: "postgres://u:secret@h/db" becomes "postgres://u:***@h/db", and
// "mysql://u:secret@tcp(h:3306)/db" becomes "mysql://u:***@tcp(h:3306)/db".
func Redact(databaseURL string) string { return dbconn.Redact(databaseURL) }
