// Package roles is the custom-roles module of fastauth (module name
// "roles"): an organization defines roles of its own as named sets of the
// application's permissions (package permissions), assigns them to
// members and invites like the built-in roles, and RequirePermission and
// AuthResponse answer with them. It mounts the permission catalog
// (GET /permissions) and the roles of an organization
// (GET, POST /organizations/{id}/roles; PATCH, DELETE
// /organizations/{id}/roles/{name}).
//
// Rules: names match ^[a-z][a-z0-9_-]{0,31}$ (400 invalid_request), a
// built-in name or a taken one (in any case) 409 role_exists; permissions
// must be in the catalog (400 unknown_permission), are deduplicated and
// sorted, at most permissions.MaxListLength entries in a request and
// Config.MaxRoles roles per organization; custom roles hold the
// application's permissions and the auth routes' own that admins hold
// (organization:update, members:manage, invites:manage, api_keys:manage,
// audit_log:read: the routes honour them), never the owners'
// organization:delete and roles:manage (400); defining or
// changing a role takes roles:manage, and nobody grants what they do not
// hold (403); a role that a member or a pending invite has cannot be
// deleted (409 role_in_use); personal workspaces have no custom roles
// (403).
//
// Definitions are cached in-process by the kernel's permissions.Resolver:
// a change through this process is seen at once; other instances drop
// their copy when the change reaches them through the revocation broadcast
// (revocation mode immediate), and otherwise within Config.CacheTTL.
package roles

import (
	"context"
	"errors"
	"time"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth/module"
)

// Organizations is what the module reads of organizations: the kind of
// the organization in the path, and the caller's membership there. Package
// store's *Store implements it.
type Organizations interface {
	OrganizationByID(ctx context.Context, id string) (fastauth.Organization, error)
	Membership(ctx context.Context, organizationID, userID string) (fastauth.Membership, error)
}

// Config holds the module's settings.
type Config struct {
	// MaxRoles caps the custom roles of one organization (0 means 50).
	MaxRoles int
	// CacheTTL bounds how long an instance trusts its cached definitions
	// of an organization's roles when no change reached it (0 means
	// permissions.DefaultCacheTTL, 10 s): the delay within which other
	// instances see a change in revocation mode expiry.
	CacheTTL time.Duration
}

// Module is the roles module. Create it with New.
type Module struct {
	store Store
	orgs  Organizations
	cfg   Config
	host  module.Host
}

var _ module.Module = (*Module)(nil)

// New returns the module on st, reading organizations from orgs:
//
//	roles.New(st.Roles(), st, roles.Config{})
func New(st Store, orgs Organizations, cfg Config) *Module {
	if cfg.MaxRoles <= 0 {
		cfg.MaxRoles = 50
	}
	return &Module{store: st, orgs: orgs, cfg: cfg}
}

// Name implements module.Module.
func (m *Module) Name() string { return "roles" }

// Mount implements module.Module: the routes, the source of the kernel's
// permissions.Resolver, and the cache invalidations.
func (m *Module) Mount(h module.Host) error {
	if m.host != nil {
		return errors.New("roles: module mounted twice")
	}
	m.host = h
	h.Permissions().SetSource(m.load, m.cfg.CacheTTL)
	h.Subscribe(m.invalidate)
	h.SubscribeRevocations(m.invalidate)
	g := h.Routes().Group("", h.RequireUser())
	g.GET("/permissions", h.Handle(m.listPermissions))
	o := g.Group("/organizations/:organization_id/roles")
	o.GET("", h.Handle(m.listRoles))
	o.POST("", h.Handle(m.createRole))
	o.PATCH("/:role_name", h.Handle(m.updateRole))
	o.DELETE("/:role_name", h.Handle(m.deleteRole))
	return nil
}

// load is the resolver's source: an organization's roles, read within the
// kernel's store timeout.
func (m *Module) load(ctx context.Context, organizationID string) (map[string][]string, error) {
	ctx, cancel := m.host.StoreContext(ctx)
	defer cancel()
	rs, err := m.store.Roles(ctx, organizationID)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]string, len(rs))
	for _, r := range rs {
		out[r.Name] = r.Permissions
	}
	return out, nil
}

// invalidate drops an organization's cached roles after a change to them
// or to its roster, here or (through the broadcast) on another instance.
func (m *Module) invalidate(_ context.Context, e fastauth.Event) error {
	switch e.Type {
	case fastauth.EventRoleCreated, fastauth.EventRoleUpdated, fastauth.EventRoleDeleted,
		fastauth.EventMemberRoleChanged, fastauth.EventOrganizationDeleted:
		m.host.Permissions().Invalidate(e.OrganizationID)
		if e.Target.Type == fastauth.TargetOrganization {
			m.host.Permissions().Invalidate(e.Target.ID)
		}
	}
	return nil
}
