package ginauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/internal/input"
	"github.com/fastauth/fastauth/internal/passwordhash"
	"github.com/fastauth/fastauth/internal/requestcookie"
	"github.com/fastauth/fastauth/internal/secret"
	"github.com/fastauth/fastauth/internal/truncate"
)

// personalWorkspaceName is the name of every new personal workspace.
const personalWorkspaceName = "Personal"

// maxUserAgentBytes caps the User-Agent recorded on a session.
const maxUserAgentBytes = 512

// CredentialsRequest is the body of sign-up and sign-in.
type CredentialsRequest struct {
	Email    string `json:"email" example:"ada@example.com"`
	Password string `json:"password" example:"correct-horse-42"`
}

// ChangePasswordRequest is the body of POST {BasePath}/password/change.
type ChangePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// credentialsBody is what sign-up and sign-in decode: pointers tell a
// missing field (400 invalid_request) from an empty one.
type credentialsBody struct {
	Email    *string `json:"email"`
	Password *string `json:"password"`
}

// bindCredentials decodes {email, password}, both required.
func (a *Auth) bindCredentials(c *gin.Context) (CredentialsRequest, bool) {
	var b credentialsBody
	if !a.bindJSON(c, &b) {
		return CredentialsRequest{}, false
	}
	if b.Email == nil || b.Password == nil {
		abort(c, http.StatusBadRequest, CodeInvalidRequest, "email and password are required")
		return CredentialsRequest{}, false
	}
	return CredentialsRequest{Email: *b.Email, Password: *b.Password}, true
}

// StatusResponse is the body of a success that has nothing else to say.
type StatusResponse struct {
	Status string `json:"status" example:"signed_out"`
}

// mountAccountRoutes registers sign-up, sign-in, refresh, sign-out, me and
// password change.
func (a *Auth) mountAccountRoutes(g *gin.RouterGroup) {
	g.POST("/sign-up", a.handle(a.signUp))
	g.POST("/sign-in", a.obs.signIns(a.handle(a.signIn)))
	g.POST("/refresh", a.obs.refreshes(a.handle(a.refresh)))
	g.POST("/sign-out", a.handle(a.signOut))
	g.GET("/me", RequireUser(), a.handle(a.me))
	g.GET("/session", a.handle(a.getSession))
	g.POST("/password/change", a.requireSession, a.handle(a.changePassword))
}

