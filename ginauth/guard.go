package ginauth

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/permissions"
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
// RequireRole panics if role is not RoleMember, RoleAdmin or RoleOwner: a
// misspelt role stops the program where routes are declared, as a bad
// pattern in regexp.MustCompile does (check configured roles with Valid).
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

// RequirePermission admits principals whose role in their active
// organization holds perm (Config.Permissions; custom roles of module
// roles; an API key within its permissions): 401 like RequireUser, else
// 403 forbidden, 503 when a custom role cannot be read. It panics on a
// perm that is not resource:action, as RequireRole on a bad role.
func RequirePermission(perm string) gin.HandlerFunc {
	if !permissions.WellFormed(perm) {
		panic(fmt.Sprintf("ginauth: RequirePermission(%q): want resource:action", perm))
	}
	msg := "requires the " + perm + " permission in the active organization"
	return func(c *gin.Context) { // the resolver is set beside the principal
		p, ok := PrincipalFrom(c)
		if !ok {
			abortUnauthenticated(c)
			return
		}
		r, _ := c.Value(permissionsKey).(*permissions.Resolver)
		switch ok, err := r.Check(c.Request.Context(), p, perm); {
		case err != nil:
			abort(c, http.StatusServiceUnavailable, CodeStoreUnavailable, "the role's permissions cannot be read now; retry")
		case !ok:
			abort(c, http.StatusForbidden, CodeForbidden, msg)
		default:
			c.Next()
		}
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
