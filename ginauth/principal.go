package ginauth

import "github.com/gin-gonic/gin"

// principalKey is the gin context key of the *Principal.
const principalKey = "fastauth.principal"

// permissionsKey is the gin context key of the *permissions.Resolver.
const permissionsKey = "fastauth.permissions"

// PrincipalFrom returns the request's authenticated principal. It is set by
// the base middleware that Register installs; behind RequireUser or
// RequireRole it is always present. It is read-only: requests that present
// the same access token share it (see Principal).
func PrincipalFrom(c *gin.Context) (*Principal, bool) {
	v, ok := c.Get(principalKey)
	if !ok {
		return nil, false
	}
	p, ok := v.(*Principal)
	return p, ok && p != nil
}
