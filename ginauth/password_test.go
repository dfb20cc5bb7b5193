package ginauth

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// testArgon2 are the fast test parameters of the brief.
var testArgon2 = Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true}

func TestSignUpOverloadedGives503(t *testing.T) {
	t.Parallel()
	a := storelessAuth(t, newTestClock(), func(c *Config) {
		c.MaxConcurrentHashes = 1
		c.HashQueueTimeout = 20 * time.Millisecond
	})
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(a.Middleware())
	a.mountAccountRoutes(r.Group(a.cfg.BasePath))
	// Occupy the only hashing slot: the sign-up must give up before it
	// reaches the (absent) store.
	defer a.hasher.HoldSlots()()
	req := httptest.NewRequest(http.MethodPost, "/auth/sign-up", strings.NewReader(`{"email":"ada@example.com","password":"correct-horse-42"}`))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), `"code":"overloaded"`) {
		t.Fatalf("sign-up with no hashing slot: %d %s, want 503 overloaded", w.Code, w.Body)
	}
	if w.Header().Get("Retry-After") == "" {
		t.Fatal("503 overloaded without Retry-After")
	}
	if len(w.Result().Cookies()) != 0 {
		t.Fatal("an overloaded sign-up must not set cookies")
	}
}
