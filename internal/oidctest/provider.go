package oidctest

import (
	"cmp"
	"crypto"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Defaults of [Config].
const (
	DefaultClientID     = "test-client"
	DefaultClientSecret = "test-secret"
)

// User is the person a [Provider] signs in.
type User struct {
	// Subject is the sub claim: the provider's stable id of the person.
	Subject string
	// Email and EmailVerified are the email and email_verified claims,
	// given when the scope includes "email" and Email is not empty.
	Email         string
	EmailVerified bool
	// Name is the name claim, given when the scope includes "profile" and
	// Name is not empty.
	Name string
	// Claims are further claims of the ID token and userinfo, such as
	// "tid" or "preferred_username"; they may override the ones above
	// (email_verified as a string, as some providers send it).
	Claims map[string]any
}

// Config configures a [Provider].
type Config struct {
	// ClientID and ClientSecret are the one client's credentials;
	// DefaultClientID and DefaultClientSecret when empty.
	ClientID, ClientSecret string
	// RedirectURIs are the client's registered redirect URIs, matched
	// exactly. Empty accepts any absolute URL, for tests whose callback
	// URL is known only after the provider starts.
	RedirectURIs []string
	// User is the person the authorize endpoint signs in.
	User User
	// Algorithm signs the ID tokens: RS256 (the default) or ES256.
	Algorithm string
	// Key is the ID token signing key (an *rsa.PrivateKey or a P-256
	// *ecdsa.PrivateKey); a new one is generated when nil. A 2048-bit RSA
	// key takes a fifth of a second to generate, so a test package that
	// starts many providers may share one, provided that no test uses two
	// providers at once: a shared key would hide a token checked against
	// the wrong provider's JWKS.
	Key crypto.Signer
	// Path is the path of the issuer URL, such as "/common/v2.0"; empty
	// for the server's root.
	Path string
	// DiscoveryIssuer, when not nil, gives the issuer the discovery
	// document names from [Provider.Issuer], for providers whose
	// multi-tenant discovery names a template rather than itself:
	// Microsoft's common and organizations endpoints name
	// ".../{tenantid}/v2.0" and sign ID tokens with the tenant's issuer
	// (set it with [Knobs].Issuer and a "tid" claim).
	DiscoveryIssuer func(issuer string) string
	// Now is the provider's clock for codes and tokens; time.Now when nil.
	Now func() time.Time
}

// Provider is an OpenID Connect provider on an httptest server. Its
// methods are safe for concurrent use.
type Provider struct {
	server          *httptest.Server
	auth            *authServer[User]
	key             *signingKey
	path            string
	discoveryIssuer func(string) string

	mu    sync.Mutex
	rogue *signingKey // the key not in the JWKS, made on first use
}

// New starts a provider; Close stops it.
func New(cfg Config) (*Provider, error) {
	if cfg.ClientID == "" {
		cfg.ClientID = DefaultClientID
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = DefaultClientSecret
	}
	if cfg.Path != "" && (!strings.HasPrefix(cfg.Path, "/") || strings.HasSuffix(cfg.Path, "/")) {
		return nil, fmt.Errorf("oidctest: path %q must start and must not end with a slash", cfg.Path)
	}
	var (
		key *signingKey
		err error
	)
	if cfg.Key != nil {
		key, err = signingKeyOf(cfg.Key, cfg.Algorithm, "key-1")
	} else {
		key, err = newSigningKey(cmp.Or(cfg.Algorithm, RS256), "key-1")
	}
	if err != nil {
		return nil, err
	}
	p := &Provider{
		auth:            newAuthServer(client{id: cfg.ClientID, secret: cfg.ClientSecret, redirectURIs: cfg.RedirectURIs}, cfg.User, cfg.Now),
		key:             key,
		path:            cfg.Path,
		discoveryIssuer: cfg.DiscoveryIssuer,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+cfg.Path+DiscoveryPath, p.auth.available(p.serveDiscovery))
	mux.HandleFunc("GET "+cfg.Path+JWKSPath, p.auth.available(p.serveJWKS))
	mux.HandleFunc("GET "+cfg.Path+AuthorizePath, p.auth.available(func(w http.ResponseWriter, r *http.Request) {
		p.auth.authorize(w, r, true)
	}))
	mux.HandleFunc("POST "+cfg.Path+TokenPath, p.auth.available(p.serveToken))
	mux.HandleFunc(cfg.Path+UserinfoPath, p.auth.available(p.serveUserinfo))
	p.server = httptest.NewServer(mux)
	return p, nil
}

// Start starts a provider for the test and stops it when the test ends.
func Start(tb testing.TB, cfg Config) *Provider {
	tb.Helper()
	p, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.Close)
	return p
}

// Close stops the provider's server.
func (p *Provider) Close() { p.server.Close() }

// Issuer is the provider's issuer URL (http://127.0.0.1:port followed by
// [Config.Path]): discovery starts there, the endpoints are under it, and
// ID tokens name it as iss.
func (p *Provider) Issuer() string { return p.server.URL + p.path }

// ClientID returns the client's id.
func (p *Provider) ClientID() string { return p.auth.client.id }

// ClientSecret returns the client's secret.
func (p *Provider) ClientSecret() string { return p.auth.client.secret }

// SetUser changes the person the authorize endpoint signs in.
func (p *Provider) SetUser(u User) { p.auth.setUser(u) }

// SetKnobs replaces the knobs; SetKnobs(Knobs{}) restores a well-behaved
// provider.
func (p *Provider) SetKnobs(k Knobs) { p.auth.setKnobs(k) }

// LastAuthorizeRequest returns the query of the last request to the
// authorize endpoint (state, nonce, code_challenge, scope ...), or an empty
// set when there was none.
func (p *Provider) LastAuthorizeRequest() url.Values { return p.auth.lastAuthorizeRequest() }

// rogueKey returns the key that signs under the published key id but is
// not in the JWKS.
func (p *Provider) rogueKey() (*signingKey, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rogue == nil {
		k, err := newSigningKey(string(p.key.alg), p.key.kid)
		if err != nil {
			return nil, err
		}
		p.rogue = k
	}
	return p.rogue, nil
}
