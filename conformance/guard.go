package conformance

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fastauth/fastauth/ginauth"
)

// guardScenarios lists the scenarios of this domain: RequireUser,
// RequireRole, bearer precedence and cross-origin protection.
func guardScenarios() []scenario {
	return []scenario{
		{name: "RequireUser/WithoutCredentials", run: guardWithoutCredentials},
		{name: "RequireRole/PersonalOwnerPassesEveryRole", run: guardPersonalOwner},
		{name: "RequireRole/Hierarchy", run: guardRoleHierarchy},
		{name: "Bearer/MalformedNeverFallsBackToCookie", run: guardMalformedBearer},
		{name: "Bearer/BeatsCookie", run: guardBearerBeatsCookie},
		{name: "Public/OptionalPrincipal", run: guardPublic},
		{name: "CrossOrigin/CookieRequestsRefused", run: guardCrossOrigin},
		{name: "CrossOrigin/TrustedOrigins", config: func(c *ginauth.Config) { c.TrustedOrigins = []string{"https://trusted.example"} }, run: guardTrustedOrigin},
		{name: "CrossOrigin/BearerExempt", run: guardCrossOriginBearer},
	}
}

var guardedRoutes = []string{"/api/whoami", "/api/member", "/api/admin", "/api/owner"}

func guardWithoutCredentials(t *testing.T, h *Harness) {
	c := h.NewClient()
	for _, p := range guardedRoutes {
		expectError(t, c.Get(p), http.StatusUnauthorized, "invalid_token")
	}
	expectError(t, c.Post("/api/whoami", nil), http.StatusUnauthorized, "invalid_token")
	// An empty access cookie is no credential either.
	c.SetCookie(h.accessName(), "")
	expectError(t, c.Get("/api/whoami"), http.StatusUnauthorized, "invalid_token")
}

func guardPersonalOwner(t *testing.T, h *Harness) {
	c, up := h.SignUp(t)
	for _, p := range guardedRoutes {
		var w Whoami
		c.Get(p).Expect(t, http.StatusOK).Decode(t, &w)
		want := Whoami{UserID: up.User.ID, Email: up.User.Email, OrganizationID: up.Organization.ID, OrganizationRole: "owner"}
		if w != want {
			t.Fatalf("GET %s: %+v, want %+v", p, w, want)
		}
	}
}

// guardRoleHierarchy: owner > admin > member in the active organization.
func guardRoleHierarchy(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Hierarchy")
	owner.switchOrganization(t, org)
	admin, _ := h.join(t, owner, org, "admin")
	member, _ := h.join(t, owner, org, "member")
	for _, tc := range []struct {
		who  string
		c    *Client
		pass map[string]bool
	}{
		{"owner", owner, map[string]bool{"/api/member": true, "/api/admin": true, "/api/owner": true}},
		{"admin", admin, map[string]bool{"/api/member": true, "/api/admin": true, "/api/owner": false}},
		{"member", member, map[string]bool{"/api/member": true, "/api/admin": false, "/api/owner": false}},
	} {
		if w := tc.c.whoami(t); w.OrganizationID != org || w.OrganizationRole != tc.who {
			t.Fatalf("%s: whoami %+v, want %s in %s", tc.who, w, tc.who, org)
		}
		for path, ok := range tc.pass {
			r := tc.c.Get(path)
			if ok {
				r.Expect(t, http.StatusOK)
				continue
			}
			expectError(t, r, http.StatusForbidden, "forbidden")
		}
	}
}

func guardMalformedBearer(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	c.whoami(t)
	for _, bearer := range []string{
		"Bearer sk-xyz",
		"Bearer abc",
		"Bearer sk-" + strings.Repeat("0", 64), // well-formed, unknown
		"Bearer sk-" + strings.Repeat("g", 64),
		"Bearer " + c.AccessToken(), // an access token is not a bearer credential
		"Bearer ",
		"Bearer",
	} {
		r := c.Do(http.MethodGet, "/api/whoami", nil, http.Header{"Authorization": {bearer}})
		if r.Status != http.StatusUnauthorized || r.Code() != "invalid_token" {
			t.Errorf("Authorization %q with a valid cookie: %d %s, want 401 invalid_token", bearer, r.Status, r.Body)
			continue
		}
		var pub struct{ Authenticated bool }
		c.Do(http.MethodGet, "/public", nil, http.Header{"Authorization": {bearer}}).Expect(t, http.StatusOK).Decode(t, &pub)
		if pub.Authenticated {
			t.Errorf("Authorization %q: /public fell back to the cookie", bearer)
		}
		expectError(t, c.Do(http.MethodGet, h.Path("/me"), nil, http.Header{"Authorization": {bearer}}), http.StatusUnauthorized, "invalid_token")
	}
	// The cookie itself is fine.
	c.whoami(t)
}

