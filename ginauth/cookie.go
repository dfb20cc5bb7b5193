package ginauth

import (
	"net/http"
	"net/textproto"
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

// maxCookiesFastPath is the number of cookies in a request up to which
// requestCookie scans the header itself. net/http refuses requests with
// more than its limit (3000 by default, the httpcookiemaxnum GODEBUG
// setting); past our bound requestCookie hands the request to net/http so
// that its limit, whatever it is set to, applies.
const maxCookiesFastPath = 1000

// requestCookie returns the value of the first cookie called name in the
// request's Cookie headers that net/http would accept, exactly as
// http.Request.Cookie(name) does, without parsing and validating every
// other cookie and without allocating. The base middleware runs it on
// every request that carries cookies.
func requestCookie(req *http.Request, name string) (string, bool) {
	return knownCookie(req, name, nil)
}

// knownCookie is requestCookie for a cookie whose usual values the caller
// recognises: when the first cookie called name has a value (one pair of
// surrounding double quotes removed) for which known returns true, that
// value is the answer without a look at its bytes; otherwise, or with a
// nil known, the cookies called name are scanned as requestCookie does.
// The answer is requestCookie's as long as known accepts only values made
// of bytes net/http accepts in a cookie value (the token cache admits
// only such tokens, see cacheableToken): such a first value is the one
// net/http returns too. The access-token cookie, a ~700-byte JWT, is read
// this way by the base middleware, with known a lookup in the cache of
// verified tokens, so that a warm token is not checked byte by byte.
func knownCookie(req *http.Request, name string, known func(value string) bool) (string, bool) {
	lines := req.Header["Cookie"]
	n := 0
	for _, line := range lines {
		n += strings.Count(line, ";") + 1
	}
	if n > maxCookiesFastPath {
		ck, err := req.Cookie(name)
		if err != nil {
			return "", false
		}
		return ck.Value, true
	}
	if known != nil {
		if v, ok := firstCookie(lines, name); ok && known(v) {
			return v, true
		}
	}
	for _, line := range lines {
		line = textproto.TrimString(line)
		var part string
		for len(line) > 0 {
			part, line, _ = strings.Cut(line, ";")
			k, v, _ := strings.Cut(textproto.TrimString(part), "=")
			// A name equal to name is a valid token when name is one, and
			// it never is for an empty part.
			if textproto.TrimString(k) != name || name == "" {
				continue
			}
			if v, ok := cookieValue(v); ok {
				return v, true
			}
		}
	}
	return "", false
}

// firstCookie returns the raw value of the first cookie called name in
// lines, one pair of surrounding double quotes removed, without checking
// its bytes: the candidate knownCookie offers to its known function.
func firstCookie(lines []string, name string) (string, bool) {
	if name == "" {
		return "", false
	}
	for _, line := range lines {
		line = textproto.TrimString(line)
		var part string
		for len(line) > 0 {
			part, line, _ = strings.Cut(line, ";")
			k, v, _ := strings.Cut(textproto.TrimString(part), "=")
			if textproto.TrimString(k) != name {
				continue
			}
			if len(v) > 1 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			return v, true
		}
	}
	return "", false
}

// cookieValue is net/http's reading of a request cookie's value: one pair
// of surrounding double quotes removed, then every byte printable ASCII
// other than '"', ';' and '\'.
func cookieValue(raw string) (string, bool) {
	if len(raw) > 1 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		raw = raw[1 : len(raw)-1]
	}
	for i := 0; i < len(raw); i++ {
		if !cookieValueByte[raw[i]] {
			return "", false
		}
	}
	return raw, true
}

// cookieValueByte[b] reports whether net/http accepts b in a cookie
// value. A table lookup per byte takes half the time of the comparisons,
// which matters for a 400-byte token on every request.
var cookieValueByte = func() (ok [256]bool) {
	for b := 0x20; b < 0x7f; b++ {
		ok[b] = b != '"' && b != ';' && b != '\\'
	}
	return ok
}()
