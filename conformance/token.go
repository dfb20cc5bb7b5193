package conformance

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fastauth/fastauth/ginauth"
)

// tokenScenarios lists the scenarios of this domain: access-token claims,
// verification, expiry, secret rotation, cookie configuration and cookie
// lifetimes.
func tokenScenarios() []scenario {
	return []scenario{
		{name: "AccessToken/Claims", run: accessTokenClaims},
		{name: "AccessToken/ValidUntilExpiry", run: accessTokenValidUntilExpiry},
		{name: "AccessToken/ExpiredGivesTokenExpired", run: accessTokenExpired},
		{name: "AccessToken/NoSilentRefresh", run: accessTokenNoSilentRefresh},
		{name: "AccessToken/VerifiedWithoutStore", run: accessTokenWithoutStore},
		{name: "AccessToken/ForgedRejectedAndCookiesCleared", run: accessTokenForged},
		{name: "AccessToken/SignedButRefusedKeepsRefreshCookie", run: accessTokenSignedRefused},
		{name: "AccessToken/ClockSkewBetweenInstances", run: accessTokenClockSkew},
		{name: "AccessToken/NoClockSkew", config: func(c *ginauth.Config) { c.ClockSkew = -1 }, run: accessTokenNoClockSkew},
		{name: "AccessToken/PreviousSecretStillVerifies", config: func(c *ginauth.Config) { c.PreviousSecrets = [][]byte{previousSecret} }, run: accessTokenPreviousSecret},
		{name: "Cookies/AttributesConfigurable", config: cookieAttributesConfig, run: cookieAttributes},
		{name: "Cookies/AccessCookieLivesWithTheSession", run: accessCookieLivesWithSession},
		{name: "Cookies/CustomBasePathAndNames", config: customBasePathConfig, run: customBasePath},
	}
}

// previousSecret is the retired secret of the rotation scenario.
var previousSecret = []byte("conformance-previous-secret-0123456789abcdef")

func accessTokenClaims(t *testing.T, h *Harness) {
	c, up := h.SignUp(t)
	tok := c.AccessToken()
	if len(tok) > 2048 {
		t.Errorf("access token is %d bytes; keep it small (cookies over 4096 bytes are dropped)", len(tok))
	}
	header, claims := jwtParts(t, tok)
	if header["alg"] != "HS256" {
		t.Fatalf("alg %v, want HS256", header["alg"])
	}
	if kid, _ := header["kid"].(string); kid == "" {
		t.Fatalf("no kid header: %v", header)
	}
	for _, name := range []string{"iss", "aud", "exp", "iat", "sub", "sid", "email", "org", "org_role", "role", "aal", "amr", "auth_time"} {
		if _, ok := claims[name]; !ok {
			t.Fatalf("claim %q missing: %v", name, claims)
		}
	}
	want := map[string]string{
		"iss": h.Config.Issuer, "sub": up.User.ID, "email": up.User.Email,
		"org": up.Organization.ID, "org_role": "owner", "role": "authenticated",
	}
	for k, v := range want {
		if claims[k] != v {
			t.Errorf("claim %s = %v, want %q", k, claims[k], v)
		}
	}
	switch aud := claims["aud"].(type) {
	case string:
		if aud != h.Config.Audience {
			t.Errorf("aud %q, want %q", aud, h.Config.Audience)
		}
	case []any:
		if len(aud) != 1 || aud[0] != h.Config.Audience {
			t.Errorf("aud %v, want [%q]", aud, h.Config.Audience)
		}
	default:
		t.Errorf("aud %v has the wrong type", claims["aud"])
	}
	iat, _ := claims["iat"].(float64)
	exp, _ := claims["exp"].(float64)
	if int64(iat) != Epoch.Unix() {
		t.Errorf("iat %v, want the injected clock %d", claims["iat"], Epoch.Unix())
	}
	if time.Duration(exp-iat)*time.Second != h.Config.AccessTokenTTL {
		t.Errorf("exp - iat = %vs, want AccessTokenTTL %s", exp-iat, h.Config.AccessTokenTTL)
	}
	sid, _ := claims["sid"].(string)
	expectUUIDv7(t, "sid", sid)
	if _, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[2]); err != nil {
		t.Fatalf("signature part: %v", err)
	}
}

