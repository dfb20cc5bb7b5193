package organizations

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/internal/secret"
	"github.com/fastauth/fastauth/permissions"
)

// listOrganizations lists the caller's memberships.
//
//	@Summary	List my organizations
//	@Description	The caller's memberships, personal workspace first. An API key sees only its own organization.
//	@Tags		organizations
//	@Produce	json
//	@Success	200	{array}		OrganizationMemberBody
//	@Failure	401	{object}	ginauth.ErrorBody
//	@Failure	503	{object}	ginauth.ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations [get]
func (m *Module) listOrganizations(c *gin.Context) error {
	p, err := m.principal(c)
	if err != nil {
		return err
	}
	ctx, cancel := m.host.StoreContext(c.Request.Context())
	defer cancel()
	ms, err := m.store.Memberships(ctx, p.UserID)
	if err != nil {
		return storeError("memberships", err)
	}
	out := make([]OrganizationMemberBody, 0, len(ms))
	for _, mb := range ms {
		if p.Kind == fastauth.PrincipalAPIKey && mb.OrganizationID != p.OrganizationID {
			continue
		}
		out = append(out, organizationMemberBody(mb.Organization, mb.Membership, p.Email))
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// createOrganization creates a shared organization owned by the caller.
//
//	@Summary	Create a shared organization
//	@Description	The caller becomes its owner. The active organization does not change.
//	@Tags		organizations
//	@Accept		json
//	@Produce	json
//	@Param		body	body		CreateOrganizationRequest	true	"name: 1 to 100 characters after trimming"
//	@Success	201		{object}	OrganizationMemberBody
//	@Failure	400		{object}	ginauth.ErrorBody
//	@Failure	401		{object}	ginauth.ErrorBody
//	@Failure	503	{object}	ginauth.ErrorBody	"store_unavailable"
//	@Failure	403	{object}	ginauth.ErrorBody	"forbidden: cross-site request refused"
//	@Failure	413	{object}	ginauth.ErrorBody	"body_too_large"
//	@Failure	415	{object}	ginauth.ErrorBody	"unsupported_media_type"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations [post]
func (m *Module) createOrganization(c *gin.Context) error {
	p, err := m.principal(c)
	if err != nil {
		return err
	}
	var req CreateOrganizationRequest
	if !m.host.BindJSON(c, &req) {
		return nil
	}
	name, err := checkName(req.Name, "name")
	if err != nil {
		return err
	}
	id, err := secret.NewID()
	if err != nil {
		return err
	}
	now := m.host.Now()
	org := fastauth.Organization{ID: id, Kind: fastauth.KindShared, Name: name, CreatedAt: now, UpdatedAt: now}
	owner := fastauth.Membership{OrganizationID: id, UserID: p.UserID, Role: fastauth.RoleOwner, CreatedAt: now}
	err = m.host.Change(c.Request.Context(), func(ctx context.Context) error {
		if err := m.store.CreateOrganization(ctx, org, owner); err != nil {
			return err
		}
		return m.emit(ctx, c, fastauth.EventOrganizationCreated, org.ID, target(fastauth.TargetOrganization, org.ID), nil)
	})
	if err != nil {
		return storeError("create", err)
	}
	c.JSON(http.StatusCreated, organizationMemberBody(org, owner, p.Email))
	return nil
}

// getOrganization returns an organization with the caller's membership.
//
//	@Summary	Get an organization and my membership in it
//	@Tags		organizations
//	@Produce	json
//	@Param		organization_id	path		string	true	"organization id"
//	@Success	200				{object}	OrganizationMemberBody
//	@Failure	401				{object}	ginauth.ErrorBody
//	@Failure	404				{object}	ginauth.ErrorBody	"organization_not_found (also when not a member)"
//	@Failure	503	{object}	ginauth.ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id} [get]
func (m *Module) getOrganization(c *gin.Context) error {
	s, err := m.access(c, "")
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, organizationMemberBody(s.org, s.me, s.p.Email))
	return nil
}

// renameOrganization renames an organization.
//
//	@Summary	Rename an organization (organization:update: admin or owner)
//	@Tags		organizations
//	@Accept		json
//	@Produce	json
//	@Param		organization_id	path		string						true	"organization id"
//	@Param		body			body		RenameOrganizationRequest	true	"new name"
//	@Success	200				{object}	OrganizationMemberBody
//	@Failure	400				{object}	ginauth.ErrorBody
//	@Failure	403				{object}	ginauth.ErrorBody
//	@Failure	404				{object}	ginauth.ErrorBody
//	@Failure	401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ginauth.ErrorBody	"store_unavailable"
//	@Failure	413	{object}	ginauth.ErrorBody	"body_too_large"
//	@Failure	415	{object}	ginauth.ErrorBody	"unsupported_media_type"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id} [patch]
func (m *Module) renameOrganization(c *gin.Context) error {
	s, err := m.access(c, permissions.OrganizationUpdate)
	if err != nil {
		return err
	}
	var req RenameOrganizationRequest
	if !m.host.BindJSON(c, &req) {
		return nil
	}
	name, err := checkName(req.Name, "name")
	if err != nil {
		return err
	}
	var org fastauth.Organization
	err = m.host.Change(c.Request.Context(), func(ctx context.Context) error {
		var err error
		if org, err = m.store.RenameOrganization(ctx, s.org.ID, name, m.host.Now()); err != nil {
			return err
		}
		return m.emit(ctx, c, fastauth.EventOrganizationUpdated, org.ID, target(fastauth.TargetOrganization, org.ID), map[string]any{"name": org.Name})
	})
	if err != nil {
		return notFoundAs(errOrganizationNotFound, "rename", err)
	}
	c.JSON(http.StatusOK, organizationMemberBody(org, s.me, s.p.Email))
	return nil
}

// deleteOrganization deletes a shared organization.
//
//	@Summary	Delete a shared organization (owner)
//	@Description	Deletes its memberships, invites and API keys. Members whose active organization it was fall back to their personal workspace at their next refresh; a caller deleting their own active organization gets a fresh access cookie for their personal workspace (if their session is still active; a revoked session gets its cookies cleared). Personal workspaces cannot be deleted (403).
//	@Tags		organizations
//	@Produce	json
//	@Param		organization_id	path		string	true	"organization id"
//	@Success	200				{object}	OrganizationMemberBody	"the organization as it was"
//	@Failure	403				{object}	ginauth.ErrorBody
//	@Failure	404				{object}	ginauth.ErrorBody
//	@Failure	401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ginauth.ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id} [delete]
func (m *Module) deleteOrganization(c *gin.Context) error {
	s, err := m.access(c, "")
	if err != nil {
		return err
	}
	if err := refusePersonal(s.org, "be deleted"); err != nil {
		return err
	}
	if s.me.Role != fastauth.RoleOwner || permissions.Scoped(s.p) {
		return forbidden("only an owner can delete the organization")
	}
	err = m.host.Change(c.Request.Context(), func(ctx context.Context) error {
		if err := m.store.DeleteOrganization(ctx, s.org.ID); err != nil {
			return err
		}
		return m.emit(ctx, c, fastauth.EventOrganizationDeleted, s.org.ID, target(fastauth.TargetOrganization, s.org.ID), nil)
	})
	if err != nil { // ErrNotFound: deleted concurrently
		return notFoundAs(errOrganizationNotFound, "delete", err)
	}
	if err := m.host.LeaveActiveOrganization(c, s.org.ID); err != nil {
		return err
	}
	c.JSON(http.StatusOK, organizationMemberBody(s.org, s.me, s.p.Email))
	return nil
}

// emit emits an event of type typ about t in the organization, with data.
func (m *Module) emit(ctx context.Context, c *gin.Context, typ, organizationID string, t fastauth.Target, data map[string]any) error {
	e := m.host.NewEvent(c, typ, organizationID, t)
	e.Data = data
	return m.host.Emit(ctx, e)
}

// target is a fastauth.Target.
func target(typ, id string) fastauth.Target { return fastauth.Target{Type: typ, ID: id} }
