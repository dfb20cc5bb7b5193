package ginauth

import (
	"context"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/internal/input"
	"github.com/fastauth/fastauth/internal/secret"

	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// inviteTokenPrefix starts every invite token, so that it is recognizable
// (for secret scanners, and in support requests) and cannot be confused with
// the other tokens.
const inviteTokenPrefix = "inv_"

// InviteBody (Invite) is an organization invite as lists and revocations
// show it. The token is only in CreatedInviteBody.
type InviteBody struct {
	ID               string     `json:"id"`
	OrganizationID   string     `json:"organization_id"`
	OrganizationName string     `json:"organization_name"`
	Email            string     `json:"email" example:"grace@example.com"`
	Role             Role       `json:"role" enums:"owner,admin,member"`
	InvitedByUserID  string     `json:"invited_by_user_id"`
	CreatedAt        time.Time  `json:"created_at"`
	ExpiresAt        time.Time  `json:"expires_at"`
	RevokedAt        *time.Time `json:"revoked_at" extensions:"x-nullable"`
	AcceptedAt       *time.Time `json:"accepted_at" extensions:"x-nullable"`
}

// CreatedInviteBody is the answer of POST /organizations/{id}/invites: the
// invite and its token, returned this once (and mailed).
type CreatedInviteBody struct {
	InviteBody
	Token string `json:"token" example:"inv_9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"`
}

// CreateInviteRequest is the body of POST /organizations/{id}/invites.
type CreateInviteRequest struct {
	Email string `json:"email" example:"grace@example.com"`
	Role  Role   `json:"role" enums:"owner,admin,member"`
}

// AcceptInviteRequest is the body of POST /organizations/invites/accept.
type AcceptInviteRequest struct {
	Token string `json:"token"`
}

func inviteBody(inv Invite, orgName string) InviteBody {
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

// listInvites lists an organization's invites.
//
//	@Summary	List an organization's invites (admin or owner)
//	@Description	Every invite in any state, newest first. Tokens are never shown.
//	@Tags		invites
//	@Produce	json
//	@Param		organization_id	path		string	true	"organization id"
//	@Success	200				{array}		InviteBody
//	@Failure	403				{object}	ErrorBody
//	@Failure	404				{object}	ErrorBody
//	@Failure	401	{object}	ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id}/invites [get]
func (a *Auth) listInvites(c *gin.Context) {
	s, ok := a.orgAccess(c, RoleAdmin)
	if !ok {
		return
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	invs, err := a.store.Invites(ctx, s.org.ID)
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	out := make([]InviteBody, 0, len(invs))
	for _, inv := range invs {
		out = append(out, inviteBody(inv, s.org.Name))
	}
	c.JSON(http.StatusOK, out)
}

// createInvite invites an email address into an organization.
//
//	@Summary	Invite an email to an organization (admin or owner)
//	@Description	Role member or admin; owner only by owners. Replaces any pending invite of the same email. The token is returned once here and mailed, at most 3 times per address per 15 minutes by default (beyond, the invite is still created and its token returned, but nothing is mailed). Limited per client IP and per account (429). Personal workspaces refuse invites (403); inviting a current member gives 409.
//	@Tags		invites
//	@Accept		json
//	@Produce	json
//	@Param		organization_id	path		string				true	"organization id"
//	@Param		body			body		CreateInviteRequest	true	"invitee"
//	@Success	201				{object}	CreatedInviteBody
//	@Failure	400				{object}	ErrorBody	"invalid_email or invalid_request"
//	@Failure	403				{object}	ErrorBody
//	@Failure	404				{object}	ErrorBody
//	@Failure	409				{object}	ErrorBody	"conflict: already a member"
//	@Failure	429				{object}	ErrorBody	"rate_limited (Retry-After)"
//	@Failure	401	{object}	ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ErrorBody	"store_unavailable"
//	@Failure	413	{object}	ErrorBody	"body_too_large"
//	@Failure	415	{object}	ErrorBody	"unsupported_media_type"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id}/invites [post]
func (a *Auth) createInvite(c *gin.Context) {
	s, ok := a.orgAccess(c, RoleAdmin)
	if !ok {
		return
	}
	if refusePersonal(c, s.org, "have invites") {
		return
	}
	var req CreateInviteRequest
	if !a.bindJSON(c, &req) {
		return
	}
	email, err := normalizeEmail(req.Email)
	if err != nil {
		abort(c, http.StatusBadRequest, CodeInvalidEmail, errorMessage(err, errInvalidEmail))
		return
	}
	if !req.Role.Valid() {
		abort(c, http.StatusBadRequest, CodeInvalidRequest, "role must be member, admin or owner")
		return
	}
	if req.Role == RoleOwner && s.me.Role != RoleOwner {
		abort(c, http.StatusForbidden, CodeForbidden, "only an owner can invite an owner")
		return
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	if u, err := a.userByEmail(ctx, email); err == nil {
		_, err = a.store.Membership(ctx, s.org.ID, u.ID)
		if err == nil {
			abort(c, http.StatusConflict, CodeConflict, "this email already belongs to a member")
			return
		}
		if !errors.Is(err, ErrNotFound) {
			a.storeFailure(c, err)
			return
		}
	} else if !errors.Is(err, ErrNotFound) {
		a.storeFailure(c, err)
		return
	}
	id, err := secret.NewID()
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	token, hash, err := secret.New(inviteTokenPrefix)
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	now := a.now()
	inv := Invite{
		ID: id, OrganizationID: s.org.ID, OrganizationName: s.org.Name, Email: email, Role: req.Role,
		TokenHash: hash, InvitedByUserID: s.p.UserID, CreatedAt: now, ExpiresAt: now.Add(a.cfg.InviteTTL),
	}
	// The store re-reads the inviter's role under the roster lock: an
	// admin or owner demoted or removed since orgAccess read it gets 403.
	_, err = changed(ctx, a, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, a.store.CreateInvite(ctx, inv, now)
	}, func(struct{}) []Event {
		e := a.event(c, fastauth.EventInviteCreated, s.org.ID, target(fastauth.TargetInvite, inv.ID))
		e.Data = map[string]any{"email": inv.Email, "role": string(inv.Role)}
		return []Event{e}
	})
	switch {
	case errors.Is(err, ErrForbidden):
		abort(c, http.StatusForbidden, CodeForbidden, "only admins and owners can invite, and only an owner can invite an owner")
		return
	case errors.Is(err, ErrNotFound): // deleted concurrently
		abort(c, http.StatusNotFound, CodeOrganizationNotFound, "organization not found")
		return
	case err != nil:
		a.storeFailure(c, err)
		return
	}
	if _, ok := a.allowEmail(c.Request.Context(), routeInviteCreate, email); ok {
		a.sendInviteMail(c.Request.Context(), inv, s.org.Name, token)
	} else {
		a.log.InfoContext(c.Request.Context(), "fastauth: per-address mail limit reached, invite created but not mailed", "route", routeInviteCreate)
	}
	c.JSON(http.StatusCreated, CreatedInviteBody{InviteBody: inviteBody(inv, s.org.Name), Token: token})
}

// revokeInvite revokes a pending invite.
//
//	@Summary	Revoke a pending invite (admin or owner)
//	@Description	Returns the invite as it now is. An invite that is no longer pending (accepted, revoked, replaced) gives 409 conflict; an unknown one 404.
//	@Tags		invites
//	@Produce	json
//	@Param		organization_id	path		string	true	"organization id"
//	@Param		invite_id		path		string	true	"invite id"
//	@Success	200				{object}	InviteBody
//	@Failure	403				{object}	ErrorBody
//	@Failure	404				{object}	ErrorBody	"organization_not_found or invite_not_found"
//	@Failure	409				{object}	ErrorBody	"conflict: not pending"
//	@Failure	401	{object}	ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id}/invites/{invite_id} [delete]
func (a *Auth) revokeInvite(c *gin.Context) {
	s, ok := a.orgAccess(c, RoleAdmin)
	if !ok {
		return
	}
	id := c.Param("invite_id")
	if !input.ID(id) {
		abort(c, http.StatusNotFound, CodeInviteNotFound, "invite not found")
		return
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	inv, err := changed(ctx, a, func(ctx context.Context) (Invite, error) {
		return a.store.RevokeInvite(ctx, s.org.ID, id, a.now())
	}, func(inv Invite) []Event {
		return []Event{a.event(c, fastauth.EventInviteRevoked, s.org.ID, target(fastauth.TargetInvite, inv.ID))}
	})
	switch {
	case errors.Is(err, ErrNotFound):
		abort(c, http.StatusNotFound, CodeInviteNotFound, "invite not found")
		return
	case errors.Is(err, ErrConflict):
		abort(c, http.StatusConflict, CodeConflict, "the invite is no longer pending")
		return
	case err != nil:
		a.storeFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, inviteBody(inv, s.org.Name))
}

// acceptInvite joins an organization with an invite token.
//
//	@Summary	Accept an invite
//	@Description	The signed-in user's email must equal the invite's (403 otherwise). Joins the organization (keeping a higher existing role), makes it the active one and sets a fresh access cookie. Revoked, used, replaced, expired or unknown tokens give 404 invite_not_found. Browser sessions only: API keys get 403.
//	@Tags		invites
//	@Accept		json
//	@Produce	json
//	@Param		body	body		AcceptInviteRequest	true	"the invite token"
//	@Success	200		{object}	AuthResponse
//	@Failure	400		{object}	ErrorBody
//	@Failure	403		{object}	ErrorBody
//	@Failure	404		{object}	ErrorBody	"invite_not_found"
//	@Failure	401	{object}	ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ErrorBody	"store_unavailable"
//	@Failure	413	{object}	ErrorBody	"body_too_large"
//	@Failure	415	{object}	ErrorBody	"unsupported_media_type"
//	@Failure	429	{object}	ErrorBody	"rate_limited (Retry-After)"
//	@Security	CookieAuth
//	@Router		/organizations/invites/accept [post]
func (a *Auth) acceptInvite(c *gin.Context) {
	p, ok := requirePrincipal(c)
	if !ok {
		return
	}
	var req AcceptInviteRequest
	if !a.bindJSON(c, &req) {
		return
	}
	notFound := func() { abort(c, http.StatusNotFound, CodeInviteNotFound, "invite not found, expired or already used") }
	if req.Token == "" {
		abort(c, http.StatusBadRequest, CodeInvalidRequest, "token is required")
		return
	}
	if !validInviteToken(req.Token) {
		notFound()
		return
	}
	hash := secret.Hash(req.Token)
	now := a.now()
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	inv, err := a.store.InviteByTokenHash(ctx, hash)
	if errors.Is(err, ErrNotFound) || (err == nil && !inv.Pending(now)) {
		notFound()
		return
	}
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	u, err := a.store.UserByID(ctx, p.UserID)
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	if u.Email != inv.Email {
		abort(c, http.StatusForbidden, CodeForbidden, "this invite is addressed to another email address")
		return
	}
	var m Membership
	inv, err = changed(c.Request.Context(), a, func(ctx context.Context) (Invite, error) {
		inv, mem, err := a.store.AcceptInvite(ctx, hash, u.ID, now)
		m = mem
		return inv, err
	}, func(inv Invite) []Event {
		inv.TokenHash = nil
		accepted := a.event(c, fastauth.EventInviteAccepted, inv.OrganizationID, target(fastauth.TargetInvite, inv.ID))
		accepted.Payload = fastauth.InviteAcceptance{User: hookUser(u), Invite: inv}
		added := a.event(c, fastauth.EventMemberAdded, inv.OrganizationID, target(fastauth.TargetUser, u.ID))
		added.Data = map[string]any{"role": string(m.Role)}
		return []Event{accepted, added}
	})
	if errors.Is(err, ErrNotFound) {
		notFound()
		return
	}
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	org, err := a.store.OrganizationByID(ctx, inv.OrganizationID)
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	u.ActiveOrganizationID = org.ID
	active := MembershipDetail{Membership: m, Organization: org}
	s, _ := currentSession(c)
	if err := a.setAccessCookie(c, u, active, s); err != nil {
		a.storeFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, authResponse(u, active, s))
}
