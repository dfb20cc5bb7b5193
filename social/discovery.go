package social

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"
)

// tenantPlaceholder is the tenant of an IssuerTemplate.
const tenantPlaceholder = "{tenantid}"

// provider is a configured provider at run time: its endpoints once known.
type provider struct {
	cfg         ProviderConfig
	redirectURL string
	client      *http.Client
	retry       time.Duration
	now         func() time.Time

	flight singleflight.Group // concurrent discoveries of this provider

	mu       sync.Mutex
	ready    *endpoints // nil until discovery succeeds
	failedAt time.Time  // of the last failed discovery
	failErr  error      // of the last failed discovery
}

// endpoints are what a flow needs of a provider.
type endpoints struct {
	oauth *oauth2.Config
	// oidc and verifier are nil for KindGitHub.
	oidc     *oidc.Provider
	verifier *oidc.IDTokenVerifier
}

func newProvider(cfg ProviderConfig, redirectURL string, client *http.Client, retry time.Duration, now func() time.Time) *provider {
	p := &provider{cfg: cfg, redirectURL: redirectURL, client: client, retry: retry, now: now}
	if cfg.Kind == KindGitHub {
		p.ready = &endpoints{oauth: p.oauthConfig(oauth2.Endpoint{
			AuthURL: cfg.AuthURL, TokenURL: cfg.TokenURL, AuthStyle: oauth2.AuthStyleInParams,
		})}
	}
	return p
}

// oauthConfig is the x/oauth2 configuration on endpoint.
func (p *provider) oauthConfig(endpoint oauth2.Endpoint) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     p.cfg.ClientID,
		ClientSecret: p.cfg.ClientSecret,
		Endpoint:     endpoint,
		RedirectURL:  p.redirectURL,
		Scopes:       p.cfg.Scopes,
	}
}

// clientContext is ctx carrying the provider HTTP client for go-oidc and
// x/oauth2.
func (p *provider) clientContext(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, p.client)
}

// endpoints returns the provider's endpoints, discovering them on first
// use. A failed discovery is remembered: until DiscoveryRetry has passed,
// calls fail at once with ErrProviderUnavailable instead of waiting for
// the provider again; then the next call tries again. Concurrent calls
// share one discovery.
func (p *provider) endpoints(ctx context.Context) (*endpoints, error) {
	p.mu.Lock()
	ready, failErr, failedAt := p.ready, p.failErr, p.failedAt
	p.mu.Unlock()
	if ready != nil {
		return ready, nil
	}
	if failErr != nil && p.now().Before(failedAt.Add(p.retry)) {
		return nil, fmt.Errorf("%w: %s: %w", ErrProviderUnavailable, p.cfg.Name, failErr)
	}
	v, err, _ := p.flight.Do("discover", func() (any, error) {
		// The discovery outlives a caller that gives up; its own timeout
		// bounds it.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), DefaultHTTPTimeout)
		defer cancel()
		ep, err := p.discover(dctx)
		p.mu.Lock()
		defer p.mu.Unlock()
		if err != nil {
			p.failErr, p.failedAt = err, p.now()
			return nil, err
		}
		p.ready, p.failErr = ep, nil
		return ep, nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrProviderUnavailable, p.cfg.Name, err)
	}
	return v.(*endpoints), nil
}

// discover reads the OpenID Provider Metadata of the issuer.
func (p *provider) discover(ctx context.Context) (*endpoints, error) {
	ctx = p.clientContext(ctx)
	tmpl := p.cfg.IssuerTemplate
	if tmpl != "" {
		// The discovery document names the template; go-oidc is told to
		// expect it, and this package checks the token's issuer itself.
		ctx = oidc.InsecureIssuerURLContext(ctx, tmpl)
	}
	op, err := oidc.NewProvider(ctx, p.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	if tmpl != "" {
		var meta struct {
			Issuer string `json:"issuer"`
		}
		if err := op.Claims(&meta); err != nil {
			return nil, fmt.Errorf("discovery: %w", err)
		}
		if meta.Issuer != tmpl {
			return nil, fmt.Errorf("discovery: the provider names issuer %q, want %q", meta.Issuer, tmpl)
		}
	}
	ep := op.Endpoint()
	if ep.AuthURL == "" || ep.TokenURL == "" {
		return nil, errors.New("discovery: the provider has no authorization or token endpoint")
	}
	return &endpoints{
		oauth: p.oauthConfig(ep),
		oidc:  op,
		verifier: op.Verifier(&oidc.Config{
			ClientID:        p.cfg.ClientID,
			SkipIssuerCheck: strings.Contains(tmpl, tenantPlaceholder),
			Now:             p.now,
		}),
	}, nil
}
