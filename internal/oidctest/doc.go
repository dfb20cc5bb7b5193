// Package oidctest runs identity providers in process for Go tests: an
// OpenID Connect provider ([Provider]) and a GitHub-style OAuth2 provider
// ([GitHub]), each on an httptest server, so that a relying party's
// "sign in with ..." flow can be tested end to end without a network.
//
// Both auto-consent: their authorize endpoint signs in the configured user
// at once and redirects to the redirect_uri with code and state, honouring
// a PKCE S256 code_challenge. Their token endpoint authenticates the client
// (HTTP Basic or form), checks the code (single use, one minute), the
// redirect_uri and the PKCE code_verifier, and issues an access token.
//
// The [Provider] publishes a discovery document and a JWKS and issues
// RS256 (or ES256) ID tokens with sub, email, email_verified, name, the
// nonce of the authorization request and any extra claims; its userinfo
// endpoint answers the same claims for the access token. The [GitHub] fake
// answers /login/oauth/access_token in form encoding or, when asked with
// Accept: application/json, in JSON (errors with status 200, as GitHub
// does), and serves /user and /user/emails with the primary and verified
// flags.
//
// The issuer may have a path and its discovery document may name a
// template issuer ([Config].Path and DiscoveryIssuer), as Microsoft's
// multi-tenant endpoints do. ID tokens are signed with a key generated per
// provider unless [Config].Key gives one.
//
// [Knobs] make a provider misbehave in one precise way for negative tests:
// down (every endpoint 503 until switched back), an error redirect
// (error=access_denied), and ID tokens with another audience or issuer,
// already expired, signed by a key that is not in the JWKS, or with another
// nonce. An unverified email is a property of the [User].
//
// The provider is written on github.com/go-jose/go-jose/v4 rather than on a
// full OpenID provider framework because the knobs need tokens that no
// conforming provider issues; its tests prove it against
// github.com/coreos/go-oidc/v3 and golang.org/x/oauth2.
package oidctest
