package ginauth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/internal/ratelimit"
)

// RateLimiter stores the token buckets of the rate limits and the
// consecutive-failure records of the sign-in lockout. NewMemoryRateLimiter
// (the default) keeps them in the process; package
// github.com/fastauth/fastauth/redislimit keeps them in Redis so that every
// instance shares them. Implementations must be safe for concurrent use and
// take time only from the now they are given.
type RateLimiter interface {
	// Allow takes one token from the bucket key under rule at now.
	Allow(ctx context.Context, key string, rule RateRule, now time.Time) (RateDecision, error)
	// ReserveAttempt atomically checks key's lockout at now and, unless it
	// is locked, counts one sign-in attempt as a failure (starting a lock
	// when the count reaches the policy's threshold). It returns how long
	// key stays locked: 0 means the attempt is reserved and may be made; a
	// locked key counts nothing. Check and count must be one atomic step,
	// so that of concurrent attempts at most the threshold get through.
	ReserveAttempt(ctx context.Context, key string, policy LockoutPolicy, now time.Time) (time.Duration, error)
	// ResetLockout forgets key's failures.
	ResetLockout(ctx context.Context, key string) error
}

// RateRule is a token bucket: at most Limit requests at once, refilled at
// Limit per Per.
type RateRule = ratelimit.Rule

// RateDecision is the outcome of RateLimiter.Allow: Allowed, or RetryAfter
// until a token is available.
type RateDecision = ratelimit.Decision

// LockoutPolicy is the sign-in lockout: after Threshold consecutive
// failures the account is locked for Cooldown; each further failure locks
// it again for twice as long, up to MaxCooldown; a success resets it; a
// record without failure for Forget is dropped. An attempt counts as a
// failure from the moment it is reserved, before the password is checked.
type LockoutPolicy = ratelimit.LockoutPolicy

// NewMemoryRateLimiter returns an in-process RateLimiter holding at most
// about a million keys; idle buckets are evicted. It is the default and is
// right for a single instance.
func NewMemoryRateLimiter() RateLimiter { return ratelimit.NewMemory(0) }

// The routes the rate limits apply to, relative to the base path. Handlers
// name their route with these when they call allowEmail.
const (
	routeSignUp         = "/sign-up"
	routeSignIn         = "/sign-in"
	routeConfirmSend    = "/email/confirm/send"
	routePasswordForgot = "/password/forgot"
	routePasswordReset  = "/password/reset"
	routePasswordChange = "/password/change"
	routeInviteAccept   = "/organizations/invites/accept"
	routeInviteCreate   = "/organizations/:organization_id/invites"
)

// ipLimited reports whether POST route has a per-IP limit.
func ipLimited(route string) bool {
	switch route {
	case routeSignUp, routeSignIn, routeConfirmSend, routePasswordForgot,
		routePasswordReset, routePasswordChange, routeInviteAccept, routeInviteCreate:
		return true
	}
	return false
}

// accountRule returns the per-account rule of POST route, if it has one:
// PerAccount for password changes and invite acceptances, Invites for
// invite creation. A disabled rule (negative Limit) reports false.
func (rc RateLimitConfig) accountRule(route string) (RateRule, bool) {
	var r RateRule
	switch route {
	case routePasswordChange, routeInviteAccept:
		r = rc.PerAccount
	case routeInviteCreate:
		r = rc.Invites
	default:
		return RateRule{}, false
	}
	return r, r.Limit > 0
}

// withDefaults fills the zero fields of rc.
func (rc RateLimitConfig) withDefaults() RateLimitConfig {
	if rc.PerIP == 0 {
		rc.PerIP = 60
	}
	rc.PerAccount = ruleDefaults(rc.PerAccount, RateRule{Limit: 10, Per: 15 * time.Minute})
	rc.Invites = ruleDefaults(rc.Invites, RateRule{Limit: 20, Per: time.Hour})
	rc.PerEmail = ruleDefaults(rc.PerEmail, RateRule{Limit: 3, Per: 15 * time.Minute})
	lo := &rc.Lockout
	if lo.Threshold == 0 {
		lo.Threshold = 10
	}
	setDuration(&lo.Cooldown, time.Minute)
	setDuration(&lo.MaxCooldown, max(time.Hour, lo.Cooldown))
	setDuration(&lo.Forget, 24*time.Hour)
	if rc.Limiter == nil {
		rc.Limiter = NewMemoryRateLimiter()
	}
	return rc
}

