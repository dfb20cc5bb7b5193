package ginauth

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"

	"github.com/fastauth/fastauth/internal/ratelimit"
	"github.com/fastauth/fastauth/internal/secret"
)

var _ RateLimiter = (*ratelimit.Memory)(nil)

// limitedAuth is an Auth with only what the rate-limit and cross-origin
// middleware use, rate limits on unless adjust turns them off.
func limitedAuth(t *testing.T, clock *testClock, adjust func(*Config)) *Auth {
	t.Helper()
	cfg := Config{
		Secret: testSecret(1),
		Now:    clock.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	if adjust != nil {
		adjust(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	cfg = cfg.withDefaults()
	return &Auth{cfg: cfg, log: cfg.Logger, cop: newCrossOriginProtection(cfg)}
}

// limitedEngine mounts a's group middleware in front of stub handlers for
// every rate-limited route and a few others. principal, when set, plays the
// base middleware. trusted are the trusted proxies (nil: none).
func limitedEngine(t *testing.T, a *Auth, trusted []string, principal *Principal) *gin.Engine {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(trusted); err != nil {
		t.Fatal(err)
	}
	if principal != nil {
		r.Use(func(c *gin.Context) { c.Set(principalKey, principal) })
	}
	g := r.Group(a.cfg.BasePath, a.authResponseHeaders, a.crossOriginGuard, a.rateLimit)
	ok := func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }
	for _, p := range []string{routeSignUp, routeSignIn, routeConfirmSend, routePasswordForgot, routePasswordReset, routePasswordChange, routeInviteAccept, routeInviteCreate, "/refresh", "/email/confirm"} {
		for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			g.Handle(m, p, ok)
		}
	}
	return r
}

// send performs one request from remote (ip:port) with extra headers.
func send(r http.Handler, method, path, remote string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://fastauth.test"+path, strings.NewReader("{}"))
	req.RemoteAddr = remote
	for k, v := range header {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	return w
}

// expectLimited asserts a 429 rate_limited with Retry-After retry.
func expectLimited(t *testing.T, w *httptest.ResponseRecorder, retry string) {
	t.Helper()
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429; body %s", w.Code, w.Body)
	}
	var body ErrorBody
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Code != CodeRateLimited || body.Message == "" {
		t.Fatalf("body %s, want {code: rate_limited, message}", w.Body)
	}
	if got := w.Header().Get("Retry-After"); got != retry {
		t.Fatalf("Retry-After %q, want %q", got, retry)
	}
	if w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("429 without Cache-Control: no-store")
	}
}

func TestRateLimitPerIP(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	a := limitedAuth(t, clock, func(c *Config) { c.RateLimit.PerIP = 3 })
	r := limitedEngine(t, a, nil, nil)
	const ip = "198.51.100.7:4242"
	for _, route := range []string{routeSignUp, routeSignIn, routeConfirmSend, routePasswordForgot, routePasswordReset, routePasswordChange, routeInviteAccept} {
		for i := range 3 {
			if w := send(r, http.MethodPost, "/auth"+route, ip, nil); w.Code != http.StatusOK {
				t.Fatalf("%s request %d: status %d", route, i, w.Code)
			}
		}
		// 3 a minute: the next token comes in 20 s.
		expectLimited(t, send(r, http.MethodPost, "/auth"+route, ip, nil), "20")
		// An untrusted X-Forwarded-For never chooses the bucket.
		for _, xff := range []string{"203.0.113.1", "203.0.113.2, 10.0.0.1", "garbage"} {
			expectLimited(t, send(r, http.MethodPost, "/auth"+route, ip, map[string]string{"X-Forwarded-For": xff, "X-Real-IP": xff}), "20")
		}
		// Another client is not affected.
		if w := send(r, http.MethodPost, "/auth"+route, "198.51.100.8:1", nil); w.Code != http.StatusOK {
			t.Fatalf("%s from another IP: status %d", route, w.Code)
		}
	}
	// GETs and routes without a limit are never limited.
	for range 10 {
		for _, req := range [][2]string{{http.MethodGet, routeSignIn}, {http.MethodPost, "/refresh"}, {http.MethodPost, "/email/confirm"}} {
			if w := send(r, req[0], "/auth"+req[1], ip, nil); w.Code != http.StatusOK {
				t.Fatalf("%s %s: status %d", req[0], req[1], w.Code)
			}
		}
	}
	clock.Advance(19 * time.Second)
	expectLimited(t, send(r, http.MethodPost, "/auth"+routeSignIn, ip, nil), "1")
	clock.Advance(time.Second)
	if w := send(r, http.MethodPost, "/auth"+routeSignIn, ip, nil); w.Code != http.StatusOK {
		t.Fatalf("after the refill: status %d", w.Code)
	}
}

