package redislimit_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/redislimit"
)

// client connects to FASTAUTH_TEST_REDIS_ADDR (default 127.0.0.1:6379);
// the test is skipped only when the variable is explicitly empty.
func client(t *testing.T) *redis.Client {
	t.Helper()
	addr, set := os.LookupEnv("FASTAUTH_TEST_REDIS_ADDR")
	if !set {
		addr = "127.0.0.1:6379"
	}
	if addr == "" {
		t.Skip("FASTAUTH_TEST_REDIS_ADDR is empty")
	}
	c := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { _ = c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis at %s: %v", addr, err)
	}
	return c
}

// testPrefix is a key prefix of t's own, whose keys are deleted when t ends.
func testPrefix(t *testing.T, c *redis.Client) string {
	t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	prefix := "fastauth-test:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		keys, _ := c.Keys(context.Background(), prefix+"*").Result()
		if len(keys) > 0 {
			c.Del(context.Background(), keys...)
		}
	})
	return prefix
}

func TestLimiter(t *testing.T) {
	t.Parallel()
	c := client(t)
	prefix := testPrefix(t, c)
	var l ginauth.RateLimiter = redislimit.New(c, prefix)
	ctx, now := context.Background(), time.Now()
	rule := ginauth.RateRule{Limit: 2, Per: time.Minute}
	for i := range 2 {
		if d, err := l.Allow(ctx, "k", rule, now); err != nil || !d.Allowed {
			t.Fatalf("request %d: %+v %v", i, d, err)
		}
	}
	if d, err := l.Allow(ctx, "k", rule, now); err != nil || d.Allowed || d.RetryAfter != 30*time.Second {
		t.Fatalf("third request: %+v %v, want refused for 30s", d, err)
	}
	policy := ginauth.LockoutPolicy{Threshold: 2, Cooldown: time.Minute, MaxCooldown: time.Hour, Forget: time.Hour}
	for i := range 2 {
		if d, err := l.ReserveAttempt(ctx, "acct", policy, now); err != nil || d != 0 {
			t.Fatalf("attempt %d: locked for %s, %v; want reserved", i, d, err)
		}
	}
	if d, err := l.ReserveAttempt(ctx, "acct", policy, now); err != nil || d != time.Minute {
		t.Fatalf("locked for %s, %v; want 1m", d, err)
	}
	if err := l.ResetLockout(ctx, "acct"); err != nil {
		t.Fatal(err)
	}
	if d, err := l.ReserveAttempt(ctx, "acct", policy, now); err != nil || d != 0 {
		t.Fatalf("after reset locked for %s, %v", d, err)
	}
	if n, err := c.Exists(ctx, prefix+"b:k").Result(); err != nil || n != 1 {
		t.Fatalf("bucket key not under the prefix: %d %v", n, err)
	}
}

func TestDefaultPrefix(t *testing.T) {
	t.Parallel()
	c := client(t)
	l := redislimit.New(c, "")
	ctx := context.Background()
	key := "default-prefix-test"
	if _, err := l.Allow(ctx, key, ginauth.RateRule{Limit: 5, Per: time.Second}, time.Now()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Del(context.Background(), redislimit.DefaultPrefix+"b:"+key) })
	if n, _ := c.Exists(ctx, redislimit.DefaultPrefix+"b:"+key).Result(); n != 1 {
		t.Fatal("empty prefix did not use DefaultPrefix")
	}
}

// TestKeysExpire: every Redis key carries a TTL, so Redis holds nothing
// stale.
func TestKeysExpire(t *testing.T) {
	t.Parallel()
	c := client(t)
	prefix := testPrefix(t, c)
	l := redislimit.New(c, prefix)
	ctx := context.Background()
	if _, err := l.Allow(ctx, "ttl", ginauth.RateRule{Limit: 10, Per: time.Minute}, time.Now()); err != nil {
		t.Fatal(err)
	}
	policy := ginauth.LockoutPolicy{Threshold: 10, Cooldown: time.Minute, MaxCooldown: time.Hour, Forget: 24 * time.Hour}
	if _, err := l.ReserveAttempt(ctx, "ttl", policy, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{prefix + "b:ttl", prefix + "l:ttl"} {
		ttl, err := c.PTTL(ctx, k).Result()
		if err != nil || ttl <= 0 {
			t.Errorf("%s: TTL %s, err %v; want a positive TTL", k, ttl, err)
		}
	}
}
