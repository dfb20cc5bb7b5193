// Package organizations is the organizations module of fastauth: shared
// organizations with roles (owner > admin > member), their members and
// their invites. It mounts the routes under /organizations: list, create,
// read, rename and delete organizations; list, change and remove members;
// list, create, revoke and accept invites. Every route that names an
// organization in its path authorizes by the caller's membership in it,
// read from the store, never from the access token, and by the
// permissions its role holds there (package permissions):
// organization:update, members:manage, invites:manage. The built-in roles
// hold them as the rules above say; a custom role (roles module) when the
// organization grants them. Deleting the organization and changing roles
// stay owner-only.
//
// The kernel keeps what every request and every sign-in needs: the
// principal's active organization and role, the personal workspace
// created at sign-up, the membership check at refresh, and switching the
// active organization (POST /organizations/current), which re-issues the
// access token. ginauth.Register mounts this module by default on the
// Backend it is given (which embeds Store), with Config.InviteTTL.
package organizations

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth/module"
	"github.com/fastauth/fastauth/internal/input"
	"github.com/fastauth/fastauth/permissions"
)

// Config holds the module's settings.
type Config struct {
	// InviteTTL is how long an invite can be accepted (0 means 7 days).
	InviteTTL time.Duration
}

// Module is the organizations module. Create it with New.
type Module struct {
	store Store
	cfg   Config
	host  module.Host
}

var _ module.Module = (*Module)(nil)

// New returns the module on st.
func New(st Store, cfg Config) *Module {
	if cfg.InviteTTL <= 0 {
		cfg.InviteTTL = 7 * 24 * time.Hour
	}
	return &Module{store: st, cfg: cfg}
}

// Name implements module.Module.
func (m *Module) Name() string { return "organizations" }

// Mount implements module.Module: the routes.
func (m *Module) Mount(h module.Host) error {
	if m.host != nil {
		return errors.New("organizations: module mounted twice")
	}
	m.host = h
	o := h.Routes().Group("/organizations", h.RequireUser())
	o.GET("", h.Handle(m.listOrganizations))
	o.POST("", h.Handle(m.createOrganization))
	o.POST("/invites/accept", h.RequireSession(), h.Handle(m.acceptInvite))
	o.GET("/:organization_id", h.Handle(m.getOrganization))
	o.PATCH("/:organization_id", h.Handle(m.renameOrganization))
	o.DELETE("/:organization_id", h.Handle(m.deleteOrganization))
	o.GET("/:organization_id/members", h.Handle(m.listMembers))
	o.PATCH("/:organization_id/members/:member_user_id", h.Handle(m.changeMemberRole))
	o.DELETE("/:organization_id/members/:member_user_id", h.Handle(m.removeMember))
	o.GET("/:organization_id/invites", h.Handle(m.listInvites))
	o.POST("/:organization_id/invites", h.Handle(m.createInvite))
	o.DELETE("/:organization_id/invites/:invite_id", h.Handle(m.revokeInvite))
	return nil
}

// The answers of the module's refusals.
var (
	errOrganizationNotFound = fastauth.NewError(http.StatusNotFound, fastauth.CodeOrganizationNotFound, "organization not found")
	errMemberNotFound       = fastauth.NewError(http.StatusNotFound, fastauth.CodeMemberNotFound, "member not found")
	errInviteNotFound       = fastauth.NewError(http.StatusNotFound, fastauth.CodeInviteNotFound, "invite not found")
	errNoPrincipal          = fastauth.NewError(http.StatusUnauthorized, fastauth.CodeInvalidToken, "authentication required")
)

// forbidden is a 403 forbidden with msg.
func forbidden(msg string) error {
	return fastauth.NewError(http.StatusForbidden, fastauth.CodeForbidden, msg)
}

// invalidRequest is a 400 invalid_request with msg.
func invalidRequest(msg string) error {
	return fastauth.NewError(http.StatusBadRequest, fastauth.CodeInvalidRequest, msg)
}

// storeError wraps an unexpected store error of op, for Host.Fail.
func storeError(op string, err error) error { return fmt.Errorf("organizations: %s: %w", op, err) }

// principal is the request's principal (behind RequireUser, always there).
func (m *Module) principal(c *gin.Context) (*fastauth.Principal, error) {
	p, ok := m.host.Principal(c)
	if !ok {
		return nil, errNoPrincipal
	}
	return p, nil
}

// scope is the organization named in a request's path and the caller's
// membership in it.
type scope struct {
	p   *fastauth.Principal
	org fastauth.Organization
	me  fastauth.Membership
}

// access authorizes a request for the organization in the path: the
// caller must be a member of it (read from the store now, never from the
// access token) whose role holds perm there (package permissions: the
// built-in roles as the catalog says, a custom role as the organization
// defines it now; perm "" asks membership only). A non-member, or an API
// key of another organization, gets 404 organization_not_found; a role
// without the permission, or an API key limited to a permission list
// (which manages nothing), 403.
func (m *Module) access(c *gin.Context, perm string) (scope, error) {
	p, err := m.principal(c)
	if err != nil {
		return scope{}, err
	}
	id := c.Param("organization_id")
	if !input.ID(id) || (p.Kind == fastauth.PrincipalAPIKey && id != p.OrganizationID) {
		return scope{}, errOrganizationNotFound
	}
	ctx, cancel := m.host.StoreContext(c.Request.Context())
	defer cancel()
	me, err := m.store.Membership(ctx, id, p.UserID)
	if err != nil {
		return scope{}, notFoundAs(errOrganizationNotFound, "membership", err)
	}
	org, err := m.store.OrganizationByID(ctx, id)
	if err != nil {
		return scope{}, notFoundAs(errOrganizationNotFound, "organization", err)
	}
	s := scope{p: p, org: org, me: me}
	if perm != "" {
		if err := m.may(c, s, perm); err != nil {
			return scope{}, err
		}
	}
	return s, nil
}

// may checks that the caller in scope s holds perm in the organization: its
// role's permissions as the kernel's resolver answers them (built-in roles
// from the catalog; custom roles as defined now, a change in this process
// seen at once). An API key limited to a permission list manages nothing
// (403).
func (m *Module) may(c *gin.Context, s scope, perm string) error {
	if permissions.Scoped(s.p) {
		return forbidden("an API key limited to permissions cannot manage the organization")
	}
	ctx, cancel := m.host.StoreContext(c.Request.Context())
	defer cancel()
	ok, err := m.host.Permissions().Allows(ctx, s.org.ID, s.me.Role, perm)
	if err != nil {
		return storeError("role permissions", err)
	}
	if !ok {
		return forbidden("this requires the " + perm + " permission in the organization")
	}
	return nil
}

// notFoundAs maps a store error of op: fastauth.ErrNotFound to notFound,
// anything else to a store error.
func notFoundAs(notFound error, op string, err error) error {
	if errors.Is(err, fastauth.ErrNotFound) {
		return notFound
	}
	return storeError(op, err)
}

// refusePersonal refuses the operations a personal workspace does not
// support (403).
func refusePersonal(org fastauth.Organization, what string) error {
	if org.Kind == fastauth.KindPersonal {
		return forbidden("a personal workspace cannot " + what)
	}
	return nil
}

// checkName trims a name and checks it (400 invalid_request).
func checkName(raw, what string) (string, error) {
	name, ok := input.Name(raw)
	if !ok {
		return "", invalidRequest(what + input.NameRule)
	}
	return name, nil
}
