package roles

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/internal/input"
	"github.com/fastauth/fastauth/permissions"
)

// The answers of the module's refusals.
var (
	errOrganizationNotFound = fastauth.NewError(http.StatusNotFound, fastauth.CodeOrganizationNotFound, "organization not found")
	errRoleNotFound         = fastauth.NewError(http.StatusNotFound, fastauth.CodeRoleNotFound, "the organization has no role of that name")
	errRoleExists           = fastauth.NewError(http.StatusConflict, fastauth.CodeRoleExists, "a role of that name exists (built-in roles included, in any case)")
	errRoleInUse            = fastauth.NewError(http.StatusConflict, fastauth.CodeRoleInUse, "a member or a pending invite has the role")
	errPersonal             = fastauth.NewError(http.StatusForbidden, fastauth.CodeForbidden, "a personal workspace has no custom roles")
	errNoPrincipal          = fastauth.NewError(http.StatusUnauthorized, fastauth.CodeInvalidToken, "authentication required")
	errRoleName             = invalidRequest("name must match ^[a-z][a-z0-9_-]{0,31}$")
)

// invalidRequest is a 400 invalid_request with msg.
func invalidRequest(msg string) error {
	return fastauth.NewError(http.StatusBadRequest, fastauth.CodeInvalidRequest, msg)
}

// forbidden is a 403 forbidden with msg.
func forbidden(msg string) error {
	return fastauth.NewError(http.StatusForbidden, fastauth.CodeForbidden, msg)
}

// storeError wraps an unexpected store error of op, for Host.Fail.
func storeError(op string, err error) error { return fmt.Errorf("roles: %s: %w", op, err) }

// scope is the organization in a request's path and the caller's role and
// permissions there.
type scope struct {
	p    *fastauth.Principal
	org  fastauth.Organization
	role fastauth.Role
	have permissions.Set
}

// access authorizes a request for the organization in the path by the
// caller's membership, read from the store (404 organization_not_found for
// a non-member or an API key of another organization).
func (m *Module) access(c *gin.Context) (scope, error) {
	p, ok := m.host.Principal(c)
	if !ok {
		return scope{}, errNoPrincipal
	}
	id := c.Param("organization_id")
	if !input.ID(id) || (p.Kind == fastauth.PrincipalAPIKey && id != p.OrganizationID) {
		return scope{}, errOrganizationNotFound
	}
	ctx, cancel := m.host.StoreContext(c.Request.Context())
	defer cancel()
	me, err := m.orgs.Membership(ctx, id, p.UserID)
	if err != nil {
		return scope{}, notFoundAs(errOrganizationNotFound, "membership", err)
	}
	org, err := m.orgs.OrganizationByID(ctx, id)
	if err != nil {
		return scope{}, notFoundAs(errOrganizationNotFound, "organization", err)
	}
	have, err := m.host.Permissions().RoleSet(ctx, id, me.Role)
	if err != nil && !errors.Is(err, permissions.ErrUnknownRole) {
		return scope{}, storeError("permissions", err)
	}
	if p.Permissions != nil { // a scoped API key manages with its scope only
		have = have.Intersect(m.host.Permissions().Catalog().SetOf(p.Permissions))
	}
	return scope{p: p, org: org, role: me.Role, have: have}, nil
}

// manage authorizes a change of the organization's roles: roles:manage in
// a shared organization.
func (m *Module) manage(c *gin.Context) (scope, error) {
	s, err := m.access(c)
	if err != nil {
		return s, err
	}
	if s.org.Kind == fastauth.KindPersonal {
		return s, errPersonal
	}
	i, _ := m.host.Permissions().Catalog().Index(permissions.RolesManage)
	if !s.have.Has(i) {
		return s, forbidden("this requires the " + permissions.RolesManage + " permission in the organization")
	}
	return s, nil
}

// notFoundAs maps a store error of op: ErrNotFound to notFound, anything
// else to a store error.
func notFoundAs(notFound error, op string, err error) error {
	if errors.Is(err, fastauth.ErrNotFound) {
		return notFound
	}
	return storeError(op, err)
}

