package ginauth

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"
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
const authenticatedRole = "authenticated"

// accessClaims is the payload of an access token. It is a flat struct with a
// single-string audience (not jwt.RegisteredClaims) to keep the token, which
// travels in a cookie, small and its decoding cheap.
type accessClaims struct {
	Issuer           string           `json:"iss"`
	Audience         string           `json:"aud"`
	ExpiresAt        *jwt.NumericDate `json:"exp,omitempty"`
	IssuedAt         *jwt.NumericDate `json:"iat,omitempty"`
	NotBefore        *jwt.NumericDate `json:"nbf,omitempty"` // never written by sign; checked when present
	Subject          string           `json:"sub"`
	SessionID        string           `json:"sid"`
	Email            string           `json:"email"`
	OrganizationID   string           `json:"org"`
	OrganizationRole Role             `json:"org_role"`
	Role             string           `json:"role"`
	// AAL, AMR and AuthTime are the session's assurance (Session). Tokens
	// signed before they existed carry none of them and read as aal 1,
	// amr [password] (what their sessions read as) with no auth time.
	AAL      int              `json:"aal,omitempty"`
	AMR      []string         `json:"amr,omitempty"`
	AuthTime *jwt.NumericDate `json:"auth_time,omitempty"`
}

// GetExpirationTime implements jwt.Claims.
func (c *accessClaims) GetExpirationTime() (*jwt.NumericDate, error) { return c.ExpiresAt, nil }

// GetIssuedAt implements jwt.Claims.
func (c *accessClaims) GetIssuedAt() (*jwt.NumericDate, error) { return c.IssuedAt, nil }

// GetNotBefore implements jwt.Claims. sign writes no nbf, but a token
// that carries one is held to it.
func (c *accessClaims) GetNotBefore() (*jwt.NumericDate, error) { return c.NotBefore, nil }

// GetIssuer implements jwt.Claims.
func (c *accessClaims) GetIssuer() (string, error) { return c.Issuer, nil }

// GetSubject implements jwt.Claims.
func (c *accessClaims) GetSubject() (string, error) { return c.Subject, nil }

// GetAudience implements jwt.Claims.
func (c *accessClaims) GetAudience() (jwt.ClaimStrings, error) {
	if c.Audience == "" {
		return nil, nil
	}
	return jwt.ClaimStrings{c.Audience}, nil
}

// principal is the session principal the claims describe.
func (c *accessClaims) principal() *Principal {
	return &Principal{
		Kind:             PrincipalSession,
		UserID:           c.Subject,
		Email:            c.Email,
		OrganizationID:   c.OrganizationID,
		OrganizationRole: c.OrganizationRole,
		SessionID:        c.SessionID,
		AAL:              c.AAL,
		AMR:              c.AMR,
		AuthTime:         c.authTime(),
	}
}

// authTime is the auth_time claim, zero when absent.
func (c *accessClaims) authTime() time.Time {
	if c.AuthTime == nil {
		return time.Time{}
	}
	return c.AuthTime.UTC()
}

// checkAssurance checks the aal, amr and auth_time claims: all absent (a
// token of before they existed, which then reads as aal 1 and amr
// [password]) or aal 1 or 2 with at least one method, none empty, and an
// auth time.
func (c *accessClaims) checkAssurance() error {
	if c.AAL == 0 && c.AMR == nil && c.AuthTime == nil {
		c.AAL, c.AMR = aalSingle, []string{MethodPassword}
		return nil
	}
	if c.AAL < aalSingle || c.AAL > aalMulti || len(c.AMR) == 0 || c.AuthTime == nil || slices.Contains(c.AMR, "") {
		return fmt.Errorf("%w: malformed aal, amr or auth_time claims", errTokenRejected)
	}
	return nil
}

// tokenSigner mints and verifies access tokens. The current secret signs;
// it and every previous secret verify, chosen by the `kid` header. It is
// immutable after construction and safe for concurrent use.
type tokenSigner struct {
	issuer, audience string
	ttl              time.Duration
	skew             time.Duration // leeway on iat and nbf (Config.ClockSkew), never on exp
	now              func() time.Time
	kid              string
	key              []byte
	keys             map[string]any // kid → []byte secret, boxed once
	parser           *jwt.Parser
	keyFunc          jwt.Keyfunc
	cache            *tokenCache        // verified tokens (tokencache.go)
	own              map[string]*ownKey // header segment sign writes → key (tokenown.go)
}

// newTokenSigner builds the signer of cfg (defaults applied, validated).
func newTokenSigner(cfg Config) (*tokenSigner, error) {
	if len(cfg.Secret) < 32 {
		return nil, fmt.Errorf("%w: Secret must be at least 32 bytes", ErrInvalidConfig)
	}
	s := &tokenSigner{
		issuer:   cfg.Issuer,
		audience: cfg.Audience,
		ttl:      cfg.AccessTokenTTL,
		skew:     max(cfg.ClockSkew, 0),
		now:      cfg.Now,
		kid:      keyID(cfg.Secret),
		key:      append([]byte(nil), cfg.Secret...),
		keys:     make(map[string]any, 1+len(cfg.PreviousSecrets)),
	}
	s.keys[s.kid] = s.key
	for i, prev := range cfg.PreviousSecrets {
		if len(prev) < 32 {
			return nil, fmt.Errorf("%w: PreviousSecrets[%d] must be at least 32 bytes", ErrInvalidConfig, i)
		}
		if kid := keyID(prev); s.keys[kid] == nil {
			s.keys[kid] = append([]byte(nil), prev...)
		}
	}
	s.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(cfg.Issuer),
		jwt.WithAudience(cfg.Audience),
		jwt.WithTimeFunc(cfg.Now),
		// The leeway also extends exp; verifyJWT takes that back.
		jwt.WithLeeway(s.skew),
	)
	s.keyFunc = s.lookupKey
	s.cache = newTokenCache(tokenCacheSize, cfg.Now, s.skew)
	own, err := newOwnKeys(s.keys)
	if err != nil {
		return nil, err
	}
	s.own = own
	return s, nil
}

