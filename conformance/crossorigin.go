package conformance

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fastauth/fastauth/ginauth"
)

// crossOriginScenarios are the cross-site request rules of the auth routes
// (SECURITY.md, Cross-site requests). The application routes' rules are in guard.go.
func crossOriginScenarios() []scenario {
	return []scenario{
		{name: "AuthRoutes/CrossSiteRefused", run: crossOriginAuthRefused},
		{name: "AuthRoutes/SameOriginAllowed", run: crossOriginAuthAllowed},
		{name: "AuthRoutes/TrustedOrigin", config: func(c *ginauth.Config) {
			c.TrustedOrigins = []string{"https://app.example"}
		}, run: crossOriginAuthTrusted},
		{name: "AuthRoutes/BearerExempt", run: crossOriginAuthBearer},
		{name: "AuthRoutes/OnlyBearerAPIKeysExempt", run: crossOriginOtherAuthorization},
		{name: "AuthRoutes/ForgedRequestsSpendNoBucket", config: func(c *ginauth.Config) {
			c.RateLimit = ginauth.RateLimitConfig{PerIP: 1}
		}, run: crossOriginBeforeRateLimit},
	}
}

// crossSite are headers a browser sends on a request from another site.
func crossSite() []http.Header {
	return []http.Header{
		{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}},
		{"Sec-Fetch-Site": {"same-site"}, "Origin": {"https://sub.evil.example"}},
		{"Origin": {"https://evil.example"}}, // a browser without Sec-Fetch-Site
	}
}

// crossOriginAuthRefused: unsafe requests to the auth routes that the
// browser marks cross-origin get 403 forbidden and change nothing: no
// sign-in (login CSRF), no sign-up, no refresh, no sign-out, no mail.
func crossOriginAuthRefused(t *testing.T, h *Harness) {
	email := h.Email()
	c, _ := h.SignUpAs(t, email)
	refresh := c.RefreshToken()
	for _, hd := range crossSite() {
		newcomer := h.Email()
		for _, req := range []struct {
			path string
			body any
		}{
			{"/sign-in", credentials(email, Password)},
			{"/sign-up", credentials(newcomer, Password)},
			{"/refresh", nil},
			{"/sign-out", nil},
			{"/password/forgot", map[string]string{"email": email}},
			{"/email/confirm/send", map[string]string{"email": email}},
			{"/password/change", map[string]string{"current_password": Password, "new_password": "brand-new-pass-7"}},
		} {
			r := c.Do(http.MethodPost, h.Path(req.path), req.body, hd)
			expectError(t, r, http.StatusForbidden, "forbidden")
			if ck := r.SetCookie(h.accessName()); ck != nil && !cookieCleared(ck) {
				t.Fatalf("refused %s set an access cookie", req.path)
			}
		}
		// The refused sign-up created nothing.
		expectError(t, h.NewClient().Post(h.Path("/sign-in"), credentials(newcomer, Password)), http.StatusUnauthorized, "invalid_credentials")
	}
	// The refused refresh and sign-out left the session as it was.
	if c.RefreshToken() != refresh {
		t.Fatal("a refused request rotated the refresh token")
	}
	h.expectRefreshWorks(t, refresh)
	if n := settle(h, email, ginauth.MailPasswordReset); n != 0 {
		t.Fatalf("a refused forgot-password request sent %d mail(s)", n)
	}
	h.NewClient().SignIn(t, email, Password) // the password is unchanged
}

// crossOriginAuthAllowed: same-origin, user-initiated and non-browser
// requests pass, and safe methods are never refused.
func crossOriginAuthAllowed(t *testing.T, h *Harness) {
	email := h.Email()
	h.SignUpAs(t, email)
	for _, hd := range []http.Header{
		{"Sec-Fetch-Site": {"same-origin"}, "Origin": {h.URL}},
		{"Sec-Fetch-Site": {"none"}},
		{"Origin": {h.URL}},
		nil,
	} {
		c := h.NewClient()
		c.Do(http.MethodPost, h.Path("/sign-in"), credentials(email, Password), hd).Expect(t, http.StatusOK)
		c.Do(http.MethodPost, h.Path("/refresh"), nil, hd).Expect(t, http.StatusOK)
		c.Do(http.MethodGet, h.Path("/me"), nil, http.Header{"Sec-Fetch-Site": {"cross-site"}}).Expect(t, http.StatusOK)
		c.Do(http.MethodPost, h.Path("/sign-out"), nil, hd).Expect(t, http.StatusOK)
	}
}

