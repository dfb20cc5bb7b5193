package oidctest

import (
	"net/http"
	"net/url"
)

// authorize is the authorization endpoint: it checks the client and the
// redirect_uri, then signs the configured user in without asking and
// redirects back with a code and the state (or with the AuthorizeError
// knob's error). requireResponseType is false for GitHub, which ignores
// response_type.
func (s *authServer[U]) authorize(w http.ResponseWriter, r *http.Request, requireResponseType bool) {
	q := r.URL.Query()
	s.mu.Lock()
	s.lastAuthorize = q
	knobs, user := s.knobs, s.user
	s.mu.Unlock()

	// Errors about the client or the redirect_uri are shown to the user,
	// never redirected (RFC 6749 §4.1.2.1).
	if q.Get("client_id") != s.client.id {
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	}
	redirectURI := q.Get("redirect_uri")
	if !s.client.redirectURIAllowed(redirectURI) {
		http.Error(w, "redirect_uri is not registered for this client", http.StatusBadRequest)
		return
	}
	back := func(params url.Values) {
		u, _ := url.Parse(redirectURI) // checked above
		v := u.Query()
		for k, vals := range params {
			v[k] = vals
		}
		if state := q.Get("state"); state != "" {
			v.Set("state", state)
		}
		u.RawQuery = v.Encode()
		http.Redirect(w, r, u.String(), http.StatusFound)
	}
	fail := func(code, description string) {
		back(url.Values{"error": {code}, "error_description": {description}})
	}

	if requireResponseType && q.Get("response_type") != "code" {
		fail("unsupported_response_type", "only the authorization code flow is supported")
		return
	}
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	if challenge != "" && method != "S256" {
		fail("invalid_request", "code_challenge_method must be S256")
		return
	}
	if challenge == "" && method != "" {
		fail("invalid_request", "code_challenge_method without code_challenge")
		return
	}
	if knobs.AuthorizeError != "" {
		fail(knobs.AuthorizeError, "the provider refused the request")
		return
	}

	code := randomToken()
	s.mu.Lock()
	s.codes[code] = &grant[U]{
		user:          user,
		redirectURI:   redirectURI,
		codeChallenge: challenge,
		nonce:         q.Get("nonce"),
		scope:         q.Get("scope"),
		expires:       s.now().Add(codeTTL),
	}
	s.mu.Unlock()
	back(url.Values{"code": {code}})
}
