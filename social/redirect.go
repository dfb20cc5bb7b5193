package social

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// maxRedirectLength bounds redirect_to.
const maxRedirectLength = 2048

// DefaultRedirect is where a flow returns when redirect_to is not given.
const DefaultRedirect = "/"

// ValidateRedirect checks redirect_to and returns the value to redirect to:
// DefaultRedirect when raw is empty; raw itself when it is a relative path
// ("/" then neither "/" nor "\", so that no browser reads it as another
// host) or an absolute http(s) URL whose origin is one of trustedOrigins
// (scheme://host[:port], compared case-insensitively). Anything else,
// including control characters, white space, backslashes, user info and
// values over 2048 bytes, gives ErrInvalidRedirect: browsers strip tabs and
// newlines and read "\" as "/", which would turn "/\tevil.example" or
// "/\evil.example" into a foreign host.
func ValidateRedirect(raw string, trustedOrigins []string) (string, error) {
	if raw == "" {
		return DefaultRedirect, nil
	}
	if len(raw) > maxRedirectLength {
		return "", ErrInvalidRedirect
	}
	for _, r := range raw {
		if r == '\\' || unicode.IsControl(r) || unicode.IsSpace(r) || r == unicode.ReplacementChar {
			return "", ErrInvalidRedirect
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", ErrInvalidRedirect
	}
	if raw[0] == '/' {
		if len(raw) > 1 && raw[1] == '/' || u.Scheme != "" || u.Host != "" || u.User != nil {
			return "", ErrInvalidRedirect
		}
		return raw, nil
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Opaque != "" {
		return "", ErrInvalidRedirect
	}
	origin := strings.ToLower(u.Scheme + "://" + u.Host)
	for _, o := range trustedOrigins {
		if strings.EqualFold(strings.TrimRight(o, "/"), origin) {
			return raw, nil
		}
	}
	return "", ErrInvalidRedirect
}

// ErrorRedirect returns redirectTo (a value ValidateRedirect accepted)
// with auth_error=code added to its query, replacing any auth_error it had.
func ErrorRedirect(redirectTo, code string) string {
	u, err := url.Parse(redirectTo)
	if err != nil { // not a value ValidateRedirect accepted
		u = &url.URL{Path: DefaultRedirect}
	}
	q := u.Query()
	q.Set("auth_error", code)
	u.RawQuery = q.Encode()
	return u.String()
}

// MFARedirect returns redirectTo (a value ValidateRedirect accepted) with
// the fragment mfa_token=<token>&methods=<m1,m2>: a sign-in that needs a
// second factor. The token travels in the fragment so that it reaches
// neither server logs nor Referer headers.
func MFARedirect(redirectTo, mfaToken string, methods []string) string {
	u, err := url.Parse(redirectTo)
	if err != nil {
		u = &url.URL{Path: DefaultRedirect}
	}
	u.Fragment = ""
	u.RawFragment = ""
	frag := url.Values{"mfa_token": {mfaToken}, "methods": {strings.Join(methods, ",")}}.Encode()
	return fmt.Sprintf("%s#%s", u.String(), frag)
}
