package store

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

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"

	"github.com/fastauth/fastauth/ginauth"
)

// errorKind classifies a database error independently of the dialect.
type errorKind int

const (
	kindOther errorKind = iota
	kindUnique
	kindForeignKey
	kindRetry       // deadlock, serialization failure, lock wait timeout, busy
	kindUnavailable // the database cannot be reached or did not answer in time
)

// emailIndex is the unique index on auth_users.email; a violation naming it
// (or, on SQLite, the column) is a duplicate email.
const emailIndex = "idx_auth_users_email"

// wrap maps err to the ginauth sentinels and adds the operation:
// duplicate email → ErrDuplicateEmail, other unique violations →
// ErrConflict, foreign key violations and gorm.ErrRecordNotFound →
// ErrNotFound, unreachable or timed-out database → ErrStoreUnavailable.
// The driver error stays in the chain.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var reused *ginauth.ReusedTokenError
	if errors.As(err, &reused) || isSentinel(err) {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("store: %s: %w", op, ginauth.ErrNotFound)
	}
	switch classify(err) {
	case kindUnique:
		msg := err.Error()
		if strings.Contains(msg, emailIndex) || strings.Contains(msg, "auth_users.email") {
			return fmt.Errorf("store: %s: %w: %w", op, ginauth.ErrDuplicateEmail, err)
		}
		return fmt.Errorf("store: %s: %w: %w", op, ginauth.ErrConflict, err)
	case kindForeignKey:
		return fmt.Errorf("store: %s: %w: %w", op, ginauth.ErrNotFound, err)
	case kindUnavailable, kindRetry:
		return fmt.Errorf("store: %s: %w: %w", op, ginauth.ErrStoreUnavailable, err)
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

// isSentinel reports whether err already carries a ginauth sentinel.
func isSentinel(err error) bool {
	for _, s := range []error{ginauth.ErrNotFound, ginauth.ErrDuplicateEmail, ginauth.ErrConflict,
		ginauth.ErrLastOwner, ginauth.ErrForbidden, ginauth.ErrRefreshTokenReused, ginauth.ErrStoreUnavailable} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// retryable reports whether a transaction that failed with err can simply
// be run again: the database aborted it to resolve lock contention.
func retryable(err error) bool { return !isSentinel(err) && classify(err) == kindRetry }

// classify maps driver errors of the three dialects to an errorKind.
func classify(err error) errorKind {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case pg.Code == "23505":
			return kindUnique
		case pg.Code == "23503":
			return kindForeignKey
		case pg.Code == "40001", pg.Code == "40P01", pg.Code == "55P03":
			return kindRetry
		case strings.HasPrefix(pg.Code, "08"), pg.Code == "57P01", pg.Code == "57P02", pg.Code == "57P03",
			pg.Code == "53300", pg.Code == "57014":
			return kindUnavailable
		}
		return kindOther
	}
	var my *mysql.MySQLError
	if errors.As(err, &my) {
		switch my.Number {
		case 1062, 1586:
			return kindUnique
		case 1451, 1452:
			return kindForeignKey
		case 1213, 1205:
			return kindRetry
		case 1040, 1053, 1927, 3024:
			return kindUnavailable
		}
		return kindOther
	}
	var lite sqlite3.Error
	if errors.As(err, &lite) {
		switch {
		case lite.ExtendedCode == sqlite3.ErrConstraintUnique, lite.ExtendedCode == sqlite3.ErrConstraintPrimaryKey:
			return kindUnique
		case lite.ExtendedCode == sqlite3.ErrConstraintForeignKey:
			return kindForeignKey
		case lite.Code == sqlite3.ErrBusy, lite.Code == sqlite3.ErrLocked:
			return kindRetry
		case lite.Code == sqlite3.ErrCantOpen, lite.Code == sqlite3.ErrIoErr:
			return kindUnavailable
		}
		return kindOther
	}
	var pgConnect *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, driver.ErrBadConn),
		errors.Is(err, sql.ErrConnDone),
		errors.Is(err, mysql.ErrInvalidConn),
		errors.Is(err, pgconn.ErrConnClosed), // pooled connection whose server went away
		errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, io.ErrUnexpectedEOF),
		errors.As(err, &pgConnect),
		errors.As(err, &netErr):
		return kindUnavailable
	}
	return kindOther
}

// isNotFound reports whether err is (or wraps) ginauth.ErrNotFound.
func isNotFound(err error) bool { return errors.Is(err, ginauth.ErrNotFound) }
