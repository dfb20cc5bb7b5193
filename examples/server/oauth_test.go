package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fastauth/fastauth/internal/oidctest"
)

// TestSocialSignIn: with AUTH_OAUTH_PROVIDERS the module is mounted, the
// demo's provider list names the providers, and a browser signs in
// through an OpenID Connect provider (in process) whose callback URL is
// the app base URL + /auth/oauth/<name>/callback. Without it the routes
// are not mounted and the list is empty.
func TestSocialSignIn(t *testing.T) {
	idp := oidctest.Start(t, oidctest.Config{User: oidctest.User{Subject: "s-1", Email: "ada@example.com", EmailVerified: true}})
	srv := startServer(t, map[string]string{
		"AUTH_JWT_SECRET":               testSecret,
		"AUTH_OAUTH_PROVIDERS":          "corp",
		"AUTH_OAUTH_CORP_ISSUER":        idp.Issuer(),
		"AUTH_OAUTH_CORP_CLIENT_ID":     idp.ClientID(),
		"AUTH_OAUTH_CORP_CLIENT_SECRET": idp.ClientSecret(),
	})
	c := newClient(t)
	var providers []struct {
		Name        string `json:"name"`
		DisplayName string `json:"display_name"`
	}
	if got := call(t, c, "GET", srv.base+"/oauth/providers", nil, &providers); got != http.StatusOK || len(providers) != 1 || providers[0].Name != "corp" {
		t.Fatalf("GET /oauth/providers = %d %+v", got, providers)
	}
	// The browser follows every redirect: the provider, the callback, the
	// demo page.
	resp, err := c.Get(srv.base + "/auth/oauth/corp/start?redirect_to=/demo/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/demo/" || resp.Request.URL.RawQuery != "" {
		t.Fatalf("the flow ended at %s with %d, want the demo page", resp.Request.URL, resp.StatusCode)
	}
	if cb := idp.LastAuthorizeRequest().Get("redirect_uri"); cb != srv.base+"/auth/oauth/corp/callback" {
		t.Fatalf("callback URL %q, want %s/auth/oauth/corp/callback", cb, srv.base)
	}
	var me whoamiBody
	if got := call(t, c, "GET", srv.base+"/api/whoami", nil, &me); got != http.StatusOK || me.Email != "ada@example.com" {
		t.Fatalf("GET /api/whoami = %d %+v", got, me)
	}
	if strings.Contains(srv.out.String(), idp.ClientSecret()) {
		t.Error("the log holds the client secret")
	}

	off := startServer(t, map[string]string{"AUTH_JWT_SECRET": testSecret})
	var none []any
	if got := call(t, c, "GET", off.base+"/oauth/providers", nil, &none); got != http.StatusOK || none == nil || len(none) != 0 {
		t.Fatalf("GET /oauth/providers without providers = %d %v, want 200 []", got, none)
	}
	var e errorBody
	if got := call(t, c, "GET", off.base+"/auth/oauth/corp/start", nil, &e); got != http.StatusNotFound || e.Code != "route_not_found" {
		t.Fatalf("start without providers = %d %+v, want 404 route_not_found", got, e)
	}
}
