package ginauth

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/internal/input"
)

// The organization routes are the default module of package organizations;
// the kernel keeps what every request and sign-in needs: the active
// organization of the principal, and switching it (POST
// /organizations/current), which re-issues the access token.

// SwitchOrganizationRequest is the body of POST /organizations/current.
type SwitchOrganizationRequest struct {
	OrganizationID string `json:"organization_id"`
}

// mountOrganizationSwitch registers POST /organizations/current.
func (a *Auth) mountOrganizationSwitch(g *gin.RouterGroup) {
	g.POST("/organizations/current", RequireUser(), a.requireSession, a.handle(a.switchOrganization))
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
func (a *Auth) switchOrganization(c *gin.Context) error {
	p, ok := PrincipalFrom(c)
	if !ok { // behind RequireUser: not reached
		abortUnauthenticated(c)
		return nil
	}
	var req SwitchOrganizationRequest
	if !a.bindJSON(c, &req) {
		return nil
	}
	if req.OrganizationID == "" {
		return fastauth.NewError(http.StatusBadRequest, CodeInvalidRequest, "organization_id is required")
	}
	notFound := fastauth.NewError(http.StatusNotFound, CodeOrganizationNotFound, "organization not found")
	if !input.ID(req.OrganizationID) {
		return notFound
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	active, err := a.membershipDetail(ctx, req.OrganizationID, p.UserID)
	switch {
	case errors.Is(err, ErrNotFound):
		return notFound
	case err != nil:
		return err
	}
	persisted := active.Organization.ID
	if active.Organization.Kind == KindPersonal {
		persisted = "" // the personal workspace is the default
	}
	if err := a.store.SetActiveOrganization(ctx, p.UserID, persisted); err != nil {
		return err
	}
	return a.answerActive(ctx, c, p.UserID, active)
}

// membershipDetail is the user's membership in the organization with the
// organization (ErrNotFound when either is missing).
func (a *Auth) membershipDetail(ctx context.Context, organizationID, userID string) (MembershipDetail, error) {
	m, err := a.store.Membership(ctx, organizationID, userID)
	if err != nil {
		return MembershipDetail{}, err
	}
	org, err := a.store.OrganizationByID(ctx, organizationID)
	if err != nil {
		return MembershipDetail{}, err
	}
	return MembershipDetail{Membership: m, Organization: org}, nil
}

// answerActive sets a fresh access cookie of the request's session for
// the user's new active organization and answers 200 AuthResponse; an
// error is answered by the caller.
func (a *Auth) answerActive(ctx context.Context, c *gin.Context, userID string, active MembershipDetail) error {
	u, err := a.store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	s, _ := currentSession(c)
	if err := a.setAccessCookie(c, u, active, s); err != nil {
		return err
	}
	c.JSON(http.StatusOK, a.authResponse(u, active, s))
	return nil
}
