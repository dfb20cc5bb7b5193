package fastauth

import (
	"encoding/json"
	"time"
)

// OrganizationKind tells a user's personal workspace from a shared organization.
type OrganizationKind string

// The two organization kinds.
const (
	KindPersonal OrganizationKind = "personal"
	KindShared   OrganizationKind = "shared"
)

// User is an account. PasswordHash is an argon2id PHC string; it never
// leaves the server.
type User struct {
	ID               string
	Email            string // normalized: trimmed and lowercased
	PasswordHash     string
	EmailConfirmedAt *time.Time
	// ActiveOrganizationID is the organization the user last switched to;
	// empty means "the personal workspace".
	ActiveOrganizationID string
	// CredentialVersion increases with every password change; a sign-in
	// only creates a session if the version it verified against is still
	// current (see the SessionStore of package ginauth).
	CredentialVersion int64
	// Name is the user's display name (at most 100 characters; empty when
	// unset).
	Name string
	// ImageURL is an https URL of the user's picture (empty when unset).
	ImageURL string
	// Metadata is the application's JSON object about the user (at most
	// 4 KiB; nil when unset).
	Metadata json.RawMessage
	// DisabledAt is when a platform administrator disabled the account
	// (nil when enabled): a disabled account cannot sign in, refresh or use
	// its API keys.
	DisabledAt *time.Time
	// DisabledReason is the administrator's reason for disabling it.
	DisabledReason string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Organization is a personal workspace or a shared organization.
type Organization struct {
	ID        string
	Kind      OrganizationKind
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Membership ties a user to an organization with a role.
type Membership struct {
	OrganizationID string
	UserID         string
	Role           Role
	CreatedAt      time.Time
}

// MembershipDetail is a membership together with its organization, as
// listed for a user.
type MembershipDetail struct {
	Membership
	Organization Organization
}

// Member is a membership together with the member's email, as listed in an
// organization's roster.
type Member struct {
	Membership
	Email string
}

// Session is one signed-in device or browser. Its id is the `sid` claim of
// the access tokens issued to it.
type Session struct {
	ID         string
	UserID     string
	CreatedAt  time.Time
	LastUsedAt time.Time
	ExpiresAt  time.Time
	RevokedAt  *time.Time
	UserAgent  string
	IP         string
	// AAL is the session's authenticator assurance level: 1 (one factor)
	// or 2 (a second factor, or a phishing-resistant one). It is the `aal`
	// claim of the session's access tokens.
	AAL int
	// AMR lists the methods that established the session, in the order
	// they were completed, each once (MethodPassword, MethodTOTP, ...). It
	// is the `amr` claim of the session's access tokens.
	AMR []string
	// AuthTime is the session's latest authentication: its sign-in, or the
	// latest step-up. It is the `auth_time` claim.
	AuthTime time.Time
}

// Active reports whether the session is neither revoked nor expired at now.
func (s Session) Active(now time.Time) bool {
	return s.RevokedAt == nil && now.Before(s.ExpiresAt)
}

// RefreshToken is the stored form of one refresh token of a session. Only
// the SHA-256 of the token is kept.
type RefreshToken struct {
	ID         string
	SessionID  string
	TokenHash  []byte
	CreatedAt  time.Time
	ExpiresAt  time.Time
	ConsumedAt *time.Time
}

// NewSession is a session with its first refresh token, as sign-up creates
// it together with the account (UserStore.CreateUser).
type NewSession struct {
	Session      Session
	RefreshToken RefreshToken
}

// Invite asks an email address to join an organization with a role.
type Invite struct {
	ID               string
	OrganizationID   string
	OrganizationName string // filled by reads; ignored on create
	Email            string
	Role             Role
	TokenHash        []byte
	InvitedByUserID  string
	CreatedAt        time.Time
	ExpiresAt        time.Time
	RevokedAt        *time.Time
	AcceptedAt       *time.Time
	AcceptedByUserID string
	// BuiltinPermissions holds, on create only, the permission names of
	// the built-in roles (owner, admin, member) from the application's
	// catalog, which the store does not know. When set, CreateInvite
	// decides inside its transaction that the target role holds nothing
	// the inviter's role lacks: a built-in inviter against a custom role
	// read there, a custom-role inviter against the member role. Never
	// stored; ignored by reads.
	BuiltinPermissions map[Role][]string
}

// Pending reports whether the invite can still be accepted at now.
func (i Invite) Pending(now time.Time) bool {
	return i.RevokedAt == nil && i.AcceptedAt == nil && now.Before(i.ExpiresAt)
}

// APIKey is a machine credential. Only the SHA-256 of the key is kept.
type APIKey struct {
	ID              string
	OrganizationID  string
	Name            string
	CreatedByUserID string
	KeyPrefix       string
	KeyHash         []byte
	CreatedAt       time.Time
	LastUsedAt      *time.Time
	ExpiresAt       *time.Time
	// Permissions limits the key to these permissions (intersected with
	// its creator's current ones); nil means everything its creator has.
	Permissions []string
}

// VerifiedAPIKey is what an API-key lookup returns: the key and its creator's
// current membership in the key's organization (nil when the creator is no
// longer a member) and the creator's account.
type VerifiedAPIKey struct {
	Key        APIKey
	User       User
	Membership *Membership
}

// VerificationKind types a verification token; one kind can never be used
// for another.
type VerificationKind string

// The verification token kinds.
const (
	VerifyEmail   VerificationKind = "email_confirm"
	ResetPassword VerificationKind = "password_reset"
)

// VerificationToken is a single-use, expiring token mailed to a user. Only
// the SHA-256 of the token is kept.
type VerificationToken struct {
	ID         string
	UserID     string
	Kind       VerificationKind
	TokenHash  []byte
	CreatedAt  time.Time
	ExpiresAt  time.Time
	ConsumedAt *time.Time
}

// SortOrder is the direction of a sorted listing.
type SortOrder string

// Sort directions.
const (
	Asc  SortOrder = "asc"
	Desc SortOrder = "desc"
)

// APIKeyListOptions selects a page of an organization's API keys.
// SortBy is one of "created_at", "name", "last_used_at".
type APIKeyListOptions struct {
	Limit     int
	Offset    int
	SortBy    string
	SortOrder SortOrder
}
