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

// OrganizationBody is an organization as the API shows it.
type OrganizationBody struct {
	ID        string           `json:"id" example:"01937b6e-8c1a-7c3e-9a4f-2b1d3e4f5a6b"`
	Kind      OrganizationKind `json:"kind" enums:"personal,shared"`
	Name      string           `json:"name" example:"Acme"`
	CreatedAt time.Time        `json:"created_at"`
	UpdatedAt time.Time        `json:"updated_at"`
}

// OrganizationMemberBody (OrganizationMember) is one membership: an
// organization, a user in it and their role.
type OrganizationMemberBody struct {
	Organization OrganizationBody `json:"organization"`
	UserID       string           `json:"user_id"`
	Email        string           `json:"email" example:"ada@example.com"`
	Role         Role             `json:"role" enums:"owner,admin,member"`
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

// SwitchOrganizationRequest is the body of POST /organizations/current.
type SwitchOrganizationRequest struct {
	OrganizationID string `json:"organization_id"`
}

func organizationBody(o Organization) OrganizationBody {
	return OrganizationBody{ID: o.ID, Kind: o.Kind, Name: o.Name, CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC()}
}

func organizationMemberBody(o Organization, m Membership, email string) OrganizationMemberBody {
	return OrganizationMemberBody{Organization: organizationBody(o), UserID: m.UserID, Email: email, Role: m.Role, CreatedAt: m.CreatedAt.UTC()}
}

// mountOrganizationRoutes registers the organization, member and invite
// routes. Every route that names an organization in its path authorizes by
// the caller's membership in it, read from the store (see orgAccess).
func (a *Auth) mountOrganizationRoutes(g *gin.RouterGroup) {
	o := g.Group("/organizations", RequireUser())
	o.GET("", a.listOrganizations)
	o.POST("", a.createOrganization)
	o.POST("/current", a.requireSession, a.switchOrganization)
	o.POST("/invites/accept", a.requireSession, a.acceptInvite)
	o.GET("/:organization_id", a.getOrganization)
	o.PATCH("/:organization_id", a.renameOrganization)
	o.DELETE("/:organization_id", a.deleteOrganization)
	o.GET("/:organization_id/members", a.listMembers)
	o.PATCH("/:organization_id/members/:member_user_id", a.changeMemberRole)
	o.DELETE("/:organization_id/members/:member_user_id", a.removeMember)
	o.GET("/:organization_id/invites", a.listInvites)
	o.POST("/:organization_id/invites", a.createInvite)
	o.DELETE("/:organization_id/invites/:invite_id", a.revokeInvite)
}

// requirePrincipal returns the request's principal, answering 401 when there is
// none (RequireUser normally did so already).
func requirePrincipal(c *gin.Context) (*Principal, bool) {
	p, ok := PrincipalFrom(c)
	if !ok {
		abortUnauthenticated(c)
	}
	return p, ok
}

// orgScope is the organization named in a request's path and the caller's
// membership in it.
type orgScope struct {
	p   *Principal
	org Organization
	me  Membership
}

// orgAccess authorizes a request for the organization in the path: the
// caller must be a member of it (read from the store now, never from the
// access token) with at least role min. A non-member, or an API key of
// another organization, gets 404 organization_not_found; a weaker role 403.
func (a *Auth) orgAccess(c *gin.Context, min Role) (orgScope, bool) {
	p, ok := requirePrincipal(c)
	if !ok {
		return orgScope{}, false
	}
	id := c.Param("organization_id")
	notFound := func() (orgScope, bool) {
		abort(c, http.StatusNotFound, CodeOrganizationNotFound, "organization not found")
		return orgScope{}, false
	}
	if !input.ID(id) || (p.Kind == PrincipalAPIKey && id != p.OrganizationID) {
		return notFound()
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	m, err := a.store.Membership(ctx, id, p.UserID)
	if errors.Is(err, ErrNotFound) {
		return notFound()
	}
	if err != nil {
		a.storeFailure(c, err)
		return orgScope{}, false
	}
	org, err := a.store.OrganizationByID(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return notFound()
	}
	if err != nil {
		a.storeFailure(c, err)
		return orgScope{}, false
	}
	if !m.Role.AtLeast(min) {
		abort(c, http.StatusForbidden, CodeForbidden, "this requires the "+string(min)+" role in the organization")
		return orgScope{}, false
	}
	return orgScope{p: p, org: org, me: m}, true
}

// refusePersonal answers 403 for the operations a personal workspace does
// not support and reports whether it did.
func refusePersonal(c *gin.Context, org Organization, what string) bool {
	if org.Kind == KindPersonal {
		abort(c, http.StatusForbidden, CodeForbidden, "a personal workspace cannot "+what)
		return true
	}
	return false
}

// checkName trims a name and checks it is 1..100 characters without
// control characters; on failure it answers 400 invalid_request.
func checkName(c *gin.Context, raw, what string) (string, bool) {
	name, ok := input.Name(raw)
	if !ok {
		abort(c, http.StatusBadRequest, CodeInvalidRequest, what+input.NameRule)
	}
	return name, ok
}

// listOrganizations lists the caller's memberships.
//
//	@Summary	List my organizations
//	@Description	The caller's memberships, personal workspace first. An API key sees only its own organization.
//	@Tags		organizations
//	@Produce	json
//	@Success	200	{array}		OrganizationMemberBody
//	@Failure	401	{object}	ErrorBody
//	@Failure	503	{object}	ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations [get]
func (a *Auth) listOrganizations(c *gin.Context) {
	p, ok := requirePrincipal(c)
	if !ok {
		return
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	ms, err := a.store.Memberships(ctx, p.UserID)
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	out := make([]OrganizationMemberBody, 0, len(ms))
	for _, m := range ms {
		if p.Kind == PrincipalAPIKey && m.OrganizationID != p.OrganizationID {
			continue
		}
		out = append(out, organizationMemberBody(m.Organization, m.Membership, p.Email))
	}
	c.JSON(http.StatusOK, out)
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
//	@Failure	400		{object}	ErrorBody
//	@Failure	401		{object}	ErrorBody
//	@Failure	503	{object}	ErrorBody	"store_unavailable"
//	@Failure	403	{object}	ErrorBody	"forbidden: cross-site request refused"
//	@Failure	413	{object}	ErrorBody	"body_too_large"
//	@Failure	415	{object}	ErrorBody	"unsupported_media_type"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations [post]
func (a *Auth) createOrganization(c *gin.Context) {
	p, ok := requirePrincipal(c)
	if !ok {
		return
	}
	var req CreateOrganizationRequest
	if !a.bindJSON(c, &req) {
		return
	}
	name, ok := checkName(c, req.Name, "name")
	if !ok {
		return
	}
	id, err := secret.NewID()
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	now := a.now()
	org := Organization{ID: id, Kind: KindShared, Name: name, CreatedAt: now, UpdatedAt: now}
	owner := Membership{OrganizationID: id, UserID: p.UserID, Role: RoleOwner, CreatedAt: now}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	_, err = changed(ctx, a, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, a.store.CreateOrganization(ctx, org, owner)
	}, func(struct{}) []Event {
		return []Event{a.event(c, fastauth.EventOrganizationCreated, org.ID, target(fastauth.TargetOrganization, org.ID))}
	})
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	c.JSON(http.StatusCreated, organizationMemberBody(org, owner, p.Email))
}

// getOrganization returns an organization with the caller's membership.
//
//	@Summary	Get an organization and my membership in it
//	@Tags		organizations
//	@Produce	json
//	@Param		organization_id	path		string	true	"organization id"
//	@Success	200				{object}	OrganizationMemberBody
//	@Failure	401				{object}	ErrorBody
//	@Failure	404				{object}	ErrorBody	"organization_not_found (also when not a member)"
//	@Failure	503	{object}	ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id} [get]
func (a *Auth) getOrganization(c *gin.Context) {
	s, ok := a.orgAccess(c, RoleMember)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, organizationMemberBody(s.org, s.me, s.p.Email))
}

// renameOrganization renames an organization.
//
//	@Summary	Rename an organization (admin or owner)
//	@Tags		organizations
//	@Accept		json
//	@Produce	json
//	@Param		organization_id	path		string						true	"organization id"
//	@Param		body			body		RenameOrganizationRequest	true	"new name"
//	@Success	200				{object}	OrganizationMemberBody
//	@Failure	400				{object}	ErrorBody
//	@Failure	403				{object}	ErrorBody
//	@Failure	404				{object}	ErrorBody
//	@Failure	401	{object}	ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ErrorBody	"store_unavailable"
//	@Failure	413	{object}	ErrorBody	"body_too_large"
//	@Failure	415	{object}	ErrorBody	"unsupported_media_type"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id} [patch]
func (a *Auth) renameOrganization(c *gin.Context) {
	s, ok := a.orgAccess(c, RoleAdmin)
	if !ok {
		return
	}
	var req RenameOrganizationRequest
	if !a.bindJSON(c, &req) {
		return
	}
	name, ok := checkName(c, req.Name, "name")
	if !ok {
		return
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	org, err := changed(ctx, a, func(ctx context.Context) (Organization, error) {
		return a.store.RenameOrganization(ctx, s.org.ID, name, a.now())
	}, func(org Organization) []Event {
		e := a.event(c, fastauth.EventOrganizationUpdated, org.ID, target(fastauth.TargetOrganization, org.ID))
		e.Data = map[string]any{"name": org.Name}
		return []Event{e}
	})
	if errors.Is(err, ErrNotFound) {
		abort(c, http.StatusNotFound, CodeOrganizationNotFound, "organization not found")
		return
	}
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, organizationMemberBody(org, s.me, s.p.Email))
}

// deleteOrganization deletes a shared organization.
//
//	@Summary	Delete a shared organization (owner)
//	@Description	Deletes its memberships, invites and API keys. Members whose active organization it was fall back to their personal workspace at their next refresh; a caller deleting their own active organization gets a fresh access cookie for their personal workspace (if their session is still active; a revoked session gets its cookies cleared). Personal workspaces cannot be deleted (403).
//	@Tags		organizations
//	@Produce	json
//	@Param		organization_id	path		string	true	"organization id"
//	@Success	200				{object}	OrganizationMemberBody	"the organization as it was"
//	@Failure	403				{object}	ErrorBody
//	@Failure	404				{object}	ErrorBody
//	@Failure	401	{object}	ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/organizations/{organization_id} [delete]
func (a *Auth) deleteOrganization(c *gin.Context) {
	s, ok := a.orgAccess(c, RoleMember)
	if !ok {
		return
	}
	if refusePersonal(c, s.org, "be deleted") {
		return
	}
	if s.me.Role != RoleOwner {
		abort(c, http.StatusForbidden, CodeForbidden, "only an owner can delete the organization")
		return
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	_, err := changed(ctx, a, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, a.store.DeleteOrganization(ctx, s.org.ID)
	}, func(struct{}) []Event {
		return []Event{a.event(c, fastauth.EventOrganizationDeleted, s.org.ID, target(fastauth.TargetOrganization, s.org.ID))}
	})
	switch {
	case errors.Is(err, ErrNotFound): // deleted concurrently
		abort(c, http.StatusNotFound, CodeOrganizationNotFound, "organization not found")
		return
	case err != nil:
		a.storeFailure(c, err)
		return
	}
	if !a.fallBackToPersonal(c, s.p, s.org.ID) {
		return
	}
	c.JSON(http.StatusOK, organizationMemberBody(s.org, s.me, s.p.Email))
}

// fallBackToPersonal gives a session caller who just lost access to their
// active organization (orgID) a fresh access cookie for the organization
// they now resolve to (their personal workspace), provided their session
// is still active: the access token of a revoked or expired session keeps
// working until it expires, but never earns a new one (its cookies are
// cleared instead). It reports false after answering with an error.
func (a *Auth) fallBackToPersonal(c *gin.Context, p *Principal, orgID string) bool {
	if p.Kind != PrincipalSession || p.OrganizationID != orgID {
		return true
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	s, err := a.store.SessionByID(ctx, p.SessionID)
	switch {
	case errors.Is(err, ErrNotFound) || (err == nil && (s.UserID != p.UserID || !s.Active(a.now()))):
		a.clearAuthCookies(c)
		return true
	case err != nil:
		a.storeFailure(c, err)
		return false
	}
	u, err := a.store.UserByID(ctx, p.UserID)
	if err != nil {
		a.storeFailure(c, err)
		return false
	}
	active, err := a.activeMembership(ctx, u)
	if err != nil {
		a.storeFailure(c, err)
		return false
	}
	// The session's end bounds the new cookie's life (accessCookieTTL);
	// its assurance is the stored one, else the token's.
	sess := Session{ID: p.SessionID, AAL: p.AAL, AMR: p.AMR, AuthTime: p.AuthTime}
	switch s, err := a.store.SessionByID(ctx, p.SessionID); {
	case err == nil && s.Active(a.now()):
		sess = s
	case err != nil && !errors.Is(err, ErrNotFound):
		a.storeFailure(c, err)
		return false
	}
	if err := a.setAccessCookie(c, u, active, sess); err != nil {
		a.storeFailure(c, err)
		return false
	}
	return true
}

// switchOrganization switches and persists the caller's active organization.
//
//	@Summary	Switch the active organization
//	@Description	Persists the choice (refresh and later sign-ins keep it) and sets a fresh access cookie. Browser sessions only: API keys get 403.
//	@Tags		organizations
//	@Accept		json
//	@Produce	json
//	@Param		body	body		SwitchOrganizationRequest	true	"target organization"
//	@Success	200		{object}	AuthResponse
//	@Failure	400		{object}	ErrorBody
//	@Failure	403		{object}	ErrorBody
//	@Failure	404		{object}	ErrorBody	"organization_not_found (also when not a member)"
//	@Failure	401	{object}	ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ErrorBody	"store_unavailable"
//	@Failure	413	{object}	ErrorBody	"body_too_large"
//	@Failure	415	{object}	ErrorBody	"unsupported_media_type"
//	@Security	CookieAuth
//	@Router		/organizations/current [post]
func (a *Auth) switchOrganization(c *gin.Context) {
	p, ok := requirePrincipal(c)
	if !ok {
		return
	}
	var req SwitchOrganizationRequest
	if !a.bindJSON(c, &req) {
		return
	}
	if req.OrganizationID == "" {
		abort(c, http.StatusBadRequest, CodeInvalidRequest, "organization_id is required")
		return
	}
	notFound := func() { abort(c, http.StatusNotFound, CodeOrganizationNotFound, "organization not found") }
	if !input.ID(req.OrganizationID) {
		notFound()
		return
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	m, err := a.store.Membership(ctx, req.OrganizationID, p.UserID)
	if errors.Is(err, ErrNotFound) {
		notFound()
		return
	}
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	org, err := a.store.OrganizationByID(ctx, req.OrganizationID)
	if errors.Is(err, ErrNotFound) {
		notFound()
		return
	}
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	persisted := org.ID
	if org.Kind == KindPersonal {
		persisted = "" // the personal workspace is the default
	}
	if err := a.store.SetActiveOrganization(ctx, p.UserID, persisted); err != nil {
		a.storeFailure(c, err)
		return
	}
	u, err := a.store.UserByID(ctx, p.UserID)
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	active := MembershipDetail{Membership: m, Organization: org}
	s, _ := currentSession(c)
	if err := a.setAccessCookie(c, u, active, s); err != nil {
		a.storeFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, authResponse(u, active, s))
}
