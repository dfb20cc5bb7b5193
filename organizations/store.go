package organizations

import (
	"context"
	"time"

	"github.com/fastauth/fastauth"
)

// Store is the storage of organizations, their members and invites. The
// GORM store implements it directly (store.(*Store)); ginauth.Backend
// embeds it, since the kernel reads memberships through it too (the active
// organization of every sign-in and refresh), so that the backend given to
// ginauth.Register is the store of the default organizations module. The
// tables belong to the kernel's schema (a sign-up creates the personal
// workspace), so a Store has no Migrate of its own. Missing rows are
// reported with fastauth.ErrNotFound, the other documented conditions with
// fastauth.ErrConflict, ErrForbidden and ErrLastOwner (wrapped); time
// comes from the caller.
type Store interface {
	OrganizationStore
	InviteStore
}

// OrganizationStore persists organizations and memberships. Every mutation
// of an organization's roster is serialized per organization so that the
// last-owner rule holds under concurrency, and reads the role of the
// member who makes it (the actor) inside that serialization: a caller
// demoted or removed concurrently cannot act on the role it had a moment
// before.
type OrganizationStore interface {
	// CreateOrganization inserts a shared organization and its first owner.
	CreateOrganization(ctx context.Context, org fastauth.Organization, owner fastauth.Membership) error
	// OrganizationByID returns the organization or ErrNotFound.
	OrganizationByID(ctx context.Context, id string) (fastauth.Organization, error)
	// RenameOrganization sets the name and UpdatedAt; ErrNotFound if missing.
	RenameOrganization(ctx context.Context, id, name string, now time.Time) (fastauth.Organization, error)
	// DeleteOrganization deletes the organization with its memberships,
	// invites and API keys, and clears it as anyone's active organization.
	DeleteOrganization(ctx context.Context, id string) error
	// Memberships lists the user's memberships with their organizations,
	// personal workspace first, then by creation time.
	Memberships(ctx context.Context, userID string) ([]fastauth.MembershipDetail, error)
	// Membership returns the user's membership in the organization or
	// ErrNotFound.
	Membership(ctx context.Context, organizationID, userID string) (fastauth.Membership, error)
	// Members lists an organization's roster with emails, oldest first.
	Members(ctx context.Context, organizationID string) ([]fastauth.Member, error)
	// ChangeMemberRole sets a member's role on behalf of actorID, who must
	// be an owner of the organization at that moment (ErrForbidden
	// otherwise, also when the actor is no longer a member). Demoting the
	// last owner gives ErrLastOwner; a non-member userID gives ErrNotFound.
	ChangeMemberRole(ctx context.Context, organizationID, actorID, userID string, role fastauth.Role) (fastauth.Membership, error)
	// RemoveMember deletes a membership on behalf of actorID, with the API
	// keys the member created in that organization, and clears the
	// organization as the member's active one. Any member may remove
	// themself (actorID == userID); removing someone else takes an admin
	// or owner actor, or one whose custom role holds members:manage (its
	// definition read under the same serialization) and then only a
	// member or a member of a custom role holding no permission the
	// actor's lacks, never an admin or owner; removing an owner takes an
	// owner actor (ErrForbidden otherwise, also when the actor is no
	// longer a member). Removing the
	// last owner gives ErrLastOwner; a non-member userID ErrNotFound.
	RemoveMember(ctx context.Context, organizationID, actorID, userID string) (fastauth.Membership, error)
}

// InviteStore persists organization invites.
type InviteStore interface {
	// CreateInvite inserts the invite and revokes (at now) any pending
	// invite of the same organization and email, atomically: concurrent
	// creations leave exactly one pending invite. The inviter
	// (inv.InvitedByUserID) must be an admin or owner of the organization,
	// and an owner to invite an owner, or hold a custom role granting
	// invites:manage, and then invite only to member or to a custom role
	// holding no permission the inviter's lacks; all read at that moment
	// under the same serialization as the roster changes and the roles
	// module's edits (ErrForbidden otherwise, also when the inviter is no
	// longer a member; nothing is written).
	CreateInvite(ctx context.Context, inv fastauth.Invite, now time.Time) error
	// Invites lists an organization's invites, newest first.
	Invites(ctx context.Context, organizationID string) ([]fastauth.Invite, error)
	// InviteByTokenHash returns the invite (in any state) or ErrNotFound.
	InviteByTokenHash(ctx context.Context, tokenHash []byte) (fastauth.Invite, error)
	// RevokeInvite revokes a pending invite of the organization.
	// ErrNotFound if there is no such invite; ErrConflict if it is no longer
	// pending. It returns the invite as it now is.
	RevokeInvite(ctx context.Context, organizationID, inviteID string, now time.Time) (fastauth.Invite, error)
	// AcceptInvite consumes the pending invite with that token hash for
	// userID, adds the membership (an existing membership keeps the higher
	// of its role and the invite's) and makes the organization the user's
	// active one, atomically; exactly one of concurrent accepts or of an
	// accept and a revoke wins. A token that is not pending gives
	// ErrNotFound.
	AcceptInvite(ctx context.Context, tokenHash []byte, userID string, now time.Time) (fastauth.Invite, fastauth.Membership, error)
}