// TestRateLimitTrustedProxy: behind a trusted proxy the client IP comes
// from X-Forwarded-For, so clients behind it get their own buckets.
func TestRateLimitTrustedProxy(t *testing.T) {
	t.Parallel()
	a := limitedAuth(t, newTestClock(), func(c *Config) { c.RateLimit.PerIP = 1 })
	r := limitedEngine(t, a, []string{"10.0.0.0/8"}, nil)
	const proxy = "10.1.2.3:5555"
	xff := func(ip string) map[string]string { return map[string]string{"X-Forwarded-For": ip} }
	if w := send(r, http.MethodPost, "/auth/sign-in", proxy, xff("203.0.113.1")); w.Code != http.StatusOK {
		t.Fatalf("first client: %d", w.Code)
	}
	expectLimited(t, send(r, http.MethodPost, "/auth/sign-in", proxy, xff("203.0.113.1")), "60")
	if w := send(r, http.MethodPost, "/auth/sign-in", proxy, xff("203.0.113.2")); w.Code != http.StatusOK {
		t.Fatalf("second client behind the proxy: %d", w.Code)
	}
	// A client outside the trusted range cannot pick a bucket with XFF.
	if w := send(r, http.MethodPost, "/auth/sign-in", "198.51.100.1:1", xff("203.0.113.3")); w.Code != http.StatusOK {
		t.Fatalf("direct client: %d", w.Code)
	}
	expectLimited(t, send(r, http.MethodPost, "/auth/sign-in", "198.51.100.1:1", xff("203.0.113.4")), "60")
}

func TestRateLimitIPv6Network(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"198.51.100.7":            "198.51.100.7",
		"::ffff:198.51.100.7":     "198.51.100.7",
		"2001:db8:1:2:3:4:5:6":    "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1":    "2001:db8:1:2::/64",
		"fe80::1%eth0":            "fe80::/64",
		"not-an-ip":               "not-an-ip",
		"":                        "",
		"2001:db8:1:3::1":         "2001:db8:1:3::/64",
		"::1":                     "::/64",
		"2001:0db8:0001:0002::99": "2001:db8:1:2::/64",
	} {
		if got := clientNetwork(in); got != want {
			t.Errorf("clientNetwork(%q) = %q, want %q", in, got, want)
		}
	}
	a := limitedAuth(t, newTestClock(), func(c *Config) { c.RateLimit.PerIP = 1 })
	r := limitedEngine(t, a, nil, nil)
	if w := send(r, http.MethodPost, "/auth/sign-up", "[2001:db8:1:2::1]:1", nil); w.Code != http.StatusOK {
		t.Fatal(w.Code)
	}
	expectLimited(t, send(r, http.MethodPost, "/auth/sign-up", "[2001:db8:1:2::9999]:1", nil), "60")
}

