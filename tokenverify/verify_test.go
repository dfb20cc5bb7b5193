package tokenverify_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fastauth/fastauth/internal/signingkey"
	"github.com/fastauth/fastauth/tokenverify"
)

func TestVerify(t *testing.T) {
	t.Parallel()
	clk := newClock()
	ed, es := newKey(t, signingkey.EdDSA), newKey(t, signingkey.ES256)
	v := newIssuer(t, ed, es).verifier(t, clk)
	for _, k := range []*signingkey.Key{ed, es} {
		p, err := verify(t, v, token(t, k, clk))
		if err != nil {
			t.Fatalf("%s: %v", k.Algorithm(), err)
		}
		want := tokenverify.Principal{
			UserID:           "user-1",
			Email:            "ada@example.com",
			SessionID:        "session-1",
			OrganizationID:   "org-1",
			OrganizationRole: "admin",
			AAL:              2,
			AMR:              []string{"password", "totp"},
			IssuedAt:         clk.Now().Truncate(time.Second),
			ExpiresAt:        clk.Now().Add(15 * time.Minute).Truncate(time.Second),
			AuthTime:         clk.Now().Truncate(time.Second),
		}
		if !p.IssuedAt.Equal(want.IssuedAt) || !p.ExpiresAt.Equal(want.ExpiresAt) || !p.AuthTime.Equal(want.AuthTime) {
			t.Fatalf("%s: iat %v exp %v auth_time %v, want %v %v %v", k.Algorithm(), p.IssuedAt, p.ExpiresAt, p.AuthTime, want.IssuedAt, want.ExpiresAt, want.AuthTime)
		}
		if !slices.Equal(p.AMR, want.AMR) {
			t.Fatalf("%s: AMR %v, want %v", k.Algorithm(), p.AMR, want.AMR)
		}
		p.IssuedAt, p.ExpiresAt, p.AuthTime, p.AMR = want.IssuedAt, want.ExpiresAt, want.AuthTime, want.AMR
		if !reflect.DeepEqual(p, want) {
			t.Fatalf("%s: principal %+v, want %+v", k.Algorithm(), p, want)
		}
	}

	// Tokens of fastauth versions without aal, amr and auth_time: one
	// factor, a password, as the server reads them.
	c := claims(clk.Now())
	delete(c, "aal")
	delete(c, "amr")
	delete(c, "auth_time")
	p, err := verify(t, v, mint(t, ed, c))
	if err != nil || p.AAL != 1 || !slices.Equal(p.AMR, []string{"password"}) || !p.AuthTime.IsZero() {
		t.Fatalf("token without aal, amr and auth_time: %+v, %v; want AAL 1, AMR [password], no auth time", p, err)
	}
}

