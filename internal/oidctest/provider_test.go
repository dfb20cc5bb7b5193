package oidctest_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/fastauth/fastauth/internal/oidctest"
)

const callback = "https://app.example/auth/oauth/test/callback"

var alice = oidctest.User{Subject: "248289761001", Email: "alice@example.com", EmailVerified: true, Name: "Alice Example"}

// testKey is the RSA key most tests share, to save generating one per
// provider; no test uses two providers at once. TestCodeFlow runs with
// generated keys.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return key
})

// start starts a provider with the shared key.
func start(t *testing.T, cfg oidctest.Config) *oidctest.Provider {
	t.Helper()
	cfg.Key = testKey()
	return oidctest.Start(t, cfg)
}

// noFollow is a browser that stops at the first redirect, so the test sees
// where the provider sends it.
var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// visit GETs u and returns the Location of its redirect, failing the test
// when the answer is not a redirect.
func visit(t *testing.T, u string) *url.URL {
	t.Helper()
	resp, err := noFollow.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("GET %s: %s, want 302", u, resp.Status)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// relyingParty is the client side as an OIDC module would set it up:
// discovery with go-oidc, the code flow with x/oauth2.
type relyingParty struct {
	provider *oidc.Provider
	oauth    *oauth2.Config
	verifier *oidc.IDTokenVerifier
}

func discover(t *testing.T, p *oidctest.Provider) *relyingParty {
	t.Helper()
	ctx := t.Context()
	provider, err := oidc.NewProvider(ctx, p.Issuer())
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	return &relyingParty{
		provider: provider,
		oauth: &oauth2.Config{
			ClientID:     p.ClientID(),
			ClientSecret: p.ClientSecret(),
			Endpoint:     provider.Endpoint(),
			RedirectURL:  callback,
			Scopes:       []string{oidc.ScopeOpenID, "email", "profile"},
		},
		verifier: provider.Verifier(&oidc.Config{ClientID: p.ClientID()}),
	}
}

// signInResult is what a callback learns.
type signInResult struct {
	token   *oauth2.Token
	idToken *oidc.IDToken
	claims  map[string]any
}

// errNonce is the relying party's own refusal: go-oidc leaves the nonce
// check to the caller.
var errNonce = errors.New("nonce mismatch")

// signIn runs the authorization-code flow with state, nonce and PKCE S256,
// the way the callback of a sign-in module does, and returns the first
// refusal.
func (rp *relyingParty) signIn(t *testing.T) (*signInResult, error) {
	t.Helper()
	ctx := t.Context()
	state, nonce, verifier := oauth2.GenerateVerifier(), oauth2.GenerateVerifier(), oauth2.GenerateVerifier()
	back := visit(t, rp.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)))
	q := back.Query()
	if got := back.Scheme + "://" + back.Host + back.Path; got != callback {
		t.Fatalf("redirected to %s, want the callback", back)
	}
	if q.Get("state") != state {
		t.Fatalf("state %q, want %q", q.Get("state"), state)
	}
	if e := q.Get("error"); e != "" {
		return nil, errors.New(e)
	}
	token, err := rp.oauth.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, err
	}
	raw, ok := token.Extra("id_token").(string)
	if !ok {
		t.Fatal("no id_token in the token response")
	}
	idToken, err := rp.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, err
	}
	if idToken.Nonce != nonce {
		return nil, errNonce
	}
	res := &signInResult{token: token, idToken: idToken}
	if err := idToken.Claims(&res.claims); err != nil {
		t.Fatal(err)
	}
	return res, nil
}