// signUp creates an account with its personal workspace.
//
//	@Summary	Create an account and its personal workspace
//	@Tags		account
//	@Accept		json
//	@Produce	json
//	@Param		body	body		CredentialsRequest	true	"email and password"
//	@Success	200		{object}	AuthResponse		"cookies set unless email confirmation is required"
//	@Failure	400		{object}	ErrorBody			"invalid_email, weak_password, invalid_request"
//	@Failure	409		{object}	ErrorBody			"user_already_exists"
//	@Failure	429		{object}	ErrorBody			"rate_limited (per client IP)"
//	@Failure	503		{object}	ErrorBody			"overloaded, store_unavailable"
//	@Failure	413	{object}	ErrorBody	"body_too_large"
//	@Failure	415	{object}	ErrorBody	"unsupported_media_type"
//	@Router		/sign-up [post]
func (a *Auth) signUp(c *gin.Context) error {
	req, ok := a.bindCredentials(c)
	if !ok {
		return nil
	}
	email, err := input.Email(req.Email)
	if err != nil {
		return fastauth.NewError(http.StatusBadRequest, CodeInvalidEmail, errorMessage(err, input.ErrInvalidEmail))
	}
	if err := checkPassword(a.cfg.Password, req.Password); err != nil {
		return fastauth.NewError(http.StatusBadRequest, CodeWeakPassword, errorMessage(err, errWeakPassword))
	}
	if err := a.beforeSignUp(c.Request.Context(), email, fastauth.MethodPassword); err != nil {
		return err
	}
	hash, err := a.hasher.Hash(c.Request.Context(), req.Password)
	if err != nil {
		a.hashFailure(c, err)
		return nil
	}
	userID, err1 := secret.NewID()
	orgID, err2 := secret.NewID()
	if err := errors.Join(err1, err2); err != nil {
		a.internalError(c, err)
		return nil
	}
	now := a.now()
	u := User{ID: userID, Email: email, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	ws := Organization{ID: orgID, Kind: KindPersonal, Name: personalWorkspaceName, CreatedAt: now, UpdatedAt: now}
	owner := Membership{OrganizationID: orgID, UserID: userID, Role: RoleOwner, CreatedAt: now}
	// The first session is written with the account, in one transaction,
	// unless email confirmation withholds it.
	var first *NewSession
	var refreshToken string
	if !a.cfg.RequireEmailConfirmation {
		s, plain, err := a.newSession(c, u, now)
		if err != nil {
			a.internalError(c, err)
			return nil
		}
		first, refreshToken = &s, plain
	}
	err = a.change(c.Request.Context(), func(ctx context.Context) error {
		if err := a.store.CreateUser(ctx, u, ws, owner, first); err != nil {
			return err
		}
		e := a.event(c, fastauth.EventUserSignedUp, ws.ID, fastauth.Target{Type: fastauth.TargetUser, ID: u.ID})
		e.Actor.UserID = u.ID
		e.Payload = hookUser(u)
		return a.emit(ctx, e)
	})
	if err != nil {
		if errors.Is(err, ErrDuplicateEmail) {
			return fastauth.NewError(http.StatusConflict, CodeUserAlreadyExists, "an account with this email already exists")
		}
		return storeErr{err}
	}
	active := MembershipDetail{Membership: owner, Organization: ws}
	if first == nil {
		a.sendConfirmationMail(c.Request.Context(), u)
	} else if err := a.setSessionCookies(c, u, active, first.Session, refreshToken); err != nil {
		a.internalError(c, err)
		return nil
	}
	var sess Session
	if first != nil {
		sess = first.Session
	}
	c.JSON(http.StatusOK, a.authResponse(u, active, sess))
	return nil
}

// signIn verifies a password and starts a new session.
//
//	@Summary	Sign in with email and password
//	@Tags		account
//	@Accept		json
//	@Produce	json
//	@Param		body	body		CredentialsRequest	true	"email and password"
//	@Success	200		{object}	AuthResponse		"cookies set"
//	@Failure	400		{object}	ErrorBody			"invalid_email, invalid_request"
//	@Failure	401		{object}	ErrorBody			"invalid_credentials"
//	@Failure	403		{object}	ErrorBody			"email_not_confirmed; mfa_required (the account has a second factor, with the mfa module: no cookie, the body adds mfa_token and methods; finish with POST /mfa/verify)"
//	@Failure	429		{object}	ErrorBody			"rate_limited (per client IP, or the account is locked after repeated failures)"
//	@Failure	503		{object}	ErrorBody			"overloaded, store_unavailable"
//	@Failure	413	{object}	ErrorBody	"body_too_large"
//	@Failure	415	{object}	ErrorBody	"unsupported_media_type"
//	@Router		/sign-in [post]
func (a *Auth) signIn(c *gin.Context) error {
	req, ok := a.bindCredentials(c)
	if !ok {
		return nil
	}
	email, err := input.Email(req.Email)
	if err != nil {
		return fastauth.NewError(http.StatusBadRequest, CodeInvalidEmail, errorMessage(err, input.ErrInvalidEmail))
	}
	if wait, locked := a.reserveSignIn(c.Request.Context(), email); locked {
		a.obs.rateLimited(c)
		abortRateLimited(c, wait)
		return nil
	}
	// Each store call gets a deadline of its own, started when the call is:
	// the wait for a hashing slot (up to HashQueueTimeout) must not eat
	// into it.
	ctx, cancel := a.storeCtx(c)
	u, err := a.userByEmail(ctx, email)
	cancel()
	switch {
	case errors.Is(err, ErrNotFound):
		// Spend the work of a real verify so that timing tells nothing.
		if err := a.hasher.VerifyDummy(c.Request.Context(), req.Password); err != nil {
			a.hashFailure(c, err)
			return nil
		}
		a.signInFailed(c, "", "unknown_email")
		return errInvalidCredentials
	case err != nil:
		return storeErr{err}
	}
	ok, rehash, err := a.hasher.Verify(c.Request.Context(), req.Password, u.PasswordHash)
	switch {
	case err != nil:
		a.hashFailure(c, err)
		return nil
	case !ok:
		a.signInFailed(c, u.ID, "wrong_password")
		return errInvalidCredentials
	}
	a.resetLockout(c.Request.Context(), email)
	if a.cfg.RequireEmailConfirmation && u.EmailConfirmedAt == nil {
		return fastauth.NewError(http.StatusForbidden, CodeEmailNotConfirmed, "confirm your email address before signing in")
	}
	if rehash {
		a.upgradeHash(c, u, req.Password)
	}
	if err := a.admit(c.Request.Context(), u, fastauth.MethodPassword, true); err != nil {
		return err
	}
	if !a.runSignInGates(c, u) {
		return nil
	}
	ctx, cancel = a.storeCtx(c)
	active, err := a.activeMembership(ctx, u)
	cancel()
	if err != nil {
		return storeErr{err}
	}
	sess, err := a.startSession(c.Request.Context(), c, u, active, a.cfg.SingleSession, fastauth.Authentication{Method: fastauth.MethodPassword, AAL: 1})
	if err != nil {
		if errors.Is(err, ErrConflict) {
			// The password changed while this sign-in verified the old one.
			return errInvalidCredentials
		}
		return storeErr{err}
	}
	c.JSON(http.StatusOK, a.authResponse(u, active, sess))
	return nil
}

// signInFailed emits user.sign_in_failed for the account userID (empty
// when the email has none) with the reason. Nothing changed, so the event
// is dispatched at once; a failing handler is logged and the answer stays
// 401.
func (a *Auth) signInFailed(c *gin.Context, userID, reason string) {
	e := a.event(c, fastauth.EventUserSignInFailed, "", fastauth.Target{Type: fastauth.TargetUser, ID: userID})
	e.Data = map[string]any{"reason": reason}
	if err := a.emit(c.Request.Context(), e); err != nil {
		a.log.ErrorContext(c.Request.Context(), "fastauth: sign-in failure event", "err", err)
	}
}

// userByEmail looks up the account of a normalized email. A store whose
// comparison is looser than byte for byte (a case-, accent- or
// width-insensitive collation) could return the account of another
// address: that counts as not found, so a look-alike address never reaches
// an account, whatever the backend.
func (a *Auth) userByEmail(ctx context.Context, email string) (User, error) {
	u, err := a.store.UserByEmail(ctx, email)
	if err == nil && u.Email != email {
		a.log.WarnContext(ctx, "fastauth: the store matched an email lookup to another address; treated as not found (compare emails byte for byte, e.g. a binary collation)", "user_id", u.ID)
		return User{}, fmt.Errorf("ginauth: user by email: the stored address differs: %w", ErrNotFound)
	}
	return u, err
}

// upgradeHash replaces a hash made with outdated parameters; a failure is
// only logged. The store deadline starts after the hashing.
func (a *Auth) upgradeHash(c *gin.Context, u User, password string) {
	newHash, err := a.hasher.Hash(c.Request.Context(), password)
	if err == nil {
		ctx, cancel := a.storeCtx(c)
		err = a.store.UpgradePasswordHash(ctx, u.ID, u.PasswordHash, newHash)
		cancel()
	}
	if err != nil {
		a.log.WarnContext(c.Request.Context(), "fastauth: password hash upgrade failed", "user_id", u.ID, "err", err)
	}
}

// refresh rotates the refresh token and issues a new access token.
//
//	@Summary	Rotate the refresh token and issue a new access token
//	@Tags		account
//	@Produce	json
//	@Success	200	{object}	AuthResponse	"cookies set"
//	@Failure	401	{object}	ErrorBody		"refresh_token_invalid"
//	@Failure	403	{object}	ErrorBody		"email_not_confirmed"
//	@Failure	503	{object}	ErrorBody		"store_unavailable"
//	@Router		/refresh [post]
func (a *Auth) refresh(c *gin.Context) error {
	presented, err := c.Cookie(a.cfg.Cookie.RefreshName)
	if err != nil || presented == "" {
		// An access cookie outlives its token (accessCookieTTL): without
		// a session to refresh it is of no use, and left alone it would
		// keep answering token_expired.
		a.clearAuthCookies(c)
		return fastauth.NewError(http.StatusUnauthorized, CodeRefreshTokenInvalid, "no refresh token")
	}
	plain, hash, err := secret.New("")
	if err != nil {
		a.internalError(c, err)
		return nil
	}
	rtID, err := secret.NewID()
	if err != nil {
		a.internalError(c, err)
		return nil
	}
	now := a.now()
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	s, err := a.store.RotateRefreshToken(ctx, secret.Hash(presented), RefreshToken{ID: rtID, TokenHash: hash, CreatedAt: now}, now)
	var reused *ReusedTokenError
	switch {
	case errors.As(err, &reused):
		return a.refreshReused(ctx, c, reused, now)
	case errors.Is(err, ErrNotFound):
		a.clearAuthCookies(c)
		return fastauth.NewError(http.StatusUnauthorized, CodeRefreshTokenInvalid, "the refresh token is invalid or expired; sign in again")
	case err != nil:
		return storeErr{err}
	}
	// The token is consumed: hand the device its successor now, before any
	// later step can fail, so that a retry (after a 503, say) presents the
	// successor instead of replaying the consumed token.
	a.setRefreshCookie(c, plain, s.ExpiresAt)
	u, err := a.store.UserByID(ctx, s.UserID)
	switch {
	case errors.Is(err, ErrNotFound):
		a.clearAuthCookies(c)
		return fastauth.NewError(http.StatusUnauthorized, CodeRefreshTokenInvalid, "the account no longer exists")
	case err != nil:
		return storeErr{err}
	}
	if a.cfg.RequireEmailConfirmation && u.EmailConfirmedAt == nil {
		return fastauth.NewError(http.StatusForbidden, CodeEmailNotConfirmed, "confirm your email address first")
	}
	if u.DisabledAt != nil {
		a.clearAuthCookies(c)
		return fastauth.NewError(http.StatusForbidden, CodeAccountDisabled, "this account is disabled")
	}
	active, err := a.activeMembership(ctx, u)
	if err != nil {
		return storeErr{err}
	}
	if err := a.setAccessCookie(c, u, active, s); err != nil {
		a.internalError(c, err)
		return nil
	}
	c.JSON(http.StatusOK, a.authResponse(u, active, s))
	return nil
}

// refreshReused is the answer to the presentation of a consumed refresh
// token: within the grace window after its rotation only 401 (a concurrent
// refresh of another tab won); beyond it the session is revoked as stolen.
func (a *Auth) refreshReused(ctx context.Context, c *gin.Context, reused *ReusedTokenError, now time.Time) error {
	grace := a.cfg.RefreshReuseGrace
	if grace >= 0 && !now.After(reused.ConsumedAt.Add(grace)) {
		return fastauth.NewError(http.StatusUnauthorized, CodeRefreshTokenInvalid, "the refresh token was just rotated; retry with the new one")
	}
	a.obs.refreshReplay(c)
	a.log.WarnContext(c.Request.Context(), "fastauth: refresh token replayed, revoking session",
		"session_id", reused.SessionID, "user_id", reused.UserID)
	err := a.change(ctx, func(ctx context.Context) error {
		if err := a.store.RevokeSession(ctx, reused.UserID, reused.SessionID, now); err != nil {
			return err
		}
		e := a.event(c, fastauth.EventSessionReplayDetected, "", fastauth.Target{Type: fastauth.TargetSession, ID: reused.SessionID})
		e.Data = map[string]any{"user_id": reused.UserID}
		return a.emit(ctx, e)
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return storeErr{err}
	}
	a.clearAuthCookies(c)
	return fastauth.NewError(http.StatusUnauthorized, CodeRefreshTokenInvalid, "the refresh token was already used; the session is revoked")
}

// signOut revokes the current session and clears the cookies.
//
//	@Summary	Sign out: revoke this session and clear the cookies
//	@Tags		account
//	@Produce	json
//	@Success	200	{object}	StatusResponse	"always, cookies cleared"
//	@Router		/sign-out [post]
func (a *Auth) signOut(c *gin.Context) error {
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	now := a.now()
	var userID, sessionID string
	if rt, err := c.Cookie(a.cfg.Cookie.RefreshName); err == nil && rt != "" {
		s, err := a.store.SessionByRefreshToken(ctx, secret.Hash(rt))
		if err == nil {
			userID, sessionID = s.UserID, s.ID
		} else if !errors.Is(err, ErrNotFound) {
			a.log.WarnContext(c.Request.Context(), "fastauth: sign-out could not look up the session", "err", err)
		}
	}
	if p, ok := PrincipalFrom(c); sessionID == "" && ok && p.Kind == PrincipalSession {
		userID, sessionID = p.UserID, p.SessionID
	}
	if sessionID != "" {
		err := a.change(ctx, func(ctx context.Context) error {
			if err := a.store.RevokeSession(ctx, userID, sessionID, now); err != nil {
				return err
			}
			e := a.event(c, fastauth.EventSessionRevoked, "", fastauth.Target{Type: fastauth.TargetSession, ID: sessionID})
			e.Actor.UserID = userID
			e.Data = map[string]any{"reason": "sign_out"}
			return a.emit(ctx, e)
		})
		if err != nil && !errors.Is(err, ErrNotFound) {
			a.log.WarnContext(c.Request.Context(), "fastauth: sign-out could not revoke the session", "session_id", sessionID, "err", err)
		}
	}
	a.clearAuthCookies(c)
	c.JSON(http.StatusOK, StatusResponse{Status: "signed_out"})
	return nil
}

// me returns the caller's fresh user and active organization.
//
//	@Summary	The signed-in user and their active organization
//	@Tags		account
//	@Produce	json
//	@Success	200	{object}	AuthResponse
//	@Failure	401	{object}	ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ErrorBody	"store_unavailable (Retry-After)"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/me [get]
func (a *Auth) me(c *gin.Context) error {
	p, _ := PrincipalFrom(c)
	resp, err := a.principalResponse(c, p)
	var gone principalGone
	switch {
	case errors.As(err, &gone):
		return fastauth.NewError(http.StatusUnauthorized, CodeInvalidToken, string(gone))
	case err != nil:
		return storeErr{err}
	}
	c.JSON(http.StatusOK, resp)
	return nil
}

// SessionResponse is the body of GET {BasePath}/session: the AuthResponse
// of a signed-in caller, or {"user":null} for an anonymous one.
type SessionResponse struct {
	// User is null when nobody is signed in; the other fields are then absent.
	User         *UserBody      `json:"user" extensions:"x-nullable"`
	Organization *ActiveOrgBody `json:"organization,omitempty"`
	AuthRole     string         `json:"auth_role,omitempty" example:"authenticated"`
	// Session is the session's assurance level and methods (absent for an
	// API key and for anonymous visitors).
	Session *SessionAssuranceBody `json:"session,omitempty"`
}

// getSession tells a page whether its visitor is signed in, without a 401
// for anonymous visitors.
//
//	@Summary		Whether the caller is signed in: the AuthResponse, or {"user":null}
//	@Description	Anonymous visitors (no access cookie, or an invalid one, which is then cleared) get 200 {"user":null}, never 401. An expired access token answers 401 token_expired as on every route, and so does a refresh cookie sent without an access cookie: the client refreshes and asks again. A bearer API key answers as /me does; an invalid one gets 401 invalid_token.
//	@Tags			account
//	@Produce		json
//	@Success		200	{object}	SessionResponse	"signed in: user, organization, auth_role; anonymous: user null"
//	@Failure		401	{object}	ErrorBody		"token_expired; invalid_token for an invalid API key"
//	@Failure		503	{object}	ErrorBody		"store_unavailable (Retry-After)"
//	@Security		CookieAuth
//	@Security		BearerAuth
//	@Router			/session [get]
func (a *Auth) getSession(c *gin.Context) error {
	p, ok := PrincipalFrom(c)
	if !ok {
		switch f := recordedFailure(c); {
		case f == failInvalidToken: // the middleware cleared the cookies
		case f != failNoCredentials:
			abortUnauthenticated(c) // expired token, invalid bearer, store down
			return nil
		case a.hasRefreshCookie(c):
			return fastauth.NewError(http.StatusUnauthorized, CodeTokenExpired, "no access token but a refresh token: refresh and retry")
		}
		c.JSON(http.StatusOK, SessionResponse{})
		return nil
	}
	resp, err := a.principalResponse(c, p)
	var gone principalGone
	switch {
	case errors.As(err, &gone) && p.Kind == PrincipalSession:
		a.clearAuthCookies(c)
		c.JSON(http.StatusOK, SessionResponse{})
	case errors.As(err, &gone):
		return fastauth.NewError(http.StatusUnauthorized, CodeInvalidToken, string(gone))
	case err != nil:
		return storeErr{err}
	default:
		c.JSON(http.StatusOK, SessionResponse{User: &resp.User, Organization: &resp.Organization, AuthRole: resp.AuthRole, Session: resp.Session})
	}
	return nil
}

// hasRefreshCookie reports whether the request carries a refresh cookie
// (sent only to the routes under the base path).
func (a *Auth) hasRefreshCookie(c *gin.Context) bool {
	v, ok := requestcookie.Get(c.Request, a.cfg.Cookie.RefreshName)
	return ok && v != ""
}

// principalGone is the error of principalResponse when the principal's
// account, or the organization of its API key, no longer exists; its text
// is the message for the client.
type principalGone string

func (e principalGone) Error() string { return string(e) }

// principalResponse reads p's fresh user and active organization: for a
// session the user's active organization, for an API key the key's own.
func (a *Auth) principalResponse(c *gin.Context, p *Principal) (AuthResponse, error) {
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	u, err := a.store.UserByID(ctx, p.UserID)
	switch {
	case errors.Is(err, ErrNotFound):
		return AuthResponse{}, principalGone("the account no longer exists")
	case err != nil:
		return AuthResponse{}, err
	}
	var active MembershipDetail
	if p.Kind == PrincipalAPIKey {
		// An API key acts in its own organization, whatever the user's
		// active one is.
		var found bool
		active, found, err = a.membershipIn(ctx, u.ID, p.OrganizationID)
		if err == nil && !found {
			return AuthResponse{}, principalGone("the API key's organization is gone")
		}
	} else {
		active, err = a.activeMembership(ctx, u)
	}
	if err != nil {
		return AuthResponse{}, err
	}
	var sess Session
	if p.Kind == PrincipalSession {
		sess = Session{ID: p.SessionID, AAL: p.AAL, AMR: p.AMR, AuthTime: p.AuthTime}
	}
	return a.authResponse(u, active, sess), nil
}

// changePassword sets a new password after checking the current one and
// revokes every other session of the user.
//
//	@Summary	Change the password; revokes the user's other sessions
//	@Tags		account
//	@Accept		json
//	@Produce	json
//	@Param		body	body		ChangePasswordRequest	true	"current and new password"
//	@Success	200		{object}	StatusResponse
//	@Failure	400		{object}	ErrorBody	"weak_password, invalid_request"
//	@Failure	401		{object}	ErrorBody	"invalid_credentials, invalid_token"
//	@Failure	403		{object}	ErrorBody	"forbidden (API key)"
//	@Failure	409		{object}	ErrorBody	"conflict (a concurrent password change won)"
//	@Failure	429		{object}	ErrorBody	"rate_limited"
//	@Failure	413	{object}	ErrorBody	"body_too_large"
//	@Failure	415	{object}	ErrorBody	"unsupported_media_type"
//	@Failure	503	{object}	ErrorBody	"store_unavailable (Retry-After)"
//	@Security	CookieAuth
//	@Router		/password/change [post]
func (a *Auth) changePassword(c *gin.Context) error {
	var body struct {
		CurrentPassword *string `json:"current_password"`
		NewPassword     *string `json:"new_password"`
	}
	if !a.bindJSON(c, &body) {
		return nil
	}
	if body.CurrentPassword == nil || body.NewPassword == nil {
		return fastauth.NewError(http.StatusBadRequest, CodeInvalidRequest, "current_password and new_password are required")
	}
	req := ChangePasswordRequest{CurrentPassword: *body.CurrentPassword, NewPassword: *body.NewPassword}
	if err := checkPassword(a.cfg.Password, req.NewPassword); err != nil {
		return fastauth.NewError(http.StatusBadRequest, CodeWeakPassword, errorMessage(err, errWeakPassword))
	}
	s, _ := currentSession(c)
	// Store deadlines start per call, after the hashing (see signIn).
	ctx, cancel := a.storeCtx(c)
	u, err := a.store.UserByID(ctx, s.UserID)
	cancel()
	switch {
	case errors.Is(err, ErrNotFound):
		return fastauth.NewError(http.StatusUnauthorized, CodeInvalidToken, "the account no longer exists")
	case err != nil:
		return storeErr{err}
	}
	ok, _, err := a.hasher.Verify(c.Request.Context(), req.CurrentPassword, u.PasswordHash)
	switch {
	case err != nil:
		a.hashFailure(c, err)
		return nil
	case !ok:
		return fastauth.NewError(http.StatusUnauthorized, CodeInvalidCredentials, "the current password is wrong")
	}
	newHash, err := a.hasher.Hash(c.Request.Context(), req.NewPassword)
	if err != nil {
		a.hashFailure(c, err)
		return nil
	}
	err = a.change(c.Request.Context(), func(ctx context.Context) error {
		if err := a.store.ChangePassword(ctx, u.ID, u.CredentialVersion, newHash, s.ID, a.now()); err != nil {
			return err
		}
		return a.emit(ctx, a.event(c, fastauth.EventPasswordChanged, "", fastauth.Target{Type: fastauth.TargetUser, ID: u.ID}))
	})
	if err != nil {
		if errors.Is(err, ErrConflict) {
			return fastauth.NewError(http.StatusConflict, CodeConflict, "the password was changed concurrently; retry")
		}
		return storeErr{err}
	}
	c.JSON(http.StatusOK, StatusResponse{Status: "password_changed"})
	return nil
}

// startSession creates a session with its first refresh token for u,
// established by auth (a password sign-in, or a module's method), emitting
// user.signed_in with the method, and sets both cookies. With
// revokeOthers the user's other sessions end. It returns the session, or
// ErrConflict (wrapped) when u's credential version is outdated.
func (a *Auth) startSession(ctx context.Context, c *gin.Context, u User, active MembershipDetail, revokeOthers bool, auth fastauth.Authentication) (Session, error) {
	now := a.now()
	s, plain, err := a.newSession(c, u, now)
	if err != nil {
		return Session{}, err
	}
	switch {
	case auth.FirstMethod != "":
		s.Session.AMR = []string{auth.FirstMethod, auth.Method}
		s.Session.AAL = max(auth.AAL, 1)
	case auth.Method != fastauth.MethodPassword:
		s.Session.AMR = []string{auth.Method}
		s.Session.AAL = max(auth.AAL, 1)
	}
	err = a.change(ctx, func(ctx context.Context) error {
		if err := a.store.CreateSession(ctx, s.Session, s.RefreshToken, u.CredentialVersion, revokeOthers, now); err != nil {
			return fmt.Errorf("ginauth: create session: %w", err)
		}
		e := a.event(c, fastauth.EventUserSignedIn, active.Organization.ID, fastauth.Target{Type: fastauth.TargetUser, ID: u.ID})
		e.Actor.UserID = u.ID
		e.Data = map[string]any{"session_id": s.Session.ID, "method": auth.Method}
		e.Payload = hookUser(u)
		return a.emit(ctx, e)
	})
	if err != nil {
		return Session{}, err
	}
	return s.Session, a.setSessionCookies(c, u, active, s.Session, plain)
}

// newSession builds (without storing) a password session of u (aal 1,
// amr [password]) for the requesting device, starting at now, with its
// first refresh token, whose plaintext it returns.
func (a *Auth) newSession(c *gin.Context, u User, now time.Time) (NewSession, string, error) {
	sid, err1 := secret.NewID()
	rtID, err2 := secret.NewID()
	plain, hash, err3 := secret.New("")
	if err := errors.Join(err1, err2, err3); err != nil {
		return NewSession{}, "", err
	}
	s := passwordSession(Session{
		ID: sid, UserID: u.ID, CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(a.cfg.RefreshTokenTTL),
		UserAgent: truncateUTF8(c.Request.UserAgent(), maxUserAgentBytes), IP: c.ClientIP(),
	}, now)
	rt := RefreshToken{ID: rtID, SessionID: sid, TokenHash: hash, CreatedAt: now, ExpiresAt: s.ExpiresAt}
	return NewSession{Session: s, RefreshToken: rt}, plain, nil
}

// setSessionCookies sets the access cookie of u in active within the
// stored session s and the refresh cookie carrying refreshToken.
func (a *Auth) setSessionCookies(c *gin.Context, u User, active MembershipDetail, s Session, refreshToken string) error {
	if err := a.setAccessCookie(c, u, active, s); err != nil {
		return err
	}
	a.setRefreshCookie(c, refreshToken, s.ExpiresAt)
	return nil
}

// activeMembership resolves the user's active organization: the persisted
// one while the user is still a member of it, else the personal workspace.
func (a *Auth) activeMembership(ctx context.Context, u User) (MembershipDetail, error) {
	ms, err := a.store.Memberships(ctx, u.ID)
	if err != nil {
		return MembershipDetail{}, err
	}
	var personal *MembershipDetail
	for i := range ms {
		m := &ms[i]
		if u.ActiveOrganizationID != "" && m.Organization.ID == u.ActiveOrganizationID {
			return *m, nil
		}
		if personal == nil && m.Organization.Kind == KindPersonal {
			personal = m
		}
	}
	if personal == nil {
		return MembershipDetail{}, fmt.Errorf("ginauth: user %s has no personal workspace", u.ID)
	}
	return *personal, nil
}

// membershipIn returns the user's membership in organizationID with its
// organization; found is false when the user is not a member.
func (a *Auth) membershipIn(ctx context.Context, userID, organizationID string) (m MembershipDetail, found bool, err error) {
	ms, err := a.store.Memberships(ctx, userID)
	if err != nil {
		return MembershipDetail{}, false, err
	}
	for _, m := range ms {
		if m.Organization.ID == organizationID {
			return m, true, nil
		}
	}
	return MembershipDetail{}, false, nil
}

// errInvalidCredentials answers a wrong email or password.
var errInvalidCredentials = fastauth.NewError(http.StatusUnauthorized, CodeInvalidCredentials, "email or password is wrong")

// hashFailure answers a failed hashing step: 401 invalid_credentials (and
// an error log) for a malformed stored hash, 503 overloaded with
// Retry-After when no slot freed up in time, 500 otherwise.
func (a *Auth) hashFailure(c *gin.Context, err error) {
	if errors.Is(err, passwordhash.ErrBadHash) {
		// The stored hash is unusable: nobody can sign in with it.
		a.log.ErrorContext(c.Request.Context(), "fastauth: stored password hash is malformed", "path", c.FullPath(), "err", err)
		a.fail(c, errInvalidCredentials)
		return
	}
	if errors.Is(err, passwordhash.ErrOverloaded) {
		c.Header("Retry-After", strconv.Itoa(retryAfterSeconds(a.cfg.HashQueueTimeout)))
		abort(c, http.StatusServiceUnavailable, CodeOverloaded, "too many sign-ins at once, retry shortly")
		return
	}
	a.internalError(c, err)
}

// internalError answers 500 after logging err.
func (a *Auth) internalError(c *gin.Context, err error) {
	a.log.ErrorContext(c.Request.Context(), "fastauth: internal error", "path", c.FullPath(), "err", err)
	abort(c, http.StatusInternalServerError, CodeInternal, "internal error")
}

func retryAfterSeconds(d time.Duration) int {
	if s := int(d / time.Second); s > 1 {
		return s
	}
	return 1
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string { return truncate.UTF8(s, n) }