// TestClaims holds the verifier to the fastauth server's claim checks.
func TestClaims(t *testing.T) {
	t.Parallel()
	clk := newClock()
	key := newKey(t, signingkey.EdDSA)
	is := newIssuer(t, key)
	v := is.verifier(t, clk)
	cfg := is.config(clk)
	cfg.ClockSkew = 5 * time.Second
	v5 := newVerifier(t, cfg)
	now := clk.Now()

	for _, tc := range []struct {
		name   string
		mutate func(jwt.MapClaims)
		want   error // nil: accepted
		v      *tokenverify.Verifier
	}{
		{"valid", func(jwt.MapClaims) {}, nil, v},
		{"exp in a second", func(c jwt.MapClaims) { c["exp"] = now.Unix() + 1 }, nil, v},
		{"exp now: expired, no leeway", func(c jwt.MapClaims) { c["exp"] = now.Unix() }, tokenverify.ErrTokenExpired, v},
		{"exp a second ago", func(c jwt.MapClaims) { c["exp"] = now.Unix() - 1; c["iat"] = now.Unix() - 900 }, tokenverify.ErrTokenExpired, v},
		{"exp missing", func(c jwt.MapClaims) { delete(c, "exp") }, tokenverify.ErrInvalidToken, v},
		{"exp a string", func(c jwt.MapClaims) { c["exp"] = "tomorrow" }, tokenverify.ErrInvalidToken, v},
		{"expired and another audience: invalid, not expired", func(c jwt.MapClaims) { c["exp"] = now.Unix() - 1; c["aud"] = "other" }, tokenverify.ErrInvalidToken, v},
		{"expired and an unknown issuer: invalid", func(c jwt.MapClaims) { c["exp"] = now.Unix() - 1; c["iss"] = "https://evil.test" }, tokenverify.ErrInvalidToken, v},
		{"another issuer", func(c jwt.MapClaims) { c["iss"] = "https://evil.test" }, tokenverify.ErrInvalidToken, v},
		{"no issuer", func(c jwt.MapClaims) { delete(c, "iss") }, tokenverify.ErrInvalidToken, v},
		{"another audience", func(c jwt.MapClaims) { c["aud"] = "billing-service" }, tokenverify.ErrInvalidToken, v},
		{"no audience", func(c jwt.MapClaims) { delete(c, "aud") }, tokenverify.ErrInvalidToken, v},
		{"audience as a list", func(c jwt.MapClaims) { c["aud"] = []string{testAudience} }, tokenverify.ErrInvalidToken, v},
		{"iat 60 s ahead: within the default skew", func(c jwt.MapClaims) { c["iat"] = now.Unix() + 60 }, nil, v},
		{"iat 61 s ahead: beyond the skew", func(c jwt.MapClaims) { c["iat"] = now.Unix() + 61 }, tokenverify.ErrInvalidToken, v},
		{"iat 5 s ahead, skew 5 s", func(c jwt.MapClaims) { c["iat"] = now.Unix() + 5 }, nil, v5},
		{"iat 6 s ahead, skew 5 s", func(c jwt.MapClaims) { c["iat"] = now.Unix() + 6 }, tokenverify.ErrInvalidToken, v5},
		{"iat missing: allowed, as by the server", func(c jwt.MapClaims) { delete(c, "iat") }, nil, v},
		{"nbf 60 s ahead", func(c jwt.MapClaims) { c["nbf"] = now.Unix() + 60 }, nil, v},
		{"nbf 61 s ahead", func(c jwt.MapClaims) { c["nbf"] = now.Unix() + 61 }, tokenverify.ErrInvalidToken, v},
		{"exp within the skew is still expired", func(c jwt.MapClaims) { c["exp"] = now.Unix() - 1; c["iat"] = now.Unix() - 10 }, tokenverify.ErrTokenExpired, v5},
		{"no sub", func(c jwt.MapClaims) { delete(c, "sub") }, tokenverify.ErrInvalidToken, v},
		{"no sid", func(c jwt.MapClaims) { delete(c, "sid") }, tokenverify.ErrInvalidToken, v},
		{"no org", func(c jwt.MapClaims) { delete(c, "org") }, tokenverify.ErrInvalidToken, v},
		{"role other than authenticated", func(c jwt.MapClaims) { c["role"] = "service_role" }, tokenverify.ErrInvalidToken, v},
		{"member role", func(c jwt.MapClaims) { c["org_role"] = "member" }, nil, v},
		{"owner role", func(c jwt.MapClaims) { c["org_role"] = "owner" }, nil, v},
		{"a malformed role", func(c jwt.MapClaims) { c["org_role"] = "Billing Admin" }, tokenverify.ErrInvalidToken, v},
		{"a custom role (section 16)", func(c jwt.MapClaims) { c["org_role"] = "billing_admin" }, nil, v},
		{"malformed organization role", func(c jwt.MapClaims) { c["org_role"] = "Owner!" }, tokenverify.ErrInvalidToken, v},
		{"empty organization role", func(c jwt.MapClaims) { c["org_role"] = "" }, tokenverify.ErrInvalidToken, v},
		{"aal 0", func(c jwt.MapClaims) { c["aal"] = 0 }, tokenverify.ErrInvalidToken, v},
		{"aal 1", func(c jwt.MapClaims) { c["aal"] = 1 }, nil, v},
		{"aal 3", func(c jwt.MapClaims) { c["aal"] = 3 }, tokenverify.ErrInvalidToken, v},
		{"aal without amr", func(c jwt.MapClaims) { delete(c, "amr") }, tokenverify.ErrInvalidToken, v},
		{"aal without auth_time", func(c jwt.MapClaims) { delete(c, "auth_time") }, tokenverify.ErrInvalidToken, v},
		{"aal alone", func(c jwt.MapClaims) { delete(c, "amr"); delete(c, "auth_time") }, tokenverify.ErrInvalidToken, v},
		{"amr empty", func(c jwt.MapClaims) { c["amr"] = []string{} }, tokenverify.ErrInvalidToken, v},
		{"amr with an empty method", func(c jwt.MapClaims) { c["amr"] = []string{"password", ""} }, tokenverify.ErrInvalidToken, v},
		{"auth_time a string", func(c jwt.MapClaims) { c["auth_time"] = "now" }, tokenverify.ErrInvalidToken, v},
		{"aal a string", func(c jwt.MapClaims) { c["aal"] = "2" }, tokenverify.ErrInvalidToken, v},
		{"amr a string", func(c jwt.MapClaims) { c["amr"] = "password" }, tokenverify.ErrInvalidToken, v},
	} {
		c := claims(now)
		tc.mutate(c)
		_, err := verify(t, tc.v, mint(t, key, c))
		switch {
		case tc.want == nil && err != nil:
			t.Errorf("%s: %v, want accepted", tc.name, err)
		case tc.want != nil && !errors.Is(err, tc.want):
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		case errors.Is(err, tokenverify.ErrTokenExpired) && errors.Is(err, tokenverify.ErrInvalidToken):
			t.Errorf("%s: %v is both expired and invalid", tc.name, err)
		}
	}
}