func TestRateLimitOff(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		adjust func(*Config)
		route  string
	}{
		"Disabled":   {func(c *Config) { c.RateLimit = RateLimitConfig{Disabled: true, PerIP: 1} }, routePasswordChange},
		"PerIP < 0":  {func(c *Config) { c.RateLimit.PerIP = -1 }, routeSignIn},
		"PerAccount": {func(c *Config) { c.RateLimit.PerIP = -1; c.RateLimit.PerAccount.Limit = -1 }, routePasswordChange},
		"Invites":    {func(c *Config) { c.RateLimit.PerIP = -1; c.RateLimit.Invites.Limit = -1 }, "/organizations/x/invites"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a := limitedAuth(t, newTestClock(), tc.adjust)
			r := limitedEngine(t, a, nil, &Principal{Kind: PrincipalSession, UserID: "u1"})
			for i := range 100 {
				if w := send(r, http.MethodPost, "/auth"+tc.route, "198.51.100.7:1", nil); w.Code != http.StatusOK {
					t.Fatalf("request %d: status %d", i, w.Code)
				}
			}
		})
	}
}

// TestRateLimitZeroAndOff: a zero PerIP is the default of 60 requests a
// minute, never "no limit"; Off (like any negative value) is no limit.
func TestRateLimitZeroAndOff(t *testing.T) {
	t.Parallel()
	zero := limitedEngine(t, limitedAuth(t, newTestClock(), func(c *Config) { c.RateLimit.PerIP = 0 }), nil, nil)
	for i := range 60 {
		if w := send(zero, http.MethodPost, "/auth/sign-in", "198.51.100.7:1", nil); w.Code != http.StatusOK {
			t.Fatalf("PerIP 0, request %d: status %d", i, w.Code)
		}
	}
	expectLimited(t, send(zero, http.MethodPost, "/auth/sign-in", "198.51.100.7:1", nil), "1")
	off := limitedEngine(t, limitedAuth(t, newTestClock(), func(c *Config) { c.RateLimit.PerIP = Off }), nil, nil)
	for i := range 200 {
		if w := send(off, http.MethodPost, "/auth/sign-in", "198.51.100.7:1", nil); w.Code != http.StatusOK {
			t.Fatalf("PerIP Off, request %d: status %d", i, w.Code)
		}
	}
}

func TestRateLimitPerAccount(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	a := limitedAuth(t, clock, func(c *Config) {
		c.RateLimit.PerIP = -1
		c.RateLimit.PerAccount = RateRule{Limit: 2, Per: time.Minute}
	})
	alice := limitedEngine(t, a, nil, &Principal{Kind: PrincipalSession, UserID: "alice"})
	bob := limitedEngine(t, a, nil, &Principal{Kind: PrincipalSession, UserID: "bob"})
	anon := limitedEngine(t, a, nil, nil)
	for _, route := range []string{routePasswordChange, routeInviteAccept} {
		for i := range 2 {
			// Each from a different IP: the limit follows the account.
			if w := send(alice, http.MethodPost, "/auth"+route, "198.51.100."+string(rune('1'+i))+":1", nil); w.Code != http.StatusOK {
				t.Fatalf("%s %d: %d", route, i, w.Code)
			}
		}
		expectLimited(t, send(alice, http.MethodPost, "/auth"+route, "198.51.100.9:1", nil), "30")
		if w := send(bob, http.MethodPost, "/auth"+route, "198.51.100.9:1", nil); w.Code != http.StatusOK {
			t.Fatalf("%s for bob: %d", route, w.Code)
		}
	}
	// Sign-in has no per-account bucket; unauthenticated requests none.
	for range 5 {
		if w := send(alice, http.MethodPost, "/auth/sign-in", "198.51.100.9:1", nil); w.Code != http.StatusOK {
			t.Fatalf("sign-in: %d", w.Code)
		}
		if w := send(anon, http.MethodPost, "/auth/password/change", "198.51.100.9:1", nil); w.Code != http.StatusOK {
			t.Fatalf("anonymous: %d", w.Code)
		}
	}
}