// keyID names a secret in the `kid` header: the first 16 hex characters of
// a domain-separated SHA-256 of the secret (it reveals nothing usable about
// the secret).
func keyID(secret []byte) string {
	h := sha256.New()
	h.Write([]byte("fastauth access-token kid\x00"))
	h.Write(secret)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// lookupKey is the jwt.Keyfunc: the secret named by the kid header. A token
// without a kid, or naming an unknown secret, is refused.
func (s *tokenSigner) lookupKey(t *jwt.Token) (any, error) {
	kid, _ := t.Header["kid"].(string)
	if key, ok := s.keys[kid]; ok {
		return key, nil
	}
	return nil, errTokenInvalid
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
	claims := &accessClaims{
		Issuer:           s.issuer,
		Audience:         s.audience,
		IssuedAt:         jwt.NewNumericDate(now),
		ExpiresAt:        jwt.NewNumericDate(now.Add(s.ttl)),
		Subject:          u.ID,
		SessionID:        sess.ID,
		Email:            u.Email,
		OrganizationID:   active.Organization.ID,
		OrganizationRole: active.Role,
		Role:             authenticatedRole,
		AAL:              sess.AAL,
		AMR:              sess.AMR,
		AuthTime:         jwt.NewNumericDate(sess.AuthTime),
	}
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	t.Header["kid"] = s.kid
	signed, err := t.SignedString(s.key)
	if err != nil {
		return "", fmt.Errorf("ginauth: sign access token: %w", err)
	}
	return signed, nil
}

// verify checks an access token: HS256 only, signed by a known secret named
// by its kid, exp required and in the future, iat and nbf (when present) not
// more than the clock skew in the future, iss and aud ours, and every
// fastauth claim present. Every time check uses the injected clock; exp
// gets no leeway (a clock ahead of the signer's only makes a token expire
// early here, and the client refreshes). It returns errTokenExpired only
// for a token that is valid in every respect but its expiry,
// errTokenRejected for a token signed with one of our secrets that fails
// another check, and errTokenInvalid for everything else.
//
// verify is the single entry point of token verification; it reads no
// store. Successes are remembered in s.cache (tokencache.go), keyed by the
// exact token string; a repeat is answered from there with the time
// checks redone against the clock, so it returns what this full verify
// would. A first sight of a token with the header sign writes is verified
// by verifyOwn (tokenown.go), anything else by golang-jwt (verifyJWT);
// both reach the same verdict on every token verifyOwn handles.
func (s *tokenSigner) verify(token string) (accessClaims, error) {
	if c, ok, err := s.cache.lookup(token); ok {
		return c, err
	}
	c, handled, err := s.verifyOwn(token)
	if !handled {
		c, err = s.verifyJWT(token)
	}
	if err != nil {
		return accessClaims{}, err
	}
	if c.Subject == "" || c.SessionID == "" || c.Role != authenticatedRole ||
		c.OrganizationID == "" || !c.OrganizationRole.Valid() {
		return accessClaims{}, fmt.Errorf("%w: missing or malformed fastauth claims", errTokenRejected)
	}
	if err := c.checkAssurance(); err != nil {
		return accessClaims{}, err
	}
	s.cache.add(token, c)
	return c, nil
}

// verifyJWT verifies token with golang-jwt: the signature (HS256 only,
// the key named by kid) and the registered claims (exp required, iat and
// nbf with the skew as leeway, iss, aud), mapped to errTokenExpired,
// errTokenRejected (golang-jwt validates claims only after the signature
// verified) or errTokenInvalid. golang-jwt applies its leeway to exp as
// well; the strict exp check after it takes that leeway back.
func (s *tokenSigner) verifyJWT(token string) (accessClaims, error) {
	var c accessClaims
	if _, err := s.parser.ParseWithClaims(token, &c, s.keyFunc); err != nil {
		switch {
		case onlyExpired(err):
			return accessClaims{}, errTokenExpired
		case errors.Is(err, jwt.ErrTokenInvalidClaims):
			return accessClaims{}, fmt.Errorf("%w: %w", errTokenRejected, err)
		}
		return accessClaims{}, fmt.Errorf("%w: %w", errTokenInvalid, err)
	}
	if !s.now().Before(c.ExpiresAt.Time) { // exp is required: the parser checked it is there
		return accessClaims{}, errTokenExpired
	}
	return c, nil
}

// onlyExpired reports whether err says the token's exp has passed and
// nothing else is wrong with it. Claims errors are only produced after the
// signature verified, so such a token is genuinely ours.
func onlyExpired(err error) bool {
	if !errors.Is(err, jwt.ErrTokenExpired) {
		return false
	}
	for _, other := range []error{
		jwt.ErrTokenMalformed, jwt.ErrTokenUnverifiable, jwt.ErrTokenSignatureInvalid,
		jwt.ErrTokenRequiredClaimMissing, jwt.ErrTokenInvalidAudience, jwt.ErrTokenInvalidIssuer,
		jwt.ErrTokenUsedBeforeIssued, jwt.ErrTokenNotValidYet, jwt.ErrTokenInvalidSubject,
		jwt.ErrTokenInvalidId,
	} {
		if errors.Is(err, other) {
			return false
		}
	}
	return true
}
