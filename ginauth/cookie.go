package ginauth

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// setAccessCookie mints an access token for the user in the given active
// organization within session sessionID and sets the access cookie.
func (a *Auth) setAccessCookie(c *gin.Context, u User, active MembershipDetail, sessionID string) error {
	token, err := a.tokens.sign(u, active, sessionID)
	if err != nil {
		return err
	}
	a.setCookie(c, a.cfg.Cookie.AccessName, token, a.cfg.Cookie.AccessPath, a.cfg.AccessTokenTTL)
	return nil
}

// setRefreshCookie sets the refresh cookie, scoped to the base path, living
// until the session expires.
func (a *Auth) setRefreshCookie(c *gin.Context, token string, sessionExpiresAt time.Time) {
	ttl := sessionExpiresAt.Sub(a.now())
	if ttl > a.cfg.RefreshTokenTTL {
		ttl = a.cfg.RefreshTokenTTL
	}
	if ttl < time.Second {
		ttl = time.Second
	}
	a.setCookie(c, a.cfg.Cookie.RefreshName, token, a.cfg.BasePath, ttl)
}

// clearAuthCookies expires both auth cookies.
func (a *Auth) clearAuthCookies(c *gin.Context) {
	a.setCookie(c, a.cfg.Cookie.AccessName, "", a.cfg.Cookie.AccessPath, -1)
	a.setCookie(c, a.cfg.Cookie.RefreshName, "", a.cfg.BasePath, -1)
}

// setCookie sets (ttl > 0) or deletes (ttl < 0) a cookie with the configured
// attributes. An earlier Set-Cookie of the same name in this response is
// replaced, so that a response never carries contradicting cookies (the
// middleware may have cleared a cookie the handler now sets).
func (a *Auth) setCookie(c *gin.Context, name, value, path string, ttl time.Duration) {
	ck := http.Cookie{
		Name:     name,
		Value:    value,
		Path:     path,
		Domain:   a.cfg.Cookie.Domain,
		HttpOnly: true,
		Secure:   !a.cfg.Cookie.Insecure,
		SameSite: a.cfg.Cookie.SameSite,
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