func TestCodeFlow(t *testing.T) {
	t.Parallel()
	for _, alg := range []string{oidctest.RS256, oidctest.ES256} {
		t.Run(alg, func(t *testing.T) {
			t.Parallel()
			p := oidctest.Start(t, oidctest.Config{User: alice, Algorithm: alg, RedirectURIs: []string{callback}})
			rp := discover(t, p)
			res, err := rp.signIn(t)
			if err != nil {
				t.Fatalf("sign-in refused: %v", err)
			}
			if res.idToken.Issuer != p.Issuer() || res.idToken.Subject != alice.Subject || len(res.idToken.Audience) != 1 || res.idToken.Audience[0] != p.ClientID() {
				t.Fatalf("id token iss %q sub %q aud %v", res.idToken.Issuer, res.idToken.Subject, res.idToken.Audience)
			}
			if res.claims["email"] != alice.Email || res.claims["email_verified"] != true || res.claims["name"] != alice.Name {
				t.Fatalf("claims %+v", res.claims)
			}
			if time.Until(res.idToken.Expiry) < 50*time.Minute {
				t.Fatalf("id token expires at %v", res.idToken.Expiry)
			}

			last := p.LastAuthorizeRequest()
			if last.Get("code_challenge_method") != "S256" || last.Get("code_challenge") == "" || last.Get("nonce") != res.idToken.Nonce || last.Get("scope") != "openid email profile" {
				t.Fatalf("authorize request %v", last)
			}

			info, err := rp.provider.UserInfo(t.Context(), oauth2.StaticTokenSource(res.token))
			if err != nil {
				t.Fatalf("userinfo: %v", err)
			}
			if info.Subject != alice.Subject || info.Email != alice.Email || !info.EmailVerified {
				t.Fatalf("userinfo %+v", info)
			}
		})
	}
}

func TestIDTokenKnobs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		knobs oidctest.Knobs
		want  func(error) bool
	}{
		{"wrong audience", oidctest.Knobs{Audience: "another-client"}, contains(`expected audience "test-client" got ["another-client"]`)},
		{"wrong issuer", oidctest.Knobs{Issuer: "https://evil.example"}, contains("id token issued by a different provider")},
		{"expired", oidctest.Knobs{Expired: true}, func(err error) bool {
			var expired *oidc.TokenExpiredError
			return errors.As(err, &expired)
		}},
		{"key not in the JWKS", oidctest.Knobs{UnknownKey: true}, contains("failed to verify signature")},
		{"nonce mismatch", oidctest.Knobs{Nonce: "another-nonce"}, func(err error) bool { return errors.Is(err, errNonce) }},
		{"error redirect", oidctest.Knobs{AuthorizeError: "access_denied"}, contains("access_denied")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := start(t, oidctest.Config{User: alice})
			rp := discover(t, p)
			p.SetKnobs(tt.knobs)
			_, err := rp.signIn(t)
			if err == nil || !tt.want(err) {
				t.Fatalf("error %v, want the refusal for %s", err, tt.name)
			}
			p.SetKnobs(oidctest.Knobs{})
			if _, err := rp.signIn(t); err != nil {
				t.Fatalf("sign-in after the knob is off refused: %v", err)
			}
		})
	}
}

func contains(s string) func(error) bool {
	return func(err error) bool { return strings.Contains(err.Error(), s) }
}

func TestErrorRedirect(t *testing.T) {
	t.Parallel()
	p := start(t, oidctest.Config{User: alice})
	p.SetKnobs(oidctest.Knobs{AuthorizeError: "access_denied"})
	back := visit(t, p.Issuer()+oidctest.AuthorizePath+"?"+url.Values{
		"client_id": {p.ClientID()}, "redirect_uri": {callback + "?keep=1"}, "response_type": {"code"}, "state": {"xyz"},
	}.Encode())
	q := back.Query()
	if q.Get("error") != "access_denied" || q.Get("error_description") == "" || q.Get("state") != "xyz" || q.Has("code") || q.Get("keep") != "1" {
		t.Fatalf("error redirect %s", back)
	}
}

