package social_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fastauth/fastauth/social"
)

func TestConfigValidation(t *testing.T) {
	t.Parallel()
	ok := social.ProviderConfig{Name: "acme", Issuer: "https://idp.example", ClientID: "id", ClientSecret: "secret"}
	base := social.Config{CallbackBaseURL: callbackBase, FlowKey: flowKey}
	with := func(f func(c *social.Config)) social.Config {
		c := base
		c.Providers = []social.ProviderConfig{ok}
		f(&c)
		return c
	}
	for name, cfg := range map[string]social.Config{
		"short key":          with(func(c *social.Config) { c.FlowKey = flowKey[:31] }),
		"no callback":        with(func(c *social.Config) { c.CallbackBaseURL = "" }),
		"relative callback":  with(func(c *social.Config) { c.CallbackBaseURL = "/auth/oauth" }),
		"flow ttl":           with(func(c *social.Config) { c.FlowTTL = time.Second }),
		"negative retry":     with(func(c *social.Config) { c.DiscoveryRetry = -1 }),
		"trusted origin":     with(func(c *social.Config) { c.TrustedOrigins = []string{"https://app.example/path"} }),
		"duplicate provider": with(func(c *social.Config) { c.Providers = append(c.Providers, ok) }),
		"bad name":           with(func(c *social.Config) { c.Providers[0].Name = "Acme" }),
		"long name":          with(func(c *social.Config) { c.Providers[0].Name = strings.Repeat("a", 33) }),
		"no secret":          with(func(c *social.Config) { c.Providers[0].ClientSecret = "" }),
		"bad issuer":         with(func(c *social.Config) { c.Providers[0].Issuer = "idp.example" }),
		"issuer with query":  with(func(c *social.Config) { c.Providers[0].Issuer = "https://idp.example/?x=1" }),
		"bad kind":           with(func(c *social.Config) { c.Providers[0].Kind = "saml" }),
		"bad github url":     with(func(c *social.Config) { c.Providers[0] = social.GitHub("id", "s"); c.Providers[0].APIURL = "api" }),
	} {
		if _, err := social.New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	s, err := social.New(with(func(c *social.Config) {
		c.Providers = []social.ProviderConfig{ok, social.Google("g", "s"), social.Microsoft("", "m", "s"), social.GitHub("h", "s")}
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := []social.ProviderInfo{{Name: "acme", DisplayName: "acme"}, {Name: "google", DisplayName: "Google"}, {Name: "microsoft", DisplayName: "Microsoft"}, {Name: "github", DisplayName: "GitHub"}}
	if got := s.Providers(); !slices.Equal(got, want) {
		t.Errorf("Providers = %v", got)
	}
	if got := s.CallbackURL("google"); got != "https://app.example/auth/oauth/google/callback" {
		t.Errorf("CallbackURL = %q", got)
	}
	if s.FlowTTL() != social.DefaultFlowTTL {
		t.Errorf("FlowTTL = %v", s.FlowTTL())
	}
}

func TestPresets(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		cfg          social.ProviderConfig
		issuer, tmpl string
		kind         social.Kind
		scope        string
	}{
		{social.Google("i", "s"), "https://accounts.google.com", "", social.KindOIDC, "email"},
		{social.Microsoft("", "i", "s"), "https://login.microsoftonline.com/common/v2.0", "https://login.microsoftonline.com/{tenantid}/v2.0", social.KindOIDC, "email"},
		{social.Microsoft("organizations", "i", "s"), "https://login.microsoftonline.com/organizations/v2.0", "https://login.microsoftonline.com/{tenantid}/v2.0", social.KindOIDC, "email"},
		{social.Microsoft("consumers", "i", "s"), "https://login.microsoftonline.com/consumers/v2.0", "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0", social.KindOIDC, "email"},
		{social.Microsoft("contoso.onmicrosoft.com", "i", "s"), "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0", "", social.KindOIDC, "email"},
		{social.GitHub("i", "s"), "", "", social.KindGitHub, "user:email"},
	} {
		if c.cfg.Issuer != c.issuer || c.cfg.IssuerTemplate != c.tmpl || c.cfg.Kind != c.kind || !slices.Contains(c.cfg.Scopes, c.scope) ||
			c.cfg.ClientID != "i" || c.cfg.ClientSecret != "s" {
			t.Errorf("preset %s: %+v", c.cfg.Name, c.cfg)
		}
	}
	for _, name := range []string{"google", "microsoft", "github"} {
		if p, ok := social.Preset(name, "i", "s"); !ok || p.Name != name {
			t.Errorf("Preset(%q) = %+v, %v", name, p, ok)
		}
	}
	if _, ok := social.Preset("okta", "i", "s"); ok {
		t.Error("Preset(okta) exists")
	}
}

func TestFlowCookie(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := social.FlowCookie("v", now.Add(10*time.Minute), now, "/auth/oauth", true)
	if c.Name != social.FlowCookieName || c.Value != "v" || c.Path != "/auth/oauth" || !c.HttpOnly || !c.Secure ||
		c.SameSite != http.SameSiteLaxMode || c.MaxAge != 600 || c.Valid() != nil {
		t.Errorf("cookie %+v", c)
	}
	d := social.FlowCookie("", time.Time{}, now, "/auth/oauth", false)
	if d.MaxAge != -1 || d.Value != "" || !d.HttpOnly {
		t.Errorf("deleting cookie %+v", d)
	}
}

func TestCode(t *testing.T) {
	t.Parallel()
	if social.Code(errors.Join(errors.New("x"), social.ErrAccountExists)) != "account_exists" || social.Code(errors.New("x")) != "server_error" {
		t.Error("Code")
	}
	if social.ErrLastSignInMethod.Status != http.StatusConflict || !strings.Contains(social.ErrLastSignInMethod.Error(), "last") {
		t.Error("ErrLastSignInMethod")
	}
}