// grantable normalizes a requested permission list and checks that the
// caller may grant it: catalog permissions (400 unknown_permission), not
// the owners' own organization:delete and roles:manage (400), all held by
// the caller (403).
func (m *Module) grantable(s scope, requested []string) ([]string, error) {
	if requested == nil {
		return nil, invalidRequest("permissions is required (a list, possibly empty)")
	}
	cat := m.host.Permissions().Catalog()
	perms, set, err := cat.Normalize(requested)
	switch {
	case errors.Is(err, permissions.ErrTooMany):
		return nil, invalidRequest(fmt.Sprintf("at most %d permissions", permissions.MaxListLength))
	case errors.Is(err, permissions.ErrUnknown):
		return nil, fastauth.NewError(http.StatusBadRequest, fastauth.CodeUnknownPermission, "permissions must be in the catalog (GET /permissions)")
	case err != nil:
		return nil, err
	}
	if slices.ContainsFunc(perms, permissions.OwnerReserved) {
		return nil, invalidRequest("custom roles cannot hold " + permissions.OrganizationDelete + " or " + permissions.RolesManage + ": they belong to owners")
	}
	if !s.have.Contains(set) {
		return nil, forbidden("nobody grants a permission they do not hold")
	}
	return perms, nil
}

// roleName checks the role name in the path (404 role_not_found for a
// malformed or built-in one).
func roleName(c *gin.Context) (string, error) {
	name := c.Param("role_name")
	if !fastauth.Role(name).Custom() {
		if fastauth.Role(name).Valid() {
			return "", forbidden("built-in roles cannot be changed")
		}
		return "", errRoleNotFound
	}
	return name, nil
}

