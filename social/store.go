package social

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Identity is a provider account linked to a user.
type Identity struct {
	// ID is the identity's id (UUIDv7).
	ID string
	// Provider is the provider's name.
	Provider string
	// Subject is the provider's stable id of the account; (Provider,
	// Subject) is unique.
	Subject string
	// UserID is the user it signs in.
	UserID string
	// Email is the address the provider gave when it was linked (for
	// display), possibly empty.
	Email string
	// CreatedAt is when it was linked.
	CreatedAt time.Time
}

// NewIdentity returns the identity linking profile p to userID at now,
// with a new id.
func NewIdentity(p Profile, userID string, now time.Time) (Identity, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return Identity{}, fmt.Errorf("social: new id: %w", err)
	}
	return Identity{
		ID: id.String(), Provider: p.Provider, Subject: p.Subject, UserID: userID,
		Email: p.Email, CreatedAt: now.UTC(),
	}, nil
}

// Store persists linked identities. Implementations wrap their errors with
// %w; the conditions below are the Err variables of this package, and an
// unreachable store is the kernel's store-unavailable error. Package
// socialtest checks an implementation.
type Store interface {
	// Migrate creates or upgrades the module's tables (the kernel's tables
	// must exist: identities reference users).
	Migrate(ctx context.Context) error
	// CreateIdentity stores a new identity. One whose (Provider, Subject)
	// is linked already gives ErrIdentityTaken, whatever the user: of
	// concurrent calls for one (Provider, Subject) exactly one succeeds.
	// An unknown user gives ErrUserNotFound.
	CreateIdentity(ctx context.Context, id Identity) error
	// IdentityBySubject returns the identity of (provider, subject) or
	// ErrNotFound. Subjects compare byte for byte.
	IdentityBySubject(ctx context.Context, provider, subject string) (Identity, error)
	// Identities returns the user's identities, oldest first.
	Identities(ctx context.Context, userID string) ([]Identity, error)
	// DeleteIdentity deletes the user's identity id and returns it;
	// ErrNotFound when the user has no such identity. With keepOne (the
	// account has no password and no passkey) it refuses with
	// ErrLastSignInMethod to delete the user's last identity, atomically:
	// of concurrent deletions of a user's last two identities one
	// succeeds.
	DeleteIdentity(ctx context.Context, userID, id string, keepOne bool) (Identity, error)
}
