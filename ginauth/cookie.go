package ginauth

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// setAccessCookie mints an access token for the user in the given active
// organization within the session sess (its id and assurance) and sets the
// access cookie, living as long as accessCookieTTL says for the session's
// expiry (zero when unknown).
func (a *Auth) setAccessCookie(c *gin.Context, u User, active MembershipDetail, sess Session) error {
	token, err := a.tokens.sign(u, active, sess)
	if err != nil {
		return err
	}
	a.setCookie(c, a.cfg.Cookie.AccessName, token, a.cfg.Cookie.AccessPath, a.accessCookieTTL(sess.ExpiresAt))
	return nil
}

// accessCookieTTL is the access cookie's Max-Age: the rest of the session
// (what the refresh cookie gets), but never less than the token's own
// lifetime. The cookie outlives its token on purpose: a browser keeps
// sending the expired token and hears 401 token_expired, the signal to
// refresh, instead of sending nothing and hearing invalid_token. A zero
// sessionExpiresAt (the session is not at hand or has ended) gives the
// token's lifetime.
func (a *Auth) accessCookieTTL(sessionExpiresAt time.Time) time.Duration {
	ttl := a.cfg.AccessTokenTTL
	if !sessionExpiresAt.IsZero() {
		ttl = max(ttl, a.refreshCookieTTL(sessionExpiresAt))
	}
	return ttl
}

// setRefreshCookie sets the refresh cookie, scoped to the base path, living
// until the session expires.
func (a *Auth) setRefreshCookie(c *gin.Context, token string, sessionExpiresAt time.Time) {
	a.setCookie(c, a.cfg.Cookie.RefreshName, token, a.cfg.BasePath, a.refreshCookieTTL(sessionExpiresAt))
}

// refreshCookieTTL is the time left in a session that ends at
// sessionExpiresAt, at most RefreshTokenTTL and at least a second.
func (a *Auth) refreshCookieTTL(sessionExpiresAt time.Time) time.Duration {
	ttl := min(sessionExpiresAt.Sub(a.now()), a.cfg.RefreshTokenTTL)
	return max(ttl, time.Second)
}

// clearAuthCookies expires both auth cookies.
func (a *Auth) clearAuthCookies(c *gin.Context) {
	a.clearAccessCookie(c)
	a.setCookie(c, a.cfg.Cookie.RefreshName, "", a.cfg.BasePath, -1)
}

// clearAccessCookie expires the access cookie.
func (a *Auth) clearAccessCookie(c *gin.Context) {
	a.setCookie(c, a.cfg.Cookie.AccessName, "", a.cfg.Cookie.AccessPath, -1)
}

// setCookie sets (ttl > 0) or deletes (ttl < 0) a cookie with the configured
// attributes. An earlier Set-Cookie of the same name in this response is
// replaced, so that a response never carries contradicting cookies (the
// middleware may have cleared a cookie the handler now sets).
func (a *Auth) setCookie(c *gin.Context, name, value, path string, ttl time.Duration) {
	a.writeCookie(c, name, value, path, ttl, a.cfg.Cookie.SameSite)
}

// writeCookie is setCookie with the SameSite attribute given.
func (a *Auth) writeCookie(c *gin.Context, name, value, path string, ttl time.Duration, sameSite http.SameSite) {
	ck := http.Cookie{
		Name:     name,
		Value:    value,
		Path:     path,
		Domain:   a.cfg.Cookie.Domain,
		HttpOnly: true,
		Secure:   !a.cfg.Cookie.Insecure,
		SameSite: sameSite,
	}
	if ttl < 0 {
		ck.MaxAge = -1
	} else {
		ck.MaxAge = int(ttl / time.Second)
	}
	h := c.Writer.Header()
	if prev := h.Values("Set-Cookie"); len(prev) > 0 {
		kept := prev[:0:0]
		for _, v := range prev {
			if !strings.HasPrefix(v, name+"=") {
				kept = append(kept, v)
			}
		}
		h["Set-Cookie"] = kept
	}
	h.Add("Set-Cookie", ck.String())
}
