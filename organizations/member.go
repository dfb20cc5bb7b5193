package organizations

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/internal/input"
	"github.com/fastauth/fastauth/permissions"
)

// listMembers lists an organization's roster.
//
//	@Summary	List an organization's members (members:manage: admin or owner)
//	@Tags		members
//	@Produce	json
//	@Param		organization_id	path		string	true	"organization id"
//	@Success	200				{array}		OrganizationMemberBody
//	@Failure	403				{object}	ginauth.ErrorBody
//	@Failure	404				{object}	ginauth.ErrorBody
//	@Failure	401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ginauth.ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id}/members [get]
func (m *Module) listMembers(c *gin.Context) error {
	s, err := m.access(c, permissions.MembersManage)
	if err != nil {
		return err
	}
	ctx, cancel := m.host.StoreContext(c.Request.Context())
	defer cancel()
	ms, err := m.store.Members(ctx, s.org.ID)
	if err != nil {
		return storeError("members", err)
	}
	out := make([]OrganizationMemberBody, 0, len(ms))
	for _, mb := range ms {
		out = append(out, organizationMemberBody(s.org, mb.Membership, mb.Email))
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// memberEmail returns the email of a member for the response body.
func (m *Module) memberEmail(c *gin.Context, s scope, userID string) (string, error) {
	if userID == s.p.UserID {
		return s.p.Email, nil
	}
	ctx, cancel := m.host.StoreContext(c.Request.Context())
	defer cancel()
	u, err := m.host.UserByID(ctx, userID)
	if err != nil {
		return "", notFoundAs(errMemberNotFound, "member", err)
	}
	return u.Email, nil
}

// changeMemberRole changes a member's role.
//
//	@Summary	Change a member's role (owner)
//	@Description	The last owner cannot be demoted (403 last_owner). Personal workspaces refuse role changes (403). The member's new role shows up in their next refresh or sign-in.
//	@Tags		members
//	@Accept		json
//	@Produce	json
//	@Param		organization_id	path		string				true	"organization id"
//	@Param		member_user_id	path		string				true	"the member's user id"
//	@Param		body			body		ChangeRoleRequest	true	"new role"
//	@Success	200				{object}	OrganizationMemberBody
//	@Failure	400				{object}	ginauth.ErrorBody
//	@Failure	403				{object}	ginauth.ErrorBody	"forbidden or last_owner"
//	@Failure	404				{object}	ginauth.ErrorBody	"organization_not_found or member_not_found"
//	@Failure	401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ginauth.ErrorBody	"store_unavailable"
//	@Failure	413	{object}	ginauth.ErrorBody	"body_too_large"
//	@Failure	415	{object}	ginauth.ErrorBody	"unsupported_media_type"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id}/members/{member_user_id} [patch]
func (m *Module) changeMemberRole(c *gin.Context) error {
	s, err := m.access(c, "")
	if err != nil {
		return err
	}
	if err := refusePersonal(s.org, "change roles"); err != nil {
		return err
	}
	if s.me.Role != fastauth.RoleOwner || permissions.Scoped(s.p) {
		return forbidden("only an owner can change roles")
	}
	var req ChangeRoleRequest
	if !m.host.BindJSON(c, &req) {
		return nil
	}
	if err := m.assignable(c.Request.Context(), s, req.Role, invalidRequest("role must be owner, admin or member")); err != nil {
		return err
	}
	userID := c.Param("member_user_id")
	if !input.ID(userID) {
		return errMemberNotFound
	}
	// The store re-reads the caller's role under the roster lock: an owner
	// demoted since access read it gets 403.
	var mb fastauth.Membership
	err = m.host.Change(c.Request.Context(), func(ctx context.Context) error {
		var err error
		if mb, err = m.store.ChangeMemberRole(ctx, s.org.ID, s.p.UserID, userID, req.Role); err != nil {
			return err
		}
		return m.emit(ctx, c, fastauth.EventMemberRoleChanged, s.org.ID, target(fastauth.TargetUser, userID), map[string]any{"role": string(mb.Role)})
	})
	switch {
	case errors.Is(err, ErrRoleNotDefined):
		return errRoleNotFound
	case errors.Is(err, fastauth.ErrNotFound):
		return errMemberNotFound
	case errors.Is(err, fastauth.ErrForbidden):
		return forbidden("only an owner can change roles")
	case errors.Is(err, fastauth.ErrLastOwner):
		return fastauth.NewError(http.StatusForbidden, fastauth.CodeLastOwner, "the last owner of an organization cannot be demoted")
	case err != nil:
		return storeError("change role", err)
	}
	email, err := m.memberEmail(c, s, userID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, organizationMemberBody(s.org, mb, email))
	return nil
}

// removeMember removes a member (or the caller leaves).
//
//	@Summary	Remove a member, or leave
//	@Description	Removing someone else takes members:manage (admins and owners; a custom role granted it removes members and members of custom roles holding no more than its own, never an admin or owner); only owners remove owners; any member may remove themself. The last owner cannot be removed (403 last_owner). The member's API keys in the organization are deleted. A caller leaving their own active organization gets a fresh access cookie for their personal workspace (if their session is still active; a revoked session gets its cookies cleared).
//	@Tags		members
//	@Produce	json
//	@Param		organization_id	path		string	true	"organization id"
//	@Param		member_user_id	path		string	true	"the member's user id"
//	@Success	200				{object}	OrganizationMemberBody	"the membership as it was"
//	@Failure	403				{object}	ginauth.ErrorBody	"forbidden or last_owner"
//	@Failure	404				{object}	ginauth.ErrorBody	"organization_not_found or member_not_found"
//	@Failure	401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ginauth.ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id}/members/{member_user_id} [delete]
func (m *Module) removeMember(c *gin.Context) error {
	s, err := m.access(c, "")
	if err != nil {
		return err
	}
	if err := refusePersonal(s.org, "have its owner removed"); err != nil {
		return err
	}
	userID := c.Param("member_user_id")
	self := userID == s.p.UserID
	if !self {
		if err := m.may(c, s, permissions.MembersManage); err != nil {
			return err
		}
	}
	if !input.ID(userID) {
		return errMemberNotFound
	}
	email, err := m.memberEmail(c, s, userID)
	if err != nil {
		return err
	}
	// The store re-reads the caller's role under the roster lock, and
	// decides whether an owner may be removed with it.
	var mb fastauth.Membership
	err = m.host.Change(c.Request.Context(), func(ctx context.Context) error {
		var err error
		if mb, err = m.store.RemoveMember(ctx, s.org.ID, s.p.UserID, userID); err != nil {
			return err
		}
		return m.emit(ctx, c, fastauth.EventMemberRemoved, s.org.ID, target(fastauth.TargetUser, userID), map[string]any{"role": string(mb.Role)})
	})
	switch {
	case errors.Is(err, fastauth.ErrNotFound):
		return errMemberNotFound
	case errors.Is(err, fastauth.ErrLastOwner):
		return fastauth.NewError(http.StatusForbidden, fastauth.CodeLastOwner, "the last owner of an organization cannot be removed")
	case errors.Is(err, fastauth.ErrForbidden):
		return forbidden("removing a member takes members:manage, only an owner can remove an owner, and a custom role removes no one above it")
	case err != nil:
		return storeError("remove member", err)
	}
	if self {
		if err := m.host.LeaveActiveOrganization(c, s.org.ID); err != nil {
			return err
		}
	}
	c.JSON(http.StatusOK, organizationMemberBody(s.org, mb, email))
	return nil
}