func TestUnverifiedEmail(t *testing.T) {
	t.Parallel()
	p := start(t, oidctest.Config{User: alice})
	rp := discover(t, p)
	unverified := alice
	unverified.EmailVerified = false
	p.SetUser(unverified)
	// go-oidc accepts the token: refusing an unverified address is the
	// relying party's rule, and the claim reaches it.
	res, err := rp.signIn(t)
	if err != nil {
		t.Fatal(err)
	}
	if res.claims["email"] != alice.Email || res.claims["email_verified"] != false {
		t.Fatalf("claims %+v, want the address unverified", res.claims)
	}
}

func TestProviderDown(t *testing.T) {
	t.Parallel()
	p := start(t, oidctest.Config{User: alice})
	p.SetKnobs(oidctest.Knobs{Down: true})
	_, err := oidc.NewProvider(t.Context(), p.Issuer())
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("discovery while down: %v, want a 503 error", err)
	}
	for _, path := range []string{oidctest.JWKSPath, oidctest.AuthorizePath} {
		resp, err := http.Get(p.Issuer() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("%s while down: %s", path, resp.Status)
		}
	}
	p.SetKnobs(oidctest.Knobs{})
	if _, err := discover(t, p).signIn(t); err != nil {
		t.Fatalf("sign-in once up: %v", err)
	}
}

func TestScopeGovernsClaims(t *testing.T) {
	t.Parallel()
	u := alice
	u.Claims = map[string]any{"tid": "tenant-1", "email_verified": "true"}
	p := start(t, oidctest.Config{User: u})
	rp := discover(t, p)
	rp.oauth.Scopes = []string{oidc.ScopeOpenID}
	res, err := rp.signIn(t)
	if err != nil {
		t.Fatal(err)
	}
	claims := res.claims
	if _, ok := claims["email"]; ok {
		t.Fatalf("email given without the email scope: %v", claims)
	}
	if _, ok := claims["name"]; ok {
		t.Fatalf("name given without the profile scope: %v", claims)
	}
	if claims["tid"] != "tenant-1" || claims["email_verified"] != "true" {
		t.Fatalf("extra claims %v", claims)
	}
}

// code runs the authorize step by hand and returns the code.
func code(t *testing.T, p *oidctest.Provider, redirectURI string, extra url.Values) string {
	t.Helper()
	q := url.Values{"client_id": {p.ClientID()}, "redirect_uri": {redirectURI}, "response_type": {"code"}, "scope": {"openid"}, "state": {"s"}}
	for k, v := range extra {
		q[k] = v
	}
	back := visit(t, p.Issuer()+oidctest.AuthorizePath+"?"+q.Encode())
	c := back.Query().Get("code")
	if c == "" {
		t.Fatalf("no code in %s", back)
	}
	return c
}

