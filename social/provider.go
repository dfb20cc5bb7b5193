package social

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Kind is the protocol a provider speaks.
type Kind string

// The provider kinds.
const (
	// KindOIDC is OpenID Connect: discovery, ID tokens verified against
	// the provider's JWKS.
	KindOIDC Kind = "oidc"
	// KindGitHub is GitHub's OAuth2 (no OpenID Connect): the account from
	// /user and the address from /user/emails.
	KindGitHub Kind = "github"
)

// ProviderConfig configures one provider. Build it with a preset ([Google],
// [Microsoft], [GitHub], [Preset]) or fill it for any OpenID Connect issuer.
type ProviderConfig struct {
	// Name identifies the provider in routes (/oauth/{name}/start), in the
	// flow cookie and in stored identities: 1 to 32 characters of a-z, 0-9,
	// "-" and "_". Changing it orphans the identities linked under it.
	Name string
	// DisplayName labels the provider's button, e.g. "Google"; Name when
	// empty.
	DisplayName string
	// Kind is KindOIDC (the default) or KindGitHub.
	Kind Kind
	// ClientID and ClientSecret are the credentials the provider issued
	// for this application.
	ClientID, ClientSecret string
	// Scopes are requested at authorization. OIDC default: openid, email,
	// profile ("openid" is added when missing). GitHub default: read:user,
	// user:email.
	Scopes []string

	// Issuer is the OIDC issuer URL; discovery reads
	// Issuer + "/.well-known/openid-configuration".
	Issuer string
	// IssuerTemplate, when set, is the issuer that the discovery document
	// names and that ID tokens must carry instead of Issuer, with
	// "{tenantid}" replaced by the token's tid claim: Microsoft's
	// multi-tenant endpoints (common, organizations) discover under one URL
	// and sign with the tenant's issuer.
	IssuerTemplate string

	// AuthURL, TokenURL and APIURL are GitHub's endpoints (authorize,
	// access_token, REST API base); github.com's when empty. They are
	// settable for GitHub Enterprise Server and tests.
	AuthURL, TokenURL, APIURL string
}

// GitHub's public endpoints.
const (
	githubAuthURL  = "https://github.com/login/oauth/authorize"
	githubTokenURL = "https://github.com/login/oauth/access_token"
	githubAPIURL   = "https://api.github.com"
)

// microsoftConsumersTenant is the tenant id of personal Microsoft accounts,
// the issuer of ID tokens from the "consumers" endpoint.
const microsoftConsumersTenant = "9188040d-6c67-4c5b-b112-36a304b66dad"

// Google is the preset for Sign in with Google.
func Google(clientID, clientSecret string) ProviderConfig {
	return ProviderConfig{
		Name: "google", DisplayName: "Google", Kind: KindOIDC,
		ClientID: clientID, ClientSecret: clientSecret,
		Issuer: "https://accounts.google.com",
		Scopes: []string{"openid", "email", "profile"},
	}
}

// Microsoft is the preset for the Microsoft identity platform (v2.0).
// tenant is "common" (work, school and personal accounts), "organizations",
// "consumers", or a tenant id or domain; "common" when empty. For the
// multi-tenant endpoints the ID token's issuer is checked against the
// tenant it names (tid). Microsoft sends no email_verified claim, so its
// addresses count as unverified and never link to an existing account by
// themselves.
func Microsoft(tenant, clientID, clientSecret string) ProviderConfig {
	if tenant == "" {
		tenant = "common"
	}
	const base = "https://login.microsoftonline.com/"
	c := ProviderConfig{
		Name: "microsoft", DisplayName: "Microsoft", Kind: KindOIDC,
		ClientID: clientID, ClientSecret: clientSecret,
		Issuer: base + tenant + "/v2.0",
		Scopes: []string{"openid", "email", "profile"},
	}
	switch tenant {
	case "common", "organizations":
		c.IssuerTemplate = base + "{tenantid}/v2.0"
	case "consumers":
		c.IssuerTemplate = base + microsoftConsumersTenant + "/v2.0"
	}
	return c
}

