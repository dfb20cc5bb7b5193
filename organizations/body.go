package organizations

import (
	"time"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/internal/secret"
)

// OrganizationBody is an organization as the API shows it.
type OrganizationBody struct {
	ID        string                    `json:"id" example:"01937b6e-8c1a-7c3e-9a4f-2b1d3e4f5a6b"`
	Kind      fastauth.OrganizationKind `json:"kind" enums:"personal,shared"`
	Name      string                    `json:"name" example:"Acme"`
	CreatedAt time.Time                 `json:"created_at"`
	UpdatedAt time.Time                 `json:"updated_at"`
}

// OrganizationMemberBody (OrganizationMember) is one membership: an
// organization, a user in it and their role.
type OrganizationMemberBody struct {
	Organization OrganizationBody `json:"organization"`
	UserID       string           `json:"user_id"`
	Email        string           `json:"email" example:"ada@example.com"`
	Role         fastauth.Role    `json:"role" swaggertype:"string" example:"member"`
	CreatedAt    time.Time        `json:"created_at"`
}

// CreateOrganizationRequest is the body of POST /organizations.
type CreateOrganizationRequest struct {
	Name string `json:"name" example:"Acme"`
}

// RenameOrganizationRequest is the body of PATCH /organizations/{id}.
type RenameOrganizationRequest struct {
	Name string `json:"name" example:"Acme Inc."`
}

func organizationBody(o fastauth.Organization) OrganizationBody {
	return OrganizationBody{ID: o.ID, Kind: o.Kind, Name: o.Name, CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC()}
}

func organizationMemberBody(o fastauth.Organization, m fastauth.Membership, email string) OrganizationMemberBody {
	return OrganizationMemberBody{Organization: organizationBody(o), UserID: m.UserID, Email: email, Role: m.Role, CreatedAt: m.CreatedAt.UTC()}
}

// ChangeRoleRequest is the body of PATCH /organizations/{id}/members/{user_id}.
type ChangeRoleRequest struct {
	Role fastauth.Role `json:"role" swaggertype:"string" example:"member"`
}

// inviteTokenPrefix starts every invite token, so that it is recognizable
// (for secret scanners, and in support requests) and cannot be confused with
// the other tokens.
const inviteTokenPrefix = "inv_"

// InviteBody (Invite) is an organization invite as lists and revocations
// show it. The token is only in CreatedInviteBody.
type InviteBody struct {
	ID               string        `json:"id"`
	OrganizationID   string        `json:"organization_id"`
	OrganizationName string        `json:"organization_name"`
	Email            string        `json:"email" example:"grace@example.com"`
	Role             fastauth.Role `json:"role" swaggertype:"string" example:"member"`
	InvitedByUserID  string        `json:"invited_by_user_id"`
	CreatedAt        time.Time     `json:"created_at"`
	ExpiresAt        time.Time     `json:"expires_at"`
	RevokedAt        *time.Time    `json:"revoked_at" extensions:"x-nullable"`
	AcceptedAt       *time.Time    `json:"accepted_at" extensions:"x-nullable"`
}

// CreatedInviteBody is the answer of POST /organizations/{id}/invites: the
// invite and its token, returned this once (and mailed).
type CreatedInviteBody struct {
	InviteBody
	Token string `json:"token" example:"inv_9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"`
}

// CreateInviteRequest is the body of POST /organizations/{id}/invites.
type CreateInviteRequest struct {
	Email string        `json:"email" example:"grace@example.com"`
	Role  fastauth.Role `json:"role" swaggertype:"string" example:"member"`
}

// AcceptInviteRequest is the body of POST /organizations/invites/accept.
type AcceptInviteRequest struct {
	Token string `json:"token"`
}

func inviteBody(inv fastauth.Invite, orgName string) InviteBody {
	if inv.OrganizationName != "" {
		orgName = inv.OrganizationName
	}
	return InviteBody{
		ID: inv.ID, OrganizationID: inv.OrganizationID, OrganizationName: orgName,
		Email: inv.Email, Role: inv.Role, InvitedByUserID: inv.InvitedByUserID,
		CreatedAt: inv.CreatedAt.UTC(), ExpiresAt: inv.ExpiresAt.UTC(),
		RevokedAt: utcPtr(inv.RevokedAt), AcceptedAt: utcPtr(inv.AcceptedAt),
	}
}

// validInviteToken reports whether s has the shape of an invite token.
func validInviteToken(s string) bool {
	return secret.Valid(s, inviteTokenPrefix)
}

// utcPtr returns a copy of *t in UTC, nil for nil.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
