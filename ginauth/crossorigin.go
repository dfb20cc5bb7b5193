package ginauth

import (
	"github.com/gin-gonic/gin"
)

// crossOriginCheck refuses an unsafe request (POST, PUT, PATCH, DELETE...)
// that the browser marks cross-origin: Sec-Fetch-Site other than
// same-origin or none, or, without it, an Origin header whose host is not
// the request's Host. Origins in Config.TrustedOrigins pass; requests
// without either header (curl, servers, old browsers) pass; GET, HEAD and
// OPTIONS pass. Requests that carry a well-formed bearer credential
// (`Authorization: Bearer sk-<64 hex>` with the API keys; see
// module.Authenticator.WellFormed) are exempt: a browser never
// attaches one across origins by itself, so they cannot be forged that
// way. Any other Authorization header (Basic, a malformed bearer) earns no
// exemption. On refusal it aborts with 403 forbidden and returns false.
//
// It is built on net/http's CrossOriginProtection (a.cop, configured by
// newCrossOriginProtection in middleware.go).
func (a *Auth) crossOriginCheck(c *gin.Context) bool {
	if key, ok := bearerKey(c.Request.Header.Get("Authorization")); ok && a.bearer != nil && a.bearer.WellFormed(key) {
		return true
	}
	if a.cop.Check(c.Request) == nil {
		return true
	}
	abort(c, failCrossOrigin.status, failCrossOrigin.code, failCrossOrigin.message+
		": an unsafe request from another site needs its origin in the trusted origins")
	return false
}

// crossOriginGuard is the middleware of the auth route group: every unsafe
// request to an auth route must pass crossOriginCheck, whether or not it
// carries cookies. Beyond the cookie-authenticated routes this stops login
// and sign-up CSRF (a page signing the victim's browser into the attacker's
// account) and cross-site mail spraying from visitors' browsers; and since
// it runs before the rate limits, a forged request cannot spend the
// victim's IP or account buckets.
func (a *Auth) crossOriginGuard(c *gin.Context) {
	if a.crossOriginCheck(c) {
		c.Next()
	}
}
