package ginauth

import "github.com/fastauth/fastauth/organizations"

// The bodies of the organization, member and invite routes, which the
// default module of package organizations mounts; re-exported for
// applications and clients that name them here.
type (
	// OrganizationBody is an organization as the API shows it.
	OrganizationBody = organizations.OrganizationBody
	// OrganizationMemberBody is one membership with its organization.
	OrganizationMemberBody = organizations.OrganizationMemberBody
	// CreateOrganizationRequest is the body of POST /organizations.
	CreateOrganizationRequest = organizations.CreateOrganizationRequest
	// RenameOrganizationRequest is the body of PATCH /organizations/{id}.
	RenameOrganizationRequest = organizations.RenameOrganizationRequest
	// ChangeRoleRequest is the body of PATCH /organizations/{id}/members/{user_id}.
	ChangeRoleRequest = organizations.ChangeRoleRequest
	// InviteBody is an organization invite as lists and revocations show it.
	InviteBody = organizations.InviteBody
	// CreatedInviteBody is the answer of POST /organizations/{id}/invites.
	CreatedInviteBody = organizations.CreatedInviteBody
	// CreateInviteRequest is the body of POST /organizations/{id}/invites.
	CreateInviteRequest = organizations.CreateInviteRequest
	// AcceptInviteRequest is the body of POST /organizations/invites/accept.
	AcceptInviteRequest = organizations.AcceptInviteRequest
)
