package tokenverify

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Defaults of Config.
const (
	// DefaultClockSkew is Config.ClockSkew when it is zero.
	DefaultClockSkew = time.Minute
	// DefaultCookieName is Config.CookieName when it is empty: the access
	// cookie of a fastauth server with default settings.
	DefaultCookieName = "access_token"
	// DefaultRefreshInterval is Config.RefreshInterval when it is zero.
	DefaultRefreshInterval = 5 * time.Minute
	// UnknownKeyRefetchInterval is the least time between two fetches
	// caused by tokens naming a key id the set lacks.
	UnknownKeyRefetchInterval = 30 * time.Second
)

// Config configures a Verifier.
type Config struct {
	// JWKSURL is the fastauth server's JWK Set document, such as
	// https://auth.example.com/auth/.well-known/jwks.json. Required. It
	// must be https, except on a loopback host (localhost, 127.0.0.1,
	// ::1) or with AllowHTTP: whoever can change the document in transit
	// can mint tokens this verifier accepts.
	JWKSURL string
	// AllowHTTP accepts an http:// JWKSURL on any host, for a network you
	// trust as much as the fastauth server itself.
	AllowHTTP bool
	// Issuer and Audience are the iss and aud every token must carry: the
	// fastauth server's Config.Issuer and Config.Audience (both
	// "fastauth" unless that server sets them). Required.
	Issuer, Audience string
	// ClockSkew is how far a token's iat (and nbf, when it has one) may be
	// ahead of this clock, for servers whose clocks differ a little.
	// Default DefaultClockSkew (one minute); negative values are refused.
	// It never extends exp: a token is expired from its exp on, as the
	// fastauth server holds it, and the client refreshes.
	ClockSkew time.Duration
	// CookieName is the access-token cookie the middleware reads when the
	// request has no Authorization header. Default "access_token".
	CookieName string
	// TrustedOrigins are origins (scheme://host[:port]) whose unsafe
	// cookie-authenticated requests pass the cross-origin check.
	TrustedOrigins []string
	// RefreshInterval is how often the JWK Set is fetched again, so that
	// retired keys stop verifying. Default DefaultRefreshInterval (five
	// minutes, the fastauth server's Cache-Control max-age). It also caps
	// the backoff between retries while the document cannot be fetched.
	RefreshInterval time.Duration
	// HTTPClient fetches the JWK Set. Default: a client with a 10 s
	// timeout. Each fetch is also bounded by 10 s.
	HTTPClient *http.Client
	// Now is the clock of the claim checks and of the unknown-kid refetch
	// limit. Default time.Now. It must be safe for concurrent use.
	Now func() time.Time
	// Logger receives the key-set events: failed fetches, unusable keys.
	// Never a token. Default slog.Default().
	Logger *slog.Logger
}

// fetchTimeout bounds one fetch of the JWK Set.
const fetchTimeout = 10 * time.Second

// withDefaults returns cfg with its defaults applied, or an error
// matching ErrInvalidConfig.
func (cfg Config) withDefaults() (Config, error) {
	bad := func(format string, args ...any) (Config, error) {
		return Config{}, fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, args...)...)
	}
	u, err := url.Parse(cfg.JWKSURL)
	switch {
	case cfg.JWKSURL == "":
		return bad("JWKSURL is required")
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return bad("JWKSURL %q is not an absolute http(s) URL", cfg.JWKSURL)
	case u.Scheme == "http" && !cfg.AllowHTTP && !loopback(u.Hostname()):
		return bad("JWKSURL %q is plain http on a non-loopback host: use https (or set AllowHTTP on a trusted network)", cfg.JWKSURL)
	case cfg.Issuer == "":
		return bad(`Issuer is required (the fastauth server's Config.Issuer, "fastauth" by default)`)
	case cfg.Audience == "":
		return bad(`Audience is required (the fastauth server's Config.Audience, "fastauth" by default)`)
	case cfg.ClockSkew < 0:
		return bad("ClockSkew must not be negative")
	case cfg.RefreshInterval < 0:
		return bad("RefreshInterval must not be negative")
	}
	if cfg.ClockSkew == 0 {
		cfg.ClockSkew = DefaultClockSkew
	}
	if cfg.CookieName == "" {
		cfg.CookieName = DefaultCookieName
	}
	if cfg.RefreshInterval == 0 {
		cfg.RefreshInterval = DefaultRefreshInterval
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: fetchTimeout}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return cfg, nil
}

// loopback reports whether host names this machine.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
