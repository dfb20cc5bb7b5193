package organizations

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/internal/input"
	"github.com/fastauth/fastauth/internal/secret"
	"github.com/fastauth/fastauth/mail"
	"github.com/fastauth/fastauth/permissions"
)

// Invites' rate-limit route and the application's page of invite links.
const (
	// routeInviteCreate names the route of invite creation for the
	// per-address mail limit (the kernel's rate limits name it alike).
	routeInviteCreate = "/organizations/:organization_id/invites"
	// acceptInvitePagePath is the application's page that invite links
	// open, under Host.AppBaseURL.
	acceptInvitePagePath = "/accept-invite"
)

// listInvites lists an organization's invites.
//
//	@Summary	List an organization's invites (invites:manage: admin or owner)
//	@Description	Every invite in any state, newest first. Tokens are never shown.
//	@Tags		invites
//	@Produce	json
//	@Param		organization_id	path		string	true	"organization id"
//	@Success	200				{array}		InviteBody
//	@Failure	403				{object}	ginauth.ErrorBody
//	@Failure	404				{object}	ginauth.ErrorBody
//	@Failure	401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ginauth.ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id}/invites [get]
func (m *Module) listInvites(c *gin.Context) error {
	s, err := m.access(c, permissions.InvitesManage)
	if err != nil {
		return err
	}
	ctx, cancel := m.host.StoreContext(c.Request.Context())
	defer cancel()
	invs, err := m.store.Invites(ctx, s.org.ID)
	if err != nil {
		return storeError("invites", err)
	}
	out := make([]InviteBody, 0, len(invs))
	for _, inv := range invs {
		out = append(out, inviteBody(inv, s.org.Name))
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// createInvite invites an email address into an organization.
//
//	@Summary	Invite an email to an organization (invites:manage: admin or owner)
//	@Description	Role member or admin; owner only by owners; a custom role granted invites:manage invites to member or to custom roles holding no more than its own. Replaces any pending invite of the same email. The token is returned once here and mailed, at most 3 times per address per 15 minutes by default (beyond, the invite is still created and its token returned, but nothing is mailed). Limited per client IP and per account (429). Personal workspaces refuse invites (403); inviting a current member gives 409.
//	@Tags		invites
//	@Accept		json
//	@Produce	json
//	@Param		organization_id	path		string				true	"organization id"
//	@Param		body			body		CreateInviteRequest	true	"invitee"
//	@Success	201				{object}	CreatedInviteBody
//	@Failure	400				{object}	ginauth.ErrorBody	"invalid_email or invalid_request"
//	@Failure	403				{object}	ginauth.ErrorBody
//	@Failure	404				{object}	ginauth.ErrorBody
//	@Failure	409				{object}	ginauth.ErrorBody	"conflict: already a member"
//	@Failure	429				{object}	ginauth.ErrorBody	"rate_limited (Retry-After)"
//	@Failure	401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ginauth.ErrorBody	"store_unavailable"
//	@Failure	413	{object}	ginauth.ErrorBody	"body_too_large"
//	@Failure	415	{object}	ginauth.ErrorBody	"unsupported_media_type"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id}/invites [post]
func (m *Module) createInvite(c *gin.Context) error {
	s, err := m.access(c, permissions.InvitesManage)
	if err != nil {
		return err
	}
	if err := refusePersonal(s.org, "have invites"); err != nil {
		return err
	}
	var req CreateInviteRequest
	if !m.host.BindJSON(c, &req) {
		return nil
	}
	email, err := m.host.NormalizeEmail(req.Email)
	if err != nil {
		return err
	}
	if err := m.assignable(c.Request.Context(), s, req.Role, invalidRequest("role must be member, admin or owner")); err != nil {
		return err
	}
	if req.Role == fastauth.RoleOwner && s.me.Role != fastauth.RoleOwner {
		return forbidden("only an owner can invite an owner")
	}
	if req.Role == fastauth.RoleAdmin && !s.me.Role.Valid() {
		return forbidden("a custom role invites to member or to custom roles only")
	}
	if err := m.refuseMember(c, s.org.ID, email); err != nil {
		return err
	}
	id, err := secret.NewID()
	if err != nil {
		return err
	}
	token, hash, err := secret.New(inviteTokenPrefix)
	if err != nil {
		return err
	}
	now := m.host.Now()
	inv := fastauth.Invite{
		ID: id, OrganizationID: s.org.ID, OrganizationName: s.org.Name, Email: email, Role: req.Role,
		TokenHash: hash, InvitedByUserID: s.p.UserID, CreatedAt: now, ExpiresAt: now.Add(m.cfg.InviteTTL),
		BuiltinPermissions: m.builtinPermissions(),
	}
	// The store re-reads the inviter's role (and a custom role's
	// definitions) under the roster lock: an inviter demoted or removed,
	// or whose role lost invites:manage, since access read it gets 403;
	// so does one whose target role was widened past the inviter's
	// permissions (compared with the built-in sets passed above).
	err = m.host.Change(c.Request.Context(), func(ctx context.Context) error {
		if err := m.store.CreateInvite(ctx, inv, now); err != nil {
			return err
		}
		return m.emit(ctx, c, fastauth.EventInviteCreated, s.org.ID, target(fastauth.TargetInvite, inv.ID),
			map[string]any{"email": inv.Email, "role": string(inv.Role)})
	})
	switch {
	case errors.Is(err, ErrRoleNotDefined):
		return errRoleNotFound
	case errors.Is(err, fastauth.ErrForbidden):
		return forbidden("inviting takes invites:manage, only an owner invites an owner, and nobody invites to a role above their own")
	case err != nil: // ErrNotFound: deleted concurrently
		return notFoundAs(errOrganizationNotFound, "create invite", err)
	}
	if m.host.AllowMail(c.Request.Context(), routeInviteCreate, email) {
		m.sendInviteMail(c.Request.Context(), inv, s.org.Name, token)
	} else {
		m.host.Logger().InfoContext(c.Request.Context(), "fastauth: per-address mail limit reached, invite created but not mailed", "route", routeInviteCreate)
	}
	c.JSON(http.StatusCreated, CreatedInviteBody{InviteBody: inviteBody(inv, s.org.Name), Token: token})
	return nil
}

// refuseMember refuses (409) an invite of an address that belongs to a
// member of the organization already.
func (m *Module) refuseMember(c *gin.Context, organizationID, email string) error {
	ctx, cancel := m.host.StoreContext(c.Request.Context())
	defer cancel()
	u, err := m.host.UserByEmail(ctx, email)
	switch {
	case errors.Is(err, fastauth.ErrNotFound):
		return nil
	case err != nil:
		return storeError("user by email", err)
	}
	_, err = m.store.Membership(ctx, organizationID, u.ID)
	switch {
	case err == nil:
		return fastauth.NewError(http.StatusConflict, fastauth.CodeConflict, "this email already belongs to a member")
	case errors.Is(err, fastauth.ErrNotFound):
		return nil
	default:
		return storeError("membership", err)
	}
}

// sendInviteMail mails the invite's token to its address.
func (m *Module) sendInviteMail(ctx context.Context, inv fastauth.Invite, organizationName, token string) {
	link := m.host.MailLinks().URL(mail.KindOrganizationInvite, token, m.host.AppBaseURL()+acceptInvitePagePath+"?token="+url.QueryEscape(token))
	m.host.SendMail(ctx, mail.KindOrganizationInvite, mail.Message{To: inv.Email, Link: link, Token: token, Data: mail.Data{
		Email:            inv.Email,
		Link:             link,
		Token:            token,
		OrganizationName: organizationName,
		Role:             inv.Role,
		ExpiresAt:        inv.ExpiresAt,
	}})
}

// revokeInvite revokes a pending invite.
//
//	@Summary	Revoke a pending invite (invites:manage: admin or owner)
//	@Description	Returns the invite as it now is. An invite that is no longer pending (accepted, revoked, replaced) gives 409 conflict; an unknown one 404.
//	@Tags		invites
//	@Produce	json
//	@Param		organization_id	path		string	true	"organization id"
//	@Param		invite_id		path		string	true	"invite id"
//	@Success	200				{object}	InviteBody
//	@Failure	403				{object}	ginauth.ErrorBody
//	@Failure	404				{object}	ginauth.ErrorBody	"organization_not_found or invite_not_found"
//	@Failure	409				{object}	ginauth.ErrorBody	"conflict: not pending"
//	@Failure	401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ginauth.ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id}/invites/{invite_id} [delete]
func (m *Module) revokeInvite(c *gin.Context) error {
	s, err := m.access(c, permissions.InvitesManage)
	if err != nil {
		return err
	}
	id := c.Param("invite_id")
	if !input.ID(id) {
		return errInviteNotFound
	}
	var inv fastauth.Invite
	err = m.host.Change(c.Request.Context(), func(ctx context.Context) error {
		var err error
		if inv, err = m.store.RevokeInvite(ctx, s.org.ID, id, m.host.Now()); err != nil {
			return err
		}
		return m.emit(ctx, c, fastauth.EventInviteRevoked, s.org.ID, target(fastauth.TargetInvite, inv.ID), nil)
	})
	switch {
	case errors.Is(err, fastauth.ErrNotFound):
		return errInviteNotFound
	case errors.Is(err, fastauth.ErrConflict):
		return fastauth.NewError(http.StatusConflict, fastauth.CodeConflict, "the invite is no longer pending")
	case err != nil:
		return storeError("revoke invite", err)
	}
	c.JSON(http.StatusOK, inviteBody(inv, s.org.Name))
	return nil
}

// acceptInvite joins an organization with an invite token.
//
//	@Summary	Accept an invite
//	@Description	The signed-in user's email must equal the invite's (403 otherwise). Joins the organization (keeping a higher existing role), makes it the active one and sets a fresh access cookie. Revoked, used, replaced, expired or unknown tokens give 404 invite_not_found. Browser sessions only: API keys get 403.
//	@Tags		invites
//	@Accept		json
//	@Produce	json
//	@Param		body	body		AcceptInviteRequest	true	"the invite token"
//	@Success	200		{object}	ginauth.AuthResponse
//	@Failure	400		{object}	ginauth.ErrorBody
//	@Failure	403		{object}	ginauth.ErrorBody
//	@Failure	404		{object}	ginauth.ErrorBody	"invite_not_found"
//	@Failure	401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ginauth.ErrorBody	"store_unavailable"
//	@Failure	413	{object}	ginauth.ErrorBody	"body_too_large"
//	@Failure	415	{object}	ginauth.ErrorBody	"unsupported_media_type"
//	@Failure	429	{object}	ginauth.ErrorBody	"rate_limited (Retry-After)"
//	@Security	CookieAuth
//	@Router		/organizations/invites/accept [post]
func (m *Module) acceptInvite(c *gin.Context) error {
	p, err := m.principal(c)
	if err != nil {
		return err
	}
	var req AcceptInviteRequest
	if !m.host.BindJSON(c, &req) {
		return nil
	}
	notFound := fastauth.NewError(http.StatusNotFound, fastauth.CodeInviteNotFound, "invite not found, expired or already used")
	if req.Token == "" {
		return invalidRequest("token is required")
	}
	if !validInviteToken(req.Token) {
		return notFound
	}
	hash := secret.Hash(req.Token)
	now := m.host.Now()
	ctx, cancel := m.host.StoreContext(c.Request.Context())
	defer cancel()
	inv, err := m.store.InviteByTokenHash(ctx, hash)
	switch {
	case errors.Is(err, fastauth.ErrNotFound), err == nil && !inv.Pending(now):
		return notFound
	case err != nil:
		return storeError("invite by token", err)
	}
	u, err := m.host.UserByID(ctx, p.UserID)
	if err != nil {
		return storeError("user", err)
	}
	if u.Email != inv.Email {
		return forbidden("this invite is addressed to another email address")
	}
	err = m.host.Change(c.Request.Context(), func(ctx context.Context) error {
		inv, mb, err := m.store.AcceptInvite(ctx, hash, u.ID, now)
		if err != nil {
			return err
		}
		inv.TokenHash = nil
		u.PasswordHash = ""
		accepted := m.host.NewEvent(c, fastauth.EventInviteAccepted, inv.OrganizationID, target(fastauth.TargetInvite, inv.ID))
		accepted.Payload = fastauth.InviteAcceptance{User: u, Invite: inv}
		if err := m.host.Emit(ctx, accepted); err != nil {
			return err
		}
		return m.emit(ctx, c, fastauth.EventMemberAdded, inv.OrganizationID, target(fastauth.TargetUser, u.ID), map[string]any{"role": string(mb.Role)})
	})
	if err != nil {
		return notFoundAs(notFound, "accept invite", err)
	}
	_ = m.host.AnswerActiveOrganization(c, inv.OrganizationID) // it has answered
	return nil
}
