package ratelimit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

var t0 = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// backends returns the limiters every behavior test runs against: memory,
// and Redis at FASTAUTH_TEST_REDIS_ADDR (default 127.0.0.1:6379). Redis is
// skipped only when that variable is explicitly set to "".
func backends(t *testing.T) map[string]Limiter {
	t.Helper()
	out := map[string]Limiter{"memory": NewMemory(0)}
	addr, set := os.LookupEnv("FASTAUTH_TEST_REDIS_ADDR")
	if !set {
		addr = "127.0.0.1:6379"
	}
	if addr == "" {
		t.Log("FASTAUTH_TEST_REDIS_ADDR is empty: Redis backend not tested")
		return out
	}
	client := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { _ = client.Close() })
	if err := client.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis at %s: %v (set FASTAUTH_TEST_REDIS_ADDR=\"\" to skip)", addr, err)
	}
	prefix := "fastauth-test:" + randomHex(t) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		keys, _ := client.Keys(ctx, prefix+"*").Result()
		if len(keys) > 0 {
			client.Del(ctx, keys...)
		}
	})
	out["redis"] = NewRedis(client, prefix)
	return out
}

func randomHex(t *testing.T) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// forEach runs fn as a parallel subtest per backend.
func forEach(t *testing.T, fn func(t *testing.T, l Limiter)) {
	for name, l := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, l)
		})
	}
}

// step is one request of a bucket script: at offset from t0, expect allowed
// or refused with retry.
type step struct {
	at      time.Duration
	allowed bool
	retry   time.Duration
}

func TestGCRAMath(t *testing.T) {
	t.Parallel()
	s := time.Second
	cases := []struct {
		name  string
		rule  Rule
		steps []step
	}{
		{"burst then refuse", Rule{3, time.Minute}, []step{
			{0, true, 0}, {0, true, 0}, {0, true, 0}, {0, false, 20 * s}, {10 * s, false, 10 * s},
		}},
		{"refill one token per interval", Rule{3, time.Minute}, []step{
			{0, true, 0}, {0, true, 0}, {0, true, 0}, {20 * s, true, 0}, {20 * s, false, 20 * s}, {40 * s, true, 0},
		}},
		{"full after Per", Rule{2, time.Minute}, []step{
			{0, true, 0}, {0, true, 0}, {0, false, 30 * s}, {time.Minute, true, 0}, {time.Minute, true, 0}, {time.Minute, false, 30 * s},
		}},
		{"idle never stores more than Limit", Rule{2, time.Minute}, []step{
			{0, true, 0}, {time.Hour, true, 0}, {time.Hour, true, 0}, {time.Hour, false, 30 * s},
		}},
		{"limit one", Rule{1, 15 * time.Minute}, []step{
			{0, true, 0}, {time.Minute, false, 14 * time.Minute}, {15 * time.Minute, true, 0},
		}},
		{"uneven interval rounds up", Rule{7, time.Second}, []step{
			{0, true, 0}, {0, true, 0}, {0, true, 0}, {0, true, 0}, {0, true, 0}, {0, true, 0}, {0, true, 0},
			{0, false, 142858 * time.Microsecond},
		}},
		{"refused requests take nothing", Rule{1, time.Minute}, []step{
			{0, true, 0}, {30 * s, false, 30 * s}, {59 * s, false, s}, {60 * s, true, 0},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			forEach(t, func(t *testing.T, l Limiter) {
				key := "gcra:" + randomHex(t)
				for i, st := range tc.steps {
					d, err := l.Allow(context.Background(), key, tc.rule, t0.Add(st.at))
					if err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
					if d.Allowed != st.allowed || d.RetryAfter != st.retry {
						t.Fatalf("step %d at +%s: got allowed=%v retry=%s, want allowed=%v retry=%s", i, st.at, d.Allowed, d.RetryAfter, st.allowed, st.retry)
					}
				}
			})
		})
	}
}

func TestKeysAreIndependent(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, l Limiter) {
		ctx, rule, p := context.Background(), Rule{1, time.Minute}, randomHex(t)
		for _, k := range []string{p + "a", p + "b", p + "c"} {
			if d, _ := l.Allow(ctx, k, rule, t0); !d.Allowed {
				t.Fatalf("%s: first request refused", k)
			}
		}
		if d, _ := l.Allow(ctx, p+"a", rule, t0); d.Allowed {
			t.Fatal("second request on a allowed")
		}
	})
}

