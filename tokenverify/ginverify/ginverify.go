// Package ginverify is the Gin middleware of package tokenverify: it
// admits requests with a valid fastauth access token and gives handlers
// the principal the way the fastauth server's own middleware does.
//
//	v, err := tokenverify.New(ctx, cfg)
//	api := r.Group("/api", ginverify.Middleware(v))
//	api.GET("/me", func(c *gin.Context) {
//		p, _ := ginverify.PrincipalFrom(c)
//		c.JSON(http.StatusOK, gin.H{"user_id": p.UserID})
//	})
//
// It is a package of its own so that services on net/http alone do not
// link Gin.
package ginverify

import (
	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/tokenverify"
)

// Middleware admits the requests v.Authenticate accepts and answers the
// others like the fastauth server (401 invalid_token or token_expired,
// 403 forbidden for a cross-origin cookie request; see
// tokenverify.WriteError), aborting the chain. The principal of an
// admitted request is in its request context, so that both
// PrincipalFrom(c) and tokenverify.PrincipalFrom(c.Request.Context())
// find it.
func Middleware(v *tokenverify.Verifier) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, err := v.Authenticate(c.Request)
		if err != nil {
			tokenverify.WriteError(c.Writer, err)
			c.Abort()
			return
		}
		c.Request = c.Request.WithContext(tokenverify.NewContext(c.Request.Context(), &p))
		c.Next()
	}
}

// PrincipalFrom returns the principal Middleware admitted the request
// with. Behind Middleware it is always present.
func PrincipalFrom(c *gin.Context) (*tokenverify.Principal, bool) {
	if c.Request == nil {
		return nil, false
	}
	return tokenverify.PrincipalFrom(c.Request.Context())
}
