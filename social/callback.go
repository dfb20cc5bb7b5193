package social

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"golang.org/x/oauth2"
)

// Limits of a callback's query.
const (
	maxCallbackQuery  = 8192
	maxCallbackParams = 32
)

// CallbackParams are the parameters a provider sends back to the callback.
type CallbackParams struct {
	// Code is the authorization code.
	Code string
	// State is the state of the flow.
	State string
	// Error and ErrorDescription are the provider's error response
	// (RFC 6749 §4.1.2.1), such as access_denied.
	Error, ErrorDescription string
}

// ParseCallback parses the callback's raw query strictly: a query over
// 8 KiB, one that does not parse, one with more than 32 parameters, or one
// that repeats code, state, error or error_description gives
// ErrInvalidCallback (a 400, without redirect). Other parameters, which
// providers add (scope, session_state, iss, ...), are ignored.
func ParseCallback(rawQuery string) (CallbackParams, error) {
	if len(rawQuery) > maxCallbackQuery {
		return CallbackParams{}, ErrInvalidCallback
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil || len(q) > maxCallbackParams {
		return CallbackParams{}, ErrInvalidCallback
	}
	var p CallbackParams
	for name, dst := range map[string]*string{
		"code": &p.Code, "state": &p.State, "error": &p.Error, "error_description": &p.ErrorDescription,
	} {
		switch vs := q[name]; len(vs) {
		case 0:
		case 1:
			*dst = vs[0]
		default:
			return CallbackParams{}, ErrInvalidCallback
		}
	}
	return p, nil
}

// Callback finishes a flow of the named provider from the callback's raw
// query and the flow cookie's value (empty when the browser sent none).
// It returns the flow (whose RedirectTo is where to go, also on failure:
// DefaultRedirect when the cookie could not be opened) and the Profile
// the provider vouched for.
//
// Failures: ErrUnknownProvider and ErrInvalidCallback are answered as JSON
// (404, 400). All others redirect to Flow.RedirectTo with
// auth_error=Code(err): ErrInvalidFlow (no, tampered, expired or foreign
// cookie), ErrStateMismatch, ErrAccessDenied or ErrProviderError (the
// provider's error response, or a refused code exchange: wrong PKCE
// verifier, used code), ErrProviderUnavailable, ErrInvalidIDToken,
// ErrNonceMismatch. The state is checked before the provider's error is
// read, so a forged error response is a state mismatch.
func (s *Strategy) Callback(ctx context.Context, name, rawQuery, cookie string) (Flow, Profile, error) {
	failed := Flow{Provider: name, RedirectTo: DefaultRedirect}
	p, err := s.provider(name)
	if err != nil {
		return failed, Profile{}, err
	}
	params, err := ParseCallback(rawQuery)
	if err != nil {
		return failed, Profile{}, err
	}
	f, err := s.sealer.open(name, cookie, s.now())
	if err != nil {
		return failed, Profile{}, err
	}
	if subtle.ConstantTimeCompare([]byte(params.State), []byte(f.State)) != 1 {
		return f, Profile{}, ErrStateMismatch
	}
	if params.Error != "" {
		if params.Error == "access_denied" {
			return f, Profile{}, ErrAccessDenied
		}
		return f, Profile{}, fmt.Errorf("%w: %s", ErrProviderError, url.QueryEscape(params.Error))
	}
	if params.Code == "" {
		return f, Profile{}, fmt.Errorf("%w: no code", ErrProviderError)
	}
	ep, err := p.endpoints(ctx)
	if err != nil {
		return f, Profile{}, err
	}
	tok, err := ep.oauth.Exchange(p.clientContext(ctx), params.Code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return f, Profile{}, exchangeError(err)
	}
	var prof Profile
	if ep.oidc != nil {
		prof, err = p.oidcProfile(ctx, ep, tok, f.Nonce)
	} else {
		prof, err = p.githubProfile(ctx, tok)
	}
	if err != nil {
		return f, Profile{}, err
	}
	prof.Provider = name
	return f, prof, nil
}

// exchangeError classifies a failed code exchange: the provider refused
// it (4xx, or GitHub's error in a 200) or could not be reached.
func exchangeError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && (re.Response == nil || re.Response.StatusCode < http.StatusInternalServerError) {
		return fmt.Errorf("%w: code exchange: %w", ErrProviderError, err)
	}
	return fmt.Errorf("%w: code exchange: %w", ErrProviderUnavailable, err)
}