func guardBearerBeatsCookie(t *testing.T, h *Harness) {
	keyOwner, ko := h.SignUp(t)
	key := keyOwner.createAPIKey(t, "machine")
	c, cu := h.SignUp(t)
	c.Bearer(key.Key)
	w := c.whoami(t)
	if w.UserID != ko.User.ID || w.OrganizationID != ko.Organization.ID || w.OrganizationRole != "owner" {
		t.Fatalf("bearer + cookie: whoami %+v, want the key's user %s, not the cookie's %s", w, ko.User.ID, cu.User.ID)
	}
}

func guardPublic(t *testing.T, h *Harness) {
	var pub struct{ Authenticated bool }
	h.NewClient().Get("/public").Expect(t, http.StatusOK).Decode(t, &pub)
	if pub.Authenticated {
		t.Fatal("/public without credentials sees a principal")
	}
	c, _ := h.SignUp(t)
	c.Get("/public").Expect(t, http.StatusOK).Decode(t, &pub)
	if !pub.Authenticated {
		t.Fatal("/public with a valid cookie sees no principal")
	}
	// An expired token is no principal, and no error on a public route.
	h.Clock.Advance(h.Config.AccessTokenTTL + time.Second)
	c.Get("/public").Expect(t, http.StatusOK).Decode(t, &pub)
	if pub.Authenticated {
		t.Fatal("/public with an expired token sees a principal")
	}
}

func guardCrossOrigin(t *testing.T, h *Harness) {
	email := h.Email()
	c, _ := h.SignUpAs(t, email)
	other, _ := h.SignInNew(t, email)
	for _, hd := range []http.Header{
		{"Sec-Fetch-Site": {"cross-site"}},
		{"Sec-Fetch-Site": {"same-site"}},
		{"Origin": {"https://evil.example"}},
	} {
		expectError(t, c.Do(http.MethodPost, "/api/whoami", nil, hd), http.StatusForbidden, "forbidden")
		expectError(t, c.Do(http.MethodPost, h.Path("/sessions/revoke-others"), nil, hd), http.StatusForbidden, "forbidden")
		expectError(t, c.Do(http.MethodPost, h.Path("/password/change"), map[string]string{"current_password": Password, "new_password": "brand-new-pass-7"}, hd), http.StatusForbidden, "forbidden")
		// Safe methods are not refused.
		c.Do(http.MethodGet, "/api/whoami", nil, hd).Expect(t, http.StatusOK)
	}
	// Nothing happened: the other session lives, the password is unchanged.
	other.Refresh().Expect(t, http.StatusOK)
	h.NewClient().SignIn(t, email, Password)
	// Same-origin and non-browser requests pass.
	for _, hd := range []http.Header{
		{"Sec-Fetch-Site": {"same-origin"}},
		{"Sec-Fetch-Site": {"none"}},
		{"Origin": {h.URL}},
		nil,
	} {
		c.Do(http.MethodPost, "/api/whoami", nil, hd).Expect(t, http.StatusOK)
	}
}

func guardTrustedOrigin(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	c.Do(http.MethodPost, "/api/whoami", nil, http.Header{"Origin": {"https://trusted.example"}, "Sec-Fetch-Site": {"cross-site"}}).Expect(t, http.StatusOK)
	c.Do(http.MethodPost, "/api/whoami", nil, http.Header{"Origin": {"https://trusted.example"}}).Expect(t, http.StatusOK)
	expectError(t, c.Do(http.MethodPost, "/api/whoami", nil, http.Header{"Origin": {"https://untrusted.example"}, "Sec-Fetch-Site": {"cross-site"}}), http.StatusForbidden, "forbidden")
}

func guardCrossOriginBearer(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	key := owner.createAPIKey(t, "cross")
	m := h.NewClient()
	m.Bearer(key.Key)
	m.Do(http.MethodPost, "/api/whoami", nil, http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}}).Expect(t, http.StatusOK)
}