func TestInvalidRules(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, l Limiter) {
		ctx := context.Background()
		for _, r := range []Rule{{0, time.Minute}, {-1, time.Minute}, {5, 0}, {5, time.Nanosecond}} {
			if _, err := l.Allow(ctx, "k", r, t0); !errors.Is(err, ErrInvalidRule) {
				t.Errorf("Allow(%+v): err %v, want ErrInvalidRule", r, err)
			}
		}
		for _, p := range []LockoutPolicy{{0, time.Minute, time.Hour, time.Hour}, {10, 0, time.Hour, time.Hour}, {10, time.Hour, time.Minute, time.Hour}, {10, time.Minute, time.Hour, 0}} {
			if _, err := l.ReserveAttempt(ctx, "k", p, t0); !errors.Is(err, ErrInvalidRule) {
				t.Errorf("ReserveAttempt(%+v): err %v, want ErrInvalidRule", p, err)
			}
		}
	})
}

// TestConcurrentAllow: N goroutines on one bucket, exactly Limit allowed.
func TestConcurrentAllow(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, l Limiter) {
		const n, limit = 64, 10
		key := "conc:" + randomHex(t)
		var allowed atomic.Int64
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range n {
			wg.Go(func() {
				<-start
				d, err := l.Allow(context.Background(), key, Rule{limit, time.Hour}, t0)
				if err != nil {
					t.Error(err)
				}
				if d.Allowed {
					allowed.Add(1)
				}
			})
		}
		close(start)
		wg.Wait()
		if got := allowed.Load(); got != limit {
			t.Fatalf("%d allowed, want exactly %d", got, limit)
		}
	})
}

var policy = LockoutPolicy{Threshold: 10, Cooldown: time.Minute, MaxCooldown: time.Hour, Forget: 24 * time.Hour}

func TestCooldownMath(t *testing.T) {
	t.Parallel()
	m := time.Minute
	for failures, want := range map[int64]time.Duration{
		0: 0, 9: 0, 10: m, 11: 2 * m, 12: 4 * m, 13: 8 * m, 14: 16 * m, 15: 32 * m, 16: time.Hour, 17: time.Hour, 1 << 40: time.Hour,
	} {
		if got := dur(cooldown(policy, failures)); got != want {
			t.Errorf("cooldown(%d) = %s, want %s", failures, got, want)
		}
	}
}

func TestLockout(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, l Limiter) {
		ctx, key := context.Background(), "lock:"+randomHex(t)
		// attempt reserves an attempt at +at and expects it to be refused
		// with locked time left (0: reserved).
		attempt := func(at, locked time.Duration) {
			t.Helper()
			d, err := l.ReserveAttempt(ctx, key, policy, t0.Add(at))
			if err != nil {
				t.Fatal(err)
			}
			if d != locked {
				t.Fatalf("attempt at +%s: locked for %s, want %s", at, d, locked)
			}
		}
		for i := range 10 {
			attempt(time.Duration(i)*time.Second, 0) // the 10th is reserved and starts the lock
		}
		attempt(9*time.Second, time.Minute)
		attempt(39*time.Second, 30*time.Second)
		attempt(39*time.Second, 30*time.Second) // refused attempts count nothing
		attempt(69*time.Second, 0)              // 11th: reserved, locks for twice as long
		attempt(69*time.Second, 2*time.Minute)
		at := 69*time.Second + 2*time.Minute
		for _, want := range []time.Duration{4, 8, 16, 32, 60, 60, 60} {
			attempt(at, 0)
			attempt(at, want*time.Minute)
			at += want * time.Minute
		}
		// Success resets: the next lock needs 10 attempts again and lasts 1 min.
		if err := l.ResetLockout(ctx, key); err != nil {
			t.Fatal(err)
		}
		for range 10 {
			attempt(at, 0)
		}
		attempt(at, time.Minute)
	})
}