// TestRateLimitInviteCreate: invite creation is limited per IP (PerIP) and
// per account (Invites, its own rule, whichever organization), and an
// anonymous request spends no account bucket.
func TestRateLimitInviteCreate(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	a := limitedAuth(t, clock, func(c *Config) {
		c.RateLimit.PerIP = 3
		c.RateLimit.Invites = RateRule{Limit: 2, Per: time.Hour}
	})
	alice := limitedEngine(t, a, nil, &Principal{Kind: PrincipalSession, UserID: "alice"})
	bob := limitedEngine(t, a, nil, &Principal{Kind: PrincipalSession, UserID: "bob"})
	// Per account, from different IPs and organizations.
	for i, org := range []string{"o1", "o2"} {
		if w := send(alice, http.MethodPost, "/auth/organizations/"+org+"/invites", "198.51.100."+string(rune('1'+i))+":1", nil); w.Code != http.StatusOK {
			t.Fatalf("invite %d: %d", i, w.Code)
		}
	}
	expectLimited(t, send(alice, http.MethodPost, "/auth/organizations/o3/invites", "198.51.100.5:1", nil), "1800")
	if w := send(bob, http.MethodPost, "/auth/organizations/o3/invites", "198.51.100.5:1", nil); w.Code != http.StatusOK {
		t.Fatalf("bob: %d", w.Code)
	}
	// Per IP: 198.51.100.5 spent two of its three (alice's refused try
	// and bob's); one more passes, the next is refused whoever asks.
	carol := limitedEngine(t, a, nil, &Principal{Kind: PrincipalSession, UserID: "carol"})
	if w := send(carol, http.MethodPost, "/auth/organizations/o4/invites", "198.51.100.5:1", nil); w.Code != http.StatusOK {
		t.Fatalf("carol: %d", w.Code)
	}
	expectLimited(t, send(carol, http.MethodPost, "/auth/organizations/o4/invites", "198.51.100.5:1", nil), "20")
	// Listing and revoking invites are not limited.
	for range 5 {
		if w := send(alice, http.MethodGet, "/auth/organizations/o1/invites", "198.51.100.5:1", nil); w.Code != http.StatusOK {
			t.Fatalf("GET invites: %d", w.Code)
		}
	}
}

// TestRateLimitBasePathRoot: with BasePath "/" the routes are still found.
func TestRateLimitBasePathRoot(t *testing.T) {
	t.Parallel()
	a := limitedAuth(t, newTestClock(), func(c *Config) { c.BasePath = "/"; c.RateLimit.PerIP = 1 })
	r := limitedEngine(t, a, nil, nil)
	if w := send(r, http.MethodPost, "/sign-in", "198.51.100.7:1", nil); w.Code != http.StatusOK {
		t.Fatal(w.Code)
	}
	expectLimited(t, send(r, http.MethodPost, "/sign-in", "198.51.100.7:1", nil), "60")
}

func TestAllowEmail(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	a := limitedAuth(t, clock, nil)
	ctx := context.Background()
	for _, route := range []string{routeConfirmSend, routePasswordForgot} {
		for i := range 3 {
			if _, ok := a.allowEmail(ctx, route, "ada@example.com"); !ok {
				t.Fatalf("%s mail %d refused", route, i)
			}
		}
		wait, ok := a.allowEmail(ctx, route, "ada@example.com")
		if ok || wait != 5*time.Minute {
			t.Fatalf("%s 4th mail: ok=%v wait=%s, want refused for 5m", route, ok, wait)
		}
		if _, ok := a.allowEmail(ctx, route, "bob@example.com"); !ok {
			t.Fatalf("%s: another address refused", route)
		}
	}
	clock.Advance(15 * time.Minute)
	for i := range 3 {
		if _, ok := a.allowEmail(ctx, routePasswordForgot, "ada@example.com"); !ok {
			t.Fatalf("after 15 min, mail %d refused", i)
		}
	}
	off := limitedAuth(t, clock, func(c *Config) { c.RateLimit.Disabled = true })
	for range 10 {
		if _, ok := off.allowEmail(ctx, routePasswordForgot, "ada@example.com"); !ok {
			t.Fatal("disabled limits refused a mail")
		}
	}
}