func accessTokenValidUntilExpiry(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	h.Clock.Advance(h.Config.AccessTokenTTL - time.Second)
	c.whoami(t)
	c.Get(h.Path("/me")).Expect(t, http.StatusOK)
}

func accessTokenExpired(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	h.Clock.Advance(h.Config.AccessTokenTTL + time.Second)
	for _, path := range []string{"/api/whoami", "/api/owner", h.Path("/me"), h.Path("/sessions")} {
		r := c.Get(path)
		expectError(t, r, http.StatusUnauthorized, "token_expired")
		// Merely expired: the cookies stay, so the client can refresh.
		h.expectNotCleared(t, r)
	}
	// Expired counts for unsafe methods too.
	expectError(t, c.Post("/api/whoami", nil), http.StatusUnauthorized, "token_expired")
	// The client refreshes and retries once.
	c.Refresh().Expect(t, http.StatusOK)
	c.whoami(t)
}

// accessTokenNoSilentRefresh: an expired access token gets 401 even when
// the request also carries a valid refresh token, which stays unconsumed.
func accessTokenNoSilentRefresh(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	access, refresh := c.AccessToken(), c.RefreshToken()
	h.Clock.Advance(h.Config.AccessTokenTTL + time.Second)
	// Send both cookies to the application route (the refresh cookie is
	// normally scoped to the base path; here it is sent everywhere).
	d := h.withAccess(access)
	d.SetCookie(h.refreshName(), refresh)
	for _, r := range []*Response{d.Get("/api/whoami"), d.Get(h.Path("/me")), d.Get("/api/owner")} {
		expectError(t, r, http.StatusUnauthorized, "token_expired")
		if ck := r.SetCookie(h.accessName()); ck != nil && ck.Value != "" {
			t.Fatalf("%s %s: a new access cookie was issued silently", r.Method, r.Path)
		}
		if ck := r.SetCookie(h.refreshName()); ck != nil && ck.Value != "" {
			t.Fatalf("%s %s: the refresh token was rotated silently", r.Method, r.Path)
		}
	}
	// Far past the grace window: had the refresh token been consumed
	// above, presenting it now would fail.
	h.Clock.Advance(h.Config.RefreshReuseGrace + time.Second)
	h.expectRefreshWorks(t, refresh)
}

