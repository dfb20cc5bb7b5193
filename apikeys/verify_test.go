package apikeys

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth/module"
	"github.com/fastauth/fastauth/internal/secret"
)

// The HTTP behaviour of API keys runs against real backends in package
// conformance, their storage in package apikeystest. These tests cover the verifier's internals that HTTP cannot
// observe deterministically: format checks before any store access, the
// cache's bounds and the usage writer's batching and retries.

// touchRecorder is a Store whose only working method is TouchAPIKeys; any
// other call panics on the nil embedded interface, which proves that the
// code under test did not make it.
type touchRecorder struct {
	Store
	mu      sync.Mutex
	batches []map[string]time.Time
	fail    error
}

func (r *touchRecorder) TouchAPIKeys(_ context.Context, used map[string]time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	cp := make(map[string]time.Time, len(used))
	for k, v := range used {
		cp[k] = v
	}
	r.batches = append(r.batches, cp)
	return nil
}

func (r *touchRecorder) written() map[string]time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]time.Time{}
	for _, b := range r.batches {
		for k, v := range b {
			out[k] = v
		}
	}
	return out
}

// testClock is a settable clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2030, 1, 2, 3, 4, 5, 600_000_000, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// newTestVerifier returns a verifier over st with a fake clock.
func newTestVerifier(t *testing.T, st Store, adjust func(*Config)) (*verifier, *testClock) {
	t.Helper()
	clock := newTestClock()
	m := New(st, Config{})
	if adjust != nil {
		adjust(&m.cfg)
	}
	storeCtx := func(ctx context.Context) (context.Context, context.CancelFunc) {
		return context.WithTimeout(ctx, 5*time.Second)
	}
	v := newVerifier(st, m.cfg, clock.Now, storeCtx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(func() { _ = v.close() })
	return v, clock
}

func TestValidAPIKey(t *testing.T) {
	t.Parallel()
	hex64 := strings.Repeat("0123456789abcdef", 4)
	for _, tc := range []struct {
		key  string
		want bool
	}{
		{"sk-" + hex64, true},
		{"sk-" + strings.ToUpper(hex64), false},
		{"sk-" + hex64[:63], false},
		{"sk-" + hex64 + "0", false},
		{"sk_" + hex64, false},
		{"SK-" + hex64, false},
		{hex64, false},
		{"sk-" + hex64[:63] + "g", false},
		{"sk-" + hex64[:62] + " 0", false},
		{"", false},
		{"sk-", false},
	} {
		if got := validKey(tc.key); got != tc.want {
			t.Errorf("validKey(%q) = %v, want %v", tc.key, got, tc.want)
		}
	}
	plain, _, _, err := newKey()
	if err != nil {
		t.Fatal(err)
	}
	if !validKey(plain) {
		t.Fatalf("a key from newSecret is refused: %q", plain)
	}
}

func TestVerifyMalformedNoStoreAccess(t *testing.T) {
	t.Parallel()
	v, _ := newTestVerifier(t, &touchRecorder{}, nil)
	for _, key := range []string{"", "sk-", "sk-xyz", "sk-" + strings.Repeat("A", 64), strings.Repeat("a", 67), "Bearer sk-" + strings.Repeat("a", 64)} {
		// The backend panics on APIKeyByHash: reaching it fails the test.
		if p, err := v.verify(context.Background(), key); !errors.Is(err, module.ErrInvalidCredential) || p != nil {
			t.Fatalf("verify(%q) = %v, %v; want module.ErrInvalidCredential", key, p, err)
		}
	}
}

func TestAPIKeyCache(t *testing.T) {
	t.Parallel()
	p := fastauth.Principal{Kind: fastauth.PrincipalAPIKey, UserID: "u1", OrganizationID: "o1", OrganizationRole: fastauth.RoleAdmin, APIKeyID: "k1"}
	t.Run("TTL", func(t *testing.T) {
		t.Parallel()
		v, clock := newTestVerifier(t, &touchRecorder{}, func(c *Config) { c.CacheTTL = 10 * time.Second })
		v.remember("h1", p, nil, clock.Now(), v.generation())
		clock.Advance(10*time.Second - time.Microsecond)
		got, ok := v.cached([]byte("h1"), clock.Now())
		if !ok || !reflect.DeepEqual(*got, p) {
			t.Fatalf("cached before the TTL: %v %v", got, ok)
		}
		if again, _ := v.cached([]byte("h1"), clock.Now()); again != got {
			t.Fatal("hits do not share the entry's principal")
		}
		clock.Advance(time.Microsecond)
		if _, ok := v.cached([]byte("h1"), clock.Now()); ok {
			t.Fatal("cached at the TTL")
		}
		if len(v.cache) != 0 || len(v.byID) != 0 {
			t.Fatalf("stale entry kept: %d/%d", len(v.cache), len(v.byID))
		}
	})
	t.Run("KeyExpiryBoundsEntry", func(t *testing.T) {
		t.Parallel()
		v, clock := newTestVerifier(t, &touchRecorder{}, nil)
		exp := clock.Now().Add(time.Second)
		v.remember("h1", p, &exp, clock.Now(), v.generation())
		clock.Advance(time.Second)
		if _, ok := v.cached([]byte("h1"), clock.Now()); ok {
			t.Fatal("entry outlived the key's expiry")
		}
	})
	t.Run("Disabled", func(t *testing.T) {
		t.Parallel()
		v, clock := newTestVerifier(t, &touchRecorder{}, func(c *Config) { c.CacheTTL = -1 })
		v.remember("h1", p, nil, clock.Now(), v.generation())
		if _, ok := v.cached([]byte("h1"), clock.Now()); ok || len(v.cache) != 0 {
			t.Fatal("negative CacheTTL must disable the cache")
		}
	})
	t.Run("Evictions", func(t *testing.T) {
		t.Parallel()
		v, clock := newTestVerifier(t, &touchRecorder{}, nil)
		now := clock.Now()
		other := p
		other.APIKeyID, other.UserID = "k2", "u2"
		elsewhere := p
		elsewhere.APIKeyID, elsewhere.OrganizationID = "k3", "o2"
		for h, q := range map[string]fastauth.Principal{"h1": p, "h2": other, "h3": elsewhere} {
			v.remember(h, q, nil, now, v.generation())
		}
		v.evictKey("k2")
		if _, ok := v.cached([]byte("h2"), now); ok {
			t.Fatal("evictKey kept the key")
		}
		v.evictMember("o1", "u1")
		if _, ok := v.cached([]byte("h1"), now); ok {
			t.Fatal("evictMember kept the member's key")
		}
		if _, ok := v.cached([]byte("h3"), now); !ok {
			t.Fatal("evictMember dropped a key of another organization")
		}
		v.evictMember("o2", "")
		if _, ok := v.cached([]byte("h3"), now); ok || len(v.cache) != 0 || len(v.byID) != 0 {
			t.Fatal("evicting an organization kept its keys")
		}
	})
	t.Run("Bounded", func(t *testing.T) {
		t.Parallel()
		v, clock := newTestVerifier(t, &touchRecorder{}, nil)
		now := clock.Now()
		for i := 0; i < cacheSize+50; i++ {
			q := p
			q.APIKeyID = string(rune('a'+i%26)) + strings.Repeat("x", i/26)
			v.remember("h"+q.APIKeyID, q, nil, now, v.generation())
		}
		if len(v.cache) > cacheSize || len(v.byID) != len(v.cache) {
			t.Fatalf("cache holds %d entries (%d ids), bound %d", len(v.cache), len(v.byID), cacheSize)
		}
	})
}

func TestAPIKeyUsage(t *testing.T) {
	t.Parallel()
	t.Run("ThrottledPerKey", func(t *testing.T) {
		t.Parallel()
		rec := &touchRecorder{}
		v, clock := newTestVerifier(t, rec, func(c *Config) { c.TouchInterval = time.Minute })
		t0 := clock.Now()
		v.recordUse("k1", t0, nil)
		v.recordUse("k1", t0.Add(59*time.Second), nil)
		v.recordUse("k2", t0.Add(30*time.Second), nil)
		if err := v.flush(); err != nil {
			t.Fatal(err)
		}
		got := rec.written()
		if !got["k1"].Equal(t0) || !got["k2"].Equal(t0.Add(30*time.Second)) {
			t.Fatalf("written %v", got)
		}
		v.recordUse("k1", t0.Add(time.Minute), nil)
		if err := v.close(); err != nil {
			t.Fatal(err)
		}
		if got := rec.written(); !got["k1"].Equal(t0.Add(time.Minute)) {
			t.Fatalf("use one interval later not written by close: %v", got)
		}
		if err := v.close(); err != nil {
			t.Fatalf("second close: %v", err)
		}
	})
	t.Run("StoreLastUsedThrottles", func(t *testing.T) {
		t.Parallel()
		rec := &touchRecorder{}
		v, clock := newTestVerifier(t, rec, nil)
		now := clock.Now()
		recent := now.Add(-30 * time.Second)
		v.recordUse("k1", now, &recent)
		old := now.Add(-2 * time.Minute)
		v.recordUse("k2", now, &old)
		if err := v.close(); err != nil {
			t.Fatal(err)
		}
		got := rec.written()
		if _, ok := got["k1"]; ok || !got["k2"].Equal(now) {
			t.Fatalf("written %v: want only k2", got)
		}
	})
	t.Run("RetriedAfterStoreFailure", func(t *testing.T) {
		t.Parallel()
		rec := &touchRecorder{fail: fastauth.ErrStoreUnavailable}
		v, clock := newTestVerifier(t, rec, nil)
		t0 := clock.Now()
		v.recordUse("k1", t0, nil)
		if err := v.flush(); !errors.Is(err, fastauth.ErrStoreUnavailable) {
			t.Fatalf("flush error %v", err)
		}
		rec.mu.Lock()
		rec.fail = nil
		rec.mu.Unlock()
		if err := v.close(); err != nil {
			t.Fatal(err)
		}
		if got := rec.written(); !got["k1"].Equal(t0) {
			t.Fatalf("failed batch not retried: %v", got)
		}
	})
	t.Run("WrittenInBackground", func(t *testing.T) {
		t.Parallel()
		rec := &touchRecorder{}
		v, clock := newTestVerifier(t, rec, nil)
		v.recordUse("k1", clock.Now(), nil)
		deadline := time.Now().Add(5 * flushPeriod)
		for len(rec.written()) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the background writer did not flush")
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
	t.Run("DeletedKeyNotWritten", func(t *testing.T) {
		t.Parallel()
		rec := &touchRecorder{}
		v, clock := newTestVerifier(t, rec, nil)
		v.recordUse("k1", clock.Now(), nil)
		v.evictKey("k1")
		if err := v.close(); err != nil {
			t.Fatal(err)
		}
		if got := rec.written(); len(got) != 0 {
			t.Fatalf("deleted key written: %v", got)
		}
	})
}

// gatedKeyStore answers APIKeyByHash with one valid key once release is
// closed, counting the reads; the gate lets a test hold reads in flight.
type gatedKeyStore struct {
	Store
	release chan struct{}
	started chan struct{}
	mu      sync.Mutex
	reads   int
}

func (g *gatedKeyStore) APIKeyByHash(context.Context, []byte) (fastauth.VerifiedAPIKey, error) {
	g.mu.Lock()
	g.reads++
	g.mu.Unlock()
	select {
	case g.started <- struct{}{}:
	default:
	}
	<-g.release
	return fastauth.VerifiedAPIKey{
		Key:        fastauth.APIKey{ID: "k1", OrganizationID: "o1", CreatedByUserID: "u1"},
		User:       fastauth.User{ID: "u1", Email: "ada@example.com"},
		Membership: &fastauth.Membership{OrganizationID: "o1", UserID: "u1", Role: fastauth.RoleAdmin},
	}, nil
}

func (g *gatedKeyStore) TouchAPIKeys(context.Context, map[string]time.Time) error { return nil }

// TestAPIKeyConcurrentMissesShareOneRead: a burst of requests with one
// uncached key makes one store read, and all of them get the principal.
func TestAPIKeyConcurrentMissesShareOneRead(t *testing.T) {
	t.Parallel()
	g := &gatedKeyStore{release: make(chan struct{}), started: make(chan struct{}, 1)}
	v, _ := newTestVerifier(t, g, nil)
	key := keyPrefix + strings.Repeat("ab", 32)
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := v.verify(t.Context(), key)
			if err == nil && (p.UserID != "u1" || p.OrganizationRole != fastauth.RoleAdmin) {
				err = errors.New("wrong principal")
			}
			errs <- err
		}()
	}
	<-g.started
	time.Sleep(20 * time.Millisecond) // let the other requests join the read in flight
	close(g.release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if g.reads < 1 || g.reads > 2 {
		t.Fatalf("store reads = %d for %d concurrent misses, want 1 (2 if a goroutine started late)", g.reads, n)
	}
}

// TestAPIKeyEvictionDuringReadIsNotCached: a read that began before the key
// was deleted through this process must not put it back in the cache.
func TestAPIKeyEvictionDuringReadIsNotCached(t *testing.T) {
	t.Parallel()
	g := &gatedKeyStore{release: make(chan struct{}), started: make(chan struct{}, 1)}
	v, _ := newTestVerifier(t, g, nil)
	key := keyPrefix + strings.Repeat("cd", 32)
	done := make(chan error, 1)
	go func() { _, err := v.verify(t.Context(), key); done <- err }()
	<-g.started
	v.evictKey("k1") // the key is deleted while its read is in flight
	close(g.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, ok := v.cached(secret.Hash(key), v.now()); ok {
		t.Fatal("a key evicted during its read was cached")
	}
}

// TestAPIKeyWarmVerifyAllocations: a cached key is verified without
// allocating: hashing the key, indexing the cache and recording the use
// allocate nothing, and the principal is the entry's own, shared (and no
// store is read: touchRecorder panics on a read).
func TestAPIKeyWarmVerifyAllocations(t *testing.T) {
	v, clock := newTestVerifier(t, &touchRecorder{}, nil)
	key := keyPrefix + strings.Repeat("ef", 32)
	p := fastauth.Principal{Kind: fastauth.PrincipalAPIKey, UserID: "u1", OrganizationID: "o1", OrganizationRole: fastauth.RoleMember, APIKeyID: "k1"}
	v.remember(string(secret.Hash(key)), p, nil, clock.Now(), v.generation())
	ctx := t.Context()
	if got, err := v.verify(ctx, key); err != nil || !reflect.DeepEqual(*got, p) {
		t.Fatalf("verify = %+v, %v; want the cached principal", got, err)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = v.verify(ctx, key) }); n != 0 {
		t.Fatalf("a cached key's verify allocates %v times, want 0", n)
	}
}

// BenchmarkAPIKeyVerify is the verifier's warm path: a cached key (hash,
// cache index, use recorded, shared principal); 0 allocations.
//
//	go test ./apikeys -run '^$' -bench APIKeyVerify -benchmem
func BenchmarkAPIKeyVerify(b *testing.B) {
	st := &touchRecorder{}
	clock := newTestClock()
	m := New(st, Config{})
	storeCtx := func(ctx context.Context) (context.Context, context.CancelFunc) { return context.WithCancel(ctx) }
	v := newVerifier(st, m.cfg, clock.Now, storeCtx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	b.Cleanup(func() { _ = v.close() })
	key := keyPrefix + strings.Repeat("ef", 32)
	p := fastauth.Principal{Kind: fastauth.PrincipalAPIKey, UserID: "u1", OrganizationID: "o1", OrganizationRole: fastauth.RoleMember, APIKeyID: "k1"}
	v.remember(string(secret.Hash(key)), p, nil, clock.Now(), v.generation())
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.verify(ctx, key); err != nil {
			b.Fatal(err)
		}
	}
}
