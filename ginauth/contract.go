package ginauth

import "github.com/fastauth/fastauth"

// The names below are defined in package fastauth, the contract below the
// kernel and the modules, and re-exported here so that applications keep
// writing ginauth.Principal, ginauth.RoleAdmin, ginauth.ErrNotFound.

// Principal is the authenticated caller of a request; see fastauth.Principal.
type Principal = fastauth.Principal

// PrincipalKind tells how a request authenticated; see fastauth.PrincipalKind.
type PrincipalKind = fastauth.PrincipalKind

// Role is a member's role inside an organization; see fastauth.Role.
type Role = fastauth.Role

// OrganizationKind tells a personal workspace from a shared organization.
type OrganizationKind = fastauth.OrganizationKind

// Domain types; see their documentation in package fastauth.
type (
	// User is an account.
	User = fastauth.User
	// Organization is a personal workspace or a shared organization.
	Organization = fastauth.Organization
	// Membership ties a user to an organization with a role.
	Membership = fastauth.Membership
	// MembershipDetail is a membership together with its organization.
	MembershipDetail = fastauth.MembershipDetail
	// Member is a membership together with the member's email.
	Member = fastauth.Member
	// Session is one signed-in device or browser.
	Session = fastauth.Session
	// RefreshToken is the stored form of one refresh token of a session.
	RefreshToken = fastauth.RefreshToken
	// NewSession is a session with its first refresh token.
	NewSession = fastauth.NewSession
	// Invite asks an email address to join an organization with a role.
	Invite = fastauth.Invite
	// APIKey is a machine credential.
	APIKey = fastauth.APIKey
	// VerifiedAPIKey is a key with its creator and the creator's membership.
	VerifiedAPIKey = fastauth.VerifiedAPIKey
	// VerificationKind types a verification token.
	VerificationKind = fastauth.VerificationKind
	// VerificationToken is a single-use, expiring token mailed to a user.
	VerificationToken = fastauth.VerificationToken
	// SortOrder is the direction of a sorted listing.
	SortOrder = fastauth.SortOrder
	// APIKeyListOptions selects a page of an organization's API keys.
	APIKeyListOptions = fastauth.APIKeyListOptions
	// ReusedTokenError reports the presentation of a consumed refresh token.
	ReusedTokenError = fastauth.ReusedTokenError
)

// Sentinel errors a Backend returns (wrapped); check them with errors.Is.
var (
	// ErrNotFound: the row does not exist or is not in the required state.
	ErrNotFound = fastauth.ErrNotFound
	// ErrDuplicateEmail: an account with that email exists.
	ErrDuplicateEmail = fastauth.ErrDuplicateEmail
	// ErrConflict: a concurrent change won; nothing was written.
	ErrConflict = fastauth.ErrConflict
	// ErrLastOwner: the change would leave an organization without an owner.
	ErrLastOwner = fastauth.ErrLastOwner
	// ErrForbidden: the store refused a change the caller may not make.
	ErrForbidden = fastauth.ErrForbidden
	// ErrRefreshTokenReused: a consumed refresh token was presented again.
	ErrRefreshTokenReused = fastauth.ErrRefreshTokenReused
	// ErrStoreUnavailable: the database could not be reached in time.
	ErrStoreUnavailable = fastauth.ErrStoreUnavailable
)
