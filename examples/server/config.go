package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fastauth/fastauth/audit"
	"github.com/fastauth/fastauth/social"
	"github.com/fastauth/fastauth/webhook"
)

// minSecretBytes is the least length of AUTH_JWT_SECRET (HS256 key).
const minSecretBytes = 32

// mfaKeyBytes is the length of AUTH_MFA_KEY once decoded (mfa.KeySize).
const mfaKeyBytes = 32

// config is the example server's configuration, read from the environment
// by loadConfig. Durations and flags already carry their defaults.
type config struct {
	// Addr is the listen address (ADDR).
	Addr string
	// DatabaseURL selects and locates the database (DATABASE_URL).
	DatabaseURL string
	// JWTSecret signs access tokens (AUTH_JWT_SECRET); nil when unset, in
	// which case run generates a random one per start.
	JWTSecret []byte
	// TokenAlg is the access tokens' algorithm (AUTH_TOKEN_ALG): HS256
	// (default), EdDSA or ES256.
	TokenAlg string
	// SigningKeyFile is the PEM file of the EdDSA or ES256 keys
	// (AUTH_SIGNING_KEY_FILE); empty means run generates a key per start.
	SigningKeyFile string
	// AccessTTL, RefreshTTL and RefreshReuseGrace are the token lifetimes
	// (AUTH_ACCESS_TTL, AUTH_REFRESH_TTL, AUTH_REFRESH_REUSE_GRACE). A zero
	// RefreshReuseGrace disables the grace window.
	AccessTTL, RefreshTTL, RefreshReuseGrace time.Duration
	// RequireEmailConfirmation is AUTH_REQUIRE_EMAIL_CONFIRMATION.
	RequireEmailConfirmation bool
	// CookieSecure sets the Secure cookie attribute (AUTH_COOKIE_SECURE).
	CookieSecure bool
	// TrustedOrigins may make cross-origin cookie requests (AUTH_TRUSTED_ORIGINS).
	TrustedOrigins []string
	// RateLimitPerIP is requests a minute per client IP on each
	// rate-limited route; 0 turns the per-IP limit off (AUTH_RATE_LIMIT_PER_IP).
	RateLimitPerIP int
	// MailOutbox is the JSON-lines file mails are appended to; empty means
	// mails are logged (MAIL_OUTBOX).
	MailOutbox string
	// AppBaseURL is the base of links in mails; empty means
	// "http://" + the listen address (APP_BASE_URL).
	AppBaseURL string
	// LogRequests writes one access-log line per request (LOG_REQUESTS).
	LogRequests bool
	// TrustedProxies are the proxies whose forwarding headers gin believes
	// when it computes the client IP; empty trusts none (TRUSTED_PROXIES).
	TrustedProxies []string
	// WebhookURL (AUTH_WEBHOOK_URL) receives every event as a Standard
	// Webhook, signed with WebhookSecret (AUTH_WEBHOOK_SECRET, whsec_...);
	// empty: no webhooks.
	WebhookURL    string
	WebhookSecret webhook.Secret
	// WebhookAllowPrivate (AUTH_WEBHOOK_ALLOW_PRIVATE) lets the webhook
	// reach loopback and private addresses (a receiver on the same
	// machine or network); refused by default.
	WebhookAllowPrivate bool
	// Metrics (METRICS, default true) serves GET /metrics in the
	// Prometheus format.
	Metrics bool
	// MFA mounts the second factor's module (AUTH_MFA, default true).
	MFA bool
	// MFAKey is the 32-byte key that seals TOTP secrets and keys the
	// recovery-code hashes (AUTH_MFA_KEY, base64); nil when unset, in
	// which case run derives one from the JWT secret.
	MFAKey []byte
	// UI mounts the account pages under /auth/ui/ (AUTH_UI, default true);
	// mailed links then open them.
	UI bool
	// Passkeys mounts the passkeys module (AUTH_PASSKEYS, default true),
	// joined to the second factor's module when MFA is on.
	Passkeys bool
	// WebAuthnRPID is the passkeys' relying party id, a domain
	// (AUTH_WEBAUTHN_RP_ID, default localhost).
	WebAuthnRPID string
	// WebAuthnRPName is the name authenticators show (AUTH_WEBAUTHN_RP_NAME,
	// default fastauth).
	WebAuthnRPName string
	// WebAuthnOrigins are the web origins passkeys may be used on
	// (AUTH_WEBAUTHN_ORIGINS); empty means run uses the app's base URL and
	// http://localhost:<port>, those of them the RP ID admits.
	WebAuthnOrigins []string
	// OAuthProviders are the social sign-in providers
	// (AUTH_OAUTH_PROVIDERS and AUTH_OAUTH_<NAME>_*); the social module is
	// mounted only when there is one.
	OAuthProviders []social.ProviderConfig
	// AdminEmails are the platform administrators' addresses
	// (AUTH_ADMIN_EMAILS, comma-separated): once confirmed, they may use
	// the /auth/admin/users routes of the users module, which is always
	// mounted.
	AdminEmails []string
	// Revocation is the revocation mode (AUTH_REVOCATION): "expiry"
	// (default) or "immediate".
	Revocation string
	// RedisURL (REDIS_URL, redis://host:port/db) turns on the rate
	// limiter in Redis (package redislimit) and, in revocation mode
	// immediate, the revocation broadcast (package redisrevoke); empty:
	// limits in memory, revocations on this instance only.
	RedisURL string
}