// TestAlgorithmConfusion: a key verifies its own algorithm and nothing
// else; tokens the verifier has no key for are refused.
func TestAlgorithmConfusion(t *testing.T) {
	t.Parallel()
	clk := newClock()
	ed, es := newKey(t, signingkey.EdDSA), newKey(t, signingkey.ES256)
	v := newIssuer(t, ed, es).verifier(t, clk)
	c := claims(clk.Now())

	sign := func(m jwt.SigningMethod, kid string, key any) string {
		t.Helper()
		tok := jwt.NewWithClaims(m, c)
		if kid != "" {
			tok.Header["kid"] = kid
		}
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	edPub := []byte(ed.Public().(ed25519.PublicKey))
	esDER, _ := x509.MarshalPKIXPublicKey(es.Public().(*ecdsa.PublicKey))
	esPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: esDER})
	edJWK, _ := json.Marshal(ed.JWK())
	otherEd, otherEs := newKey(t, signingkey.EdDSA), newKey(t, signingkey.ES256)

	// Splice: the header and claims of one token with the signature of another.
	withSig := func(tok, from string) string {
		return tok[:strings.LastIndexByte(tok, '.')] + from[strings.LastIndexByte(from, '.'):]
	}
	// header with alg and kid only, unsigned.
	unsigned := func(alg, kid string) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodNone, c)
		tok.Header["alg"] = alg
		tok.Header["kid"] = kid
		s, err := tok.SigningString()
		if err != nil {
			t.Fatal(err)
		}
		return s + "."
	}

	for _, tc := range []struct{ name, token string }{
		{"HS256 with the Ed25519 public key as secret", sign(jwt.SigningMethodHS256, ed.ID(), edPub)},
		{"HS256 with the P-256 public key PEM as secret", sign(jwt.SigningMethodHS256, es.ID(), esPEM)},
		{"HS256 with the JWK as secret", sign(jwt.SigningMethodHS256, ed.ID(), edJWK)},
		{"HS512 with the public key as secret", sign(jwt.SigningMethodHS512, ed.ID(), edPub)},
		{"alg none", sign(jwt.SigningMethodNone, ed.ID(), jwt.UnsafeAllowNoneSignatureType)},
		{"alg none, unsigned", unsigned("none", ed.ID())},
		{"alg NONE", unsigned("NONE", ed.ID())},
		{"alg empty", unsigned("", ed.ID())},
		{"ES256 header on the Ed25519 key's kid", sign(jwt.SigningMethodES256, ed.ID(), otherEs.Signer())},
		{"EdDSA header on the P-256 key's kid", sign(jwt.SigningMethodEdDSA, es.ID(), otherEd.Signer())},
		{"ES384 header on the P-256 key's kid", unsigned("ES384", es.ID()) + "AAAA"},
		{"RS256 header", unsigned("RS256", es.ID()) + "AAAA"},
		{"kid of one key, signature of another (EdDSA)", sign(jwt.SigningMethodEdDSA, ed.ID(), otherEd.Signer())},
		{"kid of one key, signature of another (ES256)", sign(jwt.SigningMethodES256, es.ID(), otherEs.Signer())},
		{"genuine claims, signature of another token", withSig(token(t, ed, clk), mint(t, ed, claims(clk.Now().Add(time.Second))))},
		{"no kid", sign(jwt.SigningMethodEdDSA, "", ed.Signer())},
		{"signature stripped", strings.TrimRight(withSig(token(t, ed, clk), "."), ".") + "."},
		{"empty", ""},
		{"garbage", "not.a.jwt"},
		{"two segments", "eyJhbGciOiJFZERTQSJ9.e30"},
	} {
		_, err := verify(t, v, tc.token)
		if !errors.Is(err, tokenverify.ErrInvalidToken) {
			t.Errorf("%s: %v, want ErrInvalidToken", tc.name, err)
		}
	}

	// The pin itself refuses these, not golang-jwt's key type checks.
	for _, tc := range []struct{ name, token, want string }{
		{"ES256 on Ed25519", sign(jwt.SigningMethodES256, ed.ID(), otherEs.Signer()), "algorithm ES256 on a key that verifies EdDSA only"},
		{"EdDSA on P-256", sign(jwt.SigningMethodEdDSA, es.ID(), otherEd.Signer()), "algorithm EdDSA on a key that verifies ES256 only"},
	} {
		if _, err := verify(t, v, tc.token); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}

	// A kid of the wrong JSON type.
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	tok.Header["kid"] = 7
	s, _ := tok.SignedString(ed.Signer())
	if _, err := verify(t, v, s); !errors.Is(err, tokenverify.ErrInvalidToken) {
		t.Errorf("numeric kid: %v, want ErrInvalidToken", err)
	}

	// The genuine tokens pass, so the refusals above are the checks'.
	for _, k := range []*signingkey.Key{ed, es} {
		if _, err := verify(t, v, token(t, k, clk)); err != nil {
			t.Fatalf("%s: %v", k.Algorithm(), err)
		}
	}
}

