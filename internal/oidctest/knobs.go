package oidctest

// Knobs make a provider misbehave, for negative tests. The zero value is a
// well-behaved provider. Knobs apply to the requests that follow
// SetKnobs; ID tokens take them when the token endpoint issues them.
type Knobs struct {
	// Down makes every endpoint answer 503 Service Unavailable.
	Down bool
	// AuthorizeError makes the authorize endpoint redirect back with
	// error=<AuthorizeError> (such as "access_denied"), an
	// error_description and the state, instead of a code.
	AuthorizeError string

	// The knobs below change the ID tokens of a [Provider]; a [GitHub]
	// issues none and ignores them.

	// Audience is the aud claim instead of the client id.
	Audience string
	// Issuer is the iss claim instead of the provider's issuer.
	Issuer string
	// Expired issues ID tokens that expired an hour ago.
	Expired bool
	// UnknownKey signs ID tokens with a key that is not in the JWKS, under
	// the key id of the published key.
	UnknownKey bool
	// Nonce is the nonce claim instead of the authorization request's.
	Nonce string
}