func TestLockoutHooks(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	a := limitedAuth(t, clock, nil)
	ctx := context.Background()
	// attempt reserves a sign-in attempt and returns how long the email is
	// locked instead (0: reserved).
	attempt := func(a *Auth, email string) time.Duration {
		t.Helper()
		d, ok := a.reserveSignIn(ctx, email)
		if ok != (d > 0) {
			t.Fatalf("reserveSignIn(%s) = %s, %v", email, d, ok)
		}
		return d
	}
	// Existing or not, the email is what is locked: same answers for both.
	for _, email := range []string{"ada@example.com", "nobody@example.com"} {
		for i := range 10 {
			if d := attempt(a, email); d != 0 {
				t.Fatalf("%s locked after %d attempts", email, i)
			}
		}
		if d := attempt(a, email); d != time.Minute {
			t.Fatalf("%s: locked for %s after 10 attempts, want 1m", email, d)
		}
	}
	if d := attempt(a, "other@example.com"); d != 0 {
		t.Fatal("lockout leaked to another email")
	}
	clock.Advance(time.Minute)
	if d := attempt(a, "ada@example.com"); d != 0 {
		t.Fatalf("still locked after the cool-down: %s", d)
	}
	if d := attempt(a, "ada@example.com"); d != 2*time.Minute {
		t.Fatalf("after the 11th attempt: locked for %s, want 2m", d)
	}
	clock.Advance(2 * time.Minute)
	a.resetLockout(ctx, "ada@example.com")
	for range 9 {
		attempt(a, "ada@example.com")
	}
	if d := attempt(a, "ada@example.com"); d != 0 {
		t.Fatalf("the reset did not clear the count: locked for %s", d)
	}
	// Disabled limits never lock.
	off := limitedAuth(t, clock, func(c *Config) { c.RateLimit.Lockout.Threshold = -1 })
	for range 20 {
		if d := attempt(off, "ada@example.com"); d != 0 {
			t.Fatal("lockout with Threshold < 0")
		}
	}
}

// TestEmailKeyHidesAddress: limiter keys never contain the address.
func TestEmailKeyHidesAddress(t *testing.T) {
	t.Parallel()
	a := limitedAuth(t, newTestClock(), nil)
	k := a.lockoutKey("ada@example.com")
	if strings.Contains(k, "ada") || k != a.lockoutKey("ada@example.com") || k == a.lockoutKey("bob@example.com") {
		t.Fatalf("lockout key %q", k)
	}
}

// TestRateLimitFailsOpen: an unreachable limiter lets requests through and
// never locks anyone out.
func TestRateLimitFailsOpen(t *testing.T) {
	t.Parallel()
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialerRetries: 1, DialerRetryTimeout: time.Millisecond, DialTimeout: 100 * time.Millisecond})
	t.Cleanup(func() { _ = client.Close() })
	a := limitedAuth(t, newTestClock(), func(c *Config) {
		c.RateLimit.PerIP = 1
		c.RateLimit.Limiter = NewRedisLimiter(client, "x:")
	})
	r := limitedEngine(t, a, nil, nil)
	for range 3 {
		if w := send(r, http.MethodPost, "/auth/sign-in", "198.51.100.7:1", nil); w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
	}
	ctx := context.Background()
	for range 11 {
		if _, ok := a.reserveSignIn(ctx, "ada@example.com"); ok {
			t.Fatal("locked with the limiter down")
		}
	}
	if _, ok := a.allowEmail(ctx, routePasswordForgot, "ada@example.com"); !ok {
		t.Fatal("mail refused with the limiter down")
	}
}

