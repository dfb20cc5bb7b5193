package users

import (
	"context"
	"encoding/json"
	"time"

	"github.com/fastauth/fastauth"
)

// Store is the storage of the users module. Package store implements it
// (st.Users()); the profile and disabled columns live on the core's users
// table, migrated by the core's AutoMigrate. Missing rows are reported with
// fastauth.ErrNotFound.
type Store interface {
	fastauth.Transactor
	// CreateUser, UserByID and UserByEmail are the kernel's (see
	// ginauth.UserStore).
	CreateUser(ctx context.Context, u fastauth.User, workspace fastauth.Organization, owner fastauth.Membership, first *fastauth.NewSession) error
	UserByID(ctx context.Context, id string) (fastauth.User, error)
	UserByEmail(ctx context.Context, email string) (fastauth.User, error)
	// ChangePassword is the kernel's (ginauth.UserStore): it stores the
	// new hash and revokes the sessions but keepSessionID.
	ChangePassword(ctx context.Context, userID string, expectedVersion int64, newHash, keepSessionID string, now time.Time) error
	// RevokeOtherSessions is the kernel's (ginauth.SessionStore); an empty
	// keepSessionID revokes every active session of the user.
	RevokeOtherSessions(ctx context.Context, userID, keepSessionID string, now time.Time) (int, error)

	// Memberships is the kernel's (ginauth.OrganizationStore).
	Memberships(ctx context.Context, userID string) ([]fastauth.MembershipDetail, error)

	// UpdateProfile applies p to the user's profile (nil fields keep
	// their value, empty ones clear it), sets UpdatedAt to now and
	// returns the user as it now is.
	UpdateProfile(ctx context.Context, userID string, p ProfileChange, now time.Time) (fastauth.User, error)
	// SetDisabled disables the user (DisabledAt now, DisabledReason
	// reason) and revokes every active session, or with disabled false
	// enables it, in one transaction; it returns the user as it now is and
	// how many sessions it revoked.
	SetDisabled(ctx context.Context, userID string, disabled bool, reason string, now time.Time) (fastauth.User, int, error)
	// ListUsers returns one page of the users whose email or name contains
	// q.Query (case-insensitively), newest first, and how many match.
	ListUsers(ctx context.Context, q ListQuery) ([]fastauth.User, int64, error)
	// DeleteUser deletes the user and everything the store keeps about
	// them in one transaction: the personal workspace, memberships,
	// sessions and refresh tokens, API keys they created, invites they
	// sent, verification tokens, second factors, passkeys, linked
	// identities and their security log. It refuses with
	// fastauth.ErrLastOwner while the user is the last owner of a shared
	// organization (checked under the organizations' locks). It returns
	// the ids of the shared organizations the user left.
	DeleteUser(ctx context.Context, userID string, now time.Time) (left []string, err error)
	// ExportUser returns everything stored about the user, table by
	// table, without hashes, secrets or tokens.
	ExportUser(ctx context.Context, userID string) (Export, error)
}

// ProfileChange is a change of the profile fields: a nil field keeps its
// value, an empty one clears it.
type ProfileChange struct {
	Name     *string
	ImageURL *string
	Metadata *json.RawMessage
}

// ListQuery selects a page of users.
type ListQuery struct {
	// Query is matched, case-insensitively, as a substring of the email
	// or the name; empty matches every user.
	Query string
	// Limit is the page size (1..MaxLimit), Offset the rows skipped.
	Limit, Offset int
}

// Export is everything stored about one user: the user (without password
// hash) and, per table the store keeps, the user's rows without their
// hashes, secrets and tokens (a column holding one is left out).
type Export struct {
	// ExportedAt is when the document was made.
	ExportedAt time.Time `json:"exported_at"`
	// User is the account.
	User ExportUser `json:"user"`
	// Tables maps a table name to the user's rows in it, each row a
	// column → value object.
	Tables map[string][]map[string]any `json:"tables" swaggertype:"object"`
} //	@name	UserExport

// ExportUser is the account in an Export.
type ExportUser struct {
	ID               string          `json:"id"`
	Email            string          `json:"email"`
	EmailConfirmedAt *time.Time      `json:"email_confirmed_at"`
	HasPassword      bool            `json:"has_password"`
	Name             string          `json:"name"`
	ImageURL         string          `json:"image_url"`
	Metadata         json.RawMessage `json:"metadata" swaggertype:"object"`
	DisabledAt       *time.Time      `json:"disabled_at"`
	DisabledReason   string          `json:"disabled_reason"`
	CreatedAt        time.Time       `json:"created_at"`
	UpdatedAt        time.Time       `json:"updated_at"`
} //	@name	UserExportAccount