// TestConcurrentReserve: N concurrent attempts on one key with threshold
// 10: exactly 10 are reserved, whatever the interleaving, and the rest see
// the lock. A check followed by a separate count would let them all pass.
func TestConcurrentReserve(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, l Limiter) {
		const n = 40
		key := "reserve:" + randomHex(t)
		var reserved, locked atomic.Int64
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range n {
			wg.Go(func() {
				<-start
				d, err := l.ReserveAttempt(context.Background(), key, policy, t0)
				switch {
				case err != nil:
					t.Error(err)
				case d == 0:
					reserved.Add(1)
				case d == time.Minute:
					locked.Add(1)
				default:
					t.Errorf("locked for %s, want 1m", d)
				}
			})
		}
		close(start)
		wg.Wait()
		if r, lk := reserved.Load(), locked.Load(); r != int64(policy.Threshold) || lk != n-int64(policy.Threshold) {
			t.Fatalf("%d concurrent attempts: %d reserved, %d locked; want %d and %d", n, r, lk, policy.Threshold, n-policy.Threshold)
		}
	})
}

// TestLockoutForgets: a record without failures for Forget is dropped, so
// an attacker's failures cannot accumulate forever.
func TestLockoutForgets(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, l Limiter) {
		ctx, key := context.Background(), "forget:"+randomHex(t)
		p := LockoutPolicy{Threshold: 3, Cooldown: time.Minute, MaxCooldown: time.Hour, Forget: time.Hour}
		for range 2 {
			if _, err := l.ReserveAttempt(ctx, key, p, t0); err != nil {
				t.Fatal(err)
			}
		}
		// 2 failures, then an hour of quiet: the third attempt counts as the
		// first, so it starts no lock.
		later := t0.Add(time.Hour + time.Second)
		if _, err := l.ReserveAttempt(ctx, key, p, later); err != nil {
			t.Fatal(err)
		}
		if d, _ := l.ReserveAttempt(ctx, key, p, later); d != 0 {
			t.Fatalf("failures not forgotten: locked for %s", d)
		}
	})
}

// TestRedisUnavailable: an unreachable Redis is an error (the caller fails
// open), not a hang or a panic.
func TestRedisUnavailable(t *testing.T) {
	t.Parallel()
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialerRetries: 1, DialerRetryTimeout: time.Millisecond, DialTimeout: 200 * time.Millisecond})
	defer client.Close()
	r := NewRedis(client, "x:")
	ctx := context.Background()
	if _, err := r.Allow(ctx, "k", Rule{1, time.Minute}, t0); err == nil {
		t.Error("Allow: no error")
	}
	if _, err := r.ReserveAttempt(ctx, "k", policy, t0); err == nil {
		t.Error("ReserveAttempt: no error")
	}
	if err := r.ResetLockout(ctx, "k"); err == nil {
		t.Error("ResetLockout: no error")
	}
}

// TestMemoryBounded: idle buckets are evicted and the entry count never
// exceeds the cap, whatever keys an attacker sprays.
func TestMemoryBounded(t *testing.T) {
	t.Parallel()
	m := NewMemory(memoryShards * 100)
	ctx, rule := context.Background(), Rule{5, time.Minute}
	for i := range 100_000 {
		if _, err := m.Allow(ctx, "spray:"+itoa(i), rule, t0); err != nil {
			t.Fatal(err)
		}
	}
	if n := m.Len(); n > memoryShards*100 {
		t.Fatalf("%d entries held, cap %d", n, memoryShards*100)
	}
	// An hour later every bucket is full again: new keys sweep the old ones.
	later := t0.Add(time.Hour)
	for i := range 10_000 {
		if _, err := m.Allow(ctx, "later:"+itoa(i), rule, later); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.ReserveAttempt(ctx, "acct", policy, later); err != nil {
		t.Fatal(err)
	}
	if n := m.Len(); n > memoryShards*100 {
		t.Fatalf("%d entries held, cap %d", n, memoryShards*100)
	}
	// A live bucket keeps its state while the shard is under its cap.
	small := NewMemory(0)
	for i := range 5 {
		if d, _ := small.Allow(ctx, "live", rule, t0); !d.Allowed {
			t.Fatalf("request %d refused", i)
		}
	}
	for i := range 10_000 {
		_, _ = small.Allow(ctx, "other:"+itoa(i), rule, t0)
	}
	if d, _ := small.Allow(ctx, "live", rule, t0); d.Allowed {
		t.Fatal("live bucket was evicted under the cap")
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
