package social

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Defaults of [Config].
const (
	// DefaultFlowTTL is how long a started flow may take to come back.
	DefaultFlowTTL = 10 * time.Minute
	// DefaultDiscoveryRetry is the least time between two discovery
	// attempts of a provider that failed.
	DefaultDiscoveryRetry = 5 * time.Second
	// DefaultHTTPTimeout bounds each request to a provider.
	DefaultHTTPTimeout = 10 * time.Second
)

// Config configures a [Strategy].
type Config struct {
	// Providers are the configured providers, names unique.
	Providers []ProviderConfig
	// CallbackBaseURL is the absolute URL of the module's /oauth route
	// group, e.g. "https://api.example/auth/oauth": a provider's redirect
	// URI (to register at the provider) is CallbackBaseURL + "/" + name +
	// "/callback".
	CallbackBaseURL string
	// FlowKey seals the flow cookies (AES-256-GCM under a key derived with
	// HKDF-SHA256); at least 32 bytes of secret.
	FlowKey []byte
	// FlowTTL is the lifetime of a flow; DefaultFlowTTL when zero, between
	// one minute and one hour.
	FlowTTL time.Duration
	// TrustedOrigins are the origins (scheme://host[:port]) an absolute
	// redirect_to may point to.
	TrustedOrigins []string
	// HTTPClient makes the requests to providers; a client with
	// DefaultHTTPTimeout when nil.
	HTTPClient *http.Client
	// DiscoveryRetry is the least time between two discovery attempts of a
	// provider whose discovery failed; DefaultDiscoveryRetry when zero.
	DiscoveryRetry time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Strategy runs the social sign-in flows of the configured providers. It
// contacts no provider until a flow needs it: discovery is lazy, cached
// once it succeeds, and retried (at most every DiscoveryRetry) while it
// fails, so a service starts while a provider is down. It is safe for
// concurrent use.
type Strategy struct {
	providers      map[string]*provider
	order          []string
	callbackBase   string
	sealer         *flowSealer
	flowTTL        time.Duration
	trustedOrigins []string
	client         *http.Client
	now            func() time.Time
}

// New checks cfg and returns the Strategy. It makes no network request.
func New(cfg Config) (*Strategy, error) {
	if err := checkURL(cfg.CallbackBaseURL); err != nil {
		return nil, fmt.Errorf("social: CallbackBaseURL: %w", err)
	}
	sealer, err := newFlowSealer(cfg.FlowKey)
	if err != nil {
		return nil, err
	}
	if cfg.FlowTTL == 0 {
		cfg.FlowTTL = DefaultFlowTTL
	}
	if cfg.FlowTTL < time.Minute || cfg.FlowTTL > time.Hour {
		return nil, errors.New("social: FlowTTL must be between one minute and one hour")
	}
	if cfg.DiscoveryRetry == 0 {
		cfg.DiscoveryRetry = DefaultDiscoveryRetry
	}
	if cfg.DiscoveryRetry < 0 {
		return nil, errors.New("social: DiscoveryRetry must not be negative")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	for _, o := range cfg.TrustedOrigins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
			return nil, fmt.Errorf("social: trusted origin %q must be scheme://host[:port]", o)
		}
	}
	s := &Strategy{
		providers:      make(map[string]*provider, len(cfg.Providers)),
		callbackBase:   strings.TrimRight(cfg.CallbackBaseURL, "/"),
		sealer:         sealer,
		flowTTL:        cfg.FlowTTL,
		trustedOrigins: slices.Clone(cfg.TrustedOrigins),
		client:         cfg.HTTPClient,
		now:            cfg.Now,
	}
	for _, pc := range cfg.Providers {
		pc, err := pc.normalized()
		if err != nil {
			return nil, err
		}
		if _, dup := s.providers[pc.Name]; dup {
			return nil, fmt.Errorf("social: provider %q configured twice", pc.Name)
		}
		s.providers[pc.Name] = newProvider(pc, s.CallbackURL(pc.Name), cfg.HTTPClient, cfg.DiscoveryRetry, cfg.Now)
		s.order = append(s.order, pc.Name)
	}
	return s, nil
}

// ProviderInfo describes a configured provider, e.g. for a sign-in page's
// buttons.
type ProviderInfo struct {
	// Name is the provider's name in routes.
	Name string `json:"name"`
	// DisplayName labels its button.
	DisplayName string `json:"display_name"`
}

// Providers lists the configured providers in configuration order.
func (s *Strategy) Providers() []ProviderInfo {
	out := make([]ProviderInfo, 0, len(s.order))
	for _, name := range s.order {
		out = append(out, ProviderInfo{Name: name, DisplayName: s.providers[name].cfg.DisplayName})
	}
	return out
}

// CallbackURL is the redirect URI of the named provider, the callback URL
// to register at the provider.
func (s *Strategy) CallbackURL(name string) string {
	return s.callbackBase + "/" + name + "/callback"
}

// FlowTTL is the lifetime of a flow (and of its cookie).
func (s *Strategy) FlowTTL() time.Duration { return s.flowTTL }

// provider returns the named provider or ErrUnknownProvider.
func (s *Strategy) provider(name string) (*provider, error) {
	p, ok := s.providers[name]
	if !ok {
		return nil, ErrUnknownProvider
	}
	return p, nil
}
