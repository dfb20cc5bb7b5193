package main

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/social"
	"github.com/fastauth/fastauth/store"
)

// oauthProviders reads AUTH_OAUTH_PROVIDERS (names, comma-separated) and,
// per provider NAME (upper case, "-" as "_"), AUTH_OAUTH_<NAME>_ISSUER,
// _CLIENT_ID, _CLIENT_SECRET and _SCOPES (comma- or space-separated). The
// presets google, microsoft and github need only the id and the secret;
// any other name is an OpenID Connect issuer and needs _ISSUER too (an
// _ISSUER given for a preset name makes it a plain OIDC provider, e.g. a
// Microsoft tenant). fail reports an invalid variable; the secret is
// never echoed.
func oauthProviders(env func(string) string, fail func(name, value, format string, args ...any)) []social.ProviderConfig {
	var out []social.ProviderConfig
	seen := map[string]bool{}
	for _, name := range list(env("AUTH_OAUTH_PROVIDERS")) {
		name = strings.ToLower(name)
		if seen[name] {
			fail("AUTH_OAUTH_PROVIDERS", name, "names a provider twice")
			continue
		}
		seen[name] = true
		prefix := "AUTH_OAUTH_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")) + "_"
		issuer, id, secret := env(prefix+"ISSUER"), env(prefix+"CLIENT_ID"), env(prefix+"CLIENT_SECRET")
		if id == "" {
			fail(prefix+"CLIENT_ID", "", "is required for provider %s", name)
		}
		if secret == "" {
			fail(prefix+"CLIENT_SECRET", "", "is required for provider %s", name)
		}
		pc, preset := social.Preset(name, id, secret)
		switch {
		case issuer != "":
			if u, err := url.Parse(issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				fail(prefix+"ISSUER", issuer, "want the issuer's URL, e.g. https://accounts.example.com")
				continue
			}
			pc = social.ProviderConfig{Name: name, Kind: social.KindOIDC, Issuer: issuer, ClientID: id, ClientSecret: secret}
		case !preset:
			fail(prefix+"ISSUER", "", "is required for provider %s (the presets without it are google, microsoft and github)", name)
			continue
		}
		if v := env(prefix + "SCOPES"); v != "" {
			pc.Scopes = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
		}
		out = append(out, pc)
	}
	return out
}

// socialModule is the social sign-in module (package social) on st for the
// configured providers, its flow cookies sealed with a key derived from
// the JWT secret, mfa (nil when off) as its second factor. Each
// provider's callback URL is the app base URL + /auth/oauth/<name>/callback.
func socialModule(cfg config, secret []byte, st *store.Store, mfa social.SecondFactor) *social.Module {
	return social.NewModule(social.ModuleConfig{
		Config: social.Config{
			Providers:      cfg.OAuthProviders,
			FlowKey:        secret,
			TrustedOrigins: cfg.TrustedOrigins,
		},
		SecondFactor: mfa,
	}, st.Identities())
}

// providersBody is an entry of GET /oauth/providers.
type providersBody = social.ProviderInfo

// mountProviders serves GET /oauth/providers, the configured providers
// ([{"name","display_name"}], empty without the module) from which the
// demo page draws its sign-in buttons.
func mountProviders(r gin.IRouter, m *social.Module) {
	r.GET("/oauth/providers", func(c *gin.Context) {
		out := []providersBody{}
		if m != nil && m.Strategy() != nil {
			out = m.Strategy().Providers()
		}
		c.JSON(http.StatusOK, out)
	})
}
