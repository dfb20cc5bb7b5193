package ginauth

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fastauth/fastauth/internal/signingkey"
)

// hs256Signer is the accessSigner of a shared secret (HS256): the current
// secret signs; it and every previous secret verify, chosen by the `kid`
// header. A first sight of a token with a header it writes is verified by
// verifyOwn (tokenown.go), anything else by golang-jwt (verifyJWT); both
// reach the same verdict on every token verifyOwn handles. It is
// immutable after construction and safe for concurrent use.
type hs256Signer struct {
	rules      claimRules
	currentKID string
	key        []byte
	keys       map[string]any // kid → []byte secret, boxed once
	parser     *jwt.Parser
	keyFunc    jwt.Keyfunc
	own        map[string]*ownKey // header segment sign writes → key (tokenown.go)
}

// newHS256Signer returns the signer of secret, with previous as retired
// secrets that still verify, held to rules. Every secret has at least 32
// bytes.
func newHS256Signer(secret []byte, previous [][]byte, rules claimRules) (*hs256Signer, error) {
	if len(secret) < 32 {
		return nil, fmt.Errorf("%w: Secret must be at least 32 bytes", ErrInvalidConfig)
	}
	h := &hs256Signer{
		rules:      rules,
		currentKID: keyID(secret),
		key:        append([]byte(nil), secret...),
		keys:       make(map[string]any, 1+len(previous)),
	}
	h.keys[h.currentKID] = h.key
	for i, prev := range previous {
		if len(prev) < 32 {
			return nil, fmt.Errorf("%w: PreviousSecrets[%d] must be at least 32 bytes", ErrInvalidConfig, i)
		}
		if kid := keyID(prev); h.keys[kid] == nil {
			h.keys[kid] = append([]byte(nil), prev...)
		}
	}
	h.parser = claimParser(rules, jwt.SigningMethodHS256.Alg())
	h.keyFunc = h.lookupKey
	own, err := newOwnKeys(h.keys)
	if err != nil {
		return nil, err
	}
	h.own = own
	return h, nil
}

// keyID names a secret in the `kid` header: the first 16 hex
// characters of a domain-separated SHA-256 of the secret (it reveals
// nothing usable about the secret).
func keyID(secret []byte) string {
	h := sha256.New()
	h.Write([]byte("fastauth access-token kid\x00"))
	h.Write(secret)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// alg implements accessSigner.
func (h *hs256Signer) alg() string { return jwt.SigningMethodHS256.Alg() }

// kid implements accessSigner: the kid of the current secret.
func (h *hs256Signer) kid() string { return h.currentKID }

// publicKeys implements accessSigner: a shared secret has no public key.
func (h *hs256Signer) publicKeys() []signingkey.JWK { return nil }

// lookupKey is the jwt.Keyfunc: the secret named by the kid header. A token
// without a kid, or naming an unknown secret, is refused.
func (h *hs256Signer) lookupKey(t *jwt.Token) (any, error) {
	kid, _ := t.Header["kid"].(string)
	if key, ok := h.keys[kid]; ok {
		return key, nil
	}
	return nil, errTokenInvalid
}

// sign implements accessSigner: HS256 under the current secret, its kid in
// the header.
func (h *hs256Signer) sign(c *accessClaims) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	t.Header["kid"] = h.currentKID
	signed, err := t.SignedString(h.key)
	if err != nil {
		return "", fmt.Errorf("ginauth: sign access token: %w", err)
	}
	return signed, nil
}

// verify implements accessSigner: verifyOwn for the tokens it handles,
// golang-jwt for every other string.
func (h *hs256Signer) verify(token string) (accessClaims, error) {
	c, handled, err := h.verifyOwn(token)
	if !handled {
		c, err = h.verifyJWT(token)
	}
	return c, err
}

// verifyJWT verifies token with golang-jwt (parseJWT): the signature
// (HS256 only, the key named by kid) and the registered claims.
func (h *hs256Signer) verifyJWT(token string) (accessClaims, error) {
	return parseJWT(h.parser, h.keyFunc, h.rules.now, token)
}

// claimParser is the golang-jwt parser of access tokens signed with algs:
// exp required, iat and nbf with the skew as leeway, iss and aud those of
// rules (parseJWT takes the leeway on exp back).
func claimParser(rules claimRules, algs ...string) *jwt.Parser {
	return jwt.NewParser(
		jwt.WithValidMethods(algs),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(rules.issuer),
		jwt.WithAudience(rules.audience),
		jwt.WithTimeFunc(rules.now),
		// The leeway also extends exp; parseJWT takes that back.
		jwt.WithLeeway(rules.skew),
	)
}

// parseJWT verifies token with golang-jwt: the signature (the parser's
// algorithms, the key keyFunc names) and the registered claims (exp
// required, iat and nbf with the skew as leeway, iss, aud), mapped to
// errTokenExpired, errTokenRejected (golang-jwt validates claims only
// after the signature verified) or errTokenInvalid. golang-jwt applies
// its leeway to exp as well; the strict exp check after it takes that
// leeway back.
func parseJWT(parser *jwt.Parser, keyFunc jwt.Keyfunc, now func() time.Time, token string) (accessClaims, error) {
	var c accessClaims
	if _, err := parser.ParseWithClaims(token, &c, keyFunc); err != nil {
		switch {
		case onlyExpired(err):
			return accessClaims{}, errTokenExpired
		case errors.Is(err, jwt.ErrTokenInvalidClaims):
			return accessClaims{}, fmt.Errorf("%w: %w", errTokenRejected, err)
		}
		return accessClaims{}, fmt.Errorf("%w: %w", errTokenInvalid, err)
	}
	if !now().Before(c.ExpiresAt.Time) { // exp is required: the parser checked it is there
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