// GitHub is the preset for Sign in with GitHub (OAuth2; the address is
// the primary one of /user/emails).
func GitHub(clientID, clientSecret string) ProviderConfig {
	return ProviderConfig{
		Name: "github", DisplayName: "GitHub", Kind: KindGitHub,
		ClientID: clientID, ClientSecret: clientSecret,
		AuthURL: githubAuthURL, TokenURL: githubTokenURL, APIURL: githubAPIURL,
		Scopes: []string{"read:user", "user:email"},
	}
}

// Preset returns the preset named google, microsoft or github with the
// credentials, and false for any other name.
func Preset(name, clientID, clientSecret string) (ProviderConfig, bool) {
	switch name {
	case "google":
		return Google(clientID, clientSecret), true
	case "microsoft":
		return Microsoft("", clientID, clientSecret), true
	case "github":
		return GitHub(clientID, clientSecret), true
	}
	return ProviderConfig{}, false
}

// maxProviderName bounds provider names.
const maxProviderName = 32

// validName reports whether name may name a provider.
func validName(name string) bool {
	if name == "" || len(name) > maxProviderName {
		return false
	}
	for _, r := range name {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' && r != '_' {
			return false
		}
	}
	return true
}

// normalized returns c with defaults filled in, or why it is invalid.
func (c ProviderConfig) normalized() (ProviderConfig, error) {
	bad := func(format string, args ...any) (ProviderConfig, error) {
		return ProviderConfig{}, fmt.Errorf("social: provider %q: %s", c.Name, fmt.Sprintf(format, args...))
	}
	if !validName(c.Name) {
		return bad("name must be 1 to %d characters of a-z, 0-9, - and _", maxProviderName)
	}
	if c.DisplayName == "" {
		c.DisplayName = c.Name
	}
	if c.ClientID == "" || c.ClientSecret == "" {
		return bad("client id and client secret are required")
	}
	c.Scopes = slices.Clone(c.Scopes)
	switch c.Kind {
	case "", KindOIDC:
		c.Kind = KindOIDC
		if err := checkURL(c.Issuer); err != nil {
			return bad("issuer: %v", err)
		}
		if c.IssuerTemplate != "" {
			if err := checkURL(strings.ReplaceAll(c.IssuerTemplate, "{tenantid}", "t")); err != nil {
				return bad("issuer template: %v", err)
			}
		}
		if len(c.Scopes) == 0 {
			c.Scopes = []string{"openid", "email", "profile"}
		}
		if !slices.Contains(c.Scopes, "openid") {
			c.Scopes = append([]string{"openid"}, c.Scopes...)
		}
	case KindGitHub:
		if c.AuthURL == "" {
			c.AuthURL = githubAuthURL
		}
		if c.TokenURL == "" {
			c.TokenURL = githubTokenURL
		}
		if c.APIURL == "" {
			c.APIURL = githubAPIURL
		}
		c.APIURL = strings.TrimRight(c.APIURL, "/")
		for _, u := range []string{c.AuthURL, c.TokenURL, c.APIURL} {
			if err := checkURL(u); err != nil {
				return bad("%v", err)
			}
		}
		if len(c.Scopes) == 0 {
			c.Scopes = []string{"read:user", "user:email"}
		}
	default:
		return bad("unknown kind %q (want oidc or github)", c.Kind)
	}
	return c, nil
}

// checkURL accepts an absolute http(s) URL without user info, query or
// fragment.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return err
	case u.Scheme != "https" && u.Scheme != "http", u.Host == "":
		return fmt.Errorf("%q is not an absolute http(s) URL", raw)
	case u.User != nil, u.RawQuery != "", u.Fragment != "":
		return errors.New("the URL must not have user info, a query or a fragment")
	}
	return nil
}
