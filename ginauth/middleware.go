package ginauth

import (
	"errors"
	"net/http"
	"strings"

	"github.com/fastauth/fastauth/ginauth/module"
	"github.com/fastauth/fastauth/internal/proxyprobe"
	"github.com/fastauth/fastauth/internal/requestcookie"
	"github.com/gin-gonic/gin"
)

// failureKey is the gin context key of the *authFailure the base middleware
// recorded when a request presented credentials it could not accept.
const failureKey = "fastauth.failure"

// authFailure is why a request that presented credentials has no principal;
// the guards answer with it.
type authFailure struct {
	status        int
	code, message string
}

// The failures the base middleware records. They are shared values so that
// recording one allocates nothing.
var (
	failInvalidToken  = &authFailure{http.StatusUnauthorized, CodeInvalidToken, "the access token is invalid"}
	failTokenExpired  = &authFailure{http.StatusUnauthorized, CodeTokenExpired, "the access token has expired; refresh it and retry"}
	failInvalidBearer = &authFailure{http.StatusUnauthorized, CodeInvalidToken, "the bearer API key is invalid"}
	failCrossOrigin   = &authFailure{http.StatusForbidden, CodeForbidden, "cross-origin request refused"}
	failUnavailable   = &authFailure{http.StatusServiceUnavailable, CodeStoreUnavailable, "the service is temporarily unavailable, retry shortly"}
	failNoCredentials = &authFailure{http.StatusUnauthorized, CodeInvalidToken, "authentication required"}
)

// Middleware returns the base middleware Register installs on the router.
// It authenticates the request without ever rejecting it:
//
//   - An Authorization header must be `Bearer sk-...`, a valid API key;
//     anything else records a 401 invalid_token, and the cookies are then
//     ignored (a bad bearer never falls back to the cookie).
//   - Otherwise the access-token cookie is verified without store access.
//     An expired token records 401 token_expired; an invalid one records
//     401 invalid_token and clears both auth cookies, except that a token
//     signed with one of our secrets (refused for its claims, say an iat
//     beyond Config.ClockSkew) clears only the access cookie.
//   - An unsafe request (POST, PATCH, ...) authenticated by cookie that the
//     browser marks cross-origin (Sec-Fetch-Site, else Origin against Host)
//     and that comes from no TrustedOrigins entry gets no principal and
//     records 403 forbidden. Bearer requests are exempt.
//
// The principal is read with PrincipalFrom; RequireUser and RequireRole
// answer with the recorded failure. The middleware never refreshes tokens.
//
// On the first request it serves, it checks the Gin engine's proxy
// settings and logs a warning when the engine believes X-Forwarded-For
// from any client (see internal/proxyprobe).
func (a *Auth) Middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		if !a.proxiesChecked.Load() {
			proxyprobe.Once(c, &a.proxiesChecked, a.log)
		}
		a.authenticate(c)
		c.Next()
	}
}

// newCrossOriginProtection builds the cross-origin check of cookie
// requests with cfg.TrustedOrigins (Validate has refused unusable entries).
func newCrossOriginProtection(cfg Config) *http.CrossOriginProtection {
	cop := http.NewCrossOriginProtection()
	for _, o := range cfg.TrustedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			cfg.Logger.Error("fastauth: invalid trusted origin", "origin", o, "err", err)
		}
	}
	return cop
}

// authenticate sets the principal or records the failure.
func (a *Auth) authenticate(c *gin.Context) {
	if h := c.Request.Header.Get("Authorization"); h != "" {
		a.authenticateBearer(c, h)
		return
	}
	// A token the cache knows is taken without its bytes checked
	// (requestcookie.Known), and answered by that one lookup.
	var (
		v   *verifiedToken
		err error
		hit bool
	)
	token, ok := requestcookie.Known(c.Request, a.cfg.Cookie.AccessName, func(t string) bool {
		v, hit, err = a.tokens.cached(t)
		return hit
	})
	if !ok || token == "" {
		return // no credentials: nothing to do
	}
	if !hit {
		v, err = a.tokens.verify(token)
	}
	switch {
	case errors.Is(err, errTokenExpired):
		c.Set(failureKey, failTokenExpired)
		return
	case errors.Is(err, errTokenRejected):
		// Signed by us: no forged cookie, and the refresh cookie still
		// gets the client a fresh token.
		c.Set(failureKey, failInvalidToken)
		a.clearAccessCookie(c)
		return
	case err != nil:
		c.Set(failureKey, failInvalidToken)
		a.clearAuthCookies(c)
		return
	}
	if a.rev != nil {
		if f := a.revoked(c.Request.Context(), v); f != nil {
			c.Set(failureKey, f)
			return
		}
	}
	if a.cop.Check(c.Request) != nil {
		c.Set(failureKey, failCrossOrigin)
		return
	}
	// The verified token's principal, shared with the token cache: a
	// warm token allocates no principal (see PrincipalFrom).
	c.Set(principalKey, &v.session)
	c.Set(permissionsKey, a.perms)
}

// bearerKey returns the credential of an `Authorization: Bearer <key>`
// header value (the scheme case-insensitive), and false for any other
// value.
func bearerKey(header string) (string, bool) {
	scheme, key, ok := strings.Cut(header, " ")
	key = strings.TrimSpace(key)
	if !ok || !strings.EqualFold(scheme, "Bearer") || key == "" {
		return "", false
	}
	return key, true
}

// authenticateBearer handles a request with an Authorization header.
func (a *Auth) authenticateBearer(c *gin.Context, header string) {
	key, ok := bearerKey(header)
	if !ok {
		c.Set(failureKey, failInvalidBearer)
		return
	}
	if a.bearer == nil { // no module authenticates bearers
		c.Set(failureKey, failInvalidBearer)
		return
	}
	p, err := a.bearer.AuthenticateBearer(c.Request.Context(), key) // bounds its own store call
	switch {
	case err == nil && p != nil:
		c.Set(principalKey, p)
		c.Set(permissionsKey, a.perms)
	case err == nil, errors.Is(err, module.ErrInvalidCredential):
		c.Set(failureKey, failInvalidBearer)
	default:
		a.log.WarnContext(c.Request.Context(), "fastauth: API key verification failed", "err", err)
		c.Set(failureKey, failUnavailable)
	}
}

// recordedFailure is the failure the base middleware recorded, or
// failNoCredentials when the request presented nothing.
func recordedFailure(c *gin.Context) *authFailure {
	if v, ok := c.Get(failureKey); ok {
		if f, ok := v.(*authFailure); ok && f != nil {
			return f
		}
	}
	return failNoCredentials
}

// abortUnauthenticated ends a request that has no principal with the
// recorded failure.
func abortUnauthenticated(c *gin.Context) {
	f := recordedFailure(c)
	if f.status == http.StatusServiceUnavailable {
		c.Header("Retry-After", "1")
	}
	abort(c, f.status, f.code, f.message)
}