// crossOriginAuthTrusted: a configured trusted origin may call the auth
// routes cross-origin; others still may not.
func crossOriginAuthTrusted(t *testing.T, h *Harness) {
	email := h.Email()
	h.SignUpAs(t, email)
	trusted := http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://app.example"}}
	c := h.NewClient()
	c.Do(http.MethodPost, h.Path("/sign-in"), credentials(email, Password), trusted).Expect(t, http.StatusOK)
	c.Do(http.MethodPost, h.Path("/refresh"), nil, trusted).Expect(t, http.StatusOK)
	c.Do(http.MethodPost, h.Path("/sign-in"), credentials(email, Password), http.Header{"Origin": {"https://app.example"}}).Expect(t, http.StatusOK)
	expectError(t, c.Do(http.MethodPost, h.Path("/sign-in"), credentials(email, Password),
		http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}}), http.StatusForbidden, "forbidden")
}

// crossOriginAuthBearer: requests with a bearer API key are exempt; a
// browser cannot attach one to a forged request.
func crossOriginAuthBearer(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	key := owner.createAPIKey(t, "cross")
	bot := h.bearer(key.Key)
	for _, hd := range crossSite() {
		r := bot.Do(http.MethodPost, h.Path("/organizations"), map[string]string{"name": "Made by a bot"}, hd)
		if r.Err != nil || r.Status == http.StatusForbidden || r.Status >= 500 {
			t.Fatalf("bearer POST /organizations cross-site: status %d, err %v; body %s", r.Status, r.Err, r.Body)
		}
	}
}

// crossOriginOtherAuthorization: only a well-formed bearer API key earns
// the exemption. A cross-site request with any other Authorization header
// (Basic, a malformed bearer, a JWT) is refused like one without: it signs
// nobody in and out, and changes nothing.
func crossOriginOtherAuthorization(t *testing.T, h *Harness) {
	email := h.Email()
	victim, _ := h.SignUpAs(t, email)
	refresh := victim.RefreshToken()
	for _, auth := range []string{
		"Basic YWRhOmNvcnJlY3QtaG9yc2UtNDI=", "Bearer sk-00", "Bearer " + victim.AccessToken(), "Bearer", "Bearer sk-" + strings.Repeat("0A", 32), "x",
	} {
		for _, hd := range crossSite() {
			hd = hd.Clone()
			hd.Set("Authorization", auth)
			for _, req := range []struct {
				path string
				body any
			}{
				{"/sign-in", credentials(email, Password)},
				{"/sign-out", nil},
				{"/refresh", nil},
				{"/password/forgot", map[string]string{"email": email}},
			} {
				expectError(t, victim.Do(http.MethodPost, h.Path(req.path), req.body, hd), http.StatusForbidden, "forbidden")
			}
		}
	}
	if victim.RefreshToken() != refresh {
		t.Fatal("a refused request rotated or cleared the refresh token")
	}
	h.expectRefreshWorks(t, refresh)
	if n := settle(h, email, ginauth.MailPasswordReset); n != 0 {
		t.Fatalf("a refused forgot-password request sent %d mail(s)", n)
	}
}

// crossOriginBeforeRateLimit: refused cross-site requests do not spend the
// victim's per-IP bucket.
func crossOriginBeforeRateLimit(t *testing.T, h *Harness) {
	email := h.Email()
	h.NewClient().Post(h.Path("/sign-up"), credentials(email, Password)).Expect(t, http.StatusOK)
	c := h.NewClient()
	for range 5 {
		expectError(t, c.Do(http.MethodPost, h.Path("/sign-in"), credentials(email, Password), crossSite()[0]), http.StatusForbidden, "forbidden")
	}
	c.SignIn(t, email, Password)
}