// envError is an invalid environment variable; its message names it.
type envError struct {
	name, value, reason string
}

func (e *envError) Error() string {
	if e.value == "" {
		return fmt.Sprintf("invalid %s: %s", e.name, e.reason)
	}
	return fmt.Sprintf("invalid %s=%q: %s", e.name, e.value, e.reason)
}

// loadConfig reads the configuration from getenv (os.Getenv in main). An
// unset or empty variable takes its default; an invalid one gives an error
// naming the variable. It reads no file and touches no network.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		Addr:              "127.0.0.1:8080",
		DatabaseURL:       "sqlite://fastauth.db",
		AccessTTL:         15 * time.Minute,
		RefreshTTL:        7 * 24 * time.Hour,
		RefreshReuseGrace: 10 * time.Second,
		RateLimitPerIP:    60,
		TokenAlg:          "HS256",
		Revocation:        "expiry",
		LogRequests:       true,
		Metrics:           true,
		MFA:               true,
		UI:                true,
		Passkeys:          true,
		WebAuthnRPID:      "localhost",
		WebAuthnRPName:    "fastauth",
	}

	env := func(name string) string { return strings.TrimSpace(getenv(name)) }
	var errs []error
	fail := func(name, value, format string, args ...any) {
		errs = append(errs, &envError{name: name, value: value, reason: fmt.Sprintf(format, args...)})
	}

	if v := env("ADDR"); v != "" {
		if _, port, err := net.SplitHostPort(v); err != nil {
			fail("ADDR", v, "want host:port, e.g. 127.0.0.1:8080 or :8080")
		} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			fail("ADDR", v, "port must be a number from 0 to 65535")
		} else {
			c.Addr = v
		}
	}
	if v := env("DATABASE_URL"); v != "" {
		if !strings.Contains(v, "://") {
			// The value is not echoed: it may hold a password.
			fail("DATABASE_URL", "", "want a URL: sqlite://path, postgres://... or mysql://user:pass@tcp(host:port)/db")
		} else {
			c.DatabaseURL = v
		}
	}
	// The secret is not trimmed: every byte of it is key material.
	if v := getenv("AUTH_JWT_SECRET"); v != "" {
		if len(v) < minSecretBytes {
			fail("AUTH_JWT_SECRET", "", "must be at least %d bytes, got %d (generate one with: openssl rand -base64 48)", minSecretBytes, len(v))
		} else {
			c.JWTSecret = []byte(v)
		}
	}
	switch v := env("AUTH_TOKEN_ALG"); v {
	case "", "HS256", "EdDSA", "ES256":
		if v != "" {
			c.TokenAlg = v
		}
	default:
		fail("AUTH_TOKEN_ALG", v, "want HS256, EdDSA or ES256")
	}
	if v := env("AUTH_SIGNING_KEY_FILE"); v != "" {
		if c.TokenAlg == "HS256" {
			fail("AUTH_SIGNING_KEY_FILE", v, "is for AUTH_TOKEN_ALG=EdDSA or ES256; HS256 signs with AUTH_JWT_SECRET")
		} else {
			c.SigningKeyFile = v
		}
	}
	switch v := env("AUTH_REVOCATION"); v {
	case "", "expiry", "immediate":
		if v != "" {
			c.Revocation = v
		}
	default:
		fail("AUTH_REVOCATION", v, "want expiry or immediate")
	}
	if v := env("REDIS_URL"); v != "" {
		// The value is not echoed: it may hold a password.
		if _, err := redis.ParseURL(v); err != nil {
			fail("REDIS_URL", "", "want redis://[user:password@]host:port[/db] or rediss://... (%s)", redisURLProblem(err))
		} else {
			c.RedisURL = v
		}
	}
	duration := func(name string, dst *time.Duration, allowZero bool) {
		v := env(name)
		if v == "" {
			return
		}
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			fail(name, v, "want a Go duration such as 15m, 168h or 10s")
		case d < 0 || (d == 0 && !allowZero):
			if allowZero {
				fail(name, v, "must not be negative")
			} else {
				fail(name, v, "must be positive")
			}
		default:
			*dst = d
		}
	}
	duration("AUTH_ACCESS_TTL", &c.AccessTTL, false)
	duration("AUTH_REFRESH_TTL", &c.RefreshTTL, false)
	duration("AUTH_REFRESH_REUSE_GRACE", &c.RefreshReuseGrace, true)
	if c.AccessTTL > c.RefreshTTL {
		fail("AUTH_ACCESS_TTL", c.AccessTTL.String(), "must not exceed AUTH_REFRESH_TTL (%s)", c.RefreshTTL)
	}

	boolean := func(name string, dst *bool) {
		v := env(name)
		if v == "" {
			return
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			fail(name, v, "want true or false")
			return
		}
		*dst = b
	}
	boolean("AUTH_REQUIRE_EMAIL_CONFIRMATION", &c.RequireEmailConfirmation)
	boolean("AUTH_COOKIE_SECURE", &c.CookieSecure)
	boolean("LOG_REQUESTS", &c.LogRequests)
	boolean("METRICS", &c.Metrics)
	boolean("AUTH_WEBHOOK_ALLOW_PRIVATE", &c.WebhookAllowPrivate)
	boolean("AUTH_MFA", &c.MFA)
	boolean("AUTH_PASSKEYS", &c.Passkeys)
	boolean("AUTH_UI", &c.UI)
	if v := env("AUTH_WEBAUTHN_RP_ID"); v != "" {
		if strings.ContainsAny(v, ":/") {
			fail("AUTH_WEBAUTHN_RP_ID", v, "want a domain such as example.com or localhost (no scheme, port or path)")
		} else {
			c.WebAuthnRPID = strings.ToLower(v)
		}
	}
	if v := env("AUTH_WEBAUTHN_RP_NAME"); v != "" {
		c.WebAuthnRPName = v
	}
	for _, o := range list(env("AUTH_WEBAUTHN_ORIGINS")) {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			fail("AUTH_WEBAUTHN_ORIGINS", o, "each entry must be an origin scheme://host[:port], e.g. https://app.example.com")
			continue
		}
		c.WebAuthnOrigins = append(c.WebAuthnOrigins, u.Scheme+"://"+u.Host)
	}

	// The key is not echoed: it is a secret.
	if v := env("AUTH_MFA_KEY"); v != "" {
		key, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			key, err = base64.RawStdEncoding.DecodeString(v)
		}
		if err != nil || len(key) != mfaKeyBytes {
			fail("AUTH_MFA_KEY", "", "must be %d bytes in base64 (generate one with: openssl rand -base64 32)", mfaKeyBytes)
		} else {
			c.MFAKey = key
		}
	}

	for _, a := range list(env("AUTH_ADMIN_EMAILS")) {
		if !strings.Contains(a, "@") {
			fail("AUTH_ADMIN_EMAILS", a, "each entry must be an email address")
			continue
		}
		c.AdminEmails = append(c.AdminEmails, a)
	}
	for _, o := range list(env("AUTH_TRUSTED_ORIGINS")) {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			fail("AUTH_TRUSTED_ORIGINS", o, "each entry must be an origin scheme://host[:port], e.g. https://app.example.com")
			continue
		}
		c.TrustedOrigins = append(c.TrustedOrigins, u.Scheme+"://"+u.Host)
	}

	if v := env("AUTH_RATE_LIMIT_PER_IP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			fail("AUTH_RATE_LIMIT_PER_IP", v, "want a whole number of requests a minute, 0 to turn the per-IP limit off")
		} else {
			c.RateLimitPerIP = n
		}
	}

	c.MailOutbox = env("MAIL_OUTBOX")

	if v := env("APP_BASE_URL"); v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			fail("APP_BASE_URL", v, "want an absolute http(s) URL such as https://app.example.com")
		} else {
			c.AppBaseURL = strings.TrimRight(v, "/")
		}
	}

	for _, p := range list(env("TRUSTED_PROXIES")) {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				fail("TRUSTED_PROXIES", p, "each entry must be an IP address or a CIDR range")
				continue
			}
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}

	c.WebhookURL = env("AUTH_WEBHOOK_URL")
	switch secret := env("AUTH_WEBHOOK_SECRET"); {
	case c.WebhookURL == "" && secret != "":
		fail("AUTH_WEBHOOK_SECRET", "", "is set without AUTH_WEBHOOK_URL")
	case c.WebhookURL != "" && secret == "":
		fail("AUTH_WEBHOOK_SECRET", "", "is required with AUTH_WEBHOOK_URL (generate one: whsec_ followed by base64 of 24 to 64 random bytes)")
	case secret != "":
		s, err := webhook.ParseSecret(secret)
		if err != nil {
			fail("AUTH_WEBHOOK_SECRET", "", "want whsec_ followed by base64 of 24 to 64 random bytes")
		}
		c.WebhookSecret = s
	}
	if c.WebhookURL != "" {
		ep := audit.Endpoint{ID: webhookEndpointID, URL: c.WebhookURL, Secrets: []webhook.Secret{webhook.GenerateSecret()}, AllowPrivate: c.WebhookAllowPrivate}
		if err := ep.Validate(); err != nil {
			fail("AUTH_WEBHOOK_URL", "", "want an http(s) URL of a public address (set AUTH_WEBHOOK_ALLOW_PRIVATE=true for a private or loopback one)")
		}
	}
	c.OAuthProviders = oauthProviders(env, fail)

	if len(errs) > 0 {
		return config{}, errors.Join(errs...)
	}
	return c, nil
}

// redisURLProblem says what redis.ParseURL found wrong with REDIS_URL,
// without the URL itself, which may hold a password.
func redisURLProblem(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return "not a URL"
	}
	return err.Error()
}

// list splits a comma-separated variable, trimming blanks and dropping
// empty entries.
func list(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
