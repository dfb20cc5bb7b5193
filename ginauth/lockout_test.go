package ginauth_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/redislimit"
)

// TestSignInLockoutConcurrentAcrossInstances: two instances share the
// lockout through Redis; 40 wrong guesses at one account sent at once,
// half to each, get exactly 10 password checks (401) and 30 × 429, because
// each attempt is reserved atomically in Redis before the password work.
func TestSignInLockoutConcurrentAcrossInstances(t *testing.T) {
	t.Parallel()
	addr, set := os.LookupEnv("FASTAUTH_TEST_REDIS_ADDR")
	if !set {
		addr = "127.0.0.1:6379"
	}
	if addr == "" {
		t.Skip("FASTAUTH_TEST_REDIS_ADDR is empty")
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { _ = rdb.Close() })
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	prefix := "fastauth-test:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		keys, _ := rdb.Keys(context.Background(), prefix+"*").Result()
		if len(keys) > 0 {
			rdb.Del(context.Background(), keys...)
		}
	})
	st, cleanup := newExampleStore(context.Background())
	t.Cleanup(cleanup)
	cfg := exampleConfig()
	cfg.RateLimit.PerIP = ginauth.Off
	cfg.RateLimit.Limiter = redislimit.New(rdb, prefix)
	urls := []string{serveAuth(t, st, cfg), serveAuth(t, st, cfg)}
	if res := post(t, urls[0]+"/auth/sign-up", `{"email":"ada@example.com","password":"correct-horse-42"}`); res.StatusCode != http.StatusOK {
		t.Fatalf("sign-up: %d", res.StatusCode)
	}

	const n = 40
	var mu sync.Mutex
	count := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			res, err := http.Post(urls[i%2]+"/auth/sign-in", "application/json",
				strings.NewReader(`{"email":"ada@example.com","password":"wrong-horse-42"}`))
			if err != nil {
				t.Error(err)
				return
			}
			_ = res.Body.Close()
			mu.Lock()
			count[res.StatusCode]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	if count[http.StatusUnauthorized] != 10 || count[http.StatusTooManyRequests] != n-10 {
		t.Fatalf("%d concurrent wrong guesses on two instances: %v by status; want exactly 10 × 401 and %d × 429", n, count, n-10)
	}
}
