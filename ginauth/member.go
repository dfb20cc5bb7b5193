package ginauth

import (
	"context"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/internal/input"

	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
)

// ChangeRoleRequest is the body of PATCH /organizations/{id}/members/{user_id}.
type ChangeRoleRequest struct {
	Role Role `json:"role" enums:"owner,admin,member"`
}

// listMembers lists an organization's roster.
//
//	@Summary	List an organization's members (admin or owner)
//	@Tags		members
//	@Produce	json
//	@Param		organization_id	path		string	true	"organization id"
//	@Success	200				{array}		OrganizationMemberBody
//	@Failure	403				{object}	ErrorBody
//	@Failure	404				{object}	ErrorBody
//	@Failure	401	{object}	ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id}/members [get]
func (a *Auth) listMembers(c *gin.Context) {
	s, ok := a.orgAccess(c, RoleAdmin)
	if !ok {
		return
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	ms, err := a.store.Members(ctx, s.org.ID)
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	out := make([]OrganizationMemberBody, 0, len(ms))
	for _, m := range ms {
		out = append(out, organizationMemberBody(s.org, m.Membership, m.Email))
	}
	c.JSON(http.StatusOK, out)
}

// memberEmail returns the email of a member for the response body.
func (a *Auth) memberEmail(c *gin.Context, s orgScope, userID string) (string, bool) {
	if userID == s.p.UserID {
		return s.p.Email, true
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	u, err := a.store.UserByID(ctx, userID)
	if errors.Is(err, ErrNotFound) {
		abort(c, http.StatusNotFound, CodeMemberNotFound, "member not found")
		return "", false
	}
	if err != nil {
		a.storeFailure(c, err)
		return "", false
	}
	return u.Email, true
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
//	@Failure	400				{object}	ErrorBody
//	@Failure	403				{object}	ErrorBody	"forbidden or last_owner"
//	@Failure	404				{object}	ErrorBody	"organization_not_found or member_not_found"
//	@Failure	401	{object}	ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ErrorBody	"store_unavailable"
//	@Failure	413	{object}	ErrorBody	"body_too_large"
//	@Failure	415	{object}	ErrorBody	"unsupported_media_type"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id}/members/{member_user_id} [patch]
func (a *Auth) changeMemberRole(c *gin.Context) {
	s, ok := a.orgAccess(c, RoleMember)
	if !ok {
		return
	}
	if refusePersonal(c, s.org, "change roles") {
		return
	}
	if s.me.Role != RoleOwner {
		abort(c, http.StatusForbidden, CodeForbidden, "only an owner can change roles")
		return
	}
	var req ChangeRoleRequest
	if !a.bindJSON(c, &req) {
		return
	}
	if !req.Role.Valid() {
		abort(c, http.StatusBadRequest, CodeInvalidRequest, "role must be owner, admin or member")
		return
	}
	target := c.Param("member_user_id")
	if !input.ID(target) {
		abort(c, http.StatusNotFound, CodeMemberNotFound, "member not found")
		return
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	// The store re-reads the caller's role under the roster lock: an owner
	// demoted since orgAccess read it gets 403.
	m, err := changed(ctx, a, func(ctx context.Context) (Membership, error) {
		return a.store.ChangeMemberRole(ctx, s.org.ID, s.p.UserID, target, req.Role)
	}, func(m Membership) []Event {
		e := a.event(c, fastauth.EventMemberRoleChanged, s.org.ID, fastauth.Target{Type: fastauth.TargetUser, ID: target})
		e.Data = map[string]any{"role": string(m.Role)}
		return []Event{e}
	})
	switch {
	case errors.Is(err, ErrNotFound):
		abort(c, http.StatusNotFound, CodeMemberNotFound, "member not found")
		return
	case errors.Is(err, ErrForbidden):
		abort(c, http.StatusForbidden, CodeForbidden, "only an owner can change roles")
		return
	case errors.Is(err, ErrLastOwner):
		abort(c, http.StatusForbidden, CodeLastOwner, "the last owner of an organization cannot be demoted")
		return
	case err != nil:
		a.storeFailure(c, err)
		return
	}
	email, ok := a.memberEmail(c, s, target)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, organizationMemberBody(s.org, m, email))
}

// removeMember removes a member (or the caller leaves).
//
//	@Summary	Remove a member, or leave
//	@Description	Admins and owners remove members; only owners remove owners; any member may remove themself. The last owner cannot be removed (403 last_owner). The member's API keys in the organization are deleted. A caller leaving their own active organization gets a fresh access cookie for their personal workspace (if their session is still active; a revoked session gets its cookies cleared).
//	@Tags		members
//	@Produce	json
//	@Param		organization_id	path		string	true	"organization id"
//	@Param		member_user_id	path		string	true	"the member's user id"
//	@Success	200				{object}	OrganizationMemberBody	"the membership as it was"
//	@Failure	403				{object}	ErrorBody	"forbidden or last_owner"
//	@Failure	404				{object}	ErrorBody	"organization_not_found or member_not_found"
//	@Failure	401	{object}	ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id}/members/{member_user_id} [delete]
func (a *Auth) removeMember(c *gin.Context) {
	s, ok := a.orgAccess(c, RoleMember)
	if !ok {
		return
	}
	if refusePersonal(c, s.org, "have its owner removed") {
		return
	}
	target := c.Param("member_user_id")
	self := target == s.p.UserID
	if !self && !s.me.Role.AtLeast(RoleAdmin) {
		abort(c, http.StatusForbidden, CodeForbidden, "only admins and owners can remove other members")
		return
	}
	if !input.ID(target) {
		abort(c, http.StatusNotFound, CodeMemberNotFound, "member not found")
		return
	}
	email, ok := a.memberEmail(c, s, target)
	if !ok {
		return
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	// The store re-reads the caller's role under the roster lock, and
	// decides whether an owner may be removed with it.
	m, err := changed(ctx, a, func(ctx context.Context) (Membership, error) {
		return a.store.RemoveMember(ctx, s.org.ID, s.p.UserID, target)
	}, func(m Membership) []Event {
		e := a.event(c, fastauth.EventMemberRemoved, s.org.ID, fastauth.Target{Type: fastauth.TargetUser, ID: target})
		e.Data = map[string]any{"role": string(m.Role)}
		return []Event{e}
	})
	switch {
	case errors.Is(err, ErrNotFound):
		abort(c, http.StatusNotFound, CodeMemberNotFound, "member not found")
		return
	case errors.Is(err, ErrLastOwner):
		abort(c, http.StatusForbidden, CodeLastOwner, "the last owner of an organization cannot be removed")
		return
	case errors.Is(err, ErrForbidden):
		abort(c, http.StatusForbidden, CodeForbidden, "only admins and owners can remove other members, and only an owner can remove an owner")
		return
	case err != nil:
		a.storeFailure(c, err)
		return
	}
	if self && !a.fallBackToPersonal(c, s.p, s.org.ID) {
		return
	}
	c.JSON(http.StatusOK, organizationMemberBody(s.org, m, email))
}
