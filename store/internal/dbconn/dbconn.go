// Package dbconn is what the dialect packages (store/postgres, store/mysql,
// store/sqlite) share: opening a *gorm.DB with the store's settings, the
// driver-independent signs of an unreachable database, and the redaction
// of passwords in connection strings. It imports no database driver.
package dbconn

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/fastauth/fastauth/ginauth"
)

// PoolSize is the connection pool size Open sets for the client-server
// dialects (PostgreSQL, MySQL).
const PoolSize = 25

// Options says how to open one database.
type Options struct {
	// Package prefixes error messages, e.g. "store/postgres".
	Package string
	// Target names the database in error messages, password redacted.
	Target string
	// Dialector is the gorm dialector to open.
	Dialector gorm.Dialector
	// Classifier is the store's error classifier of the driver (a gorm
	// plugin), attached to the returned *gorm.DB.
	Classifier gorm.Plugin
	// Unavailable reports whether an error of the driver means the
	// database cannot be reached (Open also checks Unavailable below).
	Unavailable func(error) bool
	// ClientServer sets the pool for a database server: PoolSize
	// connections, all kept idle (see Open).
	ClientServer bool
	// SingleConn keeps the pool to one connection that never expires (a
	// private in-memory SQLite database is a database per connection).
	SingleConn bool
}

// Open opens o.Dialector with the store's settings (gorm logs nothing),
// attaches o.Classifier, sizes the pool and pings the database within ctx.
// An unreachable database is reported as ginauth.ErrStoreUnavailable.
//
// For a database server the pool keeps as many idle connections as it may
// open: database/sql's default of 2 idle connections makes a loaded server
// open and close a connection (a PostgreSQL backend process) for most
// requests.
func Open(ctx context.Context, o Options) (*gorm.DB, error) {
	fail := func(err error) error {
		if Unavailable(err) || (o.Unavailable != nil && o.Unavailable(err)) {
			return fmt.Errorf("%s: open %s: %w: %w", o.Package, o.Target, ginauth.ErrStoreUnavailable, err)
		}
		return fmt.Errorf("%s: open %s: %w", o.Package, o.Target, err)
	}
	db, err := gorm.Open(o.Dialector, &gorm.Config{
		Logger:               logger.Default.LogMode(logger.Silent),
		DisableAutomaticPing: true, // pinged below, within ctx
	})
	if err != nil {
		return nil, fail(err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fail(err)
	}
	if err := db.Use(o.Classifier); err != nil {
		_ = sqlDB.Close()
		return nil, fail(err)
	}
	if o.ClientServer {
		sqlDB.SetMaxOpenConns(PoolSize)
		sqlDB.SetMaxIdleConns(PoolSize)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	if o.SingleConn {
		sqlDB.SetMaxOpenConns(1)
		sqlDB.SetConnMaxLifetime(0)
		sqlDB.SetConnMaxIdleTime(0)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fail(err)
	}
	return db, nil
}

// CheckDriver is the Initialize of the dialect packages' classifiers: an
// error unless is accepts the database/sql driver of db, named by want.
func CheckDriver(db *gorm.DB, pkg, want string, is func(driver.Driver) bool) error {
	sqlDB, err := db.DB()
	if err != nil {
		return fmt.Errorf("%s: %w", pkg, err)
	}
	if !is(sqlDB.Driver()) {
		return fmt.Errorf("%s: the database's driver is a %T, not %s, whose errors this classifier knows", pkg, sqlDB.Driver(), want)
	}
	return nil
}

// SQLiteDSN is the DSN of the SQLite database at path (a file, or
// ":memory:" for a private in-memory database) with options appended to
// the query options path may carry after a "?", as a file: URI. memory
// reports the in-memory database, which needs Options.SingleConn.
func SQLiteDSN(path, options string) (dsn string, memory bool, err error) {
	file, query, _ := strings.Cut(path, "?")
	if file == "" {
		return "", false, errors.New("no database path (a file such as fastauth.db, or :memory:)")
	}
	if query != "" {
		query += "&"
	}
	return "file:" + file + "?" + query + options, file == ":memory:", nil
}

// Unavailable reports the driver-independent signs of a database that
// cannot be reached or did not answer in time: a deadline, a broken or
// closed connection, a network error.
func Unavailable(err error) bool {
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.As(err, &netErr)
}

// Redact hides the password of a connection string so it can be shown:
// "postgres://u:secret@h/db" becomes "postgres://u:***@h/db", the MySQL DSN
// "u:secret@tcp(h:3306)/db" becomes "u:***@tcp(h:3306)/db" and
// "host=h password=secret" becomes "host=h password=***". It works on the
// text alone because MySQL DSNs are not URLs url.Parse accepts.
func Redact(s string) string {
	if !strings.Contains(s, "@") && strings.Contains(s, "=") && !strings.Contains(s, "://") {
		return redactKeywords(s)
	}
	start := 0
	if i := strings.Index(s, "://"); i >= 0 {
		start = i + 3
	}
	rest := s[start:]
	authority := rest
	if q := strings.Index(authority, "?"); q >= 0 {
		authority = authority[:q] // an "@" in the query is not userinfo
	}
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return s
	}
	user := rest[:at]
	if colon := strings.Index(user, ":"); colon >= 0 {
		user = user[:colon] + ":***"
	}
	return s[:start] + user + rest[at:]
}

// redactKeywords redacts the password of a keyword/value connection string
// ("host=h user=u password=secret", values possibly 'single quoted' with
// backslash escapes).
func redactKeywords(s string) string {
	var b strings.Builder
	for s != "" {
		sp := len(s) - len(strings.TrimLeft(s, " \t\n"))
		b.WriteString(s[:sp])
		s = s[sp:]
		key, rest, ok := strings.Cut(s, "=")
		if !ok {
			b.WriteString(s)
			break
		}
		key = strings.TrimSpace(key)
		rest = strings.TrimLeft(rest, " ")
		n := valueLen(rest)
		if strings.EqualFold(key, "password") {
			b.WriteString(key + "=***")
		} else {
			b.WriteString(key + "=" + rest[:n])
		}
		s = rest[n:]
	}
	return b.String()
}

// valueLen is the length of the value at the start of s: up to the next
// space, or through the closing quote of a quoted value.
func valueLen(s string) int {
	if !strings.HasPrefix(s, "'") {
		if i := strings.IndexAny(s, " \t\n"); i >= 0 {
			return i
		}
		return len(s)
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '\'':
			return i + 1
		}
	}
	return len(s)
}
