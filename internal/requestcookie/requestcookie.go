// Package requestcookie finds one cookie in a request's Cookie headers
// exactly as http.Request.Cookie does (the first cookie of that name
// whose value net/http accepts), without parsing and validating every
// other cookie and without allocating. The base middleware reads the
// access-token and refresh cookies with it on every request that carries
// cookies; Known skips the byte check of a value the caller already
// knows, such as a token its cache verified.
package requestcookie

import (
	"net/http"
	"net/textproto"
	"strings"
)

// maxFastPath is the number of cookies in a request up to which Get
// and Known scan the header themselves. net/http refuses requests with
// more than its limit (3000 by default, the httpcookiemaxnum GODEBUG
// setting); past our bound they hand the request to net/http so
// that its limit, whatever it is set to, applies.
const maxFastPath = 1000

// Get returns the value of the first cookie called name in the request's
// Cookie headers that net/http would accept, exactly as
// http.Request.Cookie(name) does, without parsing and validating every
// other cookie and without allocating. name must be a valid cookie name
// (a token).
func Get(req *http.Request, name string) (string, bool) {
	return Known(req, name, nil)
}

// Known is Get for a cookie whose usual values the caller recognises: when the first cookie called name has a value (one pair of
// surrounding double quotes removed) for which known returns true, that
// value is the answer without a look at its bytes; otherwise, or with a
// nil known, the cookies called name are scanned as Get does. The answer
// is Get's as long as known accepts only values made of bytes net/http
// accepts in a cookie value, which every value TokenSafe accepts is: such
// a first value is the one net/http returns too. The access-token cookie, a ~700-byte JWT, is read
// this way by the base middleware, with known a lookup in the cache of
// verified tokens, so that a warm token is not checked byte by byte.
func Known(req *http.Request, name string, known func(value string) bool) (string, bool) {
	lines := req.Header["Cookie"]
	n := 0
	for _, line := range lines {
		n += strings.Count(line, ";") + 1
	}
	if n > maxFastPath {
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
// its bytes: the candidate Known offers to its known function.
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

// TokenSafe reports whether v is made of the compact JWS alphabet only
// (base64url and '.'), as every token fastauth signs is: bytes net/http
// accepts in a cookie value. A cache that admits only such tokens can be
// Known's known function.
func TokenSafe(v string) bool {
	for i := 0; i < len(v); i++ {
		if !jwsByte[v[i]] {
			return false
		}
	}
	return true
}

// jwsByte[b] reports whether b belongs to the compact JWS alphabet.
var jwsByte = func() (ok [256]bool) {
	for b := range ok {
		c := byte(b)
		ok[b] = 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.'
	}
	return ok
}()
