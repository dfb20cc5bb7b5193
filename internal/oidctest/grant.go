package oidctest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"time"
)

// grant is what an authorization code stands for, and later the access
// token issued for it.
type grant[U any] struct {
	user          U
	redirectURI   string
	codeChallenge string
	nonce         string
	scope         string
	expires       time.Time
}

// tokenError is an OAuth2 error response (RFC 6749 §5.2), with the code
// GitHub gives for the same failure.
type tokenError struct {
	status      int
	code        string
	githubCode  string
	description string
}

// exchange redeems the authorization code of a token request: it
// authenticates the client, takes the code (single use), and checks its
// expiry, the redirect_uri and the PKCE code_verifier.
func (s *authServer[U]) exchange(r *http.Request) (*grant[U], *tokenError) {
	if err := r.ParseForm(); err != nil {
		return nil, &tokenError{http.StatusBadRequest, "invalid_request", "invalid_request", "malformed form body"}
	}
	if gt := r.PostForm.Get("grant_type"); gt != "" && gt != "authorization_code" {
		return nil, &tokenError{http.StatusBadRequest, "unsupported_grant_type", "unsupported_grant_type", "only authorization_code is supported"}
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.client.id || subtle.ConstantTimeCompare([]byte(secret), []byte(s.client.secret)) != 1 {
		return nil, &tokenError{http.StatusUnauthorized, "invalid_client", "incorrect_client_credentials", "client authentication failed"}
	}

	code := r.PostForm.Get("code")
	s.mu.Lock()
	g := s.codes[code]
	delete(s.codes, code)
	s.mu.Unlock()
	switch {
	case g == nil:
		return nil, &tokenError{http.StatusBadRequest, "invalid_grant", "bad_verification_code", "unknown or used authorization code"}
	case !s.now().Before(g.expires):
		return nil, &tokenError{http.StatusBadRequest, "invalid_grant", "bad_verification_code", "expired authorization code"}
	case r.PostForm.Get("redirect_uri") != g.redirectURI:
		return nil, &tokenError{http.StatusBadRequest, "invalid_grant", "redirect_uri_mismatch", "redirect_uri differs from the authorization request's"}
	}
	verifier := r.PostForm.Get("code_verifier")
	switch {
	case g.codeChallenge == "" && verifier != "":
		// A verifier without a challenge is a PKCE downgrade (RFC 9700 §2.1.1).
		return nil, &tokenError{http.StatusBadRequest, "invalid_grant", "bad_verification_code", "code_verifier without a code_challenge"}
	case g.codeChallenge != "" && subtle.ConstantTimeCompare([]byte(s256(verifier)), []byte(g.codeChallenge)) != 1:
		return nil, &tokenError{http.StatusBadRequest, "invalid_grant", "bad_verification_code", "code_verifier does not match the code_challenge"}
	}
	return g, nil
}

// s256 is the PKCE S256 transformation (RFC 7636 §4.2).
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// issueAccessToken stores a new access token for g.
func (s *authServer[U]) issueAccessToken(g *grant[U]) string {
	tok := s.tokenPrefix + randomToken()
	issued := *g
	issued.expires = s.now().Add(tokenTTL)
	s.mu.Lock()
	s.tokens[tok] = &issued
	s.mu.Unlock()
	return tok
}

// bearer returns the grant of the access token in the Authorization
// header ("Bearer <token>", or GitHub's "token <token>").
func (s *authServer[U]) bearer(r *http.Request) (*grant[U], bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || (!strings.EqualFold(scheme, "bearer") && !strings.EqualFold(scheme, "token")) {
		return nil, false
	}
	s.mu.Lock()
	g := s.tokens[tok]
	s.mu.Unlock()
	if g == nil || !s.now().Before(g.expires) {
		return nil, false
	}
	return g, true
}

// scopes splits a space- (or, for GitHub, comma-) separated scope list.
func scopes(scope string) []string {
	return strings.FieldsFunc(scope, func(r rune) bool { return r == ' ' || r == ',' })
}

// hasScope reports whether the scope list contains want.
func hasScope(scope, want string) bool {
	return slices.Contains(scopes(scope), want)
}
