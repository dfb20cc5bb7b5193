package ginauth

import (
	"context"
	"time"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/apikeys"
	"github.com/fastauth/fastauth/organizations"
)

// Backend is the storage ginauth runs on. It is composed of one small
// interface per domain so that each can be implemented, wrapped and tested
// on its own; package store provides the GORM implementation and package
// conformance the reusable tests every implementation must pass.
//
// Every time decision a backend makes uses the now it is given, never its own
// clock or the database's. Methods report missing rows with ErrNotFound and
// the other conditions documented on each method with the sentinel errors of
// this package (wrapped, checked with errors.Is). An unreachable database
// should be reported wrapped in ErrStoreUnavailable.
//
// Transaction (fastauth.Transactor) runs several calls as one
// transaction, carried by the context: the kernel uses it so that a change
// and the events it emits commit together, and modules use it to combine
// their own storage with the kernel's.
type Backend interface {
	fastauth.Transactor
	UserStore
	SessionStore
	OrganizationStore
	InviteStore
	APIKeyStore
	VerificationStore
}

// UserStore persists accounts.
type UserStore interface {
	// CreateUser inserts the user, its personal workspace, the owner
	// membership of that workspace and, when first is not nil, the user's
	// first session with its first refresh token (as CreateSession would),
	// in one transaction: a failure at any step writes nothing, so there is
	// never an account without its first session. A user whose email is
	// taken gives ErrDuplicateEmail.
	CreateUser(ctx context.Context, u User, workspace Organization, owner Membership, first *NewSession) error
	// UserByID returns the user with that id or ErrNotFound.
	UserByID(ctx context.Context, id string) (User, error)
	// UserByEmail returns the user with that normalized email or ErrNotFound.
	UserByEmail(ctx context.Context, email string) (User, error)
	// ChangePassword stores newHash and increments the credential version,
	// provided the version is still expectedVersion (ErrConflict otherwise),
	// and revokes every active session of the user except keepSessionID
	// (all when it is empty), in one transaction. It also voids the user's
	// unconsumed password-reset tokens.
	ChangePassword(ctx context.Context, userID string, expectedVersion int64, newHash, keepSessionID string, now time.Time) error
	// UpgradePasswordHash replaces the hash by newHash only while it is still
	// oldHash (a rehash after verify with outdated parameters). It does not
	// change the credential version; losing a race is not an error.
	UpgradePasswordHash(ctx context.Context, userID, oldHash, newHash string) error
	// SetActiveOrganization persists the user's active organization (empty
	// for the personal workspace).
	SetActiveOrganization(ctx context.Context, userID, organizationID string) error
}

// SessionStore persists sessions and their refresh tokens.
type SessionStore interface {
	// CreateSession inserts the session and its first refresh token,
	// provided the user's credential version still equals
	// credentialVersion (ErrConflict otherwise: the password changed while
	// the sign-in was verifying the old one). With revokeOthers every other
	// active session of the user is revoked in the same transaction.
	//
	// Every read of a session returns the AAL, AMR and AuthTime it was
	// created with (or raised to, RaiseSession). A zero AAL is stored as 1,
	// an empty AMR as [MethodPassword] and a zero AuthTime as CreatedAt:
	// what sessions created before assurance levels existed read as.
	CreateSession(ctx context.Context, s Session, first RefreshToken, credentialVersion int64, revokeOthers bool, now time.Time) error
	// RotateRefreshToken consumes the unconsumed, unexpired refresh token
	// whose hash is tokenHash and stores next (its SessionID and expiry are
	// filled from the session) in the same active session, atomically: of
	// concurrent calls with one token exactly one succeeds. It returns the
	// session, with LastUsedAt set to now.
	//
	// A token that was already consumed gives a *ReusedTokenError (which
	// matches ErrRefreshTokenReused) and changes nothing; an unknown or
	// expired token, or one whose session is revoked or expired, gives
	// ErrNotFound.
	RotateRefreshToken(ctx context.Context, tokenHash []byte, next RefreshToken, now time.Time) (Session, error)
	// SessionByRefreshToken returns the session a refresh token (consumed or
	// not) belongs to, or ErrNotFound.
	SessionByRefreshToken(ctx context.Context, tokenHash []byte) (Session, error)
	// SessionByID returns the session or ErrNotFound.
	SessionByID(ctx context.Context, id string) (Session, error)
	// ListSessions returns the user's sessions that are active at now,
	// newest first.
	ListSessions(ctx context.Context, userID string, now time.Time) ([]Session, error)
	// RevokeSession revokes one active session of the user; ErrNotFound when
	// the user has no such active session.
	RevokeSession(ctx context.Context, userID, sessionID string, now time.Time) error
	// RevokeOtherSessions revokes every active session of the user except
	// keepSessionID and returns how many it revoked.
	RevokeOtherSessions(ctx context.Context, userID, keepSessionID string, now time.Time) (int, error)
	// RaiseSession records a step-up of the user's active session: its AAL
	// becomes the higher of the stored one and aal, method is appended to
	// its AMR unless already there, and its AuthTime becomes now, in one
	// atomic change (of concurrent raises none is lost). It returns the
	// session as it now is; ErrNotFound when the user has no such active
	// session.
	RaiseSession(ctx context.Context, userID, sessionID string, aal int, method string, now time.Time) (Session, error)
}

// OrganizationStore and InviteStore are the storage of the organizations
// module (package organizations), embedded in Backend: the kernel reads
// memberships through them too (the active organization of every sign-in
// and refresh).
type (
	OrganizationStore = organizations.OrganizationStore
	InviteStore       = organizations.InviteStore
)

// APIKeyStore persists API keys: the Store of the default API-key module
// (package apikeys), embedded in Backend so that the backend given to
// Register carries it (see docs/architecture.md).
type APIKeyStore = apikeys.Store

// VerificationStore persists email-confirmation and password-reset tokens.
type VerificationStore interface {
	// CreateVerificationToken inserts the token and voids every unconsumed
	// token of the same user and kind, atomically.
	CreateVerificationToken(ctx context.Context, t VerificationToken) error
	// ConfirmEmail consumes the unconsumed, unexpired email_confirm token
	// with that hash and marks the user's email confirmed at now (keeping
	// an earlier confirmation), atomically. Any other token gives
	// ErrNotFound and changes nothing.
	ConfirmEmail(ctx context.Context, tokenHash []byte, now time.Time) (User, error)
	// ResetPassword consumes the unconsumed, unexpired password_reset token
	// with that hash, stores newHash, increments the credential version,
	// revokes every session of the user and, with deleteAPIKeys, deletes
	// every API key the user created (in any organization), atomically. It
	// returns the user and how many keys it deleted. Any other token gives
	// ErrNotFound and changes nothing.
	ResetPassword(ctx context.Context, tokenHash []byte, newHash string, deleteAPIKeys bool, now time.Time) (User, int, error)
}
