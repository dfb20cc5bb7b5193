package ginauth

import (
	"github.com/fastauth/fastauth"

	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Config configures Register. The zero value of every field but Secret
// means its documented default, so a Config needs only a Secret:
//
//	cfg := ginauth.Config{Secret: []byte(os.Getenv("AUTH_JWT_SECRET"))}
//
// Boolean options are named so that false is the default.
type Config struct {
	// BasePath is where the routes are mounted. Default "/auth".
	BasePath string

	// Secret signs access tokens (HS256). At least 32 bytes. Required
	// whatever TokenAlgorithm is: it also keys the rate limiter's buckets.
	Secret []byte
	// PreviousSecrets still verify tokens during a secret rotation; each
	// at least 32 bytes. Tokens name their secret in the `kid` header.
	PreviousSecrets [][]byte
	// TokenAlgorithm is the JWS algorithm of access tokens: "HS256" (the
	// default; Secret signs), "EdDSA" (Ed25519) or "ES256" (P-256), which
	// sign with SigningKeys and let other services verify tokens with the
	// public keys at GET {BasePath}/.well-known/jwks.json.
	TokenAlgorithm string
	// SigningKeys are the private keys of EdDSA and ES256 in PEM, one or
	// more PKCS#8 "PRIVATE KEY" blocks: the first signs and must be of
	// TokenAlgorithm, the others still verify (rotation). Tokens name their
	// key in the `kid` header, the RFC 7638 thumbprint of its public key.
	// Must be empty under HS256.
	SigningKeys []byte
	// Issuer and Audience are the `iss` and `aud` claims, checked on verify.
	// Default "fastauth" for both.
	Issuer, Audience string

	// AccessTokenTTL is the access token lifetime. Default 15 minutes.
	AccessTokenTTL time.Duration
	// ClockSkew is how far an access token's iat (and nbf, when it has
	// one) may lie ahead of this instance's clock: instances whose clocks
	// differ by less accept each other's fresh tokens. exp gets no leeway:
	// a clock ahead of the signer's only makes a token expire early here,
	// and the client refreshes. Default 60 seconds (AccessTokenTTL when
	// that is shorter); a negative value allows none. At most
	// AccessTokenTTL.
	ClockSkew time.Duration
	// RefreshTokenTTL is the refresh token and session lifetime. Default 7 days.
	RefreshTokenTTL time.Duration
	// RefreshReuseGrace is the window after a rotation in which presenting
	// the consumed token only gets 401 instead of revoking the session.
	// Default 10 seconds; a negative value disables the grace window.
	RefreshReuseGrace time.Duration
	// SingleSession makes a sign-in revoke the user's other sessions.
	SingleSession bool

	// Cookie sets the cookie names and attributes.
	Cookie CookieConfig

	// Password is the password policy. The zero value means
	// DefaultPasswordPolicy.
	Password PasswordPolicy
	// Argon2 sets the hashing cost. The zero value means DefaultArgon2Params.
	Argon2 Argon2Params
	// MaxConcurrentHashes bounds the argon2id computations running at once.
	// Default: the number of CPUs usable by the process (GOMAXPROCS).
	MaxConcurrentHashes int
	// HashQueueTimeout is how long a request waits for a hashing slot
	// before it gets 503 with Retry-After. Default 5 seconds.
	HashQueueTimeout time.Duration

	// RequireEmailConfirmation withholds cookies at sign-up and refuses
	// sign-in and refresh with 403 email_not_confirmed until the user
	// confirms their email.
	RequireEmailConfirmation bool
	// VerificationTokenTTL is the lifetime of email-confirmation and
	// password-reset tokens. Default 1 hour.
	VerificationTokenTTL time.Duration
	// InviteTTL is the lifetime of organization invites. Default 7 days.
	InviteTTL time.Duration
	// AppBaseURL is the base of links in mails, e.g. "https://app.example".
	// Default "http://localhost:8080", right only for local development:
	// Register logs a warning when a Mailer other than the log mailer is
	// configured without it.
	AppBaseURL string
	// EmailConfirmedRedirect, when set, makes GET {BasePath}/email/confirm
	// redirect (303) there after a successful confirmation instead of
	// answering JSON; EmailConfirmFailedRedirect likewise after a failure.
	EmailConfirmedRedirect, EmailConfirmFailedRedirect string
	// MailLinks maps a mail kind to the absolute URL of the application's
	// page for its links (the token goes in its `token` query parameter);
	// the ui module's pages take precedence. See mail.Links.
	MailLinks map[MailKind]string
	// Mailer sends mails. Default: a LogMailer writing to Logger, which
	// delivers nothing and logs at Debug with tokens redacted; Register
	// logs a warning when Mailer is not set.
	Mailer Mailer
	// MailTemplates overrides the mail templates; nil fields keep the
	// built-in ones.
	MailTemplates *MailTemplates

	// Hooks run after sign-up, sign-in and invite acceptance.
	Hooks Hooks
	// Modules are mounted by Register after the kernel's routes, in order
	// (see Module). Their settings go to their own constructors.
	Modules []Module
	// Observer, if set, receives the kernel's measurements (sign-ins and
	// refreshes by result, refresh replays, rate-limited requests by
	// route, password-hash time and queue wait, token-cache hits and
	// misses): *metrics.Metrics exports them to Prometheus. Nil (the
	// default) measures nothing and costs nothing.
	Observer Observer

	// APIKeyCacheTTL is how long a verified API key is trusted without a
	// store read. Deleting a key through this process evicts it at once;
	// other processes see a deletion within this bound. Default 10 seconds;
	// a negative value disables the cache.
	APIKeyCacheTTL time.Duration
	// APIKeyTouchInterval is the least time between two last_used_at
	// writes of one key. Default 1 minute.
	APIKeyTouchInterval time.Duration
	// KeepAPIKeysOnPasswordReset keeps the API keys a user created when
	// they reset their password. By default a reset deletes them: the reset
	// is how an account is recovered after a compromise, and keys made
	// during it would otherwise outlive it. (A password change, which needs
	// the current password and an active session, keeps them.)
	KeepAPIKeysOnPasswordReset bool

	// TrustedOrigins are origins (scheme://host[:port]) allowed to make
	// unsafe cookie-authenticated cross-origin requests.
	TrustedOrigins []string
	// MaxBodyBytes caps request bodies of the auth routes (413 beyond).
	// Default 64 KiB.
	MaxBodyBytes int64
	// StoreTimeout bounds every store call; past it the request gets 503
	// store_unavailable. The deadline starts with the call: the wait for a
	// password-hashing slot (HashQueueTimeout) and the hashing never count
	// against it. Default 5 seconds.
	StoreTimeout time.Duration
	// RateLimit configures request limits.
	RateLimit RateLimitConfig
	// Revocation says when revoked sessions and changed roles stop being
	// accepted in access tokens: at their expiry (default) or at once on
	// every instance (see RevocationConfig).
	Revocation RevocationConfig

	// Logger receives operational logs. Default slog.Default().
	Logger *slog.Logger
	// Now is the clock. Default time.Now. Tests inject a fake clock here.
	Now func() time.Time
}

// CookieConfig names the cookies and sets their attributes.
type CookieConfig struct {
	// AccessName and RefreshName default to "access_token" and
	// "refresh_token". They must differ and be RFC 6265 tokens.
	AccessName, RefreshName string
	// Insecure drops the Secure attribute (for plain-HTTP development).
	Insecure bool
	// SameSite defaults to http.SameSiteLaxMode.
	SameSite http.SameSite
	// Domain is the Domain attribute; empty means host-only cookies.
	Domain string
	// AccessPath is the access cookie's Path; default "/". The refresh
	// cookie's Path is always the BasePath.
	AccessPath string
}

// PasswordPolicy is the rule new passwords must meet.
type PasswordPolicy struct {
	// MinLength and MaxLength count characters (runes).
	MinLength, MaxLength int
	// RequireLetter and RequireDigit demand at least one of each.
	RequireLetter, RequireDigit bool
}

// DefaultPasswordPolicy is 8 to 128 characters with a letter and a digit.
var DefaultPasswordPolicy = PasswordPolicy{MinLength: 8, MaxLength: 128, RequireLetter: true, RequireDigit: true}

// Argon2Params are argon2id cost parameters.
type Argon2Params struct {
	// Memory in KiB, Iterations (t) and Parallelism (p).
	Memory      uint32
	Iterations  uint32
	Parallelism uint8
	// SaltLength and KeyLength in bytes.
	SaltLength, KeyLength uint32
	// AllowWeak accepts parameters below DefaultArgon2Params. It exists so
	// test suites can run thousands of sign-ups quickly; never set it in
	// production.
	AllowWeak bool
}

// DefaultArgon2Params are OWASP's minimum for argon2id: m=19 MiB, t=2, p=1.
var DefaultArgon2Params = Argon2Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// Off turns off a limit or window whose zero value means its default:
// RateLimit.PerIP, RateLimit.PerAccount.Limit, RateLimit.PerEmail.Limit,
// RateLimit.Lockout.Threshold, RefreshReuseGrace and APIKeyCacheTTL. Any
// negative value means the same; Off names it:
//
//	cfg.RateLimit.PerIP = ginauth.Off // no per-IP limit; 0 would mean 60
//
// Zero cannot mean "off" in Go, where an unset field is zero and must get
// the safe default. Configuration read from text can tell "unset" from 0:
// the example server reads AUTH_RATE_LIMIT_PER_IP=0 as Off, and an unset
// variable as the default.
const Off = -1

// RateLimitConfig configures the rate limits (see ratelimit.go and
// SECURITY.md). Zero values mean defaults; Off turns a limit off.
//
// The per-IP limits key on gin's Context.ClientIP: call the engine's
// SetTrustedProxies with your proxies (or nil when there is none), or gin
// believes any client's X-Forwarded-For and an attacker picks their bucket.
// The middleware logs a warning at the first request when the engine does.
type RateLimitConfig struct {
	// PerIP is the number of requests a minute one client IP may make to
	// each rate-limited route (sign-up, sign-in, email/confirm/send,
	// password/forgot, password/reset, password/change,
	// organizations/invites/accept, and invite creation). Default 60 (when
	// zero); Off (or any negative value) disables per-IP limits. IPv6
	// clients are limited per /64 network.
	PerIP int
	// PerAccount limits password changes and invite acceptances per
	// signed-in account. Default 10 per 15 minutes; a Limit of Off
	// disables it.
	PerAccount RateRule
	// Invites limits the invites one signed-in account creates, over all
	// its organizations (each invite mails an address the caller chose).
	// Default 20 per hour; a Limit of Off disables it.
	Invites RateRule
	// PerEmail limits the mails each mail-sending route (invite creation
	// included) sends to one address. Over it the route still answers its
	// usual 200 (201 with the invite and its token) and sends nothing, so
	// the limit reveals nothing about accounts. Default 3 per 15 minutes;
	// a Limit of Off disables it.
	PerEmail RateRule
	// Lockout is the per-account sign-in lockout. Default: after 10
	// consecutive failures 429 for 1 minute, doubling with each further
	// failure up to 1 hour, reset by a success, forgotten after 24 hours
	// without failure. It is keyed by the submitted email, existing or not.
	// A Threshold of Off disables it.
	Lockout LockoutPolicy
	// Limiter stores the buckets and lockouts. Default: a new in-memory
	// limiter (NewMemoryRateLimiter), right for one instance. Instances
	// behind a load balancer share limits through
	// github.com/fastauth/fastauth/redislimit. When the limiter fails (e.g.
	// Redis is down) the request is allowed and the error logged: limits
	// fail open, authentication never does.
	Limiter RateLimiter
	// Disabled turns every rate limit off (per-IP and per-account).
	Disabled bool
}

// ErrInvalidConfig wraps the validation errors of Config.Validate and of
// the mailers' constructors.
var ErrInvalidConfig = fastauth.ErrInvalidConfig

// withDefaults returns a copy of c with every zero field set to its default.
func (c Config) withDefaults() Config {
	if c.BasePath == "" {
		c.BasePath = "/auth"
	}
	c.BasePath = "/" + strings.Trim(c.BasePath, "/")
	if c.TokenAlgorithm == "" {
		c.TokenAlgorithm = algHS256
	}
	if c.Issuer == "" {
		c.Issuer = "fastauth"
	}
	if c.Audience == "" {
		c.Audience = "fastauth"
	}
	setDuration(&c.AccessTokenTTL, 15*time.Minute)
	setDuration(&c.RefreshTokenTTL, 7*24*time.Hour)
	if c.ClockSkew == 0 {
		c.ClockSkew = min(time.Minute, c.AccessTokenTTL)
	}
	setDuration(&c.RefreshReuseGrace, 10*time.Second)
	setDuration(&c.HashQueueTimeout, 5*time.Second)
	setDuration(&c.VerificationTokenTTL, time.Hour)
	setDuration(&c.InviteTTL, 7*24*time.Hour)
	setDuration(&c.APIKeyCacheTTL, 10*time.Second)
	setDuration(&c.APIKeyTouchInterval, time.Minute)
	setDuration(&c.StoreTimeout, 5*time.Second)
	if c.Cookie.AccessName == "" {
		c.Cookie.AccessName = "access_token"
	}
	if c.Cookie.RefreshName == "" {
		c.Cookie.RefreshName = "refresh_token"
	}
	if c.Cookie.SameSite == 0 {
		c.Cookie.SameSite = http.SameSiteLaxMode
	}
	if c.Cookie.AccessPath == "" {
		c.Cookie.AccessPath = "/"
	}
	if c.Password == (PasswordPolicy{}) {
		c.Password = DefaultPasswordPolicy
	}
	if c.Argon2 == (Argon2Params{}) {
		c.Argon2 = DefaultArgon2Params
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 64 << 10
	}
	if c.AppBaseURL == "" {
		c.AppBaseURL = "http://localhost:8080"
	}
	c.AppBaseURL = strings.TrimRight(c.AppBaseURL, "/")
	c.RateLimit = c.RateLimit.withDefaults()
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

func setDuration(d *time.Duration, def time.Duration) {
	if *d == 0 {
		*d = def
	}
}

// Validate reports the first problem with the configuration, after defaults
// are applied, as an error wrapping ErrInvalidConfig.
func (c Config) Validate() error {
	c = c.withDefaults()
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidConfig, fmt.Sprintf(format, args...))
	}
	if len(c.Secret) < 32 {
		return bad("Secret must be at least 32 bytes, got %d", len(c.Secret))
	}
	for i, s := range c.PreviousSecrets {
		if len(s) < 32 {
			return bad("PreviousSecrets[%d] must be at least 32 bytes, got %d", i, len(s))
		}
	}
	if _, err := c.signingKeys(); err != nil {
		return err
	}
	if err := c.Revocation.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	for name, d := range map[string]time.Duration{
		"AccessTokenTTL": c.AccessTokenTTL, "RefreshTokenTTL": c.RefreshTokenTTL,
		"HashQueueTimeout": c.HashQueueTimeout, "VerificationTokenTTL": c.VerificationTokenTTL,
		"InviteTTL": c.InviteTTL, "APIKeyTouchInterval": c.APIKeyTouchInterval, "StoreTimeout": c.StoreTimeout,
	} {
		if d <= 0 {
			return bad("%s must be positive, got %s", name, d)
		}
	}
	if c.ClockSkew > c.AccessTokenTTL {
		return bad("ClockSkew (%s) must not exceed AccessTokenTTL (%s)", c.ClockSkew, c.AccessTokenTTL)
	}
	if c.AccessTokenTTL > c.RefreshTokenTTL {
		return bad("AccessTokenTTL (%s) must not exceed RefreshTokenTTL (%s)", c.AccessTokenTTL, c.RefreshTokenTTL)
	}
	p := c.Password
	if p.MinLength < 1 {
		return bad("Password.MinLength must be at least 1, got %d", p.MinLength)
	}
	if p.MaxLength < p.MinLength || p.MaxLength > 1024 {
		return bad("Password.MaxLength must be between MinLength (%d) and 1024, got %d", p.MinLength, p.MaxLength)
	}
	a := c.Argon2
	if a.Iterations < 1 || a.Parallelism < 1 || a.Memory < 8*uint32(a.Parallelism) {
		return bad("Argon2 parameters invalid (t>=1, p>=1, m>=8*p KiB)")
	}
	if !a.AllowWeak && (a.Memory < DefaultArgon2Params.Memory || a.Iterations < DefaultArgon2Params.Iterations) {
		return bad("Argon2 parameters below OWASP's minimum (m=%d KiB, t=%d); set AllowWeak only in tests", DefaultArgon2Params.Memory, DefaultArgon2Params.Iterations)
	}
	if a.SaltLength < 16 || a.KeyLength < 16 {
		return bad("Argon2 SaltLength and KeyLength must be at least 16 bytes")
	}
	if c.MaxConcurrentHashes < 0 {
		return bad("MaxConcurrentHashes must not be negative")
	}
	if c.MaxBodyBytes < 1024 {
		return bad("MaxBodyBytes must be at least 1024, got %d", c.MaxBodyBytes)
	}
	if c.Cookie.AccessName == c.Cookie.RefreshName {
		return bad("Cookie.AccessName and Cookie.RefreshName must differ")
	}
	for _, name := range []string{c.Cookie.AccessName, c.Cookie.RefreshName} {
		if err := (&http.Cookie{Name: name}).Valid(); err != nil {
			return bad("cookie name %q is not an RFC 6265 token", name)
		}
	}
	if err := c.RateLimit.validate(); err != nil {
		return bad("%v", err)
	}
	cop := http.NewCrossOriginProtection()
	for _, o := range c.TrustedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return bad("TrustedOrigins entry %q must be scheme://host[:port]: %v", o, err)
		}
	}
	return nil
}
