package social_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fastauth/fastauth/internal/oidctest"
	"github.com/fastauth/fastauth/social"
)

// Microsoft's multi-tenant endpoint: discovery names a template issuer,
// tokens carry the tenant's issuer and tid.
func TestMicrosoftTenantIssuer(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		claims map[string]any
		issuer func(base string) string
		want   error
	}{
		{"tenant issuer", map[string]any{"tid": "tenant-1"}, func(b string) string { return b + "/tenant-1/v2.0" }, nil},
		{"issuer of another tenant", map[string]any{"tid": "tenant-1"}, func(b string) string { return b + "/tenant-2/v2.0" }, social.ErrInvalidIDToken},
		{"no tid", nil, func(b string) string { return b + "/tenant-1/v2.0" }, social.ErrInvalidIDToken},
		{"tid with a slash", map[string]any{"tid": "a/b"}, func(b string) string { return b + "/a/b/v2.0" }, social.ErrInvalidIDToken},
		{"template issuer itself", map[string]any{"tid": "tenant-1"}, func(b string) string { return b + "/{tenantid}/v2.0" }, social.ErrInvalidIDToken},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			u := alice
			u.Claims = c.claims
			p := oidctest.Start(t, oidctest.Config{User: u, Algorithm: oidctest.ES256, Now: clk.Now, Path: "/common/v2.0",
				DiscoveryIssuer: func(iss string) string { return strings.Replace(iss, "/common/", "/{tenantid}/", 1) }})
			base := strings.TrimSuffix(p.Issuer(), "/common/v2.0")
			p.SetKnobs(oidctest.Knobs{Issuer: c.issuer(base)})
			cfg := social.Microsoft("common", p.ClientID(), p.ClientSecret())
			cfg.Issuer, cfg.IssuerTemplate = p.Issuer(), base+"/{tenantid}/v2.0"
			s := newStrategy(t, clk, cfg)
			_, prof, err := signIn(t, s, "microsoft", social.StartRequest{})
			if !errors.Is(err, c.want) {
				t.Fatalf("%v, want %v", err, c.want)
			}
			if err == nil && prof.Subject != alice.Subject {
				t.Fatalf("profile %+v", prof)
			}
		})
	}
}

// A discovery document naming another issuer than the template fails
// discovery.
func TestMicrosoftTemplateMismatch(t *testing.T) {
	t.Parallel()
	clk := newClock()
	p := oidctest.Start(t, oidctest.Config{User: alice, Algorithm: oidctest.ES256, Now: clk.Now, Path: "/common/v2.0"})
	cfg := social.Microsoft("common", p.ClientID(), p.ClientSecret())
	cfg.Issuer, cfg.IssuerTemplate = p.Issuer(), strings.TrimSuffix(p.Issuer(), "/common/v2.0")+"/{tenantid}/v2.0"
	s := newStrategy(t, clk, cfg)
	if _, err := s.Start(t.Context(), "microsoft", social.StartRequest{}); !errors.Is(err, social.ErrProviderUnavailable) {
		t.Fatalf("%v", err)
	}
}

// Without a template, an issuer that differs from the discovery document
// fails discovery (go-oidc's check).
func TestIssuerMismatchAtDiscovery(t *testing.T) {
	t.Parallel()
	clk := newClock()
	p := oidctest.Start(t, oidctest.Config{User: alice, Algorithm: oidctest.ES256, Now: clk.Now, Path: "/common/v2.0",
		DiscoveryIssuer: func(iss string) string { return iss + "/x" }})
	s := newStrategy(t, clk, social.ProviderConfig{Name: "acme", Issuer: p.Issuer(), ClientID: p.ClientID(), ClientSecret: p.ClientSecret()})
	if _, err := s.Start(t.Context(), "acme", social.StartRequest{}); !errors.Is(err, social.ErrProviderUnavailable) {
		t.Fatalf("%v", err)
	}
}