func accessTokenForged(t *testing.T, h *Harness) {
	victim, _ := h.SignUp(t)
	_, otherBody := h.SignUp(t)
	genuine := victim.AccessToken()
	header, claims := jwtParts(t, genuine)
	kid, _ := header["kid"].(string)
	secret := h.Config.Secret
	wrongSecret := []byte(strings.Repeat("w", 32))
	parts := strings.Split(genuine, ".")
	tampered := func(changes map[string]any) string {
		b, err := json.Marshal(copyMap(claims, changes))
		if err != nil {
			t.Fatal(err)
		}
		return parts[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + parts[2]
	}
	kidHeader := map[string]any{"kid": kid}
	past := float64(Epoch.Add(-time.Hour).Unix())

	// The control: our forger, with the real secret and kid, makes a token
	// the server accepts. Every case below differs from it in one way.
	control := forge(t, jwt.SigningMethodHS256, secret, kidHeader, claims)
	if w := h.withAccess(control).whoami(t); w.UserID != claims["sub"] {
		t.Fatalf("control token: whoami %+v", w)
	}

	cases := map[string]string{
		"garbage":                 "abc",
		"empty signature":         parts[0] + "." + parts[1] + ".",
		"alg none":                unsigned(t, kidHeader, claims),
		"alg none without kid":    unsigned(t, nil, claims),
		"HS256 wrong secret":      forge(t, jwt.SigningMethodHS256, wrongSecret, kidHeader, claims),
		"HS384 right secret":      forge(t, jwt.SigningMethodHS384, secret, kidHeader, claims),
		"HS512 right secret":      forge(t, jwt.SigningMethodHS512, secret, kidHeader, claims),
		"tampered sub":            tampered(map[string]any{"sub": otherBody.User.ID}),
		"tampered exp":            tampered(map[string]any{"exp": float64(Epoch.Add(24 * time.Hour).Unix())}),
		"unknown kid":             forge(t, jwt.SigningMethodHS256, secret, map[string]any{"kid": "not-a-known-kid"}, claims),
		"expired and wrong key":   forge(t, jwt.SigningMethodHS256, wrongSecret, kidHeader, copyMap(claims, map[string]any{"exp": past})),
		"expired and unknown kid": forge(t, jwt.SigningMethodHS256, secret, map[string]any{"kid": "not-a-known-kid"}, copyMap(claims, map[string]any{"exp": past})),
	}
	for name, tok := range cases {
		// Each attempt comes from a browser that also holds a valid refresh
		// cookie: an invalid access cookie clears both.
		c := h.withTokens(tok, victim.RefreshToken())
		r := c.Get("/api/whoami")
		if r.Status != http.StatusUnauthorized || r.Code() != "invalid_token" {
			t.Errorf("%s: %d %s, want 401 invalid_token", name, r.Status, r.Body)
			continue
		}
		h.expectCleared(t, c, r)
		// The principal is never set, not even for unprotected routes.
		d := h.withAccess(tok)
		var pub struct{ Authenticated bool }
		d.Get("/public").Expect(t, http.StatusOK).Decode(t, &pub)
		if pub.Authenticated {
			t.Errorf("%s: /public sees a principal", name)
		}
	}
	// The victim's real session was not harmed by any of it.
	victim.whoami(t)
	victim.Refresh().Expect(t, http.StatusOK)
}

// accessTokenSignedRefused: a token signed with the server's secret but
// refused for its claims (no exp, another issuer or audience, a fastauth
// claim missing, an iat or nbf beyond the clock skew) gets 401
// invalid_token and loses the access cookie, but never the refresh cookie:
// it is no forgery, and the client gets a fresh token with a refresh.
func accessTokenSignedRefused(t *testing.T, h *Harness) {
	victim, _ := h.SignUp(t)
	header, claims := jwtParts(t, victim.AccessToken())
	kidHeader := map[string]any{"kid": header["kid"]}
	ahead := float64(Epoch.Add(h.Config.ClockSkew + time.Minute).Unix())
	for name, changes := range map[string]map[string]any{
		"missing exp":               {"exp": nil},
		"wrong iss":                 {"iss": "someone-else"},
		"wrong aud":                 {"aud": "someone-else"},
		"missing aud":               {"aud": nil},
		"missing sub":               {"sub": nil},
		"missing sid":               {"sid": nil},
		"iat beyond the skew":       {"iat": ahead},
		"nbf beyond the skew":       {"nbf": ahead},
		"expired, wrong iss":        {"exp": float64(Epoch.Add(-time.Hour).Unix()), "iss": "someone-else"},
		"expired, iat beyond it":    {"exp": float64(Epoch.Add(-time.Hour).Unix()), "iat": ahead},
		"unknown organization role": {"org_role": "root"},
	} {
		tok := forge(t, jwt.SigningMethodHS256, h.Config.Secret, kidHeader, copyMap(claims, changes))
		c := h.withTokens(tok, victim.RefreshToken())
		r := c.Get("/api/whoami")
		if r.Status != http.StatusUnauthorized || r.Code() != "invalid_token" {
			t.Errorf("%s: %d %s, want 401 invalid_token", name, r.Status, r.Body)
			continue
		}
		if ck := r.SetCookie(h.accessName()); !cookieCleared(ck) {
			t.Errorf("%s: access cookie not cleared (Set-Cookie %v)", name, ck)
		}
		if ck := r.SetCookie(h.refreshName()); ck != nil {
			t.Errorf("%s: a correctly signed token touched the refresh cookie: %v", name, ck)
		}
		if c.RefreshToken() != victim.RefreshToken() {
			t.Errorf("%s: the refresh cookie left the jar", name)
		}
	}
	// The refresh cookie still works.
	victim.Refresh().Expect(t, http.StatusOK)
	victim.whoami(t)
}

// accessTokenClockSkew: two instances sharing the secret and the database
// whose clocks differ by less than Config.ClockSkew (default 60 s) accept
// each other's fresh tokens; a token from an instance further ahead is
// refused without signing the user out (the refresh cookie stays and
// works). exp gets no leeway.
func accessTokenClockSkew(t *testing.T, h *Harness) {
	if h.Config.ClockSkew != time.Minute {
		t.Fatalf("default ClockSkew = %s, want 1m", h.Config.ClockSkew)
	}
	for _, d := range []time.Duration{1500 * time.Millisecond, 30 * time.Second, h.Config.ClockSkew - time.Second} {
		ahead := NewHarness(t, h.Backend, func(c *ginauth.Config) { c.Secret = h.Config.Secret })
		ahead.Clock.Advance(d)
		c, up := ahead.SignUp(t)
		// The same browser, its next request served by the instance
		// whose clock is behind.
		b := h.withTokens(c.AccessToken(), c.RefreshToken())
		if w := b.whoami(t); w.UserID != up.User.ID {
			t.Fatalf("ahead by %s: whoami %+v", d, w)
		}
		h.expectNotCleared(t, b.Get(h.Path("/me")).Expect(t, http.StatusOK))
		// And back: a token the instance behind minted is fine ahead.
		b.Refresh().Expect(t, http.StatusOK)
		if w := ahead.withAccess(b.AccessToken()).whoami(t); w.UserID != up.User.ID {
			t.Fatalf("behind by %s: whoami %+v", d, w)
		}
	}

	// Beyond the skew: refused, but the user stays signed in.
	far := NewHarness(t, h.Backend, func(c *ginauth.Config) { c.Secret = h.Config.Secret })
	far.Clock.Advance(h.Config.ClockSkew + 2*time.Second)
	c, up := far.SignUp(t)
	b := h.withTokens(c.AccessToken(), c.RefreshToken())
	r := b.Get("/api/whoami")
	expectError(t, r, http.StatusUnauthorized, "invalid_token")
	if ck := r.SetCookie(h.refreshName()); ck != nil {
		t.Fatalf("a token from a clock %s ahead touched the refresh cookie: %v", h.Config.ClockSkew+2*time.Second, ck)
	}
	b.Refresh().Expect(t, http.StatusOK)
	if w := b.whoami(t); w.UserID != up.User.ID {
		t.Fatalf("after refresh: whoami %+v", w)
	}

	// exp has no leeway: one second past it the token has expired, even
	// though the skew is a minute.
	d, _ := h.SignUp(t)
	h.Clock.Advance(h.Config.AccessTokenTTL + time.Second)
	expectError(t, d.Get("/api/whoami"), http.StatusUnauthorized, "token_expired")
}

// accessTokenNoClockSkew: with ClockSkew negative, a token issued one
// second in this instance's future is refused (and the refresh cookie
// kept).
func accessTokenNoClockSkew(t *testing.T, h *Harness) {
	if h.Config.ClockSkew >= 0 {
		t.Fatalf("ClockSkew = %s, want it negative as configured", h.Config.ClockSkew)
	}
	ahead := NewHarness(t, h.Backend, func(c *ginauth.Config) { c.Secret = h.Config.Secret })
	ahead.Clock.Advance(time.Second)
	c, _ := ahead.SignUp(t)
	b := h.withTokens(c.AccessToken(), c.RefreshToken())
	r := b.Get("/api/whoami")
	expectError(t, r, http.StatusUnauthorized, "invalid_token")
	if ck := r.SetCookie(h.refreshName()); ck != nil {
		t.Fatalf("the refresh cookie was touched: %v", ck)
	}
	// Once this clock reaches the iat, the token is good.
	h.Clock.Advance(time.Second)
	b.SetCookie(h.accessName(), c.AccessToken())
	b.whoami(t)
}

// accessTokenPreviousSecret: tokens signed before a secret rotation (by an
// instance whose current secret is now in PreviousSecrets) still verify.
func accessTokenPreviousSecret(t *testing.T, h *Harness) {
	before := NewHarness(t, h.Backend, func(c *ginauth.Config) { c.Secret = previousSecret })
	old, up := before.SignUp(t)
	oldToken := old.AccessToken()
	w := h.withAccess(oldToken).whoami(t)
	if w.UserID != up.User.ID {
		t.Fatalf("whoami with a previous-secret token: %+v, want user %s", w, up.User.ID)
	}
	// A token of a secret that is neither current nor previous is refused.
	stranger := NewHarness(t, h.Backend, nil)
	s, _ := stranger.SignUp(t)
	c := h.withAccess(s.AccessToken())
	expectError(t, c.Get("/api/whoami"), http.StatusUnauthorized, "invalid_token")
	// New tokens are signed with the current secret, under another kid.
	fresh, _ := h.SignUp(t)
	oldHeader, _ := jwtParts(t, oldToken)
	newHeader, _ := jwtParts(t, fresh.AccessToken())
	if oldHeader["kid"] == newHeader["kid"] {
		t.Fatalf("current and previous secrets share the kid %v", newHeader["kid"])
	}
	if _, err := jwt.Parse(fresh.AccessToken(), func(*jwt.Token) (any, error) { return h.Config.Secret, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(h.Clock.Now)); err != nil {
		t.Fatalf("new token is not signed by the current secret: %v", err)
	}
	// The old session's refresh (served by the rotated instance) issues a
	// token under the current secret.
	r := h.withRefresh(old.RefreshToken())
	r.Refresh().Expect(t, http.StatusOK)
	rh, _ := jwtParts(t, r.AccessToken())
	if rh["kid"] != newHeader["kid"] {
		t.Fatalf("refresh after rotation signed with kid %v, want the current %v", rh["kid"], newHeader["kid"])
	}
}

func cookieAttributesConfig(c *ginauth.Config) {
	c.Cookie = ginauth.CookieConfig{SameSite: http.SameSiteStrictMode, Domain: "app.example"}
	c.AccessTokenTTL = 5 * time.Minute
	c.RefreshTokenTTL = 48 * time.Hour
}

// cookieAttributes: Secure by default, SameSite and Domain configurable,
// Max-Age following the configured lifetimes, on set and on clear.
func cookieAttributes(t *testing.T, h *Harness) {
	r := h.NewClient().Post(h.Path("/sign-up"), credentials(h.Email(), Password)).Expect(t, http.StatusOK)
	check := func(r *Response, name, path string, maxAge int) {
		t.Helper()
		ck := r.SetCookie(name)
		if ck == nil {
			t.Fatalf("%s %s: no Set-Cookie %s", r.Method, r.Path, name)
		}
		if !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Domain != "app.example" || ck.Path != path {
			t.Fatalf("%s %s: cookie %s attributes %+v, want Secure HttpOnly SameSite=Strict Domain=app.example Path=%s", r.Method, r.Path, name, ck, path)
		}
		if maxAge > 0 && ck.MaxAge != maxAge {
			t.Fatalf("%s %s: cookie %s Max-Age %d, want %d", r.Method, r.Path, name, ck.MaxAge, maxAge)
		}
		if maxAge < 0 && !cookieCleared(ck) {
			t.Fatalf("%s %s: cookie %s not cleared", r.Method, r.Path, name)
		}
	}
	check(r, h.accessName(), "/", 48*3600) // the session's lifetime, not the token's 300 s
	check(r, h.refreshName(), "/auth", 48*3600)
	// Clearing must repeat Domain and Path, or browsers keep the cookies.
	out := h.withRefresh(r.SetCookie(h.refreshName()).Value).Post(h.Path("/sign-out"), nil).Expect(t, http.StatusOK)
	check(out, h.accessName(), "/", -1)
	check(out, h.refreshName(), "/auth", -1)
}

func customBasePathConfig(c *ginauth.Config) {
	c.BasePath = "/identity"
	c.Cookie.AccessName = "app_at"
	c.Cookie.RefreshName = "app_rt"
}

func customBasePath(t *testing.T, h *Harness) {
	if h.Config.BasePath != "/identity" {
		t.Fatalf("BasePath %q", h.Config.BasePath)
	}
	email := h.Email()
	c := h.NewClient()
	r := c.Post("/identity/sign-up", credentials(email, Password)).Expect(t, http.StatusOK)
	expectAuthHeaders(t, r)
	at, rt := r.SetCookie("app_at"), r.SetCookie("app_rt")
	if at == nil || rt == nil || at.Path != "/" || rt.Path != "/identity" {
		t.Fatalf("cookies %v / %v, want app_at on / and app_rt on /identity", at, rt)
	}
	if r.SetCookie("access_token") != nil || r.SetCookie("refresh_token") != nil {
		t.Fatal("default cookie names used despite the configuration")
	}
	c.whoami(t)
	c.Get("/identity/me").Expect(t, http.StatusOK)
	c.Post("/identity/refresh", nil).Expect(t, http.StatusOK)
	if len(c.sessions(t)) != 1 {
		t.Fatal("want one session")
	}
	h.NewClient().SignIn(t, email, Password)
	// Nothing lives under the default path.
	if r := h.NewClient().Post("/auth/sign-up", credentials(h.Email(), Password)); r.Status != http.StatusNotFound {
		t.Fatalf("POST /auth/sign-up with BasePath /identity: %d, want 404", r.Status)
	}
	// The default cookie names carry no credentials.
	d := h.NewClient()
	d.SetCookie("access_token", c.Cookie("app_at", "/"))
	expectError(t, d.Get("/api/whoami"), http.StatusUnauthorized, "invalid_token")
	// Sign-out clears the custom cookies on their paths.
	out := c.Post("/identity/sign-out", nil).Expect(t, http.StatusOK)
	h.expectCleared(t, c, out)
}

// noStore is a backend whose every method panics (a nil embedded
// interface): a server on it proves which requests never touch the store.
type noStore struct{ ginauth.Backend }

// accessTokenWithoutStore: access tokens are verified with no store access,
// by RequireUser and RequireRole alike.
func accessTokenWithoutStore(t *testing.T, h *Harness) {
	c, up := h.SignUp(t)
	tok := c.AccessToken()
	cut := NewHarness(t, noStore{}, func(cfg *ginauth.Config) { cfg.Secret = h.Config.Secret })
	d := cut.withAccess(tok)
	for _, path := range []string{"/api/whoami", "/api/member", "/api/admin", "/api/owner"} {
		r := d.Get(path)
		if r.Err != nil {
			t.Fatalf("GET %s touched the store: %v", path, r.Err)
		}
		var w Whoami
		r.Expect(t, http.StatusOK).Decode(t, &w)
		if w.UserID != up.User.ID || w.OrganizationID != up.Organization.ID {
			t.Fatalf("GET %s: %+v", path, w)
		}
	}
	cut.Clock.Advance(h.Config.AccessTokenTTL + time.Second)
	if r := d.Get("/api/whoami"); r.Err != nil || r.Status != http.StatusUnauthorized {
		t.Fatalf("expired token on a store-less server: %v %d", r.Err, r.Status)
	}
}

// accessCookieLivesWithSession: the access cookie's Max-Age is the rest of
// the session, on every response that sets it (sign-in, refresh, switch,
// fallback after leaving the active organization), never the token's own
// lifetime, and never shorter than the token.
func accessCookieLivesWithSession(t *testing.T, h *Harness) {
	maxAge := func(r *Response) time.Duration {
		t.Helper()
		ck := r.SetCookie(h.accessName())
		if ck == nil || ck.Value == "" {
			t.Fatalf("%s %s: no access cookie set", r.Method, r.Path)
		}
		return time.Duration(ck.MaxAge) * time.Second
	}
	email := h.Email()
	h.SignUpAs(t, email)
	c := h.NewClient()
	if got := maxAge(c.Post(h.Path("/sign-in"), credentials(email, Password)).Expect(t, http.StatusOK)); got != h.Config.RefreshTokenTTL {
		t.Fatalf("sign-in: access cookie Max-Age %s, want the session's %s", got, h.Config.RefreshTokenTTL)
	}
	h.Clock.Advance(time.Hour)
	left := h.Config.RefreshTokenTTL - time.Hour
	if got := maxAge(c.Refresh().Expect(t, http.StatusOK)); got != left {
		t.Fatalf("refresh an hour in: access cookie Max-Age %s, want %s", got, left)
	}
	org := c.createOrganization(t, "Cookie Life")
	r := c.Post(h.Path("/organizations/current"), map[string]string{"organization_id": org}).Expect(t, http.StatusOK)
	if got := maxAge(r); got != left {
		t.Fatalf("switch: access cookie Max-Age %s, want %s", got, left)
	}
	// Deleting the active organization falls back to the personal
	// workspace with a new cookie of the same life.
	r = c.Delete(h.Path("/organizations/"+org)).Expect(t, http.StatusOK)
	if got := maxAge(r); got != left {
		t.Fatalf("fallback after deleting the active organization: access cookie Max-Age %s, want %s", got, left)
	}
	// At the end of the session the cookie still lives as long as its token.
	h.Clock.Advance(left - time.Minute - h.Config.AccessTokenTTL/2)
	if got := maxAge(c.Refresh().Expect(t, http.StatusOK)); got != h.Config.AccessTokenTTL {
		t.Fatalf("refresh shortly before the session ends: access cookie Max-Age %s, want the token's %s", got, h.Config.AccessTokenTTL)
	}
}
