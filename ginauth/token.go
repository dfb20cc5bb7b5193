package ginauth

import (
	"errors"
	"fmt"
	"time"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth/module"
	"github.com/fastauth/fastauth/internal/signingkey"
)

// Access-token verification outcomes. Every failure but expiry is
// errTokenInvalid, so that callers cannot be led to treat a forged or
// malformed token as merely stale.
var (
	// errTokenExpired: a genuine token of ours whose exp has passed
	// (401 token_expired).
	errTokenExpired = errors.New("ginauth: access token expired")
	// errTokenInvalid: anything else wrong with the token (401 invalid_token).
	errTokenInvalid = errors.New("ginauth: invalid access token")
	// errTokenRejected (which also matches errTokenInvalid): a token whose
	// signature one of our secrets verified and whose claims decoded, but
	// which is refused for its claims (iat or nbf beyond the clock skew,
	// another issuer or audience, a claim missing). It is a token we
	// issued, or one signed with our secret, so it is no sign of a forged
	// cookie: the middleware clears only the access cookie and leaves the
	// refresh cookie, with which the client gets a fresh token.
	errTokenRejected = fmt.Errorf("%w: signed, but its claims are refused", errTokenInvalid)
)

// authenticatedRole is the `role` claim of every access token.
const authenticatedRole = fastauth.AccessTokenRole

// accessSigner is the key material of access tokens, one implementation
// per algorithm (HS256 today: hs256Signer). It signs the claims the
// kernel composes, and verifies a token's header (the algorithm pinned,
// the kid one of its keys), its signature and the registered claims
// (claimRules), answering errTokenExpired, errTokenRejected or
// errTokenInvalid. The kernel (tokenSigner) adds what is the same for
// every algorithm: the fastauth claims and the cache of verified tokens,
// so a warm token costs the same whatever signed it. Implementations are
// immutable and safe for concurrent use.
type accessSigner interface {
	// alg is the JWS algorithm of the tokens it signs ("HS256").
	alg() string
	// kid is the key id of the signing key, the `kid` header it writes.
	kid() string
	// sign returns the compact JWS of c under the signing key.
	sign(c *accessClaims) (string, error)
	// verify checks token and returns its claims.
	verify(token string) (accessClaims, error)
	// publicKeys are the JWKs of the verifying keys, the signing key
	// first, for the JWK Set; nil for a shared secret.
	publicKeys() []signingkey.JWK
}

// tokenSigner mints and verifies access tokens: the claims of a session,
// signed by its accessSigner, and verification with the cache of verified
// tokens in front. It is immutable after construction and safe for
// concurrent use.
type tokenSigner struct {
	claimRules
	ttl    time.Duration
	signer accessSigner
	cache  *tokenCache // verified tokens (tokencache.go)
	// lookups counts the cache's hits and misses for Config.Observer; nil
	// (counting nothing) without one.
	lookups *module.LookupCounter
	jwks    []byte // the JWK Set document of the signer's public keys; nil under HS256
}

// newTokenSigner builds the signer of cfg (defaults applied, validated).
func newTokenSigner(cfg Config) (*tokenSigner, error) {
	rules := claimRules{issuer: cfg.Issuer, audience: cfg.Audience, skew: max(cfg.ClockSkew, 0), now: cfg.Now}
	signer, err := newAccessSigner(cfg, rules)
	if err != nil {
		return nil, err
	}
	jwks, err := jwksDocument(signer.publicKeys())
	if err != nil {
		return nil, err
	}
	return &tokenSigner{
		claimRules: rules,
		ttl:        cfg.AccessTokenTTL,
		signer:     signer,
		cache:      newTokenCache(tokenCacheSize, cfg.Now, rules.skew),
		jwks:       jwks,
	}, nil
}

// sign mints an access token for the user u in the session sess (its id
// and assurance) with the active organization.
func (s *tokenSigner) sign(u User, active MembershipDetail, sess Session) (string, error) {
	now := s.now()
	if sess.AAL == 0 || len(sess.AMR) == 0 {
		sess = passwordSession(sess, sess.AuthTime)
	}
	if sess.AuthTime.IsZero() {
		sess.AuthTime = now
	}
	return s.signer.sign(&accessClaims{
		Issuer:           s.issuer,
		Audience:         s.audience,
		IssuedAt:         newNumericDate(now),
		ExpiresAt:        newNumericDate(now.Add(s.ttl)),
		Subject:          u.ID,
		SessionID:        sess.ID,
		Email:            u.Email,
		OrganizationID:   active.Organization.ID,
		OrganizationRole: active.Role,
		Role:             authenticatedRole,
		AAL:              sess.AAL,
		AMR:              sess.AMR,
		AuthTime:         newNumericDate(sess.AuthTime),
	})
}

// verify checks an access token: the signer's algorithm only, signed by
// one of its keys named by its kid, exp required and in the future, iat
// and nbf (when present) not more than the clock skew in the future, iss
// and aud ours, and every fastauth claim present. Every time check uses
// the injected clock; exp gets no leeway (a clock ahead of the signer's
// only makes a token expire early here, and the client refreshes). It
// returns errTokenExpired only for a token that is valid in every respect
// but its expiry, errTokenRejected for a token signed with one of our keys
// that fails another check, and errTokenInvalid for everything else.
//
// verify is the single entry point of token verification; it reads no
// store. Successes are remembered in s.cache (tokencache.go), keyed by the
// exact token string; a repeat is answered from there with the time
// checks redone against the clock, so it returns what this full verify
// would. A first sight goes to the accessSigner. The result is shared
// with the cache: read it, never modify it.
func (s *tokenSigner) verify(token string) (*verifiedToken, error) {
	if v, ok, err := s.cached(token); ok {
		return v, err
	}
	s.lookups.Count(false)
	c, err := s.signer.verify(token)
	if err != nil {
		return nil, err
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	return s.cache.add(token, c), nil
}

// cached is verify answered by the cache alone: ok is false when token is
// not cached (nothing is counted then; verify it). When ok, v and err are
// what verify returns, and the hit is counted.
func (s *tokenSigner) cached(token string) (v *verifiedToken, ok bool, err error) {
	v, ok, err = s.cache.lookup(token)
	if ok {
		s.lookups.Count(true)
	}
	return v, ok, err
}

// verifiedToken is an access token that passed verification: its claims
// and the session principal they describe, built once. It is immutable;
// a cached one is shared by every request that presents the same token,
// so that a warm token costs no copy and no allocation.
type verifiedToken struct {
	accessClaims
	// session is the principal of the claims (accessClaims.principal),
	// the one the middleware hands to the request.
	session Principal
}

// newVerifiedToken returns the verified token of claims (checked).
func newVerifiedToken(claims accessClaims) *verifiedToken {
	return &verifiedToken{accessClaims: claims, session: claims.principal()}
}
