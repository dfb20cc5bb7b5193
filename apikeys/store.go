package apikeys

import (
	"context"
	"time"

	"github.com/fastauth/fastauth"
)

// Store persists API keys. The GORM implementation is
// store.(*Store).APIKeys(); package apikeystest checks any
// implementation. ginauth.Backend embeds it, so the backend given to
// ginauth.Register is the store of the default API-key module.
//
// The table of API keys belongs to the kernel's schema (the kernel's own
// changes delete keys: an organization's deletion, a member's removal, a
// password reset), so a Store has no Migrate of its own. Missing rows are
// reported with fastauth.ErrNotFound (wrapped); time comes from the
// caller.
type Store interface {
	// CreateAPIKey inserts the key.
	CreateAPIKey(ctx context.Context, k fastauth.APIKey) error
	// APIKeyByHash returns the key with that SHA-256 hash, its creator and
	// the creator's membership in the key's organization (nil when gone),
	// through the unique index on the hash; ErrNotFound if unknown.
	APIKeyByHash(ctx context.Context, keyHash []byte) (fastauth.VerifiedAPIKey, error)
	// APIKey returns a key of the organization by id; ErrNotFound if there
	// is none.
	APIKey(ctx context.Context, organizationID, id string) (fastauth.APIKey, error)
	// APIKeys returns one page of the organization's keys and their total.
	APIKeys(ctx context.Context, organizationID string, opt fastauth.APIKeyListOptions) ([]fastauth.APIKey, int64, error)
	// DeleteAPIKey deletes a key of the organization and returns it;
	// ErrNotFound if there is none.
	DeleteAPIKey(ctx context.Context, organizationID, id string) (fastauth.APIKey, error)
	// TouchAPIKeys records last-use times, key id to time. A time never
	// moves last_used_at backwards.
	TouchAPIKeys(ctx context.Context, used map[string]time.Time) error
}