func ruleDefaults(r, def RateRule) RateRule {
	if r.Limit == 0 {
		r.Limit = def.Limit
	}
	setDuration(&r.Per, def.Per)
	return r
}

// validate checks the enabled rules (defaults applied).
func (rc RateLimitConfig) validate() error {
	if rc.PerAccount.Limit > 0 {
		if err := rc.PerAccount.Validate(); err != nil {
			return fmt.Errorf("RateLimit.PerAccount: %w", err)
		}
	}
	if rc.PerEmail.Limit > 0 {
		if err := rc.PerEmail.Validate(); err != nil {
			return fmt.Errorf("RateLimit.PerEmail: %w", err)
		}
	}
	if rc.Invites.Limit > 0 {
		if err := rc.Invites.Validate(); err != nil {
			return fmt.Errorf("RateLimit.Invites: %w", err)
		}
	}
	if rc.Lockout.Threshold > 0 {
		if err := rc.Lockout.Validate(); err != nil {
			return fmt.Errorf("RateLimit.Lockout: %w", err)
		}
	}
	return nil
}

// rateLimit is the middleware of the auth route group: it applies the
// per-IP limit of the POST routes listed in ipLimited and, for a signed-in
// caller, the per-account limit of password change, invite acceptance and
// invite creation (accountRule), answering 429 rate_limited with Retry-After when a bucket is empty. The
// client IP is gin's ClientIP, so only proxies trusted with
// Engine.SetTrustedProxies can choose it.
func (a *Auth) rateLimit(c *gin.Context) {
	rl := a.cfg.RateLimit
	if rl.Disabled || c.Request.Method != http.MethodPost {
		c.Next()
		return
	}
	route := c.FullPath()
	if a.cfg.BasePath != "/" {
		route = strings.TrimPrefix(route, a.cfg.BasePath)
	}
	if !ipLimited(route) {
		c.Next()
		return
	}
	ctx := c.Request.Context()
	if rl.PerIP > 0 {
		key := "ip|" + route + "|" + clientNetwork(c.ClientIP())
		if wait, ok := a.allow(ctx, key, RateRule{Limit: rl.PerIP, Per: time.Minute}); !ok {
			a.obs.rateLimited(c)
			abortRateLimited(c, wait)
			return
		}
	}
	if rule, limited := rl.accountRule(route); limited {
		if p, ok := PrincipalFrom(c); ok {
			if wait, ok := a.allow(ctx, "acct|"+route+"|"+p.UserID, rule); !ok {
				a.obs.rateLimited(c)
				abortRateLimited(c, wait)
				return
			}
		}
	}
	c.Next()
}

// allowEmail takes a token from the per-address bucket of a mail-sending
// route (routeConfirmSend, routePasswordForgot, ...) for the normalized
// email. When it reports false the handler must answer exactly as if it
// had sent the mail, and send nothing: the limit must not reveal whether
// the address has an account.
func (a *Auth) allowEmail(ctx context.Context, route, email string) (retryAfter time.Duration, ok bool) {
	rl := a.cfg.RateLimit
	if rl.Disabled || rl.PerEmail.Limit < 0 {
		return 0, true
	}
	return a.allow(ctx, "mail|"+route+"|"+a.emailKey(email), rl.PerEmail)
}