func TestTokenEndpointChecks(t *testing.T) {
	t.Parallel()
	verifier := oauth2.GenerateVerifier()
	withPKCE := url.Values{"code_challenge": {oauth2.S256ChallengeFromVerifier(verifier)}, "code_challenge_method": {"S256"}}
	tests := []struct {
		name        string
		pkce        url.Values
		conf        func(*oauth2.Config)
		opts        []oauth2.AuthCodeOption
		advance     time.Duration
		wantCode    string
		wantSuccess bool
	}{
		{name: "pkce, basic auth", pkce: withPKCE, opts: []oauth2.AuthCodeOption{oauth2.VerifierOption(verifier)}, wantSuccess: true},
		{name: "pkce, secret in the form", pkce: withPKCE, conf: func(c *oauth2.Config) { c.Endpoint.AuthStyle = oauth2.AuthStyleInParams }, opts: []oauth2.AuthCodeOption{oauth2.VerifierOption(verifier)}, wantSuccess: true},
		{name: "no pkce", wantSuccess: true},
		{name: "wrong verifier", pkce: withPKCE, opts: []oauth2.AuthCodeOption{oauth2.VerifierOption(oauth2.GenerateVerifier())}, wantCode: "invalid_grant"},
		{name: "missing verifier", pkce: withPKCE, wantCode: "invalid_grant"},
		{name: "verifier without challenge", opts: []oauth2.AuthCodeOption{oauth2.VerifierOption(verifier)}, wantCode: "invalid_grant"},
		{name: "wrong secret", pkce: withPKCE, conf: func(c *oauth2.Config) { c.ClientSecret = "wrong" }, opts: []oauth2.AuthCodeOption{oauth2.VerifierOption(verifier)}, wantCode: "invalid_client"},
		{name: "wrong secret in the form", pkce: withPKCE, conf: func(c *oauth2.Config) { c.ClientSecret, c.Endpoint.AuthStyle = "wrong", oauth2.AuthStyleInParams }, opts: []oauth2.AuthCodeOption{oauth2.VerifierOption(verifier)}, wantCode: "invalid_client"},
		{name: "other redirect_uri", pkce: withPKCE, conf: func(c *oauth2.Config) { c.RedirectURL = callback + "/other" }, opts: []oauth2.AuthCodeOption{oauth2.VerifierOption(verifier)}, wantCode: "invalid_grant"},
		{name: "expired code", pkce: withPKCE, opts: []oauth2.AuthCodeOption{oauth2.VerifierOption(verifier)}, advance: 61 * time.Second, wantCode: "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var skew atomic.Int64
			p := start(t, oidctest.Config{User: alice, Now: func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }})
			c := code(t, p, callback, tt.pkce)
			skew.Store(int64(tt.advance))
			conf := &oauth2.Config{ClientID: p.ClientID(), ClientSecret: p.ClientSecret(), RedirectURL: callback,
				Endpoint: oauth2.Endpoint{TokenURL: p.Issuer() + oidctest.TokenPath, AuthStyle: oauth2.AuthStyleInHeader}}
			if tt.conf != nil {
				tt.conf(conf)
			}
			tok, err := conf.Exchange(t.Context(), c, tt.opts...)
			if tt.wantSuccess {
				if err != nil {
					t.Fatalf("exchange refused: %v", err)
				}
				if tok.AccessToken == "" || tok.Extra("id_token") == nil {
					t.Fatalf("token %+v", tok)
				}
				// The code is single use.
				if _, err := conf.Exchange(t.Context(), c, tt.opts...); !isRetrieveError(err, "invalid_grant") {
					t.Fatalf("second exchange of the code: %v, want invalid_grant", err)
				}
				return
			}
			if !isRetrieveError(err, tt.wantCode) {
				t.Fatalf("exchange: %v, want %s", err, tt.wantCode)
			}
		})
	}
}

func isRetrieveError(err error, code string) bool {
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && re.ErrorCode == code
}

func TestAuthorizeRefusals(t *testing.T) {
	t.Parallel()
	p := start(t, oidctest.Config{User: alice, RedirectURIs: []string{callback}})
	base := url.Values{"client_id": {p.ClientID()}, "redirect_uri": {callback}, "response_type": {"code"}, "state": {"s"}}
	with := func(k, v string) url.Values {
		q := url.Values{}
		for key, vals := range base {
			q[key] = vals
		}
		q.Set(k, v)
		return q
	}
	// Errors about the client or the redirect URI are shown, never redirected.
	for name, q := range map[string]url.Values{
		"unknown client":           with("client_id", "other"),
		"unregistered redirect":    with("redirect_uri", "https://evil.example/cb"),
		"redirect with extra path": with("redirect_uri", callback+"/x"),
	} {
		resp, err := noFollow.Get(p.Issuer() + oidctest.AuthorizePath + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Errorf("%s: %s Location %q, want 400 without redirect", name, resp.Status, resp.Header.Get("Location"))
		}
	}
	// Other errors go back to the client.
	for name, tc := range map[string]struct {
		q    url.Values
		want string
	}{
		"implicit flow":        {with("response_type", "token"), "unsupported_response_type"},
		"plain pkce":           {with("code_challenge", "abc"), "invalid_request"}, // method defaults to plain
		"method, no challenge": {with("code_challenge_method", "S256"), "invalid_request"},
	} {
		back := visit(t, p.Issuer()+oidctest.AuthorizePath+"?"+tc.q.Encode())
		if back.Query().Get("error") != tc.want || back.Query().Get("state") != "s" || back.Query().Has("code") {
			t.Errorf("%s: redirected to %s, want error=%s", name, back, tc.want)
		}
	}
}