// listPermissions answers the permission catalog.
//
//	@Summary	The permission catalog
//	@Description	The application's permissions and the auth routes' own (organization:update, organization:delete, members:manage, invites:manage, api_keys:manage, roles:manage, audit_log:read), in catalog order. Mounted by the roles module.
//	@Tags		roles
//	@Produce	json
//	@Success	200	{array}		PermissionBody
//	@Failure	401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/permissions [get]
func (m *Module) listPermissions(c *gin.Context) error {
	list := m.host.Permissions().Catalog().Permissions()
	out := make([]PermissionBody, 0, len(list))
	for _, p := range list {
		out = append(out, PermissionBody{Name: p.Name, Description: p.Description})
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// listRoles answers an organization's roles.
//
//	@Summary	List an organization's roles (members)
//	@Description	The built-in roles (owner, admin, member) with their permissions, then the organization's custom roles by name. A personal workspace lists the built-in roles only.
//	@Tags		roles
//	@Produce	json
//	@Param		organization_id	path		string	true	"organization id"
//	@Success	200				{array}		RoleBody
//	@Failure	404				{object}	ginauth.ErrorBody	"organization_not_found"
//	@Failure	401				{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure	503				{object}	ginauth.ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id}/roles [get]
func (m *Module) listRoles(c *gin.Context) error {
	s, err := m.access(c)
	if err != nil {
		return err
	}
	cat := m.host.Permissions().Catalog()
	out := make([]RoleBody, 0, 3)
	for _, name := range []fastauth.Role{fastauth.RoleOwner, fastauth.RoleAdmin, fastauth.RoleMember} {
		set, _ := cat.Builtin(string(name))
		out = append(out, RoleBody{Name: string(name), Permissions: sorted(cat.Names(set)), Builtin: true})
	}
	if s.org.Kind == fastauth.KindShared {
		ctx, cancel := m.host.StoreContext(c.Request.Context())
		defer cancel()
		rs, err := m.store.Roles(ctx, s.org.ID)
		if err != nil {
			return storeError("roles", err)
		}
		for _, r := range rs {
			out = append(out, roleBody(r))
		}
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// sorted returns names sorted, never nil.
func sorted(names []string) []string {
	if names == nil {
		return []string{}
	}
	slices.Sort(names)
	return names
}

func roleBody(r Role) RoleBody {
	return RoleBody{Name: r.Name, Permissions: sorted(slices.Clone(r.Permissions)), Builtin: false}
}

// createRole defines a custom role.
//
//	@Summary	Define a custom role (roles:manage)
//	@Description	Name ^[a-z][a-z0-9_-]{0,31}$ (400 invalid_request); a built-in name or one the organization has, in any case, 409 role_exists. Permissions from the catalog (400 unknown_permission), deduplicated and sorted, all held by the caller (403); the auth routes' own may be granted (organization:update, members:manage, invites:manage, api_keys:manage, audit_log:read) except the owners' organization:delete and roles:manage (400 invalid_request). Personal workspaces refuse (403). At most 50 roles per organization by default (409 conflict).
//	@Tags		roles
//	@Accept		json
//	@Produce	json
//	@Param		organization_id	path		string				true	"organization id"
//	@Param		body			body		CreateRoleRequest	true	"the role"
//	@Success	201				{object}	RoleBody
//	@Failure	400				{object}	ginauth.ErrorBody	"invalid_request, unknown_permission"
//	@Failure	403				{object}	ginauth.ErrorBody	"forbidden"
//	@Failure	404				{object}	ginauth.ErrorBody	"organization_not_found"
//	@Failure	409				{object}	ginauth.ErrorBody	"role_exists, conflict"
//	@Failure	401				{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure	413				{object}	ginauth.ErrorBody	"body_too_large"
//	@Failure	415				{object}	ginauth.ErrorBody	"unsupported_media_type"
//	@Failure	503				{object}	ginauth.ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id}/roles [post]
func (m *Module) createRole(c *gin.Context) error {
	s, err := m.manage(c)
	if err != nil {
		return err
	}
	var req CreateRoleRequest
	if !m.host.BindJSON(c, &req) {
		return nil
	}
	if err := m.checkNewName(c.Request.Context(), s, req.Name); err != nil {
		return err
	}
	perms, err := m.grantable(s, req.Permissions)
	if err != nil {
		return err
	}
	now := m.host.Now()
	r := Role{OrganizationID: s.org.ID, Name: req.Name, Permissions: perms, CreatedAt: now, UpdatedAt: now}
	err = m.host.Change(c.Request.Context(), func(ctx context.Context) error {
		if err := m.store.CreateRole(ctx, r, m.cfg.MaxRoles); err != nil {
			return err
		}
		return m.emit(ctx, c, fastauth.EventRoleCreated, r)
	})
	switch {
	case errors.Is(err, ErrExists):
		return errRoleExists
	case errors.Is(err, ErrTooMany):
		return fastauth.NewError(http.StatusConflict, fastauth.CodeConflict, fmt.Sprintf("an organization has at most %d custom roles", m.cfg.MaxRoles))
	case err != nil:
		return notFoundAs(errOrganizationNotFound, "create role", err)
	}
	m.host.Permissions().Invalidate(s.org.ID)
	c.JSON(http.StatusCreated, roleBody(r))
	return nil
}

// checkNewName applies the name rules: a built-in name in any case, or the
// name of an existing role in another case, 409 role_exists; a malformed
// name 400.
func (m *Module) checkNewName(ctx context.Context, s scope, name string) error {
	lower := fastauth.Role(strings.ToLower(name))
	if lower.Valid() || lower.Reserved() {
		return errRoleExists
	}
	if fastauth.Role(name).Custom() {
		return nil
	}
	if lower.Custom() {
		ctx, cancel := m.host.StoreContext(ctx)
		defer cancel()
		rs, err := m.store.Roles(ctx, s.org.ID)
		if err != nil {
			return storeError("roles", err)
		}
		if slices.ContainsFunc(rs, func(r Role) bool { return r.Name == string(lower) }) {
			return errRoleExists
		}
	}
	return errRoleName
}

// updateRole replaces a custom role's permissions.
//
//	@Summary	Change a custom role's permissions (roles:manage)
//	@Description	Replaces the permission list, by the rules of creation: catalog permissions only (400 unknown_permission), all held by the caller (403). Members with the role hold the new set at once in this instance and, in other instances, within the revocation bound. Built-in roles cannot be changed (403).
//	@Tags		roles
//	@Accept		json
//	@Produce	json
//	@Param		organization_id	path		string				true	"organization id"
//	@Param		role_name		path		string				true	"role name"
//	@Param		body			body		UpdateRoleRequest	true	"the permissions"
//	@Success	200				{object}	RoleBody
//	@Failure	400				{object}	ginauth.ErrorBody	"invalid_request, unknown_permission"
//	@Failure	403				{object}	ginauth.ErrorBody	"forbidden"
//	@Failure	404				{object}	ginauth.ErrorBody	"organization_not_found, role_not_found"
//	@Failure	401				{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure	413				{object}	ginauth.ErrorBody	"body_too_large"
//	@Failure	415				{object}	ginauth.ErrorBody	"unsupported_media_type"
//	@Failure	503				{object}	ginauth.ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id}/roles/{role_name} [patch]
func (m *Module) updateRole(c *gin.Context) error {
	s, err := m.manage(c)
	if err != nil {
		return err
	}
	name, err := roleName(c)
	if err != nil {
		return err
	}
	var req UpdateRoleRequest
	if !m.host.BindJSON(c, &req) {
		return nil
	}
	perms, err := m.grantable(s, req.Permissions)
	if err != nil {
		return err
	}
	var r Role
	err = m.host.Change(c.Request.Context(), func(ctx context.Context) error {
		var err error
		if r, err = m.store.UpdateRole(ctx, s.org.ID, name, perms, m.host.Now()); err != nil {
			return err
		}
		return m.emit(ctx, c, fastauth.EventRoleUpdated, r)
	})
	switch {
	case errors.Is(err, ErrNotFound):
		return errRoleNotFound
	case err != nil:
		return storeError("update role", err)
	}
	m.host.Permissions().Invalidate(s.org.ID)
	c.JSON(http.StatusOK, roleBody(r))
	return nil
}

// deleteRole deletes a custom role nobody has.
//
//	@Summary	Delete a custom role (roles:manage)
//	@Description	409 role_in_use while a member or a pending invite has the role; a concurrent assignment and deletion have one winner. Built-in roles cannot be deleted (403).
//	@Tags		roles
//	@Produce	json
//	@Param		organization_id	path	string	true	"organization id"
//	@Param		role_name		path	string	true	"role name"
//	@Success	204
//	@Failure	403	{object}	ginauth.ErrorBody	"forbidden"
//	@Failure	404	{object}	ginauth.ErrorBody	"organization_not_found, role_not_found"
//	@Failure	409	{object}	ginauth.ErrorBody	"role_in_use"
//	@Failure	401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ginauth.ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id}/roles/{role_name} [delete]
func (m *Module) deleteRole(c *gin.Context) error {
	s, err := m.manage(c)
	if err != nil {
		return err
	}
	name, err := roleName(c)
	if err != nil {
		return err
	}
	err = m.host.Change(c.Request.Context(), func(ctx context.Context) error {
		if err := m.store.DeleteRole(ctx, s.org.ID, name, m.host.Now()); err != nil {
			return err
		}
		return m.emit(ctx, c, fastauth.EventRoleDeleted, Role{OrganizationID: s.org.ID, Name: name})
	})
	switch {
	case errors.Is(err, ErrInUse):
		return errRoleInUse
	case errors.Is(err, ErrNotFound):
		return errRoleNotFound
	case err != nil:
		return storeError("delete role", err)
	}
	m.host.Permissions().Invalidate(s.org.ID)
	c.Status(http.StatusNoContent)
	return nil
}

// emit publishes a role event by the request's caller.
func (m *Module) emit(ctx context.Context, c *gin.Context, typ string, r Role) error {
	e := m.host.NewEvent(c, typ, r.OrganizationID, fastauth.Target{Type: fastauth.TargetRole, ID: r.Name})
	if typ != fastauth.EventRoleDeleted {
		e.Data = map[string]any{"permissions": r.Permissions}
	}
	return m.host.Emit(ctx, e)
}
