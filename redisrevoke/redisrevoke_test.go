package redisrevoke_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/ginauth/revocation"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/redisrevoke"
)

// redisServer starts a redis-server of the test's own on a free port, so
// that the test can stop it (SIGSTOP) without touching anyone else's.
func redisServer(t *testing.T) (addr string, cmd *exec.Cmd) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	cmd = exec.Command(bin, "--port", fmt.Sprint(port), "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGCONT)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr = fmt.Sprintf("127.0.0.1:%d", port)
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	for i := 0; c.Ping(context.Background()).Err() != nil; i++ {
		if i > 100 {
			t.Fatal("redis-server did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return addr, cmd
}

// instance is one fastauth server: its own Register, its own Redis client.
type instance struct {
	srv  *httptest.Server
	auth *ginauth.Auth
}

func newInstance(t *testing.T, st ginauth.Backend, redisAddr string) *instance {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: redisAddr, DialTimeout: 300 * time.Millisecond,
		ReadTimeout: 300 * time.Millisecond, WriteTimeout: 300 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { _ = c.Close() })
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	_ = r.SetTrustedProxies(nil)
	a, err := ginauth.Register(r, ginauth.Config{
		Secret:     []byte("redisrevoke-secret-redisrevoke-secret"),
		Argon2:     ginauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true},
		Cookie:     ginauth.CookieConfig{Insecure: true},
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		RateLimit:  ginauth.RateLimitConfig{Disabled: true},
		Revocation: ginauth.RevocationConfig{Mode: ginauth.RevocationImmediate, Broadcaster: redisrevoke.New(c, "")},
	}, st)
	if err != nil {
		t.Fatal(err)
	}
	r.GET("/api/whoami", ginauth.RequireUser(), func(c *gin.Context) { c.Status(http.StatusNoContent) })
	srv := httptest.NewServer(r)
	t.Cleanup(func() { srv.Close(); _ = a.Close() })
	return &instance{srv: srv, auth: a}
}

func (in *instance) do(t *testing.T, method, path, body string, cookies []*http.Cookie) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, in.srv.URL+path, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	return res
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestRevocationBound: two servers on one database and a real Redis. A
// sign-out on A is refused on B within 1 s (p99 over the runs, logged);
// with Redis stopped (SIGSTOP) B checks the store and still refuses;
// Redis back, B's broadcast is up again.
func TestRevocationBound(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			addr, redisCmd := redisServer(t)
			st := testdb.Store(t, d.Open(t))
			a, b := newInstance(t, st, addr), newInstance(t, st, addr)
			waitFor(t, "broadcast up", func() bool { return a.auth.RevocationBroadcastUp() && b.auth.RevocationBroadcastUp() })
			const creds = `{"email":"bound@example.com","password":"correct-horse-42"}`
			if res := a.do(t, http.MethodPost, "/auth/sign-up", creds, nil); res.StatusCode != http.StatusOK {
				t.Fatalf("sign-up: %d", res.StatusCode)
			}
			signIn := func() []*http.Cookie {
				res := a.do(t, http.MethodPost, "/auth/sign-in", creds, nil)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("sign-in: %d", res.StatusCode)
				}
				return res.Cookies()
			}
			whoami := func(in *instance, c []*http.Cookie) int {
				return in.do(t, http.MethodGet, "/api/whoami", "", c).StatusCode
			}

			const runs = 50
			var bounds []time.Duration
			for range runs {
				s := signIn()
				if got := whoami(b, s); got != http.StatusNoContent {
					t.Fatalf("B before sign-out: %d", got)
				}
				a.do(t, http.MethodPost, "/auth/sign-out", "", s)
				start := time.Now()
				for whoami(b, s) != http.StatusUnauthorized {
					if time.Since(start) > time.Second {
						t.Fatal("B accepted a signed-out token for more than 1 s")
					}
				}
				bounds = append(bounds, time.Since(start))
			}
			slices.Sort(bounds)
			p99 := bounds[(len(bounds)*99+99)/100-1]
			t.Logf("revocation bound over %d sign-outs: p50 %v, p99 %v, max %v", runs, bounds[len(bounds)/2], p99, bounds[len(bounds)-1])

			// Redis stopped: B notices, checks the store, refuses.
			live, doomed := signIn(), signIn()
			_ = whoami(b, live)
			_ = whoami(b, doomed)
			if err := redisCmd.Process.Signal(syscall.SIGSTOP); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "broadcast down on B", func() bool { return !b.auth.RevocationBroadcastUp() })
			a.do(t, http.MethodPost, "/auth/sign-out", "", doomed)
			if got := whoami(b, doomed); got != http.StatusUnauthorized {
				t.Fatalf("B with Redis stopped accepted a signed-out token: %d", got)
			}
			if got := whoami(b, live); got != http.StatusNoContent {
				t.Fatalf("B with Redis stopped refused a live token: %d", got)
			}

			// Redis back: the broadcast is up and carries sign-outs again.
			if err := redisCmd.Process.Signal(syscall.SIGCONT); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "broadcast up again on B", func() bool { return b.auth.RevocationBroadcastUp() })
			waitFor(t, "broadcast up again on A", func() bool { return a.auth.RevocationBroadcastUp() })
			if got := whoami(b, doomed); got != http.StatusUnauthorized {
				t.Fatalf("B after recovery accepted a signed-out token: %d", got)
			}
			a.do(t, http.MethodPost, "/auth/sign-out", "", live)
			start := time.Now()
			for whoami(b, live) != http.StatusUnauthorized {
				if time.Since(start) > time.Second {
					t.Fatal("after recovery B accepted a signed-out token for more than 1 s")
				}
			}
		})
	}
}

// TestCloseIsNotAnOutage: closing a listening broadcaster ends it without
// reporting the broadcast down, so a clean shutdown logs no outage warning.
func TestCloseIsNotAnOutage(t *testing.T) {
	t.Parallel()
	addr, _ := redisServer(t)
	c := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { _ = c.Close() })
	b := redisrevoke.New(c, "")
	reports := make(chan bool, 4)
	if err := b.Listen(func(revocation.Revocation) {}, func(up bool) { reports <- up }); err != nil {
		t.Fatal(err)
	}
	select {
	case up := <-reports:
		if !up {
			t.Fatal("first health report: down, want up")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the broadcaster never reported up")
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	close(reports)
	for up := range reports {
		t.Errorf("health reported %v after Close", up)
	}
}