// reserveSignIn reserves a sign-in attempt for the normalized email and
// reports whether sign-in is locked out instead, and for how long. The
// sign-in handler calls it before any lookup or password work and answers a
// lock with abortRateLimited, whether or not the account exists. A reserved
// attempt counts as a failure (a wrong password and an unknown email
// alike) until resetLockout forgets it, so of concurrent guesses at most
// the threshold are ever evaluated.
func (a *Auth) reserveSignIn(ctx context.Context, email string) (retryAfter time.Duration, locked bool) {
	return a.reserveAttempt(ctx, a.lockoutKey(email))
}

// reserveAttempt reserves an attempt on the lockout record key (see
// reserveSignIn).
func (a *Auth) reserveAttempt(ctx context.Context, key string) (retryAfter time.Duration, locked bool) {
	if !a.lockoutEnabled() {
		return 0, false
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.StoreTimeout)
	defer cancel()
	d, err := a.cfg.RateLimit.Limiter.ReserveAttempt(ctx, key, a.cfg.RateLimit.Lockout, a.now())
	if err != nil {
		a.limiterFailure(ctx, err)
		return 0, false
	}
	return d, d > 0
}

// resetLockout forgets the sign-in failures of the normalized email: after
// its password verified, and after a password reset.
func (a *Auth) resetLockout(ctx context.Context, email string) {
	a.resetAttempts(ctx, a.lockoutKey(email))
}

// resetAttempts forgets the failures of the lockout record key.
func (a *Auth) resetAttempts(ctx context.Context, key string) {
	if !a.lockoutEnabled() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.StoreTimeout)
	defer cancel()
	if err := a.cfg.RateLimit.Limiter.ResetLockout(ctx, key); err != nil {
		a.limiterFailure(ctx, err)
	}
}

func (a *Auth) lockoutEnabled() bool {
	return !a.cfg.RateLimit.Disabled && a.cfg.RateLimit.Lockout.Threshold > 0
}

func (a *Auth) lockoutKey(email string) string { return "signin|" + a.emailKey(email) }

// factorLockoutKey is the lockout record of the second-factor attempts of
// the account with the normalized email (Host.ReserveFactorAttempt).
func (a *Auth) factorLockoutKey(email string) string { return "factor|" + a.emailKey(email) }

// allow takes a token from key's bucket. A limiter error allows the request
// (fail open) and is logged.
func (a *Auth) allow(ctx context.Context, key string, rule RateRule) (time.Duration, bool) {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.StoreTimeout)
	defer cancel()
	d, err := a.cfg.RateLimit.Limiter.Allow(ctx, key, rule, a.now())
	if err != nil {
		a.limiterFailure(ctx, err)
		return 0, true
	}
	return d.RetryAfter, d.Allowed
}

func (a *Auth) limiterFailure(ctx context.Context, err error) {
	a.log.ErrorContext(ctx, "fastauth: rate limiter failed; request allowed without limit", "err", err)
}

// emailKey names an email in limiter keys without storing it: a keyed hash
// (HMAC-SHA-256 under the signing secret, 128 bits), so a shared Redis holds
// no addresses and none can be recovered by hashing guesses.
func (a *Auth) emailKey(email string) string {
	m := hmac.New(sha256.New, a.cfg.Secret)
	m.Write([]byte("fastauth rate-limit email\x00"))
	m.Write([]byte(email))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// clientNetwork is the bucket name of a client IP: the address for IPv4,
// its /64 network for IPv6 (one subscriber usually holds a whole /64).
func clientNetwork(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap()
	if addr.Is4() {
		return addr.String()
	}
	p, err := addr.Prefix(64)
	if err != nil {
		return addr.String()
	}
	return p.String()
}

// abortRateLimited answers 429 rate_limited with Retry-After in whole
// seconds (rounded up, at least 1).
func abortRateLimited(c *gin.Context, retryAfter time.Duration) {
	secs := int64((retryAfter + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	c.Header("Retry-After", strconv.FormatInt(secs, 10))
	abort(c, http.StatusTooManyRequests, CodeRateLimited, "too many requests; retry in "+strconv.FormatInt(secs, 10)+" seconds")
}
