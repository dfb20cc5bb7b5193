// Package testdb opens fresh, isolated databases for tests: a SQLite file
// in the test's temporary directory always, and a uniquely named database
// (MySQL) or schema (PostgreSQL) on the servers named by
// FASTAUTH_TEST_POSTGRES_DSN and FASTAUTH_TEST_MYSQL_DSN, dropped when the
// test ends.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mysqldrv "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for the admin connection
	"gorm.io/gorm"

	"github.com/fastauth/fastauth/store"
	"github.com/fastauth/fastauth/store/dburl"
)

// The environment variables naming the test database servers.
const (
	PostgresEnv = "FASTAUTH_TEST_POSTGRES_DSN"
	MySQLEnv    = "FASTAUTH_TEST_MYSQL_DSN"
)

// poolSize bounds each test database's connection pool: enough for the
// race tests to run many transactions at once, few enough that many
// parallel tests stay under the servers' connection limits (PostgreSQL's
// default max_connections is 100).
const poolSize = 10

// Dialect is one database a test can run on.
type Dialect struct {
	Name string // "sqlite", "postgres" or "mysql"
	// Open returns a fresh, empty database of this dialect for t.
	Open func(t testing.TB) *gorm.DB
}

// Dialects returns SQLite and, when their environment variables are set,
// PostgreSQL and MySQL. It logs the dialects it leaves out.
func Dialects(t testing.TB) []Dialect {
	t.Helper()
	ds := []Dialect{{Name: "sqlite", Open: SQLite}}
	if os.Getenv(PostgresEnv) != "" {
		ds = append(ds, Dialect{Name: "postgres", Open: Postgres})
	} else {
		t.Logf("testdb: %s is not set: PostgreSQL not tested", PostgresEnv)
	}
	if os.Getenv(MySQLEnv) != "" {
		ds = append(ds, Dialect{Name: "mysql", Open: MySQL})
	} else {
		t.Logf("testdb: %s is not set: MySQL not tested", MySQLEnv)
	}
	return ds
}

// SQLite opens a new SQLite database file in t.TempDir() through
// sqlite.Open, so with the store's connection options.
func SQLite(t testing.TB) *gorm.DB {
	t.Helper()
	return open(t, "sqlite://"+filepath.Join(t.TempDir(), "auth.db"))
}

// Postgres opens a fresh, uniquely named schema in the database named by
// FASTAUTH_TEST_POSTGRES_DSN (a postgres:// URL) as the connection's
// search_path, and drops it with everything in it when t ends. A schema
// isolates the unqualified auth_* tables exactly like a database of their
// own would, at a fraction of CREATE DATABASE's cost (seconds on a busy
// server). It skips t when the variable is unset.
func Postgres(t testing.TB) *gorm.DB {
	t.Helper()
	dsn := os.Getenv(PostgresEnv)
	if dsn == "" {
		t.Skipf("testdb: %s is not set", PostgresEnv)
	}
	return open(t, PostgresURL(t, dsn))
}

// PostgresURL creates a fresh, uniquely named schema on the server of dsn
// (a postgres:// URL), drops it with everything in it when t ends, and
// returns dsn with the schema as search_path: a DATABASE_URL for a server
// process of the test's own.
func PostgresURL(t testing.TB, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("testdb: %s must be a postgres:// URL", PostgresEnv)
	}
	name := uniqueName(t)
	admin := adminConn(t, "pgx", dsn)
	exec(t, admin, "CREATE SCHEMA "+name)
	t.Cleanup(func() { exec(t, admin, "DROP SCHEMA IF EXISTS "+name+" CASCADE") })

	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// MySQL creates a uniquely named database on the server named by
// FASTAUTH_TEST_MYSQL_DSN (a go-sql-driver DSN such as
// root@tcp(127.0.0.1:3306)/?parseTime=true), opens it and drops it when t
// ends. It skips t when the variable is unset.
func MySQL(t testing.TB) *gorm.DB {
	t.Helper()
	dsn := strings.TrimPrefix(os.Getenv(MySQLEnv), "mysql://")
	if dsn == "" {
		t.Skipf("testdb: %s is not set", MySQLEnv)
	}
	cfg, err := mysqldrv.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("testdb: %s: %v", MySQLEnv, err)
	}
	cfg.DBName = ""
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	name := uniqueName(t)
	admin := adminConn(t, "mysql", cfg.FormatDSN())
	exec(t, admin, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
	t.Cleanup(func() { exec(t, admin, "DROP DATABASE IF EXISTS "+name) })

	cfg.DBName = name
	return open(t, "mysql://"+cfg.FormatDSN())
}

// open opens databaseURL with dburl.Open (the dialect package of its
// scheme) and closes it when t ends.
func open(t testing.TB, databaseURL string) *gorm.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := dburl.Open(ctx, databaseURL)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	if !strings.HasPrefix(databaseURL, "sqlite") {
		sqlDB.SetMaxOpenConns(poolSize)
	}
	t.Cleanup(func() { _ = sqlDB.Close() })
	return db
}

// adminConn opens a server-level connection closed when t ends.
func adminConn(t testing.TB, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("testdb: open %s server: %v", driver, err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(0) // hold no connection between setup and cleanup
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func exec(t testing.TB, db *sql.DB, stmt string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		t.Fatalf("testdb: %s: %v", stmt, err)
	}
}

// uniqueName is a database name no other test run uses.
func uniqueName(t testing.TB) string {
	t.Helper()
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("testdb: random: %v", err)
	}
	return fmt.Sprintf("fastauth_test_%s", hex.EncodeToString(b[:]))
}

// Store returns the GORM backend on db with the auth tables created,
// failing t if either step fails.
func Store(t testing.TB, db *gorm.DB) *store.Store {
	t.Helper()
	st, err := store.New(db)
	if err != nil {
		t.Fatalf("store.New: %v", err)
	}
	if err := st.AutoMigrate(context.Background()); err != nil {
		t.Fatalf("AutoMigrate: %v", err)
	}
	return st
}
