package passkeys

import (
	"context"
	"time"
)

// Store is the passkeys' storage. Implementations decide every
// single-winner rule atomically (a conditional statement checked for its
// affected rows, never a read followed by a write), take every time they
// compare or write from the caller's now, and report the documented
// conditions with this package's sentinels (wrapped freely: callers use
// errors.Is). Any other failure is a store error the routes answer with 503
// or 500.
//
// Package store implements it on GORM (store.(*Store).Passkeys()); package
// passkeystest is the conformance suite every implementation passes.
type Store interface {
	// Migrate creates or upgrades the passkeys' own tables. The core tables
	// (accounts) must exist: passkeys and handles refer to accounts and go
	// when the account goes.
	Migrate(ctx context.Context) error

	// EnsureUserHandle returns the account's user handle, storing candidate
	// as it when the account has none yet. Of concurrent calls for one
	// account, whatever their candidates, all return the same handle.
	// ErrUserNotFound when the account does not exist.
	EnsureUserHandle(ctx context.Context, userID string, candidate []byte) ([]byte, error)
	// UserHandle returns the account's user handle, or ErrUserNotFound when
	// it has none (no ceremony was ever begun for it).
	UserHandle(ctx context.Context, userID string) ([]byte, error)

	// CreateCeremony stores a new ceremony. Its IDHash is unique (a clash
	// is a store error: ids are 256-bit random).
	CreateCeremony(ctx context.Context, c Ceremony) error
	// TakeCeremony removes and returns the ceremony with this id hash if it
	// is of this kind, bound to userID ("" for one bound to nobody) and
	// still live at now (ExpiresAt after now); else ErrCeremonyNotFound.
	// Of concurrent calls for one ceremony at most one succeeds.
	TakeCeremony(ctx context.Context, idHash string, kind CeremonyKind, userID string, now time.Time) (Ceremony, error)
	// DeleteExpiredCeremonies removes the ceremonies no longer live at now
	// and reports how many there were.
	DeleteExpiredCeremonies(ctx context.Context, now time.Time) (int64, error)

	// CreateCredential stores a new passkey of c.UserID, whose handle must
	// exist (EnsureUserHandle), unless the account already has max
	// passkeys (ErrTooManyPasskeys) or the credential id is registered
	// already, to this or any account (ErrCredentialExists). The bound
	// holds under concurrency: of concurrent creations at most max minus
	// the existing count succeed. ErrUserNotFound when the account or its
	// handle does not exist.
	CreateCredential(ctx context.Context, c Credential, max int) error
	// Credentials lists the account's passkeys, oldest first (none: an
	// empty list, no error).
	Credentials(ctx context.Context, userID string) ([]Credential, error)
	// CredentialByCredentialID returns the passkey with this WebAuthn
	// credential id (rawId), whichever its account, or ErrNotFound.
	CredentialByCredentialID(ctx context.Context, credentialID []byte) (Credential, error)
	// RenameCredential sets the name of the account's passkey id and
	// returns it; ErrNotFound when the account has no such passkey.
	RenameCredential(ctx context.Context, userID, id, name string) (Credential, error)
	// DeleteCredential removes the account's passkey id and returns it as
	// it was; ErrNotFound when the account has no such passkey (so of
	// concurrent deletions exactly one succeeds).
	DeleteCredential(ctx context.Context, userID, id string) (Credential, error)
	// RecordAssertion records a verified assertion by passkey id: when
	// signCount is not 0 it must exceed the stored counter, which becomes
	// signCount, else ErrSignCountRegressed and nothing changes (so of
	// concurrent assertions with one counter value exactly one succeeds);
	// a signCount of 0 (an authenticator without a counter) leaves the
	// counter as it is. BackedUp and LastUsedAt (now) are updated. It
	// returns the passkey as it now is; ErrNotFound when it was deleted.
	RecordAssertion(ctx context.Context, id string, signCount uint32, backedUp bool, now time.Time) (Credential, error)
}

// Credential is a stored passkey.
type Credential struct {
	// ID identifies the passkey in the routes (a UUIDv7 string).
	ID string
	// UserID is the account it signs in.
	UserID string
	// CredentialID is the WebAuthn credential id (rawId), up to 1023 bytes.
	CredentialID []byte
	// PublicKey is the COSE_Key of the credential.
	PublicKey []byte
	// SignCount is the last signature counter seen (0 for authenticators
	// without one).
	SignCount uint32
	// BackupEligible is the BE flag at registration: the passkey can be
	// synced. It never changes.
	BackupEligible bool
	// BackedUp is the BS flag of the last ceremony: the passkey is synced.
	BackedUp bool
	// Transports are the transports the browser reported at registration
	// ("internal", "hybrid", "usb", ...), hints for later requests.
	Transports []string
	// AAGUID identifies the authenticator model (16 bytes, often zero).
	AAGUID []byte
	// AttestationFormat is the attestation statement format at
	// registration ("none" mostly).
	AttestationFormat string
	// Name is the user's label for the passkey.
	Name string
	// CreatedAt is when it was registered.
	CreatedAt time.Time
	// LastUsedAt is the last successful assertion, nil before the first.
	LastUsedAt *time.Time
}
