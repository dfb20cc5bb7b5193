package ginauth

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
)

// sessionKey is the gin context key of the current Session, set by
// requireSession.
const sessionKey = "fastauth.session"

// RequireUser admits requests with an authenticated principal (an access
// token cookie or a bearer API key) and answers every other request with
// 401: token_expired for an expired access token (the client refreshes and
// retries once), invalid_token otherwise. It relies on the base middleware
// Register installs.
func RequireUser() gin.HandlerFunc {
	return func(c *gin.Context) {
		if _, ok := PrincipalFrom(c); !ok {
			abortUnauthenticated(c)
			return
		}
		c.Next()
	}
}

// RequireRole admits principals whose role in their active organization is
// at least role, with owner > admin > member: RequireRole(RoleAdmin) (or
// RequireRole("admin")) admits admins and owners. Unauthenticated requests
// get 401 like RequireUser, weaker roles 403 forbidden.
//
// RequireRole panics if role is not RoleMember, RoleAdmin or RoleOwner.
// Routes are declared when the program starts, so a misspelt role stops it
// there, before it serves a request, as a bad pattern does in
// regexp.MustCompile or a conflicting route in gin; a guard for an unknown
// role could only refuse everyone. Convert a role read from configuration
// with Role(s) and check it with Role.Valid first.
func RequireRole(role Role) gin.HandlerFunc {
	if !role.Valid() {
		panic(fmt.Sprintf("ginauth: RequireRole(%q): unknown role; want %q, %q or %q", string(role), RoleMember, RoleAdmin, RoleOwner))
	}
	msg := "requires the " + string(role) + " role in the active organization"
	return func(c *gin.Context) {
		p, ok := PrincipalFrom(c)
		if !ok {
			abortUnauthenticated(c)
			return
		}
		if !p.OrganizationRole.AtLeast(role) {
			abort(c, http.StatusForbidden, CodeForbidden, msg)
			return
		}
		c.Next()
	}
}

// requireSession is the guard of the "(cookie)" routes: a cookie principal
// whose session is still active in the store (403 forbidden for API keys,
// 401 invalid_token for a revoked or expired session, whose cookies it
// clears). The session is then available through currentSession.
func (a *Auth) requireSession(c *gin.Context) {
	p, ok := PrincipalFrom(c)
	if !ok {
		abortUnauthenticated(c)
		return
	}
	if p.Kind != PrincipalSession {
		abort(c, http.StatusForbidden, CodeForbidden, "this route is for browser sessions, not API keys")
		return
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	s, err := a.store.SessionByID(ctx, p.SessionID)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		a.storeFailure(c, err)
		return
	}
	if err != nil || s.UserID != p.UserID || !s.Active(a.now()) {
		a.clearAuthCookies(c)
		abort(c, http.StatusUnauthorized, CodeInvalidToken, "the session has ended; sign in again")
		return
	}
	c.Set(sessionKey, s)
	c.Next()
}

// currentSession returns the session requireSession loaded.
func currentSession(c *gin.Context) (Session, bool) {
	v, ok := c.Get(sessionKey)
	if !ok {
		return Session{}, false
	}
	s, ok := v.(Session)
	return s, ok
}