func TestUserinfoNeedsToken(t *testing.T) {
	t.Parallel()
	p := start(t, oidctest.Config{User: alice})
	for _, auth := range []string{"", "Bearer nope", "Basic dGVzdDp0ZXN0"} {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, p.Issuer()+oidctest.UserinfoPath, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Fatalf("userinfo with %q: %s", auth, resp.Status)
		}
	}
}

func TestSharedKey(t *testing.T) {
	t.Parallel()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p := oidctest.Start(t, oidctest.Config{User: alice, Key: key})
	if _, err := discover(t, p).signIn(t); err != nil {
		t.Fatalf("sign-in with a given ES256 key: %v", err)
	}
	if _, err := oidctest.New(oidctest.Config{Key: key, Algorithm: oidctest.RS256}); err == nil {
		t.Fatal("an ECDSA key was accepted for RS256")
	}
	if _, err := oidctest.New(oidctest.Config{Algorithm: "HS256"}); err == nil {
		t.Fatal("HS256 was accepted")
	}
}

// Microsoft's multi-tenant endpoints: discovery under /common/v2.0 names a
// template issuer, and ID tokens carry the tenant's issuer and a tid claim.
func TestMultiTenantIssuer(t *testing.T) {
	t.Parallel()
	u := alice
	u.Claims = map[string]any{"tid": "tenant-1"}
	p := start(t, oidctest.Config{User: u, Path: "/common/v2.0", DiscoveryIssuer: func(iss string) string {
		return strings.Replace(iss, "/common/", "/{tenantid}/", 1)
	}})
	base := strings.TrimSuffix(p.Issuer(), "/common/v2.0")
	p.SetKnobs(oidctest.Knobs{Issuer: base + "/tenant-1/v2.0"})

	var mismatch *oidc.IssuerMismatchError
	if _, err := oidc.NewProvider(t.Context(), p.Issuer()); !errors.As(err, &mismatch) || mismatch.Discovered != base+"/{tenantid}/v2.0" {
		t.Fatalf("discovery of a template issuer: %v, want go-oidc's issuer mismatch", err)
	}
	ctx := oidc.InsecureIssuerURLContext(t.Context(), base+"/{tenantid}/v2.0")
	provider, err := oidc.NewProvider(ctx, p.Issuer())
	if err != nil {
		t.Fatal(err)
	}
	if provider.Endpoint().TokenURL != p.Issuer()+oidctest.TokenPath {
		t.Fatalf("token endpoint %q", provider.Endpoint().TokenURL)
	}
	rp := &relyingParty{
		provider: provider,
		oauth: &oauth2.Config{ClientID: p.ClientID(), ClientSecret: p.ClientSecret(), Endpoint: provider.Endpoint(),
			RedirectURL: callback, Scopes: []string{oidc.ScopeOpenID, "email"}},
		// The relying party checks iss against the template with the tid
		// claim itself.
		verifier: provider.VerifierContext(ctx, &oidc.Config{ClientID: p.ClientID(), SkipIssuerCheck: true}),
	}
	res, err := rp.signIn(t)
	if err != nil {
		t.Fatal(err)
	}
	if tid := res.claims["tid"]; tid != "tenant-1" || res.idToken.Issuer != strings.Replace(mismatch.Discovered, "{tenantid}", "tenant-1", 1) {
		t.Fatalf("iss %q tid %v", res.idToken.Issuer, tid)
	}
	if _, err := oidctest.New(oidctest.Config{Path: "common/"}); err == nil {
		t.Fatal("a path without a leading slash was accepted")
	}
}
