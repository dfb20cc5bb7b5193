package ginauth

import (
	"crypto/ed25519"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fastauth/fastauth/internal/signingkey"
)

// newKeys generates n keys of alg.
func newKeys(t *testing.T, alg signingkey.Algorithm, n int) []*signingkey.Key {
	t.Helper()
	keys := make([]*signingkey.Key, n)
	for i := range keys {
		k, err := signingkey.Generate(alg)
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = k
	}
	return keys
}

// asymSigner is the kernel signer of keys (the first signs) at clock.
func asymSigner(t *testing.T, clock *testClock, keys ...*signingkey.Key) *tokenSigner {
	t.Helper()
	cfg := Config{Secret: testSecret(0), Now: clock.Now}.withDefaults()
	s, err := newTokenSigner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newAsymmetricSigner(keys, s.claimRules)
	if err != nil {
		t.Fatal(err)
	}
	s.signer = a
	return s
}

// forgeWith signs claims with method and key under kid, as any holder of
// the key could.
func forgeWith(t *testing.T, method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAsymmetricSignerRoundTripAndRotation: EdDSA and ES256 tokens verify
// through the kernel with the principal of an HS256 token; the first key
// signs, the others verify, a key's removal ends its tokens, and the JWK
// Set lists the keys, the signing key first.
func TestAsymmetricSignerRoundTripAndRotation(t *testing.T) {
	t.Parallel()
	for _, alg := range []signingkey.Algorithm{signingkey.EdDSA, signingkey.ES256} {
		t.Run(string(alg), func(t *testing.T) {
			t.Parallel()
			clock := newTestClock()
			keys := newKeys(t, alg, 2)
			old := asymSigner(t, clock, keys[0])
			rotated := asymSigner(t, clock, keys[1], keys[0])
			retired := asymSigner(t, clock, keys[1])
			if rotated.signer.alg() != string(alg) || rotated.signer.kid() != keys[1].ID() {
				t.Fatalf("alg %q kid %q, want %q %q", rotated.signer.alg(), rotated.signer.kid(), alg, keys[1].ID())
			}
			if jwks := rotated.signer.publicKeys(); len(jwks) != 2 || jwks[0] != keys[1].JWK() || jwks[1] != keys[0].JWK() {
				t.Fatalf("public keys %+v", jwks)
			}
			tok := signFor(t, old, testSID)
			header, _, _ := jwt.NewParser().ParseUnverified(tok, jwt.MapClaims{})
			if header.Header["alg"] != string(alg) || header.Header["kid"] != keys[0].ID() {
				t.Fatalf("header %v", header.Header)
			}
			hs := testSigner(t, clock, testSecret(0))
			hc := mustVerify(t, hs, signFor(t, hs, testSID))
			want := mustJSON(t, hc.principal())
			for name, s := range map[string]*tokenSigner{"signer": old, "after rotation": rotated} {
				c := mustVerify(t, s, tok)
				if got := mustJSON(t, c.principal()); got != want {
					t.Errorf("%s: principal %s, want %s", name, got, want)
				}
				// Warm: answered by the cache, same claims.
				if again := mustVerify(t, s, tok); mustJSON(t, again) != mustJSON(t, c) {
					t.Errorf("%s: warm verify differs", name)
				}
			}
			if _, err := retired.verify(tok); !errors.Is(err, errTokenInvalid) || errors.Is(err, errTokenRejected) {
				t.Errorf("token of a retired key: %v, want invalid", err)
			}
			clock.Advance(15 * time.Minute)
			if _, err := old.verify(tok); !errors.Is(err, errTokenExpired) {
				t.Errorf("expired token: %v, want expired", err)
			}
		})
	}
}

func mustVerify(t *testing.T, s *tokenSigner, tok string) *verifiedToken {
	t.Helper()
	c, err := s.verify(tok)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return c
}

// TestAsymmetricSignerPinsTheAlgorithmPerKey: a token cannot choose how a
// key is used: HS256 with the public key as secret, another asymmetric
// algorithm under a key's kid, alg none, no kid or an unknown one are
// invalid.
func TestAsymmetricSignerPinsTheAlgorithmPerKey(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	ed := newKeys(t, signingkey.EdDSA, 1)[0]
	ec := newKeys(t, signingkey.ES256, 1)[0]
	s := asymSigner(t, clock, ed, ec)
	claims := validClaims(clock.Now())
	edPub, _ := ed.Public().(ed25519.PublicKey)
	ecDER, err := x509.MarshalPKIXPublicKey(ec.Public())
	if err != nil {
		t.Fatal(err)
	}
	otherEd := newKeys(t, signingkey.EdDSA, 1)[0]
	for name, tok := range map[string]string{
		"HS256 with the Ed25519 public key as secret": forgeWith(t, jwt.SigningMethodHS256, []byte(edPub), ed.ID(), claims),
		"HS256 with the P-256 public key as secret":   forgeWith(t, jwt.SigningMethodHS256, ecDER, ec.ID(), claims),
		"EdDSA under the P-256 key's kid":             forgeWith(t, jwt.SigningMethodEdDSA, ed.Signer(), ec.ID(), claims),
		"ES256 under the Ed25519 key's kid":           forgeWith(t, jwt.SigningMethodES256, ec.Signer(), ed.ID(), claims),
		"EdDSA by another key under our kid":          forgeWith(t, jwt.SigningMethodEdDSA, otherEd.Signer(), ed.ID(), claims),
		"unknown kid":                                 forgeWith(t, jwt.SigningMethodEdDSA, otherEd.Signer(), otherEd.ID(), claims),
		"no kid":                                      forgeWith(t, jwt.SigningMethodEdDSA, ed.Signer(), "", claims),
		"alg none":                                    forgeWith(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, ed.ID(), claims),
	} {
		if _, err := s.verify(tok); !errors.Is(err, errTokenInvalid) || errors.Is(err, errTokenRejected) {
			t.Errorf("%s: verify = %v, want invalid", name, err)
		}
	}
	for _, k := range []*signingkey.Key{ed, ec} {
		m, _ := jwtMethod(k.Algorithm())
		if _, err := s.verify(forgeWith(t, m, k.Signer(), k.ID(), claims)); err != nil {
			t.Errorf("%s under its own kid: %v", k.Algorithm(), err)
		}
	}
}

// TestAsymmetricSignerSameClaimRulesAsHS256: on every claim variant the
// HS256 path is tested with, an EdDSA and an ES256 token reach the HS256
// verdict: the claim rules do not depend on the algorithm.
func TestAsymmetricSignerSameClaimRulesAsHS256(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	now := clock.Now()
	hs := testSigner(t, clock, testSecret(0))
	kid := keyID(testSecret(0))
	valid := validClaims(now)
	variants := map[string]jwt.MapClaims{
		"valid":                 valid,
		"expired":               with(valid, "exp", now.Add(-time.Second).Unix()),
		"exp missing":           without(valid, "exp"),
		"exp not a number":      with(valid, "exp", "soon"),
		"iat beyond the skew":   with(valid, "iat", now.Add(61*time.Second).Unix()),
		"iat within the skew":   with(valid, "iat", now.Add(time.Minute).Unix()),
		"nbf beyond the skew":   with(valid, "nbf", now.Add(2*time.Minute).Unix()),
		"wrong issuer":          with(valid, "iss", "other"),
		"wrong audience":        with(valid, "aud", "other"),
		"audience as a list":    with(valid, "aud", []string{"fastauth"}),
		"sub missing":           without(valid, "sub"),
		"org_role unknown":      with(valid, "org_role", "root"),
		"aal 3":                 with(valid, "aal", 3),
		"aal 2":                 with(with(valid, "aal", 2), "amr", []string{"password", "totp"}),
		"amr empty":             with(valid, "amr", []string{}),
		"no assurance claims":   without(without(without(valid, "aal"), "amr"), "auth_time"),
		"auth_time missing":     without(valid, "auth_time"),
		"expired, wrong issuer": with(with(valid, "exp", now.Add(-time.Hour).Unix()), "iss", "x"),
	}
	for _, alg := range []signingkey.Algorithm{signingkey.EdDSA, signingkey.ES256} {
		k := newKeys(t, alg, 1)[0]
		s := asymSigner(t, clock, k)
		m, _ := jwtMethod(alg)
		for name, claims := range variants {
			hc, herr := hs.verify(forge(t, jwt.SigningMethodHS256, testSecret(0), kid, claims))
			ac, aerr := s.verify(forgeWith(t, m, k.Signer(), k.ID(), claims))
			if verdict(herr) != verdict(aerr) || mustJSON(t, hc) != mustJSON(t, ac) {
				t.Errorf("%s %s: %s %v, HS256 says %s %v", alg, name, verdict(aerr), aerr, verdict(herr), herr)
			}
		}
	}
}

// TestAsymmetricSignerRefusesBadKeySets: no key, a nil key, one key twice.
func TestAsymmetricSignerRefusesBadKeySets(t *testing.T) {
	t.Parallel()
	k := newKeys(t, signingkey.EdDSA, 1)[0]
	for name, keys := range map[string][]*signingkey.Key{
		"none": nil, "nil key": {k, nil}, "twice": {k, k},
	} {
		if _, err := newAsymmetricSigner(keys, claimRules{now: time.Now}); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: %v, want ErrInvalidConfig", name, err)
		}
	}
}
