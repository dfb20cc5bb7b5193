package fastauth

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors a storage backend returns (wrapped); check them with
// errors.Is.
var (
	// ErrNotFound: the row does not exist or is not in the required state.
	ErrNotFound = errors.New("fastauth: not found")
	// ErrDuplicateEmail: an account with that email exists.
	ErrDuplicateEmail = errors.New("fastauth: email already registered")
	// ErrConflict: a concurrent change won; nothing was written.
	ErrConflict = errors.New("fastauth: conflicting change")
	// ErrLastOwner: the change would leave an organization without an owner.
	ErrLastOwner = errors.New("fastauth: organization needs an owner")
	// ErrForbidden: the store refused a change the caller may not make.
	ErrForbidden = errors.New("fastauth: forbidden")
	// ErrRefreshTokenReused: a consumed refresh token was presented again.
	ErrRefreshTokenReused = errors.New("fastauth: refresh token reused")
	// ErrStoreUnavailable: the database could not be reached in time.
	ErrStoreUnavailable = errors.New("fastauth: store unavailable")
	// ErrInvalidConfig: a configuration (of the kernel, a mailer or a
	// module) was refused when it was checked.
	ErrInvalidConfig = errors.New("fastauth: invalid config")
)

// ReusedTokenError reports the presentation of an already consumed refresh
// token; it matches ErrRefreshTokenReused.
type ReusedTokenError struct {
	SessionID  string
	UserID     string
	ConsumedAt time.Time
}

// Error describes the reuse.
func (e *ReusedTokenError) Error() string {
	return fmt.Sprintf("fastauth: refresh token of session %s reused (consumed at %s)", e.SessionID, e.ConsumedAt.Format(time.RFC3339))
}

// Is makes errors.Is(err, ErrRefreshTokenReused) true.
func (e *ReusedTokenError) Is(target error) bool { return target == ErrRefreshTokenReused }
