package ginauth

import (
	"fmt"
	"slices"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fastauth/fastauth/internal/signingkey"
)

// asymmetricSigner is the accessSigner of private keys (EdDSA with
// Ed25519, ES256 with P-256): the first key signs, every key verifies
// (rotation), chosen by the `kid` header, the RFC 7638 thumbprint of its
// public key. Each key verifies only its own algorithm, so a token cannot
// pick how its key is used (an HS256 token "signed" with a public key, an
// EdDSA token under a P-256 kid). Other services verify its tokens with
// the JWK Set of publicKeys. It is immutable and safe for concurrent use.
type asymmetricSigner struct {
	rules   claimRules
	signing *signingkey.Key
	keys    map[string]*signingkey.Key // kid → key
	jwks    []signingkey.JWK           // public keys, the signing key first
	method  jwt.SigningMethod          // of the signing key
	parser  *jwt.Parser
	keyFunc jwt.Keyfunc
}

// newAsymmetricSigner returns the signer of keys (the first signs) held to
// rules. Two keys with one kid are one key given twice: refused.
func newAsymmetricSigner(keys []*signingkey.Key, rules claimRules) (*asymmetricSigner, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: no signing key", ErrInvalidConfig)
	}
	a := &asymmetricSigner{rules: rules, signing: keys[0], keys: make(map[string]*signingkey.Key, len(keys))}
	var algs []string
	for i, k := range keys {
		if k == nil {
			return nil, fmt.Errorf("%w: signing key %d is nil", ErrInvalidConfig, i)
		}
		if _, dup := a.keys[k.ID()]; dup {
			return nil, fmt.Errorf("%w: signing key %d (kid %s) is given twice", ErrInvalidConfig, i, k.ID())
		}
		m, err := jwtMethod(k.Algorithm())
		if err != nil {
			return nil, err
		}
		if i == 0 {
			a.method = m
		}
		a.keys[k.ID()] = k
		a.jwks = append(a.jwks, k.JWK())
		if !slices.Contains(algs, m.Alg()) {
			algs = append(algs, m.Alg())
		}
	}
	a.parser = claimParser(rules, algs...)
	a.keyFunc = a.lookupKey
	return a, nil
}

// jwtMethod is golang-jwt's signing method of a key algorithm.
func jwtMethod(alg signingkey.Algorithm) (jwt.SigningMethod, error) {
	switch alg {
	case signingkey.EdDSA:
		return jwt.SigningMethodEdDSA, nil
	case signingkey.ES256:
		return jwt.SigningMethodES256, nil
	}
	return nil, fmt.Errorf("%w: signing algorithm %q", ErrInvalidConfig, alg)
}

// alg implements accessSigner: the algorithm of the signing key.
func (a *asymmetricSigner) alg() string { return a.method.Alg() }

// kid implements accessSigner: the signing key's thumbprint.
func (a *asymmetricSigner) kid() string { return a.signing.ID() }

// publicKeys implements accessSigner.
func (a *asymmetricSigner) publicKeys() []signingkey.JWK { return a.jwks }

// sign implements accessSigner.
func (a *asymmetricSigner) sign(c *accessClaims) (string, error) {
	t := jwt.NewWithClaims(a.method, c)
	t.Header["kid"] = a.signing.ID()
	signed, err := t.SignedString(a.signing.Signer())
	if err != nil {
		return "", fmt.Errorf("ginauth: sign access token: %w", err)
	}
	return signed, nil
}

// verify implements accessSigner with golang-jwt.
func (a *asymmetricSigner) verify(token string) (accessClaims, error) {
	return parseJWT(a.parser, a.keyFunc, a.rules.now, token)
}

// lookupKey is the jwt.Keyfunc: the public key named by the kid header,
// provided the token's algorithm is that key's. Anything else is refused.
func (a *asymmetricSigner) lookupKey(t *jwt.Token) (any, error) {
	kid, _ := t.Header["kid"].(string)
	k, ok := a.keys[kid]
	if !ok || t.Method == nil || t.Method.Alg() != string(k.Algorithm()) {
		return nil, errTokenInvalid
	}
	return k.Public(), nil
}