// TestRateLimitSharedThroughRedis: two instances on one Redis share limits.
func TestRateLimitSharedThroughRedis(t *testing.T) {
	t.Parallel()
	addr, set := os.LookupEnv("FASTAUTH_TEST_REDIS_ADDR")
	if !set {
		addr = "127.0.0.1:6379"
	}
	if addr == "" {
		t.Skip("FASTAUTH_TEST_REDIS_ADDR is empty")
	}
	client := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { _ = client.Close() })
	prefix := "fastauth-test:" + randomTestHex(t) + ":"
	t.Cleanup(func() {
		keys, _ := client.Keys(context.Background(), prefix+"*").Result()
		if len(keys) > 0 {
			client.Del(context.Background(), keys...)
		}
	})
	clock := newTestClock()
	adjust := func(c *Config) { c.RateLimit.PerIP = 2; c.RateLimit.Limiter = NewRedisLimiter(client, prefix) }
	one := limitedEngine(t, limitedAuth(t, clock, adjust), nil, nil)
	two := limitedEngine(t, limitedAuth(t, clock, adjust), nil, nil)
	if w := send(one, http.MethodPost, "/auth/sign-in", "198.51.100.7:1", nil); w.Code != http.StatusOK {
		t.Fatal(w.Code)
	}
	if w := send(two, http.MethodPost, "/auth/sign-in", "198.51.100.7:1", nil); w.Code != http.StatusOK {
		t.Fatal(w.Code)
	}
	expectLimited(t, send(one, http.MethodPost, "/auth/sign-in", "198.51.100.7:1", nil), "30")
	expectLimited(t, send(two, http.MethodPost, "/auth/sign-in", "198.51.100.7:1", nil), "30")
	// The lockout is shared too.
	a1, a2 := limitedAuth(t, clock, adjust), limitedAuth(t, clock, adjust)
	ctx := context.Background()
	for range 5 {
		a1.reserveSignIn(ctx, "ada@example.com")
		a2.reserveSignIn(ctx, "ada@example.com")
	}
	if d, ok := a2.reserveSignIn(ctx, "ada@example.com"); !ok || d != time.Minute {
		t.Fatalf("shared lockout: %s %v", d, ok)
	}
}

func randomTestHex(t *testing.T) string {
	plain, _, err := secret.New("")
	if err != nil {
		t.Fatal(err)
	}
	return plain[:16]
}

func TestAbortRateLimitedRoundsUp(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		0: "1", time.Millisecond: "1", time.Second: "1", 1200 * time.Millisecond: "2", time.Minute: "60", time.Hour + 1: "3601",
	} {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		abortRateLimited(c, d)
		if got := w.Header().Get("Retry-After"); got != want || w.Code != http.StatusTooManyRequests {
			t.Errorf("abortRateLimited(%s): %d Retry-After %q, want 429 %q", d, w.Code, got, want)
		}
	}
}

func TestRateLimitConfig(t *testing.T) {
	t.Parallel()
	c := Config{Secret: testSecret(0)}.withDefaults().RateLimit
	if c.PerIP != 60 || c.PerAccount != (RateRule{Limit: 10, Per: 15 * time.Minute}) || c.PerEmail != (RateRule{Limit: 3, Per: 15 * time.Minute}) ||
		c.Invites != (RateRule{Limit: 20, Per: time.Hour}) ||
		c.Lockout != (LockoutPolicy{Threshold: 10, Cooldown: time.Minute, MaxCooldown: time.Hour, Forget: 24 * time.Hour}) || c.Limiter == nil {
		t.Errorf("defaults: %+v", c)
	}
	for name, rl := range map[string]RateLimitConfig{
		"per-email per too small": {PerEmail: RateRule{Limit: 3, Per: time.Nanosecond}},
		"lockout max < cooldown":  {Lockout: LockoutPolicy{Cooldown: 2 * time.Hour, MaxCooldown: time.Hour}},
		"per-account negative":    {PerAccount: RateRule{Limit: 2, Per: -time.Minute}},
		"invites per too small":   {Invites: RateRule{Limit: 2, Per: time.Nanosecond}},
	} {
		err := Config{Secret: testSecret(0), RateLimit: rl}.Validate()
		if !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: Validate = %v, want ErrInvalidConfig", name, err)
		}
	}
	for name, rl := range map[string]RateLimitConfig{
		"all off":       {PerIP: Off, PerAccount: RateRule{Limit: Off}, Invites: RateRule{Limit: Off}, PerEmail: RateRule{Limit: Off}, Lockout: LockoutPolicy{Threshold: Off}},
		"only cooldown": {Lockout: LockoutPolicy{Cooldown: 2 * time.Hour}},
	} {
		if err := (Config{Secret: testSecret(0), RateLimit: rl}).Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
