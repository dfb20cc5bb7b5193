package conformance

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/signingkey"
	"github.com/fastauth/fastauth/tokenverify"
)

// jwksScenarios: access tokens signed with EdDSA or ES256 keys, their
// public keys at {base}/.well-known/jwks.json, and other services'
// verifier (tokenverify) accepting exactly the tokens the server accepts,
// with the same principal. Under HS256 the JWK Set is 404.
func jwksScenarios() []scenario {
	return []scenario{
		{name: "HS256HasNone", run: jwksHS256},
		{name: "EdDSA", config: signingConfig(signingkey.EdDSA), run: jwksAsymmetric},
		{name: "ES256", config: signingConfig(signingkey.ES256), run: jwksAsymmetric},
		{name: "RotatedKeyStillVerifies", config: signingConfig(signingkey.EdDSA, signingkey.ES256), run: jwksAsymmetric},
	}
}

// signingConfig signs with fresh keys of algs (the first signs).
func signingConfig(algs ...signingkey.Algorithm) func(c *ginauth.Config) {
	return func(c *ginauth.Config) {
		c.TokenAlgorithm = string(algs[0])
		for _, alg := range algs {
			k, err := signingkey.Generate(alg)
			if err != nil {
				panic(err) // crypto/rand failed: nothing to test
			}
			pem, err := k.MarshalPEM()
			if err != nil {
				panic(err)
			}
			c.SigningKeys = append(c.SigningKeys, pem...)
		}
	}
}

func jwksHS256(t *testing.T, h *Harness) {
	expectError(t, h.NewClient().Get(h.Path("/.well-known/jwks.json")), http.StatusNotFound, "route_not_found")
}

func jwksAsymmetric(t *testing.T, h *Harness) {
	keys, err := signingkey.ParsePEM(h.Config.SigningKeys)
	if err != nil {
		t.Fatal(err)
	}
	r := h.NewClient().Get(h.Path("/.well-known/jwks.json?junk=%3Cx%3E&&=")).Expect(t, http.StatusOK)
	if cc := r.Header.Get("Cache-Control"); cc != "public, max-age=300" {
		t.Errorf("Cache-Control %q, want public, max-age=300", cc)
	}
	var set signingkey.JWKSet
	r.Decode(t, &set)
	if len(set.Keys) != len(keys) {
		t.Fatalf("JWK Set has %d keys, want %d", len(set.Keys), len(keys))
	}
	for i, k := range keys {
		if set.Keys[i] != k.JWK() {
			t.Errorf("key %d: %+v, want %+v", i, set.Keys[i], k.JWK())
		}
	}

	c, up := h.SignUp(t)
	header, claims := jwtParts(t, c.AccessToken())
	if header["alg"] != h.Config.TokenAlgorithm || header["kid"] != keys[0].ID() {
		t.Fatalf("token header %v, want alg %s kid %s", header, h.Config.TokenAlgorithm, keys[0].ID())
	}
	w := c.whoami(t)
	if w.UserID != up.User.ID {
		t.Fatalf("whoami %+v", w)
	}
	c.Refresh().Expect(t, http.StatusOK)

	v, err := tokenverify.New(t.Context(), tokenverify.Config{
		JWKSURL: h.URL + h.Path("/.well-known/jwks.json"), Issuer: h.Config.Issuer, Audience: h.Config.Audience,
		ClockSkew: h.Config.ClockSkew, Now: h.Clock.Now,
	})
	if err != nil {
		t.Fatalf("tokenverify.New: %v", err)
	}
	p, err := v.Verify(context.Background(), c.AccessToken())
	if err != nil {
		t.Fatalf("tokenverify refuses the server's token: %v", err)
	}
	if p.UserID != up.User.ID || p.Email != up.User.Email || p.OrganizationID != up.Organization.ID ||
		p.OrganizationRole != "owner" || p.SessionID != c.claim(t, "sid") || p.AAL != 1 || !slices.Equal(p.AMR, []string{"password"}) {
		t.Errorf("tokenverify principal %+v, want the server's (user %s, org %s owner, aal 1 [password])", p, up.User.ID, up.Organization.ID)
	}

	// Both verifiers accept and refuse the same tokens: every key of the
	// set signs each claim variant; one of another key is refused by both.
	stranger, err := signingkey.Generate(keys[0].Algorithm())
	if err != nil {
		t.Fatal(err)
	}
	ahead := float64(h.Clock.Now().Add(h.Config.ClockSkew + time.Minute).Unix())
	variants := map[string]map[string]any{
		"as issued":           {},
		"wrong issuer":        {"iss": "someone-else"},
		"wrong audience":      {"aud": "someone-else"},
		"expired":             {"exp": float64(h.Clock.Now().Add(-time.Second).Unix())},
		"iat beyond the skew": {"iat": ahead},
		"aal 2":               {"aal": 2, "amr": []string{"password", "totp"}},
		"aal 0":               {"aal": 0},
		"aal 3":               {"aal": 3},
		"aal -1":              {"aal": -1},
		"no assurance claims": {"aal": nil, "amr": nil, "auth_time": nil},
		"zero assurance":      {"aal": 0, "amr": nil, "auth_time": nil},
		"aal alone":           {"amr": nil, "auth_time": nil},
		"no amr":              {"amr": nil},
		"empty amr":           {"amr": []string{}},
		"empty method":        {"amr": []string{"password", ""}},
		"no auth_time":        {"auth_time": nil},
		"missing sid":         {"sid": nil},
		"missing sub":         {"sub": ""},
		"missing org":         {"org": nil},
		"wrong role":          {"role": "anon"},
		"unknown role":        {"org_role": "root"},
		"admin role":          {"org_role": "admin"},
	}
	// The two verifiers share the fastauth claim rules
	// (fastauth.AccessClaims.Check): any difference fails.
	for _, k := range append(slices.Clone(keys), stranger) {
		m := jwt.GetSigningMethod(string(k.Algorithm()))
		for name, changes := range variants {
			tok := jwt.NewWithClaims(m, jwt.MapClaims(copyMap(claims, changes)))
			tok.Header["kid"] = k.ID()
			signed, err := tok.SignedString(k.Signer())
			if err != nil {
				t.Fatal(err)
			}
			core := h.withAccess(signed).Get("/api/whoami").Status == http.StatusOK
			_, verr := v.Verify(context.Background(), signed)
			if core != (verr == nil) {
				t.Errorf("%s key %s, %s: the server accepts: %v, tokenverify: %v", k.Algorithm(), k.ID(), name, core, verr)
			}
			if k == stranger && core {
				t.Errorf("%s: a token of a key outside the set was accepted", name)
			}
		}
	}
}
