package store

import (
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/store/internal/dbconn"
)

// emailIndex is the unique index on auth_users.email; a violation naming it
// (or, on SQLite, the column) is a duplicate email.
const emailIndex = "idx_auth_users_email"

// wrap maps err to the ginauth sentinels and adds the operation:
// duplicate email → ErrDuplicateEmail, other unique violations →
// ErrConflict, foreign key violations and gorm.ErrRecordNotFound →
// ErrNotFound, unreachable or timed-out database → ErrStoreUnavailable.
// The driver error stays in the chain.
func (s *Store) wrap(op string, err error) error {
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
	switch s.classify(err) {
	case ErrorUnique:
		msg := err.Error()
		if strings.Contains(msg, emailIndex) || strings.Contains(msg, "auth_users.email") {
			return fmt.Errorf("store: %s: %w: %w", op, ginauth.ErrDuplicateEmail, err)
		}
		return fmt.Errorf("store: %s: %w: %w", op, ginauth.ErrConflict, err)
	case ErrorForeignKey:
		return fmt.Errorf("store: %s: %w: %w", op, ginauth.ErrNotFound, err)
	case ErrorUnavailable, ErrorRetry:
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
func (s *Store) retryable(err error) bool { return !isSentinel(err) && s.classify(err) == ErrorRetry }

// classify maps a driver error to an ErrorKind with the driver's
// classifier, falling back on the driver-independent signs of an
// unreachable database.
func (s *Store) classify(err error) ErrorKind {
	if k := s.classifier.ClassifyError(err); k != ErrorOther {
		return k
	}
	if dbconn.Unavailable(err) {
		return ErrorUnavailable
	}
	return ErrorOther
}

// isNotFound reports whether err is (or wraps) ginauth.ErrNotFound.
func isNotFound(err error) bool { return errors.Is(err, ginauth.ErrNotFound) }
