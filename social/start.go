package social

import (
	"context"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// StartRequest is what starts a flow.
type StartRequest struct {
	// RedirectTo is the redirect_to parameter, validated by
	// ValidateRedirect; "/" when empty.
	RedirectTo string
	// LinkUserID, for ?link=true, is the signed-in user the identity is to
	// be linked to; empty for a sign-in.
	LinkUserID string
}

// Started is a started flow: send the browser to URL (302) with the flow
// cookie set to Cookie until Expires (see FlowCookie).
type Started struct {
	// URL is the provider's authorization URL with client_id,
	// redirect_uri, scope, state, nonce (OIDC) and the PKCE S256
	// challenge.
	URL string
	// Cookie is the sealed flow, the flow cookie's value.
	Cookie string
	// Expires is when the flow expires.
	Expires time.Time
	// Flow is the flow Cookie seals.
	Flow Flow
}

// Start starts a flow with the named provider: fresh state, nonce and PKCE
// verifier (256 bits each from crypto/rand), sealed with the validated
// redirect_to and the link user into the flow cookie. It gives
// ErrUnknownProvider, ErrInvalidRedirect, or ErrProviderUnavailable while
// the provider's discovery fails.
func (s *Strategy) Start(ctx context.Context, name string, req StartRequest) (Started, error) {
	p, err := s.provider(name)
	if err != nil {
		return Started{}, err
	}
	redirectTo, err := ValidateRedirect(req.RedirectTo, s.trustedOrigins)
	if err != nil {
		return Started{}, err
	}
	ep, err := p.endpoints(ctx)
	if err != nil {
		return Started{}, err
	}
	now := s.now()
	f := Flow{
		Provider:   name,
		State:      oauth2.GenerateVerifier(),
		Nonce:      oauth2.GenerateVerifier(),
		Verifier:   oauth2.GenerateVerifier(),
		RedirectTo: redirectTo,
		LinkUserID: req.LinkUserID,
		// Whole seconds, as the cookie keeps them.
		Expires: now.Add(s.flowTTL).Truncate(time.Second).UTC(),
	}
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(f.Verifier)}
	if ep.oidc != nil {
		opts = append(opts, oidc.Nonce(f.Nonce))
	}
	cookie, err := s.sealer.seal(f)
	if err != nil {
		return Started{}, err
	}
	return Started{URL: ep.oauth.AuthCodeURL(f.State, opts...), Cookie: cookie, Expires: f.Expires, Flow: f}, nil
}