// TestSymmetricJWKIgnored: an "oct" key in the JWK Set never verifies,
// even an HS256 token made with exactly its bytes.
func TestSymmetricJWKIgnored(t *testing.T) {
	t.Parallel()
	clk := newClock()
	ed := newKey(t, signingkey.EdDSA)
	is := newIssuer(t, ed)
	doc, _ := json.Marshal(signingkey.NewJWKSet([]*signingkey.Key{ed}))
	doc = []byte(strings.Replace(string(doc), `{"keys":[`, `{"keys":[{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA","kid":"hmac","alg":"HS256"},`, 1))
	is.Serve(doc)
	v := is.verifier(t, clk)
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(clk.Now()))
	tok.Header["kid"] = "hmac"
	s, _ := tok.SignedString([]byte("secret-secret-secret-secret-secret"))
	if _, err := verify(t, v, s); !errors.Is(err, tokenverify.ErrInvalidToken) {
		t.Fatalf("HS256 token with the oct key's bytes: %v, want ErrInvalidToken", err)
	}
	if _, err := verify(t, v, token(t, ed, clk)); err != nil {
		t.Fatal(err)
	}
}

func TestTokenTooLong(t *testing.T) {
	t.Parallel()
	clk := newClock()
	ed := newKey(t, signingkey.EdDSA)
	v := newIssuer(t, ed).verifier(t, clk)
	c := claims(clk.Now())
	c["email"] = strings.Repeat("a", 9000) + "@example.com"
	if _, err := verify(t, v, mint(t, ed, c)); !errors.Is(err, tokenverify.ErrInvalidToken) {
		t.Fatalf("9 KB token: %v, want ErrInvalidToken", err)
	}
}
