package tokenverify

import (
	"errors"
	"fmt"
)

// The errors of Verify and Authenticate, checked with errors.Is.
var (
	// ErrInvalidToken: the token is malformed, forged, signed by an
	// unknown or retired key or with an algorithm its key does not
	// have, or refused for its claims. Every refusal but ErrTokenExpired
	// and ErrCrossOrigin matches it.
	ErrInvalidToken = errors.New("tokenverify: invalid access token")
	// ErrTokenExpired: a genuine token, valid in every respect but that
	// its exp has passed. The client refreshes it at the fastauth server.
	ErrTokenExpired = errors.New("tokenverify: access token expired")
	// ErrNoCredentials (which matches ErrInvalidToken): the request
	// carries neither an Authorization header nor the access cookie.
	ErrNoCredentials = fmt.Errorf("%w: no credentials", ErrInvalidToken)
	// ErrKeysUnavailable (which matches ErrInvalidToken): the verifier
	// has no signing keys yet because the JWK Set could not be fetched.
	ErrKeysUnavailable = fmt.Errorf("%w: the issuer's signing keys are unavailable", ErrInvalidToken)
	// ErrCrossOrigin: an unsafe request (POST, PUT, PATCH, DELETE...)
	// authenticated by cookie that the browser marks as coming from
	// another origin.
	ErrCrossOrigin = errors.New("tokenverify: cross-origin request refused")
	// ErrInvalidConfig: New was given an unusable Config.
	ErrInvalidConfig = errors.New("tokenverify: invalid config")
)
